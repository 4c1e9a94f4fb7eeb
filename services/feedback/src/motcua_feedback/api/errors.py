"""Domain refusals as HTTP answers: ``{"error": {"code", "message", "details"}}`` where the
details name the field at fault and why, as the platform does for request validation."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from motcua_feedback.domain import (
    AlreadyAnswered,
    AlreadyRated,
    AnswerAlreadyRated,
    FeedbackError,
    InvalidComplaint,
    InvalidKioskDevice,
    InvalidRating,
    InvalidToken,
    KioskNotAllowed,
    NotAnswered,
    NotRateable,
    TokenAlreadyUsed,
)
from motcua_platform.errors import ApiError
from motcua_platform.http.app import error_response

# Looked up along the error's class hierarchy, so the most specific entry wins.
STATUS: dict[type[FeedbackError], int] = {
    TokenAlreadyUsed: 409,  # the token did work once: a conflict with that rating, not a forgery
    InvalidToken: 403,
    KioskNotAllowed: 403,
    InvalidKioskDevice: 401,  # not (yet) the counter's kiosk: prove it with the device token
    NotRateable: 409,
    AlreadyRated: 409,
    InvalidRating: 422,
    InvalidComplaint: 422,
    AlreadyAnswered: 409,
    NotAnswered: 409,
    AnswerAlreadyRated: 409,
}


def as_api_error(error: FeedbackError) -> ApiError:
    status = next((STATUS[c] for c in type(error).__mro__ if c in STATUS), 400)
    details = [{"field": error.field or "body", "reason": error.message}]
    return ApiError(status, error.code, error.message, details)


def install(app: FastAPI) -> None:
    async def domain_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, FeedbackError)
        return error_response(as_api_error(exc))

    app.add_exception_handler(FeedbackError, domain_error)
