"""Checks a command makes before it decides anything: times, statuses and who may act.

Each raises a :class:`~motcua_workflow.domain.errors.DomainError`; as they run before any event
is recorded, a refused command leaves the case unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from motcua_platform.instants import InvalidTime, instant
from motcua_workflow.domain.actors import Actor
from motcua_workflow.domain.errors import (
    AlreadyResolved,
    CaseClosed,
    InvalidTransition,
    InvalidValue,
    NotAssignee,
    NotPermitted,
    OutOfOrder,
)
from motcua_workflow.domain.records import Step
from motcua_workflow.domain.state import CaseState
from motcua_workflow.domain.status import CaseStatus


def aware(moment: datetime, name: str = "at") -> datetime:
    """``moment`` as a stored instant; a naive time is refused rather than guessed (as the
    workflow's own invalid value, the code its clients know)."""
    try:
        return instant(moment, name)
    except InvalidTime as exc:
        raise InvalidValue(exc.message, field=name) from None


def require_in_order(case: CaseState, at: datetime) -> None:
    """Events of one dossier are applied in order; a command dated before the last event would
    make replay disagree with the live state."""
    if at < case.updated_at:
        raise OutOfOrder(
            f"at {at.isoformat()} is before the last event {case.updated_at.isoformat()}",
            field="at",
        )


def require_status(case: CaseState, allowed: Iterable[CaseStatus], action: str) -> None:
    """The case must be in one of ``allowed``; the error says why not."""
    if case.status in allowed:
        return
    if case.status in (CaseStatus.RESOLVED, CaseStatus.RETURNED):
        raise AlreadyResolved(f"cannot {action}: case {case.code} already has a decision")
    if case.status is CaseStatus.STOPPED:
        raise CaseClosed(f"cannot {action}: case {case.code} was stopped")
    raise InvalidTransition(
        f"cannot {action} while the case is '{case.status.label}' (status {int(case.status)})"
    )


def require_current_step(case: CaseState) -> Step:
    """The step in progress."""
    step = case.current_step
    if step is None:
        raise InvalidTransition("no step is in progress; every step is completed")
    return step


def require_may_assign(case: CaseState, by: Actor, step: Step, assignee: str) -> None:
    """Phân công is a leader's act (of the step's unit or of the competent unit); an official of
    the step's unit and role may also claim an unassigned step for themself."""
    claims_unassigned = (
        step.assignee is None
        and by.id == assignee
        and by.unit == step.unit
        and by.has_role(step.role)
    )
    if not (by.leads(step.unit) or by.leads(case.unit) or claims_unassigned):
        raise NotPermitted(f"{by.id} may not assign step '{step.name}'")


def require_may_complete(case: CaseState, actor: Actor, step: Step) -> None:
    """The step's assignee completes it; an unassigned step, any official of its unit and role;
    a leader of the unit may always act for them."""
    if actor.leads(step.unit) or actor.leads(case.unit):
        return
    if step.assignee is not None:
        if actor.id == step.assignee:
            return
        raise NotAssignee(f"step '{step.name}' is assigned to another official")
    if actor.unit == step.unit and actor.has_role(step.role):
        return
    raise NotAssignee(f"step '{step.name}' belongs to role '{step.role}' of unit {step.unit}")
