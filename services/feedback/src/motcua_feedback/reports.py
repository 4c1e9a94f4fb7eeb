"""Read side: satisfaction figures and the PAKN work list, computed from stored aggregates (which
are themselves rebuilt by replaying the workflow topic and feedback's own events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import (
    Complaint,
    Scope,
    complaint_summary,
    dossier_satisfaction,
    rating_summary,
)
from motcua_platform.http.pagination import decode_cursor, encode_cursor

ComplaintFilter = Literal["within", "overdue", "open", "answered"]


async def ratings_summary(ctx: FeedbackContext, scope: Scope) -> dict[str, Any]:
    """``GET /ratings/summary``: counts per level and the local satisfaction rate (architecture
    §11), the TT 01/2018 18-point score, and QĐ 766 indicators 5.4 and 5.3."""
    rated = await ctx.store.rated(scope)
    ratings = rating_summary([r.rating for r in rated if r.rating is not None], scope)
    population = await ctx.store.finished_or_overdue(scope)
    complained = await ctx.store.complaints_about(r.code for r in population)
    complaints = await ctx.store.complaints_filed(scope)
    now = ctx.runtime.time.now()
    return {
        "scope": {
            "unit": scope.unit,
            "procedure": scope.procedure_code,
            "official": scope.official,
            "from": scope.start.isoformat() if scope.start else None,
            "to": scope.end.isoformat() if scope.end else None,
        },
        **ratings.to_dict(),
        "qd766_5_4": dossier_satisfaction(population, complained, scope).to_dict(),
        "qd766_5_3": complaint_summary(complaints, scope, now=now).to_dict(),
    }


def complaint_view(
    ctx: FeedbackContext, complaint: Complaint, now: datetime, *, personal: bool = False
) -> dict[str, Any]:
    """One PAKN as officials see it in the list; ``personal`` adds what the citizen wrote and how
    to reach them (only on the single-complaint read, which is logged)."""
    state = complaint.state(now)
    view: dict[str, Any] = {
        "id": complaint.id,
        "unit": complaint.unit,
        "topic": complaint.topic,
        "category": complaint.category,
        "dossier_code": complaint.dossier_code,
        "procedure_code": complaint.procedure_code,
        "repeat_of": complaint.repeat_of,
        "filed_at": _iso(complaint.filed_at),
        "due_at": _iso(complaint.due_at),
        "state": state,
        "due_soon": state == "within" and _due_soon(ctx, complaint, now),
        "answered_at": _iso(complaint.answered_at),
        "answer_timeliness": complaint.answer_timeliness,
        "satisfied": complaint.satisfied,
    }
    if personal:
        view["content"] = complaint.content
        view["contact"] = complaint.contact.model_dump() if complaint.contact else None
        view["answer"] = complaint.answer_text
    return view


def _due_soon(ctx: FeedbackContext, complaint: Complaint, now: datetime) -> bool:
    if complaint.due_at is None:
        return False
    left = ctx.calendars.for_unit(complaint.unit).working_hours_between(now, complaint.due_at)
    return left <= ctx.settings.complaint_warn_before_hours


async def complaint_list(
    ctx: FeedbackContext,
    unit: str,
    state: ComplaintFilter | None,
    limit: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    """``GET /complaints``: most urgent first (earliest due time), one page."""
    now = ctx.runtime.time.now()
    is_open = {"within": True, "overdue": True, "open": True, "answered": False}.get(state or "")
    due = {"within": {"$gte": now}, "overdue": {"$lt": now}}.get(state or "")
    after = decode_cursor(cursor, datetime, str) if cursor else None
    complaints = await ctx.store.complaint_page(unit, is_open, due, limit + 1, after)
    page, more = complaints[:limit], len(complaints) > limit
    last = page[-1] if page else None
    items = [complaint_view(ctx, c, now) for c in page]
    next_cursor = None
    if more and last is not None and last.due_at is not None:
        next_cursor = encode_cursor(last.due_at, last.id)
    return {"now": now.isoformat(), "count": len(items), "items": items, "next_cursor": next_cursor}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
