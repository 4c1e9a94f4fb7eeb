"""FastAPI dependencies for authentication and role checks."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from motcua_platform.auth import Principal, TokenVerifier
from motcua_platform.auth.tokens import Unauthenticated
from motcua_platform.errors import ApiError

_bearer = HTTPBearer(auto_error=False)


def optional_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal | None:
    """The official behind a bearer token, if one was sent (citizens send none); a token that
    is sent must be valid."""
    if credentials is None:
        return None
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


def current_principal(principal: Principal | None = Depends(optional_principal)) -> Principal:
    if principal is None:
        raise Unauthenticated("bearer token required")
    return principal


def check_roles(principal: Principal, *roles: str) -> Principal:
    """``principal`` if it holds one of ``roles``; 403 otherwise."""
    if not principal.has_any(*roles):
        raise ApiError(
            403,
            "forbidden_role",
            f"requires one of the roles {sorted(roles)}",
            {"required": sorted(roles), "roles": sorted(principal.roles)},
        )
    return principal


def require_roles(*roles: str) -> Callable[..., Principal]:
    """A dependency that admits only callers holding one of ``roles``."""

    def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        return check_roles(principal, *roles)

    return dependency
