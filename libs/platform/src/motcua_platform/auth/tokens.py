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


class IssuerKeys:
    """The claims of a JWT signed by one of two issuers, each checked with its own key, issuer
    and algorithms: the local development key (HS256, ``local_issuer``) and the identity
    provider's keys (JWKS: RS256/ES256, ``issuer`` and ``audience``). Either or both may be
    configured. Raises :class:`Unauthenticated` for anything that does not verify."""

    def __init__(
        self,
        *,
        secret: str | None,
        jwks_url: str | None,
        issuer: str | None,
        audience: str | None,
        local_issuer: str,
        required: list[str],
        what: str,
    ) -> None:
        self.secret = secret
        self.local_issuer = local_issuer
        self.issuer = issuer
        self.audience = audience
        self.required = required
        self.what = what
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None

    def claims(self, token: str) -> dict[str, Any]:
        issuer: str | None
        try:
            if self.secret and (self._jwks is None or issuer_of(token) == self.local_issuer):
                key: Any = self.secret
                algorithms, issuer, audience = ["HS256"], self.local_issuer, None
            else:
                assert self._jwks is not None
                key = self._jwks.get_signing_key_from_jwt(token).key
                algorithms, issuer, audience = ["RS256", "ES256"], self.issuer, self.audience
            return dict(
                jwt.decode(
                    token,
                    key,
                    algorithms=algorithms,
                    issuer=issuer,
                    audience=audience,
                    options={"require": self.required, "verify_aud": audience is not None},
                )
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("token expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid {self.what}: {exc}") from exc


class TokenVerifier:
    """Verifies officials' tokens: development ones (HS256, the local key) and the identity
    provider's (JWKS); either or both may be configured, so scripts keep ``make token`` while
    people sign in through the provider."""

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
        self.keys = IssuerKeys(
            secret=secret,
            jwks_url=jwks_url,
            issuer=issuer,
            audience=audience,
            # Without a JWKS the issuer setting names the local issuer (as before OIDC).
            local_issuer=ISSUER_LOCAL if jwks_url else issuer or ISSUER_LOCAL,
            required=["sub", "exp"],
            what="token",
        )

    def verify(self, token: str) -> Principal:
        claims = self.keys.claims(token)
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
