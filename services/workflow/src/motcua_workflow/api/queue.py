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
from motcua_platform.instants import at_rest
from motcua_workflow.api import answers
from motcua_workflow.api.deps import context, read_instant
from motcua_workflow.store import CASE_RECORD
from motcua_workflow.views import QUEUE_LINE_FIELDS, queue_line

router = APIRouter(tags=["work queue"])


@router.get(
    "/tasks", response_model=answers.TaskPage, summary="Work queue of a unit, most urgent first"
)
async def tasks(
    request: Request,
    unit: str | None = Query(default=None, description="Default: the caller's unit"),
    role: str | None = None,
    assignee: str | None = None,
    procedure: str | None = Query(default=None, description="Procedure code (mã thủ tục)"),
    status: int | None = Query(default=None, ge=1, le=10, description="Dossier status code"),
    step: int | None = Query(default=None, ge=0, description="Index of the current step"),
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
    # Equalities on fields the case document carries (indexed with the unit, see the store's
    # INDEXES): the filters narrow the query, never a page already read.
    if procedure:
        query["procedure_code"] = procedure
    if status is not None:
        query["status"] = status
    if step is not None:
        query["task_step"] = step
    if cursor:
        due, code = decode_cursor(cursor, datetime, str)
        query["$or"] = [{"task_due": {"$gt": due}}, {"task_due": due, "_id": {"$gt": code}}]
    found = (
        ctx.store.collection.find(query, {**QUEUE_LINE_FIELDS, "record": 1})
        .sort([("task_due", 1), ("_id", 1)])
        .limit(limit + 1)
    )
    docs = [doc for doc in await found.to_list(None) if doc.get("record") == CASE_RECORD]
    page, more = docs[:limit], len(docs) > limit
    items = [queue_line(doc, now) for doc in page]
    last = items[-1] if items else None
    return {
        "items": items,
        "next_cursor": (
            encode_cursor(at_rest(page[-1]["original_due_at"]), last["code"])
            if more and last
            else None
        ),
    }
