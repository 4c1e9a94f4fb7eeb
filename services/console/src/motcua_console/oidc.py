"""Sign-in with the officials' identity provider: OpenID Connect authorization code with PKCE
(Authlib), a confidential client; tokens refreshed before they expire; sign-out ends the session
at the provider too."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from fastapi import Request

from motcua_console.session import SignInRequired
from motcua_console.settings import ConsoleSettings

REFRESH_MARGIN_SECONDS = 30


class Provider:
    """The officials' realm at the identity provider."""

    def __init__(self, settings: ConsoleSettings) -> None:
        if not settings.oidc_issuer:
            raise RuntimeError("MOTCUA_OIDC_ISSUER must name the officials' realm")
        self.settings = settings
        self.issuer = settings.oidc_issuer.rstrip("/")
        secret = settings.oidc_client_secret
        oauth = OAuth()
        oauth.register(
            "officials",
            client_id=settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
        )
        client = oauth.create_client("officials")
        assert isinstance(client, StarletteOAuth2App)
        self.client = client

    async def metadata(self) -> dict[str, Any]:
        return dict(await self.client.load_server_metadata())

    async def reachable(self) -> bool:
        try:
            async with httpx.AsyncClient(timeout=2) as http:
                r = await http.get(f"{self.issuer}/.well-known/openid-configuration")
            return r.status_code == 200
        except httpx.HTTPError:
            return False

    async def login_redirect(self, request: Request, redirect_uri: str) -> Any:
        return await self.client.authorize_redirect(request, redirect_uri)

    async def finish_login(self, request: Request) -> dict[str, Any]:
        """Exchange the code (with the PKCE verifier kept in the session) and check the ID
        token; the session tokens to keep."""
        token = await self.client.authorize_access_token(request)
        return {**_kept(token), "id_token": token.get("id_token")}

    async def fresh_tokens(self, tokens: dict[str, Any]) -> dict[str, Any]:
        """``tokens`` if the access token is still good, else refreshed at the provider."""
        if tokens.get("expires_at", 0) - REFRESH_MARGIN_SECONDS > time.time():
            return tokens
        refresh = tokens.get("refresh_token")
        if not refresh:
            raise SignInRequired()
        meta = await self.metadata()
        secret = self.settings.oidc_client_secret
        async with httpx.AsyncClient(timeout=10) as http:
            r = await http.post(
                meta["token_endpoint"],
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": refresh,
                    "client_id": self.settings.oidc_client_id,
                    "client_secret": secret.get_secret_value() if secret else "",
                },
            )
        if r.status_code != 200:
            raise SignInRequired()
        answer = r.json()
        return _kept(answer)

    async def logout_url(self, id_token: str | None, after: str) -> str:
        meta = await self.metadata()
        query = {"client_id": self.settings.oidc_client_id, "post_logout_redirect_uri": after}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{meta['end_session_endpoint']}?{urlencode(query)}"


def _kept(token: dict[str, Any]) -> dict[str, Any]:
    """What the session keeps of a token answer: the cookie must stay under 4 kB, so the ID token
    (needed only to end the session at the provider) travels in a cookie of its own."""
    expires_at = token.get("expires_at") or time.time() + float(token.get("expires_in", 60))
    return {
        "access_token": token["access_token"],
        "refresh_token": token.get("refresh_token"),
        "expires_at": int(expires_at),
    }
