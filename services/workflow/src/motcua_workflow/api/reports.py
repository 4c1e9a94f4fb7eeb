"""Report routes: the unit summary (QĐ 766 rule 2.1), processing time per procedure (rule 2.2),
non-geographic intake and the tracking book (Mẫu 07) as CSV or XLSX."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime

from motcua_platform.auth import Principal
from motcua_platform.errors import ApiError
from motcua_platform.http.inputs import check_date
from motcua_platform.http.roles import report_readers
from motcua_workflow.api.deps import context, read_instant
from motcua_workflow.forms import tracking_book_csv, tracking_book_xlsx

router = APIRouter(prefix="/reports", tags=["reports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportPeriod:
    """The unit and the period (inclusive dates) a report covers, checked against the reader."""

    unit: str
    start: date
    end: date

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "from": self.start.isoformat(), "to": self.end.isoformat()}


def report_period(
    start: date = Query(alias="from"),
    end: date = Query(alias="to"),
    unit: str | None = Query(default=None, description="Agency code; the reader's own unit"),
    principal: Principal = Depends(report_readers),
) -> ReportPeriod:
    unit = unit or principal.unit
    principal.require_unit(unit, "report")
    check_date(start, "from")
    check_date(end, "to")
    if end < start:
        raise ApiError(
            422,
            "validation_failed",
            "to: the period ends before it starts",
            {"field": "to", "reason": "before 'from'"},
        )
    return ReportPeriod(unit, start, end)


@router.get("/summary", summary="Received, finished early/on time/late, open within/overdue")
async def summary(
    request: Request,
    at: AwareDatetime | None = Query(default=None, description="Simulation only"),
    period: ReportPeriod = Depends(report_period),
) -> dict[str, Any]:
    ctx = context(request)
    moment = read_instant(ctx, at)
    figures = await ctx.facts.summary(period.unit, period.start, period.end, moment)
    return {**period.to_dict(), "at": moment.isoformat(), **figures.to_dict()}


@router.get("/dossiers", summary="The dossiers behind the summary, each with its bucket")
async def dossiers(
    request: Request,
    at: AwareDatetime | None = Query(default=None, description="Simulation only"),
    bucket: Literal["early", "on_time", "late", "within", "overdue"] | None = None,
    procedure: str | None = Query(default=None, max_length=40),
    period: ReportPeriod = Depends(report_period),
) -> dict[str, Any]:
    """Drill-down of ``/reports/summary``: the same period rules, one line per dossier."""
    ctx = context(request)
    rows = await ctx.facts.dossiers(period.unit, period.start, period.end, read_instant(ctx, at))
    items = [
        row
        for row in rows
        if (bucket is None or row["bucket"] == bucket)
        and (procedure is None or row["procedure_code"] == procedure)
    ]
    return {**period.to_dict(), "items": items, "total": len(items)}


@router.get("/processing-time", summary="Average processing time per procedure (QĐ 766 2.2)")
async def processing_time(
    request: Request,
    period: ReportPeriod = Depends(report_period),
) -> dict[str, Any]:
    ctx = context(request)
    rows = await ctx.facts.processing_time(period.unit, period.start, period.end)
    return {**period.to_dict(), "procedures": [row.to_dict() for row in rows]}


@router.get(
    "/channels", summary="Received per procedure, month and channel: the online share's trend"
)
async def channels(
    request: Request,
    period: ReportPeriod = Depends(report_period),
) -> dict[str, Any]:
    """Dossiers received at the unit in the period (accepted, or refused at intake), per
    procedure and Vietnamese calendar month, by channel, with the online share (QĐ 766 3.3)."""
    ctx = context(request)
    rows = await ctx.facts.channels(period.unit, period.start, period.end)
    return {**period.to_dict(), "procedures": [row.to_dict() for row in rows]}


@router.get("/non-geographic", summary="Dossiers received for another unit's competence")
async def non_geographic(
    request: Request,
    at: AwareDatetime | None = Query(default=None, description="Simulation only"),
    period: ReportPeriod = Depends(report_period),
) -> dict[str, Any]:
    ctx = context(request)
    rows = await ctx.facts.non_geographic(
        period.unit, period.start, period.end, read_instant(ctx, at)
    )
    return {**period.to_dict(), "rows": [row.to_dict() for row in rows]}


@router.get("/tracking-book", summary="Sổ theo dõi hồ sơ (Mẫu 07) as CSV or XLSX")
async def tracking_book(
    request: Request,
    format: Literal["csv", "xlsx"] = "csv",
    period: ReportPeriod = Depends(report_period),
) -> Response:
    ctx = context(request)
    rows = await ctx.facts.tracking_book(period.unit, period.start, period.end)
    name = f"so-theo-doi-ho-so_{period.unit}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    # A province's month is thousands of rows: rendering runs in a worker thread so that other
    # requests and the consumers are served meanwhile.
    if format == "xlsx":
        content = await asyncio.to_thread(tracking_book_xlsx, rows)
        return Response(content, media_type=XLSX, headers=headers)
    content = await asyncio.to_thread(tracking_book_csv, rows)
    return Response(content, media_type="text/csv; charset=utf-8", headers=headers)
