"""The one error shape of every HTTP answer: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field

RefusalKind = Literal["invalid", "not_found", "conflict", "forbidden", "unauthorized"]


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
        description="Whatever locates the problem: {field, reason, …} for a refusal of the "
        "request; validation_failed adds problems, the list of every {field, reason}",
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


class Refusal(Exception):
    """A legal or business rule refused a value or a command.

    Raised by pure domain code, which knows no HTTP: ``kind`` says how the web layer answers
    (``invalid`` 422, ``not_found`` 404, ``conflict`` 409, ``forbidden`` 403, ``unauthorized``
    401) and ``field`` names
    the part of the request at fault.
    """

    kind: ClassVar[RefusalKind] = "invalid"

    def __init__(
        self, code: str, message: str, *, field: str | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The refusal as ``code``, ``message`` and, when known, ``field`` and ``details``."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.details is not None:
            body["details"] = self.details
        return body

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, field={self.field!r}, {self.message!r})"


STATUS_OF_KIND: dict[RefusalKind, int] = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "unauthorized": 401,
}


def refusal_error(exc: Refusal) -> ApiError:
    """A refusal as the one HTTP error shape: ``details`` holds ``field``, ``reason`` and the
    refusal's own details."""
    details: dict[str, Any] = {"field": exc.field, "reason": exc.message}
    if isinstance(exc.details, dict):
        details.update(exc.details)
    elif exc.details is not None:
        details["info"] = exc.details
    return ApiError(STATUS_OF_KIND[exc.kind], exc.code, exc.message, details)
