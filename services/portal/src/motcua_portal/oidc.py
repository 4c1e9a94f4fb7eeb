"""Sign-in through the citizens' identity provider: OpenID Connect authorization code flow with
PKCE, as a confidential client. The portal keeps only what its session needs: the access token
(sent to the services, which verify it) and the name to greet the citizen with."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt


@dataclass(frozen=True)
class SignIn:
    """What the session remembers between the redirect and the callback."""

    url: str
    state: str
    verifier: str
    nonce: str


@dataclass(frozen=True)
class Tokens:
    access_token: str
    id_token: str | None
    name: str | None
    expires_in: int


class SignInFailed(Exception):
    pass


class OidcClient:
    def __init__(self, issuer: str, client_id: str, client_secret: str, http: httpx.AsyncClient):
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.http = http
        self._config: dict[str, Any] | None = None

    async def config(self) -> dict[str, Any]:
        if self._config is None:
            r = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
            r.raise_for_status()
            self._config = r.json()
        return self._config

    async def begin(self, redirect_uri: str) -> SignIn:
        config = await self.config()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid",
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "ui_locales": "vi",
            }
        )
        return SignIn(f"{config['authorization_endpoint']}?{query}", state, verifier, nonce)

    async def finish(self, code: str, redirect_uri: str, verifier: str, nonce: str) -> Tokens:
        config = await self.config()
        r = await self.http.post(
            config["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
            auth=(self.client_id, self.client_secret),
        )
        if r.status_code != 200:
            raise SignInFailed(f"token endpoint answered {r.status_code}")
        body = r.json()
        id_token = body.get("id_token")
        name = None
        if id_token:
            # Straight from the token endpoint over the back channel: the nonce ties it to this
            # sign-in; the services verify the access token's signature on every call.
            claims = jwt.decode(id_token, options={"verify_signature": False})
            if claims.get("nonce") != nonce:
                raise SignInFailed("nonce mismatch")
            name = claims.get("name")
        return Tokens(body["access_token"], id_token, name, int(body.get("expires_in", 300)))

    async def logout_url(self, id_token: str | None, redirect_uri: str) -> str | None:
        config = await self.config()
        endpoint = config.get("end_session_endpoint")
        if not endpoint:
            return None
        params = {"post_logout_redirect_uri": redirect_uri, "client_id": self.client_id}
        if id_token:
            params["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(params)}"
