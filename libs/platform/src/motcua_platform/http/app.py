"""The FastAPI app every service starts from: a request-body size limit, uniform JSON errors,
request metrics, health, readiness and metrics endpoints."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal
from urllib.parse import unquote_plus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motcua_platform.errors import ApiError, ErrorBody, Refusal, refusal_error
from motcua_platform.http.docs import install_docs
from motcua_platform.http.inputs import UNSTORABLE_REASON, FieldRefused, storable
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


class StorableText:
    """Refuses, before any route reads it, a request whose path or query string holds text that
    cannot be stored (:func:`~motcua_platform.http.inputs.storable`): a 422 naming the part.
    Bodies are checked field by field when they are parsed (``RequestBody``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
            for part, text in (("path", scope.get("path", "")), ("query", query)):
                if not storable(text):
                    reason = UNSTORABLE_REASON
                    error = ApiError(
                        422,
                        "validation_failed",
                        f"{part}: {reason}",
                        {"field": part, "reason": reason},
                    )
                    await error_response(error)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def create_app(
    *,
    title: str,
    metrics: PlatformMetrics,
    readiness: ReadinessCheck,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    description: str = "",
    root_path: str = "",
    max_body_bytes: int = 1 << 20,
    file_paths: Mapping[str, int] | None = None,
) -> FastAPI:
    """``file_paths``: the few routes that take a file (path suffix → largest body in bytes);
    every other route keeps ``max_body_bytes``."""
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
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes, file_paths=file_paths or {})
    app.add_middleware(StorableText)

    @app.get("/healthz", tags=["ops"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["ops"],
        summary="Can serve requests: the database answers",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "The database does not answer"}},
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


DRAIN_BYTES = 64 << 20


class BodySizeLimit:
    """Refuses a request body larger than ``max_bytes`` with a 413 before any route reads it,
    whether it announces its length or streams it in chunks; the body is read here, once."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, file_paths: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.file_paths = dict(file_paths or {})

    def limit_for(self, path: str) -> int:
        for suffix, limit in self.file_paths.items():
            if path.rstrip("/").endswith(suffix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope.get("path", ""))
        announced = dict(scope["headers"]).get(b"content-length", b"").decode("latin-1")
        if announced.isdigit() and int(announced) > max_bytes:
            await self._refuse(scope, receive, send, more_body=True, max_bytes=max_bytes)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app sees the disconnect below
            size += len(message.get("body", b""))
            if size > max_bytes:
                more = message.get("more_body", False)
                await self._refuse(scope, receive, send, more_body=more, max_bytes=max_bytes)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, *, more_body: bool, max_bytes: int
    ) -> None:
        # Read and drop the rest of a moderately large body first: a client still sending when
        # the server closes gets a connection reset instead of this answer. Beyond DRAIN_BYTES
        # the connection is closed without reading more.
        drained = 0
        while more_body and drained <= DRAIN_BYTES:
            message = await receive()
            if message["type"] != "http.request":
                return
            drained += len(message.get("body", b""))
            more_body = message.get("more_body", False)
        error = ApiError(
            413,
            "payload_too_large",
            f"the request body is larger than {max_bytes} bytes",
            {"field": "body", "reason": f"at most {max_bytes} bytes"},
        )
        response = error_response(error)
        if more_body:
            response.headers["Connection"] = "close"
        await response(scope, receive, send)


# Errors raised by the framework itself: the code and the part of the request at fault.
HTTP_ERRORS = {
    400: ("malformed_body", "body"),
    404: ("not_found", "path"),
    405: ("method_not_allowed", "method"),
    413: ("payload_too_large", "body"),
    415: ("unsupported_media_type", "Content-Type"),
}


def _problem(error: Any) -> dict[str, str]:
    """The field and reason of one validation error."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, FieldRefused):  # found inside the body, before its fields were read
        return {"field": cause.field, "reason": cause.reason}
    return {
        # A JSON syntax error's location is a character offset, not a field.
        "field": "body"
        if error["type"] == "json_invalid"
        else ".".join(str(p) for p in error["loc"] if p not in ("body",)) or "body",
        # Our own validators' reasons, without pydantic's "Value error, " prefix.
        "reason": str(cause) if error["type"] == "value_error" else error["msg"],
    }


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(Refusal)
    async def refused(_: Request, exc: Refusal) -> JSONResponse:
        return error_response(refusal_error(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        # One details shape for every refusal: the (first) field and its reason; a validation
        # error lists every problem besides.
        first = problems[0] if problems else {"field": "body", "reason": "invalid"}
        details = {**first, "problems": problems}
        return error_response(
            ApiError(422, "validation_failed", f"{first['field']}: {first['reason']}", details)
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, field = HTTP_ERRORS.get(exc.status_code, ("http_error", "request"))
        # A 400 is FastAPI's answer to a body it cannot decode (not UTF-8, not JSON).
        reason = "not a UTF-8 JSON document" if exc.status_code == 400 else str(exc.detail)
        return error_response(
            ApiError(exc.status_code, code, reason, {"field": field, "reason": reason})
        )

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
