"""Composition root of the console: settings, clock, backend client, identity provider, session
and security middleware, routes and error pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import AwareDatetime, BaseModel
from starlette.middleware.sessions import SessionMiddleware

from motcua_console.backend import Backend
from motcua_console.oidc import Provider
from motcua_console.routes import auth, cases, documents, intake, leader, review
from motcua_console.session import SignInRequired, current_official
from motcua_console.settings import ConsoleSettings
from motcua_console.web import render
from motcua_platform.auth import Principal, TokenVerifier
from motcua_platform.clock import TimeSource, clock_for
from motcua_platform.errors import ApiError
from motcua_platform.http.app import create_app
from motcua_platform.http.security import require_roles
from motcua_platform.logs import configure_logging
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.runtime import serve

log = logging.getLogger(__name__)
SERVICES = ("intake", "workflow", "feedback")
admins = require_roles("admin")


class TickBody(BaseModel):
    at: AwareDatetime


def build_app(settings: ConsoleSettings) -> FastAPI:
    if settings.session_secret is None:
        raise RuntimeError("MOTCUA_SESSION_SECRET must be set (it signs the session cookie)")
    metrics = PlatformMetrics(settings.service_name)
    time = TimeSource(clock_for(settings.simulation), settings.simulation)
    provider = Provider(settings)
    urls = {
        "intake": settings.intake_url.rstrip("/"),
        "workflow": settings.workflow_url.rstrip("/"),
        "feedback": settings.feedback_url.rstrip("/"),
    }
    http = httpx.AsyncClient(
        timeout=settings.backend_timeout_seconds,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )
    backend = Backend(urls, http, time)

    async def readiness() -> dict[str, bool]:
        async def answers(url: str) -> bool:
            try:
                return (await http.get(f"{url}/healthz", timeout=2)).status_code == 200
            except httpx.HTTPError:
                return False

        checks = await asyncio.gather(provider.reachable(), *(answers(urls[s]) for s in SERVICES))
        return dict(zip(("identity_provider", *SERVICES), checks, strict=True))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await http.aclose()

    app = create_app(
        title="Motcua console",
        description="Màn hình làm việc của cán bộ một cửa",
        metrics=metrics,
        readiness=readiness,
        lifespan=lifespan,
    )
    app.state.backend = backend
    app.state.settings = settings
    app.state.provider = provider
    app.state.token_verifier = TokenVerifier(
        secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
        jwks_url=settings.oidc_jwks_url or f"{provider.issuer}/protocol/openid-connect/certs",
        issuer=provider.issuer,
        audience=settings.oidc_audience,
    )
    _install_security_headers(app, provider.issuer)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret.get_secret_value(),
        session_cookie="motcua_console",
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.mount(
        "/static", StaticFiles(directory=str(files("motcua_console") / "static")), name="static"
    )
    for module in (auth, intake, review, cases, documents, leader):
        app.include_router(module.router)
    _install_error_pages(app)

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        official = current_official(request)
        for role, target in (
            ("receiver", "/intake"),
            ("specialist", "/queue"),
            ("leader", "/queue"),
            ("auditor", "/leader"),
            ("admin", "/leader"),
        ):
            if official.has_any(role):
                return RedirectResponse(target, status_code=303)
        return render(
            request,
            "error.html",
            403,
            official=official,
            message="Tài khoản chưa được giao vai trò nào.",
        )

    @app.post("/admin/tick", tags=["simulation"], summary="Move the console's simulated clock")
    async def tick(body: TickBody, principal: Principal = Depends(admins)) -> dict[str, Any]:
        return {"at": time.tick(body.at).isoformat()}

    return app


def _install_security_headers(app: FastAPI, issuer: str) -> None:
    provider = "{0.scheme}://{0.netloc}".format(urlsplit(issuer))
    policy = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"frame-ancestors 'none'; base-uri 'none'; form-action 'self' {provider}"
    )

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        login = f"/login?next={quote(target, safe='')}"
        if request.headers.get("HX-Request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": login})
        return RedirectResponse(login, status_code=303)

    @app.exception_handler(ApiError)
    async def error_page(request: Request, exc: ApiError) -> Response:
        if request.url.path.startswith("/admin/") or "application/json" in request.headers.get(
            "accept", ""
        ):
            from motcua_platform.http.app import error_response

            return error_response(exc)
        if exc.status == 401:
            request.session.clear()
            return await sign_in_first(request, SignInRequired())
        official = None
        if request.session.get("official"):
            official = current_official(request)
        template = "_error.html" if request.headers.get("HX-Request") == "true" else "error.html"
        return render(
            request, template, exc.status, official=official, message=exc.message, status=exc.status
        )


def main() -> None:
    settings = ConsoleSettings()
    configure_logging(settings.service_name, settings.log_level)
    # httpx logs every request line at INFO; a citizen lookup's URL carries a personal ID.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    serve(build_app(settings), settings)


if __name__ == "__main__":
    main()
