"""Report routes: the unit summary (QĐ 766 rule 2.1), processing time per procedure (rule 2.2),
non-geographic intake and the tracking book (Mẫu 07) as CSV or XLSX."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime

from motcua_platform.auth import Principal
from motcua_platform.errors import ApiError
from motcua_workflow.api.common import context, read_instant, report_readers
from motcua_workflow.forms import tracking_book_csv, tracking_book_xlsx

router = APIRouter(prefix="/reports", tags=["reports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(principal: Principal, unit: str | None, start: date, end: date) -> str:
    unit = unit or principal.unit
    principal.require_unit(unit, "report")
    if end < start:
        raise ApiError(
            422,
            "validation_failed",
            "to: the period ends before it starts",
            {"field": "to", "reason": "before 'from'"},
        )
    return unit


def _period(unit: str, start: date, end: date) -> dict[str, Any]:
    return {"unit": unit, "from": start.isoformat(), "to": end.isoformat()}


@router.get("/summary", summary="Received, finished early/on time/late, open within/overdue")
async def summary(
    request: Request,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
    unit: str | None = None,
    at: AwareDatetime | None = Query(default=None, description="Simulation only"),
    principal: Principal = Depends(report_readers),
) -> dict[str, Any]:
    ctx = context(request)
    unit = _scope(principal, unit, start, end)
    moment = read_instant(ctx, at)
    figures = await ctx.facts.summary(unit, start, end, moment)
    return {**_period(unit, start, end), "at": moment.isoformat(), **figures.to_dict()}


@router.get("/processing-time", summary="Average processing time per procedure (QĐ 766 2.2)")
async def processing_time(
    request: Request,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
    unit: str | None = None,
    principal: Principal = Depends(report_readers),
) -> dict[str, Any]:
    ctx = context(request)
    unit = _scope(principal, unit, start, end)
    rows = await ctx.facts.processing_time(unit, start, end)
    return {**_period(unit, start, end), "procedures": [row.to_dict() for row in rows]}


@router.get("/non-geographic", summary="Dossiers received for another unit's competence")
async def non_geographic(
    request: Request,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
    unit: str | None = None,
    at: AwareDatetime | None = Query(default=None, description="Simulation only"),
    principal: Principal = Depends(report_readers),
) -> dict[str, Any]:
    ctx = context(request)
    unit = _scope(principal, unit, start, end)
    rows = await ctx.facts.non_geographic(unit, start, end, read_instant(ctx, at))
    return {**_period(unit, start, end), "rows": [row.to_dict() for row in rows]}


@router.get("/tracking-book", summary="Sổ theo dõi hồ sơ (Mẫu 07) as CSV or XLSX")
async def tracking_book(
    request: Request,
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
    unit: str | None = None,
    format: Literal["csv", "xlsx"] = "csv",
    principal: Principal = Depends(report_readers),
) -> Response:
    ctx = context(request)
    unit = _scope(principal, unit, start, end)
    rows = await ctx.facts.tracking_book(unit, start, end)
    name = f"so-theo-doi-ho-so_{unit}_{start:%Y%m%d}-{end:%Y%m%d}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "xlsx":
        return Response(tracking_book_xlsx(rows), media_type=XLSX, headers=headers)
    return Response(tracking_book_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)
