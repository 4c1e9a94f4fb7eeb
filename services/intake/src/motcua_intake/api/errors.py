"""Domain refusals as the uniform error body:
``{"error": {"code", "message", "details": {"field", "reason", …}}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from motcua_intake.domain.errors import DomainError
from motcua_platform.errors import ApiError
from motcua_platform.http.app import error_response

STATUS_OF_KIND = {"invalid": 422, "not_found": 404, "conflict": 409}


def api_error(exc: DomainError) -> ApiError:
    details: dict[str, Any] = {"field": exc.field, "reason": exc.message}
    if isinstance(exc.details, dict):
        details.update(exc.details)
    elif exc.details is not None:
        details["info"] = exc.details
    return ApiError(STATUS_OF_KIND[exc.kind], exc.code, exc.message, details)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return error_response(api_error(exc))
