"""What every route needs: the context, the caller as a domain actor, unit-scope guards, the
instant of a request."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from motcua_platform.auth import Principal
from motcua_platform.clock import SimulationDisabled
from motcua_platform.http.inputs import check_instant
from motcua_platform.instants import at_rest as instant
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Actor, Case
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.handlers import Guard


def context(request: Request) -> WorkflowContext:
    return request.app.state.workflow


def actor(principal: Principal) -> Actor:
    return Actor(principal.subject, principal.unit, principal.roles, principal.name)


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
