"""The one error shape of every HTTP answer: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ApiError(Exception):
    """An error with its HTTP status; raised by handlers, rendered by the app's error handler."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: e.g. validation_failed, not_found")
    message: str = Field(description="For people; the first problem for a validation error")
    details: Any = Field(
        default=None,
        description="Whatever locates the problem; for validation_failed a list of {field, reason}",
    )


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx answer (the OpenAPI documents declare it for 4XX and 5XX)."""

    error: ErrorDetail


class NotFound(ApiError):
    def __init__(self, what: str, key: str) -> None:
        super().__init__(404, "not_found", f"{what} {key} not found", {"what": what, "key": key})


class Conflict(ApiError):
    def __init__(self, code: str, message: str, details: Any = None) -> None:
        super().__init__(409, code, message, details)


class Unavailable(ApiError):
    def __init__(self, dependency: str) -> None:
        super().__init__(503, "dependency_unavailable", f"{dependency} is not reachable", None)


class ConcurrencyConflict(Exception):
    """Another writer changed the aggregate since it was loaded; the command is retried."""
