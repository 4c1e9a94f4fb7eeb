"""Số định danh cá nhân — the 12-digit personal ID number: how it is pseudonymised for events
and for the services that must recognise a citizen without holding the number."""

from __future__ import annotations

import hashlib
import hmac


def pseudonymous_key(personal_id: str, secret: bytes) -> str:
    """Keyed hash of a personal ID number: what events carry instead of the number itself.

    HMAC-SHA256 (not a bare hash: 12-digit numbers are few enough to enumerate), truncated to
    128 bits, which is plenty to tell citizens apart.
    """
    if not secret:
        raise ValueError("the pseudonymisation secret must not be empty")
    digest = hmac.new(secret, personal_id.strip().encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:32]
