"""Mã đánh giá trực tuyến: the one-time token printed (as a QR code or link) with the result.

The token is derived from the dossier code with the service's key instead of drawn at random, so
it can be printed again for the citizen (``GET /ratings/requests/{code}``) although only its hash
is stored: a leaked database still yields no usable token, and without the key no token can be
computed from a dossier code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

DEFAULT_BYTES = 32


def rating_token(key: bytes, dossier_code: str, nbytes: int = DEFAULT_BYTES) -> str:
    """The online rating token of ``dossier_code``."""
    digest = hmac.new(key, f"rating-token\n{dossier_code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:nbytes]).decode().rstrip("=")


class DerivedTokens:
    """A ``TokenSource`` for ``DossierRecord.apply_workflow`` that hands out the derived token."""

    def __init__(self, key: bytes, dossier_code: str) -> None:
        self._key = key
        self._dossier_code = dossier_code

    def token_urlsafe(self, nbytes: int | None = None) -> str:
        return rating_token(self._key, self._dossier_code, min(nbytes or DEFAULT_BYTES, 32))
