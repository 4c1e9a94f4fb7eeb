"""Routes on one case: read it, and the commands of processing (steps, clock, decision, return,
stop). Every write takes an ``Idempotency-Key`` and answers 200 with the case view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, ConfigDict, Field, StrictBool, StrictInt

from motcua_platform.auth import Principal
from motcua_platform.contracts.events import FileRef
from motcua_platform.http.inputs import Instant, RequestBody
from motcua_platform.http.roles import case_workers, leaders, returners
from motcua_platform.http.roles import readers as officials
from motcua_workflow import handlers
from motcua_workflow.api import answers
from motcua_workflow.api.deps import (
    actor,
    command_instant,
    competent_scope,
    context,
    handling_scope,
    idempotency_scope,
    read_instant,
)
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Case
from motcua_workflow.views import case_view

router = APIRouter(tags=["cases"])
# Commands answer with the case; a read may also find a dossier known but never processed. The
# form links present are the ones that exist.
CASE: dict[str, Any] = {"response_model": answers.CaseView, "response_model_exclude_unset": True}
READ: dict[str, Any] = {**CASE, "response_model": answers.CaseView | answers.KnownDossierView}


class Command(RequestBody):
    model_config = ConfigDict(extra="forbid")

    at: Instant | None = Field(default=None, description="Honoured only with MOTCUA_SIMULATION=1")


class AssignBody(Command):
    assignee: str = Field(min_length=1)
    step: StrictInt | None = Field(default=None, ge=0, description="Default: the current step")


class CompleteStepBody(Command):
    handed_to: str | None = None


class SupplementBody(Command):
    reason: str = Field(min_length=1)
    missing_components: list[str] = Field(default_factory=list, max_length=50)


class PaymentBody(Command):
    amount: StrictInt | None = Field(default=None, ge=0)
    note: str = ""


class ExtendBody(Command):
    reason: str = Field(min_length=1)
    new_due_at: Instant


class ResolveBody(Command):
    outcome: Literal["approved", "denied"]
    result_reference: str | None = None
    electronic_result: StrictBool = False
    result_file: FileRef | None = Field(
        default=None,
        description="The electronic result stored through intake's POST /uploads (a reference)",
    )


class ReturnBody(Command):
    channel: Literal["counter", "postal", "online"]
    counter: str | None = None


class StopBody(Command):
    reason: str = Field(min_length=1)
    fee_settlement: str | None = None


Run = Callable[[WorkflowContext, datetime], Awaitable[Case]]


async def _write(
    request: Request,
    principal: Principal,
    code: str,
    action: str,
    body: Command,
    key: str | None,
    run: Run,
) -> JSONResponse:
    ctx = context(request)
    at = command_instant(ctx, body.at)  # 403 outside simulation, before anything happens

    async def command() -> tuple[int, dict[str, Any]]:
        case = await run(ctx, at)
        return 200, case_view(case, at)

    async def recover(request_id: str) -> tuple[int, dict[str, Any]] | None:
        # A retry: answered from the case the request changed (its write is the key's record).
        case = ctx.store.decode(await ctx.store.aggregates.find_by_request(request_id))
        return (200, case_view(case, at)) if isinstance(case, Case) else None

    return await ctx.runtime.idempotency.run(
        key=key,
        scope=idempotency_scope(principal, code, action),
        body=body.model_dump(mode="json"),
        command=command,
        recover=recover,
        claim=False,  # every case command changes a case that exists
    )


IdempotencyKey = Header(default=None, alias="Idempotency-Key")


@router.get("/cases/{code}", **READ, summary="A case with its steps and control sheet (Mẫu 06)")
async def get_case(
    code: str,
    request: Request,
    at: AwareDatetime | None = None,
    principal: Principal = Depends(officials),
) -> dict[str, Any]:
    ctx = context(request)
    subject = await handlers.load(ctx, code)
    handling_scope(principal)(subject)
    now = read_instant(ctx, at)
    view = case_view(subject, now)
    if isinstance(subject, Case):
        view["due_soon"] = view.get("state") == "within" and ctx.store.due_soon(subject, now)
    return view


@router.post(
    "/cases/{code}/assign", **CASE, summary="Phân công: give the current step to an official"
)
async def assign(
    code: str,
    body: AssignBody,
    request: Request,
    principal: Principal = Depends(case_workers),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        def decide(case: Case) -> object:
            step = body.step if body.step is not None else _current_index(case)
            return case.assign(step, body.assignee, actor(principal), at)

        return await handlers.execute(ctx, code, at, decide, handling_scope(principal))

    return await _write(request, principal, code, "assign", body, key, run)


def _current_index(case: Case) -> int:
    step = case.current_step
    return step.index if step is not None else -1


@router.post(
    "/cases/{code}/complete-step", **CASE, summary="Finish the current step and hand it over"
)
async def complete_step(
    code: str,
    request: Request,
    body: CompleteStepBody = CompleteStepBody(),  # noqa: B008
    principal: Principal = Depends(case_workers),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.complete_step(
            ctx, code, actor(principal), at, body.handed_to, handling_scope(principal)
        )

    return await _write(request, principal, code, "complete-step", body, key, run)


@router.post(
    "/cases/{code}/request-supplement", **CASE, summary="Yêu cầu bổ sung (the clock stops)"
)
async def request_supplement(
    code: str,
    body: SupplementBody,
    request: Request,
    principal: Principal = Depends(case_workers),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.request_supplement(
            ctx, code, body.reason, at, body.missing_components, competent_scope(principal)
        )

    return await _write(request, principal, code, "request-supplement", body, key, run)


@router.post("/cases/{code}/await-payment", **CASE, summary="Wait for a fee or tax (status 6)")
async def await_payment(
    code: str,
    request: Request,
    body: PaymentBody = PaymentBody(),  # noqa: B008
    principal: Principal = Depends(case_workers),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.await_payment(
            ctx, code, at, body.amount, body.note, competent_scope(principal)
        )

    return await _write(request, principal, code, "await-payment", body, key, run)


@router.post(
    "/cases/{code}/payment-received", **CASE, summary="The fee was paid (back to status 4)"
)
async def payment_received(
    code: str,
    request: Request,
    body: Command = Command(),  # noqa: B008
    principal: Principal = Depends(case_workers),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.payment_received(ctx, code, at, handling_scope(principal))

    return await _write(request, principal, code, "payment-received", body, key, run)


@router.post(
    "/cases/{code}/extend", **CASE, summary="The one extension, with apology letter (Mẫu 04)"
)
async def extend(
    code: str,
    body: ExtendBody,
    request: Request,
    principal: Principal = Depends(leaders),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.extend(
            ctx,
            code,
            body.reason,
            body.new_due_at,
            at,
            principal.subject,
            competent_scope(principal),
        )

    return await _write(request, principal, code, "extend", body, key, run)


@router.post("/cases/{code}/resolve", **CASE, summary="Đã xử lý xong: the decision (status 9)")
async def resolve(
    code: str,
    body: ResolveBody,
    request: Request,
    principal: Principal = Depends(case_workers),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.resolve(
            ctx,
            code,
            body.outcome,
            at,
            body.result_reference,
            body.electronic_result,
            principal.subject,
            competent_scope(principal),
            result_file=body.result_file,
        )

    return await _write(request, principal, code, "resolve", body, key, run)


@router.post(
    "/cases/{code}/return", **CASE, summary="Đã trả kết quả: hand the result over (status 10)"
)
async def return_result(
    code: str,
    body: ReturnBody,
    request: Request,
    principal: Principal = Depends(returners),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.return_result(
            ctx, code, body.channel, at, body.counter, principal.subject, handling_scope(principal)
        )

    return await _write(request, principal, code, "return", body, key, run)


@router.post("/cases/{code}/stop", **CASE, summary="Dừng xử lý with the stop notice (Mẫu 05)")
async def stop(
    code: str,
    body: StopBody,
    request: Request,
    principal: Principal = Depends(leaders),
    key: str | None = IdempotencyKey,
) -> JSONResponse:
    async def run(ctx: WorkflowContext, at: datetime) -> Case:
        return await handlers.stop(
            ctx,
            code,
            body.reason,
            at,
            body.fee_settlement,
            principal.subject,
            competent_scope(principal),
        )

    return await _write(request, principal, code, "stop", body, key, run)
