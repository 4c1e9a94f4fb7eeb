"""Citizens sign in through the citizens' identity provider (standing in for the national e-ID,
VNeID); the personal ID number comes from a claim of their token, never from a form field.

Citizens' tokens are told apart from officials' by their issuer: the local development issuer
below, or the citizens' realm of the OIDC provider in production.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

import jwt

from motcua_platform.auth.tokens import IssuerKeys, Unauthenticated
from motcua_platform.personal_id import pseudonymous_key
from motcua_platform.settings import PlatformSettings

CITIZEN_ISSUER_LOCAL = "motcua-local-citizens"
PERSONAL_ID_CLAIM = "personal_id"


@dataclass(frozen=True)
class Citizen:
    """A signed-in citizen. ``personal_id`` is personal data: never log it or put it in a URL."""

    subject: str
    personal_id: str
    name: str | None = None

    def __repr__(self) -> str:  # keeps the ID number out of logs and tracebacks
        return f"Citizen(subject={self.subject!r})"

    def applicant_key(self, secret: bytes) -> str:
        """The pseudonymous key events carry for this citizen as an applicant."""
        return pseudonymous_key(self.personal_id, secret)


class CitizenVerifier:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_url: str | None = None,
        issuer: str | None = None,
        audience: str | None = None,
        id_claim: str = PERSONAL_ID_CLAIM,
    ) -> None:
        if not secret and not jwks_url:
            raise RuntimeError(
                "no citizen token verification configured: set MOTCUA_JWT_SECRET (development) "
                "or MOTCUA_CITIZEN_OIDC_JWKS_URL (production)"
            )
        self.id_claim = id_claim
        self.keys = IssuerKeys(
            secret=secret,
            jwks_url=jwks_url,
            issuer=issuer,
            audience=audience,
            local_issuer=CITIZEN_ISSUER_LOCAL,
            required=["sub", "exp", "iss"],
            what="citizen token",
        )

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> CitizenVerifier:
        return cls(
            secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
            jwks_url=settings.citizen_oidc_jwks_url,
            issuer=settings.citizen_oidc_issuer,
            audience=settings.citizen_oidc_audience,
            id_claim=settings.citizen_id_claim,
        )

    def verify(self, token: str) -> Citizen:
        claims = self.keys.claims(token)
        personal_id = claims.get(self.id_claim)
        if not isinstance(personal_id, str) or not personal_id:
            raise Unauthenticated(f"citizen token has no {self.id_claim} claim")
        return Citizen(subject=str(claims["sub"]), personal_id=personal_id, name=claims.get("name"))


def mint_citizen_token(
    secret: str,
    *,
    personal_id: str,
    name: str | None = None,
    ttl_seconds: int = 3600,
    now: float | None = None,
) -> str:
    """A development citizen token signed with the local key (tests and scripts)."""
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "sub": "citizen-" + hashlib.sha256(personal_id.encode()).hexdigest()[:12],
        PERSONAL_ID_CLAIM: personal_id,
        "iss": CITIZEN_ISSUER_LOCAL,
        "iat": issued,
        "exp": issued + ttl_seconds,
    }
    if name:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm="HS256")
