"""Thiết bị và phiên đánh giá tại quầy: the proofs that a kiosk call comes from the counter's
own tablet.

Two keyed hashes, so the service checks both without storing anything:

- the **device token** of a counter (mã thiết bị) is what makes a tablet that counter's kiosk. A
  leader of the unit hands it to the tablet once, inside the device link
  (``GET /kiosk/{counter}/link``); the tablet sends it with every call, and without it
  ``GET /kiosk/{counter}/current`` shows nothing. A token opens one counter's kiosk only;
- the **session** (phiên đánh giá): ``GET /kiosk/{counter}/current`` hands the tablet a session
  value for the dossier it shows; the rating posted back must carry it. A session shown at one
  counter is useless at another or for another dossier.

Each is derived from its own sub-key of the service's kiosk key (``FeedbackSettings``); a new key
voids every device link and every session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from motcua_feedback.domain.errors import InvalidKioskDevice, KioskDeviceRequired

MIN_KEY_BYTES = 16


def _mac(key: bytes, message: str) -> str:
    if len(key) < MIN_KEY_BYTES:
        # A short key would make the values guessable, and guessing one is enough to rate.
        raise ValueError(f"the kiosk key must be at least {MIN_KEY_BYTES} bytes")
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# ------------------------------------------------------------------------------ device


def counter_unit(counter: str) -> str | None:
    """The unit a counter belongs to: a counter code is ``<agency code>-<counter id>``
    (``H15.01.36-Q01`` is counter ``Q01`` of ``H15.01.36``); ``None`` for a code of another
    shape, which no unit can claim."""
    unit, dash, local = counter.partition("-")
    return unit if dash and unit and local else None


def kiosk_device_token(key: bytes, counter: str) -> str:
    """The device token of ``counter``'s kiosk; ``key`` is the service's device sub-key."""
    if not counter:
        raise ValueError("counter must not be empty")
    # Its own message prefix too: a device token can never equal a session (whose message holds
    # a newline, which a counter in a URL path cannot).
    return _mac(key, f"kiosk-device:{counter}")


def verify_kiosk_device(key: bytes, token: str | None, counter: str) -> bool:
    """Whether ``token`` is the device token of ``counter`` (compared in constant time)."""
    if not token or not counter:
        return False
    return hmac.compare_digest(kiosk_device_token(key, counter).encode(), token.encode())


def require_kiosk_device(key: bytes, token: str | None, counter: str) -> None:
    """Refuse a caller that is not ``counter``'s own kiosk device."""
    if not token:
        raise KioskDeviceRequired(counter)
    if not verify_kiosk_device(key, token, counter):
        raise InvalidKioskDevice(counter)


# ----------------------------------------------------------------------------- session


def issue_kiosk_session(key: bytes, counter: str, dossier_code: str) -> str:
    """The session for ``dossier_code`` shown at ``counter``; ``key`` is the service's secret."""
    return _mac(key, f"{counter}\n{dossier_code}")


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
    expected = issue_kiosk_session(key, counter, dossier_code)
    # As bytes: a non-ASCII value from the request body is a wrong session, not a crash.
    return hmac.compare_digest(expected.encode(), session.encode())
