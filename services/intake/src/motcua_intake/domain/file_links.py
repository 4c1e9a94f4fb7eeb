"""Short-lived download links for stored files.

Rights are checked when a link is issued (an official of the dossier's units, or the citizen
who owns the dossier); the link itself then proves them for a few minutes, so a browser can
follow it without a token. It names the file's random key and the dossier, never a person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from motcua_intake.domain.errors import DomainError


class LinkRefused(DomainError):
    def __init__(self, reason: str, code: str, message: str) -> None:
        super().__init__(code, message, field="link")
        self.reason = reason


class LinkExpired(LinkRefused):
    def __init__(self, expired_at: datetime) -> None:
        super().__init__(
            "expired",
            "link_expired",
            "Đường dẫn tải tệp đã hết hạn; hãy mở lại hồ sơ để lấy đường dẫn mới.",
        )
        self.details = {"expired_at": expired_at.isoformat()}


class LinkInvalid(LinkRefused):
    def __init__(self) -> None:
        super().__init__("forbidden", "link_invalid", "Đường dẫn tải tệp không hợp lệ.")


@dataclass(frozen=True)
class FileLink:
    key: str
    dossier: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_link(
    secret: bytes, key: str, dossier: str, now: datetime, ttl: timedelta
) -> tuple[str, datetime]:
    """The link token for ``key`` of ``dossier``, valid for ``ttl`` from ``now``."""
    expires_at = now + ttl
    body = _b64(
        json.dumps(
            {"k": key, "d": dossier, "e": int(expires_at.timestamp())}, separators=(",", ":")
        ).encode()
    )
    mac = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    return f"{body}.{mac}", expires_at


def open_link(secret: bytes, token: str, now: datetime) -> FileLink:
    """The file a token names, if its signature holds and it has not expired at ``now``."""
    body, _, mac = token.partition(".")
    expected = _b64(hmac.new(secret, body.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac, expected):
        raise LinkInvalid()
    try:
        data = json.loads(_unb64(body))
        link = FileLink(
            key=str(data["k"]),
            dossier=str(data["d"]),
            expires_at=datetime.fromtimestamp(int(data["e"]), UTC),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise LinkInvalid() from exc
    if now >= link.expires_at:
        raise LinkExpired(link.expires_at)
    return link
