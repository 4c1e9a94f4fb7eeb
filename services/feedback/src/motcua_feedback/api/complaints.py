"""Phản ánh, kiến nghị: filed by citizens (public), classified and answered by officials of the
unit, the answer rated by the citizen who holds the complaint's secret."""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import Field, StrictBool

from motcua_feedback import handlers, reports
from motcua_feedback.api import answers
from motcua_feedback.api.deps import (
    READERS,
    a_reader,
    an_official,
    context,
    idempotent,
    resolve_at,
)
from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import Complaint
from motcua_platform.auth import Principal
from motcua_platform.errors import NotFound
from motcua_platform.http.idempotency import Recover
from motcua_platform.http.inputs import Instant, RequestBody
from motcua_platform.http.pagination import cursor_query
from motcua_platform.http.security import check_roles, optional_principal

log = logging.getLogger(__name__)
router = APIRouter(tags=["complaints"])
# The citizen's words and contact are in the answer of a single read only.
COMPLAINT: dict[str, Any] = {
    "response_model": answers.ComplaintView,
    "response_model_exclude_unset": True,
}

Category = Literal["procedure", "conduct"]


class Contact(RequestBody):
    full_name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)


class FileBody(RequestBody):
    topic: str = Field(max_length=300)
    content: str = Field(max_length=10_000)
    contact: Contact
    unit: str | None = Field(default=None, max_length=64, description="needed without a dossier")
    dossier_code: str | None = Field(default=None, max_length=80)
    procedure_code: str | None = Field(default=None, max_length=40)
    repeat_of: str | None = Field(default=None, max_length=120)
    category: Category | None = None
    at: Instant | None = None


class ClassifyBody(RequestBody):
    category: Category
    concerns_official: str | None = Field(default=None, max_length=120)
    at: Instant | None = None


class AnswerBody(RequestBody):
    text: str = Field(max_length=20_000)
    at: Instant | None = None


class RateAnswerBody(RequestBody):
    secret: str = Field(max_length=200)
    satisfied: StrictBool
    at: Instant | None = None


@router.post(
    "/complaints",
    status_code=201,
    response_model=answers.FiledComplaint,
    response_model_exclude_unset=True,
    summary="File a complaint or suggestion (public)",
)
async def file_complaint(
    body: FileBody,
    ctx: FeedbackContext = Depends(context),
    idempotency_key: str | None = Header(default=None),
) -> JSONResponse:
    at = resolve_at(ctx, body.at)

    async def command() -> tuple[int, dict[str, Any]]:
        cmd = handlers.FileComplaint(
            contact=body.contact.model_dump(),
            content=body.content,
            topic=body.topic,
            at=at,
            unit=body.unit,
            dossier_code=body.dossier_code,
            procedure_code=body.procedure_code,
            repeat_of=body.repeat_of,
            category=body.category,
        )
        complaint, secret = await handlers.file_complaint(ctx, cmd)
        # The secret is shown once: with it the citizen reads the answer and rates it.
        return 201, {**_view(ctx, complaint), "secret": secret}

    async def recover(request_id: str) -> tuple[int, dict[str, Any]] | None:
        found = await handlers.reissue_secret(ctx, request_id)
        if found is None:
            return None
        complaint, secret = found
        return 201, {**_view(ctx, complaint), "secret": secret}

    return await idempotent(ctx, idempotency_key, "complaints:citizen", body, command, recover)


@router.post("/complaints/{complaint_id}/classify", **COMPLAINT, summary="Classify (QĐ 766 5.1)")
async def classify(
    complaint_id: str,
    body: ClassifyBody,
    official: Principal = Depends(an_official),
    ctx: FeedbackContext = Depends(context),
    idempotency_key: str | None = Header(default=None),
) -> JSONResponse:
    at = resolve_at(ctx, body.at)

    async def command() -> tuple[int, dict[str, Any]]:
        complaint = await handlers.classify(
            ctx, official, complaint_id, body.category, at, body.concerns_official
        )
        return 200, _view(ctx, complaint)

    scope = f"classify:{official.subject}:{complaint_id}"
    return await idempotent(ctx, idempotency_key, scope, body, command, _recover(ctx), claim=False)


@router.post(
    "/complaints/{complaint_id}/answer", **COMPLAINT, summary="Answer (within 15 working days)"
)
async def answer(
    complaint_id: str,
    body: AnswerBody,
    official: Principal = Depends(an_official),
    ctx: FeedbackContext = Depends(context),
    idempotency_key: str | None = Header(default=None),
) -> JSONResponse:
    at = resolve_at(ctx, body.at)

    async def command() -> tuple[int, dict[str, Any]]:
        complaint = await handlers.answer(ctx, official, complaint_id, body.text, at)
        return 200, _view(ctx, complaint)

    scope = f"answer:{official.subject}:{complaint_id}"
    return await idempotent(ctx, idempotency_key, scope, body, command, _recover(ctx), claim=False)


@router.post(
    "/complaints/{complaint_id}/rate-answer", **COMPLAINT, summary="The citizen rates the answer"
)
async def rate_answer(
    complaint_id: str,
    body: RateAnswerBody,
    ctx: FeedbackContext = Depends(context),
    idempotency_key: str | None = Header(default=None),
) -> JSONResponse:
    at = resolve_at(ctx, body.at)

    async def command() -> tuple[int, dict[str, Any]]:
        complaint = await handlers.rate_answer(ctx, complaint_id, body.secret, body.satisfied, at)
        return 200, _view(ctx, complaint)

    scope = f"rate-answer:{complaint_id}"
    return await idempotent(ctx, idempotency_key, scope, body, command, _recover(ctx), claim=False)


def _recover(ctx: FeedbackContext) -> Recover:
    """The answer to a retry, from the complaint the request changed (its write is the key's
    record)."""

    async def recover(request_id: str) -> tuple[int, dict[str, Any]] | None:
        loaded = await ctx.store.complaints.find_by_request(request_id)
        return None if loaded is None else (200, _view(ctx, Complaint.from_document(loaded.state)))

    return recover


@router.get(
    "/complaints",
    response_model=answers.ComplaintList,
    response_model_exclude_unset=True,
    summary="PAKN of a unit, most urgent first",
)
async def list_complaints(
    unit: str | None = Query(default=None, description="default: the caller's unit"),
    state: reports.ComplaintFilter | None = None,
    limit: int = Query(default=100, ge=1, le=1000),
    cursor: str | None = cursor_query(),
    official: Principal = Depends(a_reader),
    ctx: FeedbackContext = Depends(context),
) -> dict[str, Any]:
    unit = unit or official.unit
    official.require_unit(unit, "unit")
    limit = min(limit, ctx.settings.list_limit)
    return await reports.complaint_list(ctx, unit, state, limit, cursor)


@router.get(
    "/complaints/{complaint_id}",
    **COMPLAINT,
    summary="One PAKN: officials, or the citizen's secret",
)
async def read_complaint(
    complaint_id: str,
    secret: str | None = Query(default=None, max_length=200),
    principal: Principal | None = Depends(optional_principal),
    ctx: FeedbackContext = Depends(context),
) -> dict[str, Any]:
    found = await ctx.store.complaint(complaint_id)
    if found is None:
        raise NotFound("complaint", complaint_id)
    complaint, state = found
    if principal is None:
        handlers.require_secret(state, secret)
        return reports.complaint_view(ctx, complaint, ctx.runtime.time.now(), personal=True)
    check_roles(principal, *READERS)
    principal.require_unit(complaint.unit, "complaint")
    # Reads of personal data are logged: who, what, when (architecture §9).
    log.info(
        "personal data read",
        extra={"fields": {"who": principal.subject, "what": f"complaint {complaint_id}"}},
    )
    return reports.complaint_view(ctx, complaint, ctx.runtime.time.now(), personal=True)


def _view(ctx: FeedbackContext, complaint: Complaint) -> dict[str, Any]:
    return reports.complaint_view(ctx, complaint, ctx.runtime.time.now())
