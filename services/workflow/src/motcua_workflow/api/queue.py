"""``GET /tasks``: the work queue of a unit — what its officials must do next, most urgent first
(overdue, then the nearest due), paged by a cursor over an index (no offset scans)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime

from motcua_platform.auth import Principal
from motcua_platform.http.pagination import cursor_query, decode_cursor, encode_cursor
from motcua_platform.http.roles import readers as officials
from motcua_workflow.api import answers
from motcua_workflow.api.deps import context, read_instant
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Case
from motcua_workflow.views import task_item

router = APIRouter(tags=["work queue"])


@router.get(
    "/tasks", response_model=answers.TaskPage, summary="Work queue of a unit, most urgent first"
)
async def tasks(
    request: Request,
    unit: str | None = Query(default=None, description="Default: the caller's unit"),
    role: str | None = None,
    assignee: str | None = None,
    cursor: str | None = cursor_query(),
    limit: int = Query(default=50, ge=1, le=200),
    at: AwareDatetime | None = Query(default=None, description="Simulation only"),
    principal: Principal = Depends(officials),
) -> dict[str, Any]:
    ctx = context(request)
    unit = unit or principal.unit
    principal.require_unit(unit, "work queue")
    now = read_instant(ctx, at)
    query: dict[str, Any] = {"task_unit_path": unit}
    if role:
        query["task_role"] = role
    if assignee:
        query["task_assignee"] = assignee
    if cursor:
        due, code = decode_cursor(cursor, datetime, str)
        query["$or"] = [{"task_due": {"$gt": due}}, {"task_due": due, "_id": {"$gt": code}}]
    found = ctx.store.collection.find(query).sort([("task_due", 1), ("_id", 1)]).limit(limit + 1)
    cases = [case for doc in await found.to_list(None) if (case := _case(ctx, doc))]
    page, more = cases[:limit], len(cases) > limit
    last = page[-1] if page else None
    return {
        "items": [_with_due_soon(ctx, task_item(case, now), case, now) for case in page],
        "next_cursor": encode_cursor(last.original_due_at, last.code) if more and last else None,
    }


def _with_due_soon(
    ctx: WorkflowContext, item: dict[str, Any], case: Case, at: datetime
) -> dict[str, Any]:
    item["due_soon"] = item["state"] == "within" and ctx.store.due_soon(case, at)
    return item


def _case(ctx: WorkflowContext, doc: dict[str, Any]) -> Case | None:
    subject = ctx.store.decode_state(doc)
    return subject if isinstance(subject, Case) else None
