"""Submissions and intake decisions (writes, idempotent) and the dossier as officials see it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from motcua_intake import handlers, queries
from motcua_intake.api.deps import (
    IDEMPOTENCY_KEY_DOC,
    idempotent,
    intake_of,
    official,
    receiver,
    runtime_of,
)
from motcua_intake.commands import (
    AcceptDossier,
    Command,
    HandInSupplement,
    RefuseDossier,
    RequestSupplement,
    SubmitDossier,
    WithdrawDossier,
)
from motcua_intake.context import IntakeContext
from motcua_intake.domain.dossier import Dossier
from motcua_platform.auth import Principal
from motcua_platform.contracts.events import Channel

router = APIRouter(tags=["dossiers"])
Handler = Callable[..., Awaitable[Dossier]]
IdempotencyKey = Header(default=None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DOC)


@router.post(
    "/dossiers",
    status_code=201,
    summary="Submit a dossier (counter, online, postal); the counter may accept at once",
)
async def submit_dossier(
    body: SubmitDossier,
    request: Request,
    principal: Principal = Depends(receiver),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    intake = intake_of(request)

    async def command() -> tuple[int, dict[str, Any]]:
        at = runtime_of(request).time.resolve(body.at)
        dossier = await handlers.submit(intake, body, at=at, official=principal)
        return 201, queries.submitted(intake, dossier)

    return await idempotent(
        request,
        principal,
        "POST /dossiers",
        body.model_dump(mode="json"),
        command,
        lambda dossier: (201, queries.submitted(intake, dossier)),
    )


async def _decide(
    request: Request,
    principal: Principal,
    action: str,
    code: str,
    body: Command,
    handler: Handler,
) -> JSONResponse:
    intake = intake_of(request)

    async def command() -> tuple[int, dict[str, Any]]:
        at = runtime_of(request).time.resolve(body.at)
        dossier = await handler(intake, code, body, at=at, official=principal)
        return 200, queries.summary(intake, dossier)

    # The code is part of the hashed body: one key reused on another dossier is a conflict.
    payload = {"code": code, **body.model_dump(mode="json")}
    return await idempotent(
        request,
        principal,
        f"POST /dossiers/{{code}}/{action}",
        payload,
        command,
        lambda dossier: (200, queries.summary(intake, dossier)),
    )


@router.post("/dossiers/{code}/accept", summary="Accept a complete dossier (tiếp nhận)")
async def accept_dossier(
    code: str,
    body: AcceptDossier,
    request: Request,
    principal: Principal = Depends(receiver),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    return await _decide(request, principal, "accept", code, body, handlers.accept)


@router.post(
    "/dossiers/{code}/request-supplement",
    summary="Ask for missing components before acceptance (Mẫu 02)",
)
async def request_supplement(
    code: str,
    body: RequestSupplement,
    request: Request,
    principal: Principal = Depends(receiver),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    return await _decide(
        request, principal, "request-supplement", code, body, handlers.request_supplement
    )


@router.post("/dossiers/{code}/refuse", summary="Refuse with reasons (Mẫu 03)")
async def refuse_dossier(
    code: str,
    body: RefuseDossier,
    request: Request,
    principal: Principal = Depends(receiver),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    return await _decide(request, principal, "refuse", code, body, handlers.refuse)


@router.post(
    "/dossiers/{code}/supplement", summary="Record papers handed in for a supplement request"
)
async def hand_in_supplement(
    code: str,
    body: HandInSupplement,
    request: Request,
    principal: Principal = Depends(receiver),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    return await _decide(request, principal, "supplement", code, body, handlers.hand_in_supplement)


@router.post("/dossiers/{code}/withdraw", summary="Record the citizen's withdrawal request")
async def withdraw_dossier(
    code: str,
    body: WithdrawDossier,
    request: Request,
    principal: Principal = Depends(receiver),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    return await _decide(request, principal, "withdraw", code, body, handlers.withdraw)


@router.get(
    "/dossiers/{code}", summary="A dossier, for officials of its receiving or competent unit"
)
async def get_dossier(
    code: str,
    principal: Principal = Depends(official),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    dossier = await queries.read_dossier(intake, code, official=principal, purpose="dossier")
    return queries.dossier_view(intake, dossier)


@router.get("/dossiers", summary="A unit's dossiers by status, newest first (no personal data)")
async def list_dossiers(
    unit: str | None = Query(None, description="Agency code (default: the caller's unit)"),
    role: Literal["receiving", "competent"] = Query("receiving"),
    status: int | None = Query(None, ge=1, le=10),
    channel: list[Channel] | None = Query(
        None, description="Only these channels (repeat the parameter for several)"
    ),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
    principal: Principal = Depends(official),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    unit = unit or principal.unit
    principal.require_unit(unit, "unit")
    items, total = await intake.store.queue(
        unit_field=f"{role}_unit",
        unit=unit,
        status=status,
        limit=limit,
        offset=offset,
        channels=[c.value for c in channel or ()],
    )
    return {
        "items": [queries.queue_item(item) for item in items],
        "total": total,
        "limit": limit,
        "offset": offset,
    }
