"""Phiên đánh giá tại quầy: the proof that a kiosk rating comes from the counter's own tablet.

``GET /kiosk/{counter}/current`` hands the tablet a session value for the dossier it shows; the
rating posted back must carry it. The value is a keyed hash of the counter and the dossier code,
so the service can check it without storing anything, and a session shown at one counter is
useless at another or for another dossier.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def issue_kiosk_session(key: bytes, counter: str, dossier_code: str) -> str:
    """The session for ``dossier_code`` shown at ``counter``; ``key`` is the service's secret."""
    if len(key) < 16:
        # A short key would make sessions guessable, and guessing one is enough to rate.
        raise ValueError("the kiosk session key must be at least 16 bytes")
    message = f"{counter}\n{dossier_code}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def verify_kiosk_session(
    key: bytes, session: str | None, counter: str | None, dossier_code: str
) -> bool:
    """Whether ``session`` was issued for ``dossier_code`` at ``counter``.

    The rating body names no counter, so the caller checks the session against the counter that
    returned the dossier and passes that counter as ``DossierRecord.rate(via_kiosk_counter=...)``
    only when this is true.
    """
    if not session or not counter:
        return False
    return hmac.compare_digest(issue_kiosk_session(key, counter, dossier_code), session)
