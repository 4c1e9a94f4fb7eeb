"""The signed-in official, kept in the session cookie, and the CSRF token of every form.

The cookie (Starlette's signed session) is HttpOnly, SameSite=Lax — sent on the provider's
redirect back to the console, never on another site's form post — and Secure over HTTPS. It holds
who signed in and their tokens; nothing of a dossier.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from motcua_platform.auth import Principal
from motcua_platform.errors import ApiError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Official:
    """The signed-in official: the principal the services will see, plus display details."""

    principal: Principal
    username: str
    counter: str | None

    @property
    def name(self) -> str:
        return self.principal.name or self.username

    def has_any(self, *roles: str) -> bool:
        return self.principal.has_any(*roles)

    def to_session(self) -> dict[str, Any]:
        p = self.principal
        return {
            "sub": p.subject,
            "unit": p.unit,
            "roles": sorted(p.roles),
            "name": p.name,
            "username": self.username,
            "counter": self.counter,
        }

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> Official:
        principal = Principal(
            subject=data["sub"],
            unit=data["unit"],
            roles=frozenset(data["roles"]),
            name=data.get("name"),
        )
        return cls(principal, data.get("username") or data["sub"], data.get("counter"))


class SignInRequired(Exception):
    """No official is signed in: the page redirects to the sign-in."""


class Forbidden(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(403, "forbidden", message)


def sign_in(request: Request, official: Official, tokens: dict[str, Any]) -> None:
    request.session.clear()
    request.session.update(
        official=official.to_session(),
        tokens=tokens,
        csrf=secrets.token_urlsafe(32),
    )


def current_official(request: Request) -> Official:
    data = request.session.get("official")
    if not data:
        raise SignInRequired()
    return Official.from_session(data)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """Every state-changing request carries the session's CSRF token, in the form or (htmx) in
    a header; anything else is refused before it reaches a service."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise Forbidden("thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF)")


def require_roles(official: Official, *roles: str) -> None:
    if not official.has_any(*roles):
        raise Forbidden("tài khoản không có vai trò được phép dùng chức năng này")
