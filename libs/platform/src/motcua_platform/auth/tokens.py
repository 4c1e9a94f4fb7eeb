"""JWT verification: a local HS256 signing key for development, OIDC (JWKS) in production."""

from __future__ import annotations

import time
from typing import Any

import jwt

from motcua_platform.auth.principal import ROLES, Principal
from motcua_platform.errors import ApiError

ISSUER_LOCAL = "motcua-local"


class Unauthenticated(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(401, "unauthenticated", message)


class TokenVerifier:
    """Verifies development tokens (HS256, the local key) and the identity provider's tokens
    (JWKS), each with its own key, issuer and algorithms; either or both may be configured, so
    scripts keep ``make token`` while people sign in through the provider."""

    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_url: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
    ) -> None:
        if not secret and not jwks_url:
            raise RuntimeError(
                "no token verification configured: set MOTCUA_JWT_SECRET (development) or "
                "MOTCUA_OIDC_JWKS_URL (production)"
            )
        self.secret = secret
        # Without a JWKS the issuer setting names the local issuer (as before OIDC was added).
        self.issuer = issuer if jwks_url else issuer or ISSUER_LOCAL
        self.audience = audience
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None

    def _key_for(self, token: str) -> tuple[Any, list[str], str | None, str | None]:
        """The key, algorithms, issuer and audience to check ``token`` with, chosen by its
        (unverified) issuer: each issuer is then verified with its own key only."""
        if self.secret and (self._jwks is None or issuer_of(token) == ISSUER_LOCAL):
            issuer = self.issuer if self._jwks is None else ISSUER_LOCAL
            return self.secret, ["HS256"], issuer, None
        assert self._jwks is not None
        key = self._jwks.get_signing_key_from_jwt(token).key
        return key, ["RS256", "ES256"], self.issuer, self.audience

    def verify(self, token: str) -> Principal:
        try:
            key, algorithms, issuer, audience = self._key_for(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                options={"require": ["sub", "exp"], "verify_aud": audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("token expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        unit = claims.get("unit")
        roles = claims.get("roles") or []
        if not isinstance(unit, str) or not unit:
            raise Unauthenticated("token has no unit claim")
        if isinstance(roles, str):
            roles = roles.split()
        return Principal(
            subject=str(claims["sub"]),
            unit=unit,
            roles=frozenset(r for r in roles if r in ROLES),
            name=claims.get("name") or claims.get("preferred_username"),
        )


def issuer_of(token: str) -> str | None:
    """The ``iss`` claim before verification: only to pick which key verifies the token."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    issuer = claims.get("iss")
    return issuer if isinstance(issuer, str) else None


def mint_token(
    secret: str,
    *,
    subject: str,
    unit: str,
    roles: list[str],
    name: str | None = None,
    ttl_seconds: int = 8 * 3600,
) -> str:
    """A development token signed with the local key (``make token``)."""
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; known: {sorted(ROLES)}")
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "unit": unit,
        "roles": roles,
        "iss": ISSUER_LOCAL,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm="HS256")
