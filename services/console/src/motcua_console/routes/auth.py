"""Sign-in, the callback from the identity provider, and sign-out."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from motcua_console.oidc import Provider
from motcua_console.session import Official, check_csrf, sign_in
from motcua_console.web import render
from motcua_platform.auth import TokenVerifier

log = logging.getLogger(__name__)
router = APIRouter()
ID_TOKEN_COOKIE = "motcua_console_id"


def _local(target: str | None) -> str:
    """Only a path of this console may follow a sign-in (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", include_in_schema=False)
async def login(request: Request, next: str | None = None) -> Response:
    provider: Provider = request.app.state.provider
    request.session["after_login"] = _local(next)
    return await provider.login_redirect(request, str(request.url_for("callback")))


@router.get("/auth/callback", name="callback", include_in_schema=False)
async def callback(request: Request) -> Response:
    provider: Provider = request.app.state.provider
    after = _local(request.session.get("after_login"))
    try:
        tokens = await provider.finish_login(request)
    except Exception as exc:  # an expired or replayed code, a state mismatch
        log.info("sign-in not completed: %s", type(exc).__name__)
        return render(request, "signed_out.html", 400, problem=True)
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.verify(tokens["access_token"])
    claims = _unverified_claims(tokens["access_token"])
    counter = claims.get("counter")
    official = Official(
        principal,
        username=str(claims.get("preferred_username") or principal.subject),
        counter=counter if isinstance(counter, str) else None,
    )
    id_token = tokens.pop("id_token", None)
    sign_in(request, official, tokens)
    log.info("official signed in (unit %s)", principal.unit)
    response = RedirectResponse(after, status_code=303)
    if id_token:
        # Sent back only to /logout, where it tells the provider which session to end.
        response.set_cookie(
            ID_TOKEN_COOKIE,
            id_token,
            max_age=int(request.app.state.settings.session_hours * 3600),
            path="/logout",
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.secure_cookies,
        )
    return response


def _unverified_claims(token: str) -> dict[str, object]:
    # Display details only, read from a token the verifier has just accepted.
    import jwt

    return dict(jwt.decode(token, options={"verify_signature": False}))


@router.post("/logout", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def logout(request: Request) -> Response:
    provider: Provider = request.app.state.provider
    id_token = request.cookies.get(ID_TOKEN_COOKIE)
    request.session.clear()
    after = str(request.url_for("signed_out"))
    response = RedirectResponse(await provider.logout_url(id_token, after), 303)
    response.delete_cookie(ID_TOKEN_COOKIE, path="/logout")
    return response


@router.get("/signed-out", name="signed_out", include_in_schema=False)
async def signed_out(request: Request) -> Response:
    return render(request, "signed_out.html", problem=False)
