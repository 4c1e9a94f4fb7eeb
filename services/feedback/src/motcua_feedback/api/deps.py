"""What the routes share: the service context, optional caller identity, time and idempotency."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from motcua_feedback.context import FeedbackContext
from motcua_platform.auth import roles
from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import ApiError
from motcua_platform.http import roles as http_roles
from motcua_platform.http.idempotency import Recover
from motcua_platform.http.inputs import check_date, check_instant
from motcua_platform.timeliness import period_bounds

# Role checks from the one roles table (auditors read; they never change anything).
READERS = roles.READERS
an_official = http_roles.complaint_handlers
a_reader = http_roles.readers
a_summary_reader = http_roles.report_readers
a_token_printer = http_roles.token_printers
a_kiosk_issuer = http_roles.kiosk_issuers
an_admin = http_roles.admins


def context(request: Request) -> FeedbackContext:
    return request.app.state.feedback


def resolve_at(ctx: FeedbackContext, at: datetime | None) -> datetime:
    """The command's instant: now, or ``at`` in simulation (403 otherwise)."""
    return ctx.runtime.time.resolve(at)


async def idempotent(
    ctx: FeedbackContext,
    key: str | None,
    scope: str,
    body: BaseModel,
    command: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
    recover: Recover | None = None,
    *,
    claim: bool = True,
) -> JSONResponse:
    """Run a write once per key; ``recover`` answers a retry from the aggregate the request
    changed (see ``motcua_platform.http.idempotency``)."""
    return await ctx.runtime.idempotency.run(
        key=key,
        scope=scope,
        body=body.model_dump(mode="json"),
        command=command,
        recover=recover,
        claim=claim,
    )


def period_bound(value: str | None, field: str, *, end: bool = False) -> datetime | None:
    """A period bound from a query string: a date (whole days in Vietnam time, ``to`` inclusive)
    or an instant (a missing offset is read as Vietnam time)."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = check_date(date.fromisoformat(value), field)
            return period_bounds(day, day)[1 if end else 0]
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(
            422,
            "validation_failed",
            f"{field}: not an ISO date or date-time",
            {"field": field, "reason": "expected YYYY-MM-DD or an ISO 8601 date-time"},
        ) from exc
    return check_instant(moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ), field)
