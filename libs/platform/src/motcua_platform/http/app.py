"""The FastAPI app every service starts from: uniform JSON errors, request metrics, health,
readiness and metrics endpoints."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from motcua_platform.errors import ApiError, ErrorBody, Refusal, refusal_error
from motcua_platform.http.docs import install_docs
from motcua_platform.metrics import PlatformMetrics

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[dict[str, bool]]]


class Readiness(BaseModel):
    """The answer of /readyz, 200 or 503 (the one answer that is not an error body)."""

    status: Literal["ready", "unavailable"]
    checks: dict[str, bool]


class RootPath:
    """Serves the app under an ingress path prefix (MOTCUA_ROOT_PATH), whether or not the ingress
    strips it: Starlette routes a path with or without the ASGI root_path, and /docs and
    /openapi.json name it. Not uvicorn's --root-path, which prepends it to every path and so
    needs an ingress that strips the prefix, which Kubernetes' Ingress cannot say portably."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "root_path": self.prefix}
        await self.app(scope, receive, send)


def create_app(
    *,
    title: str,
    metrics: PlatformMetrics,
    readiness: ReadinessCheck,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    description: str = "",
    root_path: str = "",
) -> FastAPI:
    app = FastAPI(
        title=title,
        description=description,
        lifespan=lifespan,
        version="1",
        # Served from the package (install_docs): no CDN.
        docs_url=None,
        redoc_url=None,
        # Every error has the one body; declared for the ranges, which also keeps FastAPI from
        # documenting a 422 body the API never sends.
        responses={
            "4XX": {"model": ErrorBody, "description": "Refused: the one error body"},
            "5XX": {"model": ErrorBody, "description": "Failed or unavailable: the one error body"},
        },
    )
    _errors_are_json(app)
    install_docs(app)
    if root_path.rstrip("/"):
        app.add_middleware(RootPath, prefix=root_path.rstrip("/"))
    _install_error_handlers(app)
    _install_request_metrics(app, metrics)

    @app.get("/healthz", tags=["ops"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["ops"],
        summary="Broker and database reachable",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A dependency does not answer"}},
    )
    async def readyz() -> JSONResponse:
        checks = await readiness()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app


def _errors_are_json(app: FastAPI) -> None:
    """FastAPI documents an operation's extra responses in the operation's own media type, so an
    HTML page would show HTML errors; every error is the JSON ErrorBody."""
    document = app.openapi

    def openapi() -> dict[str, Any]:
        schema = document()
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status in ("4XX", "5XX"):
                    if status in operation.get("responses", {}):
                        operation["responses"][status]["content"] = body
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def error_response(error: ApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(Refusal)
    async def refused(_: Request, exc: Refusal) -> JSONResponse:
        return error_response(refusal_error(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p not in ("body",)) or "body",
                "reason": e["msg"],
            }
            for e in exc.errors()
        ]
        first = details[0] if details else {"field": "body", "reason": "invalid"}
        return error_response(
            ApiError(422, "validation_failed", f"{first['field']}: {first['reason']}", details)
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(ApiError(exc.status_code, code, str(exc.detail)))

    @app.exception_handler(PyMongoError)
    async def database_error(_: Request, exc: PyMongoError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc).__name__)
        return error_response(ApiError(503, "dependency_unavailable", "database unavailable"))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return error_response(ApiError(500, "internal_error", "internal error"))


def _install_request_metrics(app: FastAPI, metrics: PlatformMetrics) -> None:
    @app.middleware("http")
    async def count(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Any:
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            # The route template, never the concrete path: labels must not carry dossier codes.
            path = getattr(route, "path", "unmatched")
            metrics.http_requests.labels(metrics.service, request.method, path, str(status)).inc()
            metrics.http_duration.labels(metrics.service, request.method, path).observe(
                time.perf_counter() - start
            )
