"""Refusals as the uniform error body:
``{"error": {"code", "message", "details": {"field", "reason", …}}}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from motcua_platform.errors import Refusal, refusal_error
from motcua_platform.http.app import error_response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refused(_: Request, exc: Refusal) -> JSONResponse:
        return error_response(refusal_error(exc))
