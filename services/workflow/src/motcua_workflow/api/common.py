"""What every route needs: the context, the caller as a domain actor, unit-scope guards, the
instant of a request, and domain errors as JSON answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from motcua_platform.auth import Principal
from motcua_platform.clock import SimulationDisabled
from motcua_platform.http.inputs import check_instant
from motcua_platform.http.security import require_roles
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Actor, Case, DomainError
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.records import instant
from motcua_workflow.handlers import Guard

OFFICIALS = ("receiver", "specialist", "leader", "admin", "auditor")
CASE_WORKERS = ("receiver", "specialist", "leader")
REPORT_READERS = ("leader", "admin", "auditor", "receiver")
STATUS_OF_KIND = {"conflict": 409, "forbidden": 403, "invalid": 422}

# Role dependencies, built once (architecture §9).
officials = require_roles(*OFFICIALS)
case_workers = require_roles(*CASE_WORKERS)
leaders = require_roles("leader")
returners = require_roles("receiver", "leader")  # the counter hands the result over
report_readers = require_roles(*REPORT_READERS)
admins = require_roles("admin")


def context(request: Request) -> WorkflowContext:
    return request.app.state.workflow


def actor(principal: Principal) -> Actor:
    return Actor(principal.subject, principal.unit, principal.roles)


def competent_scope(principal: Principal) -> Guard:
    """The competent unit's officials (and those of the units above it) act on its cases."""

    def guard(subject: Case | KnownDossier) -> None:
        principal.require_unit(subject.unit, "dossier")

    return guard


def handling_scope(principal: Principal) -> Guard:
    """Reading a case, doing a step, returning the result: also the one-stop counter that
    received it — with non-geographic intake (NĐ 118/2025) that is another unit, which hands
    the dossier over and gives the result back."""

    def guard(subject: Case | KnownDossier) -> None:
        if not principal.can_access(subject.receiving_unit):
            principal.require_unit(subject.unit, "dossier")

    return guard


def read_instant(ctx: WorkflowContext, at: datetime | None) -> datetime:
    """The instant a read is judged at: now, or an explicit ``at`` in simulation only. Unlike a
    command's ``at`` it does not move the simulated clock."""
    if at is None:
        return ctx.now()
    if not ctx.settings.simulation:
        raise SimulationDisabled("at")
    return instant(check_instant(at, "at"))


def command_instant(ctx: WorkflowContext, at: datetime | None) -> datetime:
    return instant(ctx.runtime.time.resolve(at))


def idempotency_scope(principal: Principal, code: str, action: str) -> str:
    return f"workflow:{principal.subject}:{code}:{action}"


def domain_error_body(exc: DomainError) -> dict[str, Any]:
    return {
        "error": {
            "code": exc.code,
            "message": exc.message,
            "details": {"field": exc.field, "reason": exc.message},
        }
    }


def install_domain_errors(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(domain_error_body(exc), status_code=STATUS_OF_KIND[exc.kind])
