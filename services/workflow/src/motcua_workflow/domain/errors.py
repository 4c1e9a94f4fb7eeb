"""Domain errors: a refused command, with a stable machine code the API turns into a 4xx answer.

Each error has a ``kind`` rather than an HTTP status so the domain stays free of the web layer:
``conflict`` (the case is in the wrong state — 409), ``forbidden`` (this person may not do it —
403), ``invalid`` (the input itself is wrong — 422).
"""

from __future__ import annotations

from typing import ClassVar

from motcua_platform.errors import Refusal, RefusalKind


class DomainError(Refusal):
    """A command the law or the workflow refuses. Raised before any event is recorded, so a
    refused command changes nothing."""

    kind: ClassVar[RefusalKind] = "conflict"

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code, message, field=field)


class _Coded(DomainError):
    """A domain error whose machine code is fixed by its class."""

    error_code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(self.error_code, message, field)


class InvalidTransition(_Coded):
    """The command does not fit the case's current status (e.g. resume a case not waiting)."""

    error_code = "invalid_transition"


class CaseClosed(_Coded):
    """The case was stopped (Dừng xử lý); nothing more can happen to it."""

    error_code = "case_closed"


class AlreadyResolved(_Coded):
    """A result decision exists (Đã xử lý xong / Đã trả kết quả); it cannot be made again,
    withdrawn or stopped."""

    error_code = "already_resolved"


class AlreadyReturned(_Coded):
    """The result was already handed over (Đã trả kết quả)."""

    error_code = "already_returned"


class AlreadyExtended(_Coded):
    """The law allows the new appointment (hẹn lại, Mẫu 04) only once."""

    error_code = "already_extended"


class ExtensionTooLate(_Coded):
    """The apology and new date must be issued no later than the due time."""

    error_code = "extension_too_late"


class NotPermitted(_Coded):
    """The person may not perform this act on this step."""

    kind = "forbidden"
    error_code = "not_permitted"


class NotAssignee(NotPermitted):
    """Only the step's assignee (or a leader of the unit) may complete it."""

    error_code = "not_assignee"


class InvalidValue(_Coded):
    """An input value is wrong in itself: a naive time, a date in the past, an unknown outcome."""

    kind = "invalid"
    error_code = "invalid_value"


class OutOfOrder(InvalidValue):
    """The command's time is before the case's last recorded event."""

    error_code = "out_of_order"


class FormNotAvailable(_Coded):
    """The printed form does not apply to the case yet (e.g. Mẫu 04 without an extension)."""

    error_code = "form_not_available"
