"""Ratings (phiếu đánh giá): posted from the kiosk, online with the one-time token, or typed in
from paper by a receiver; and the satisfaction figures."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from motcua_feedback import handlers, reports
from motcua_feedback.api import answers
from motcua_feedback.api.deps import (
    a_summary_reader,
    a_token_printer,
    context,
    idempotent,
    period_bound,
    resolve_at,
)
from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import NotRateable, Rating, Scope, rating_token
from motcua_feedback.store import record_of
from motcua_platform.auth import Principal
from motcua_platform.auth.tokens import Unauthenticated
from motcua_platform.errors import ApiError, NotFound
from motcua_platform.http.inputs import Instant, RequestBody
from motcua_platform.http.security import check_roles, optional_principal

router = APIRouter(tags=["ratings"])


class RatingBody(RequestBody):
    dossier_code: str = Field(min_length=1, max_length=80)
    overall: Literal["very_satisfied", "satisfied", "dissatisfied"]
    # Checked by the domain (TT 01/2018: keys "1".."9", scores 0–2) so the error names the
    # indicator in the citizen's language.
    indicators: dict[str, Any] | None = Field(default=None, max_length=9)
    channel: Literal["kiosk", "online", "paper"]
    token: str | None = Field(default=None, max_length=200, description="online channel")
    kiosk_session: str | None = Field(default=None, max_length=200, description="kiosk channel")
    at: Instant | None = Field(default=None, description="honoured only in simulation")


@router.post(
    "/ratings",
    status_code=201,
    response_model=answers.RatingView,
    summary="Rate a returned dossier (once)",
)
async def post_rating(
    body: RatingBody,
    ctx: FeedbackContext = Depends(context),
    principal: Principal | None = Depends(optional_principal),
    idempotency_key: str | None = Header(default=None),
) -> JSONResponse:
    if body.channel == "paper":
        # A paper sheet is typed in by a receiver of the dossier's unit (checked on load).
        if principal is None:
            raise Unauthenticated("bearer token required to enter a paper rating")
        check_roles(principal, "receiver")
    at = resolve_at(ctx, body.at)

    async def command() -> tuple[int, dict[str, Any]]:
        cmd = handlers.RateDossier(
            dossier_code=body.dossier_code,
            overall=body.overall,
            indicators=body.indicators,
            channel=body.channel,
            at=at,
            token=body.token,
            kiosk_session=body.kiosk_session,
            receiver=principal if body.channel == "paper" else None,
        )
        return 201, rating_view(await handlers.rate(ctx, cmd))

    async def recover(request_id: str) -> tuple[int, dict[str, Any]] | None:
        loaded = await ctx.store.dossiers.find_by_request(request_id)
        rating = None if loaded is None else record_of(loaded.state, body.dossier_code).rating
        return None if rating is None else (201, rating_view(rating))

    caller = principal.subject if principal and body.channel == "paper" else "citizen"
    return await idempotent(
        ctx, idempotency_key, f"ratings:{caller}", body, command, recover, claim=False
    )


def rating_view(rating: Rating) -> dict[str, Any]:
    return {
        "dossier_code": rating.dossier_code,
        "unit": rating.unit,
        "procedure_code": rating.procedure_code,
        "overall": rating.overall,
        "indicators": dict(rating.indicators),
        "score": rating.score,
        "channel": rating.channel,
        "at": rating.at.isoformat(),
    }


@router.get(
    "/ratings/summary",
    response_model=answers.RatingsSummary,
    summary="Satisfaction figures of a unit, procedure, official",
)
async def summary(
    unit: str | None = Query(default=None, description="default: the caller's unit"),
    procedure: str | None = None,
    official: str | None = None,
    start: str | None = Query(default=None, alias="from", description="date or date-time"),
    end: str | None = Query(default=None, alias="to", description="date (inclusive) or instant"),
    principal: Principal = Depends(a_summary_reader),
    ctx: FeedbackContext = Depends(context),
) -> dict[str, Any]:
    unit = unit or principal.unit
    principal.require_unit(unit, "unit")
    try:
        scope = Scope(
            unit=unit,
            procedure_code=procedure,
            official=official,
            start=period_bound(start, "from"),
            end=period_bound(end, "to", end=True),
        )
    except ValueError as exc:
        raise ApiError(
            422, "validation_failed", str(exc), {"field": "to", "reason": str(exc)}
        ) from exc
    return await reports.ratings_summary(ctx, scope)


@router.get(
    "/ratings/requests/{dossier_code}",
    response_model=answers.RatingRequest,
    summary="The rating request of a returned dossier, with its online token to print",
)
async def rating_request(
    dossier_code: str,
    principal: Principal = Depends(a_token_printer),
    ctx: FeedbackContext = Depends(context),
) -> dict[str, Any]:
    record = await ctx.store.dossier(dossier_code)
    if record is None:
        raise NotFound("dossier", dossier_code)
    principal.require_unit(record.unit, "dossier")
    if not record.is_returned:
        raise NotRateable(dossier_code, "hồ sơ chưa trả kết quả")
    return {
        "dossier_code": record.code,
        "unit": record.unit,
        "counter": record.counter,
        "returned_at": record.returned_at.isoformat() if record.returned_at else None,
        "rated": record.rating is not None,
        "token": None if record.token_used else rating_token(ctx.rating_token_key, record.code),
    }
