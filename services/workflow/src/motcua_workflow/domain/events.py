"""Workflow events: the published contracts plus the few this service still needs locally.

State changes for which ``motcua.workflow.v1`` has no type yet (assignment, the wait for a fee
payment, the citizen's withdrawal request) are recorded with the local types below, built on the
same ``CaseEventData`` base so they travel in the same envelope. They are candidates for the
shared contracts; until then :func:`event_model_for` knows them.

Published events also carry a few additive fields (``extra="allow"`` in the contracts) that make
replay independent of the calendar: e.g. ``case.resumed`` carries the step's new due time, and
``case.resolved`` the timeliness and processing hours decided at that moment. When read back from
JSON those fields are plain strings and numbers; the helpers here parse them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from motcua_platform.contracts.events import (
    CaseDeadlineWarning,
    CaseEventData,
    CaseExtended,
    CaseOverdue,
    CaseResolved,
    CaseResumed,
    CaseReturned,
    CaseStepCompleted,
    CaseStepStarted,
    CaseStopped,
    CaseSupplementRequested,
    EventData,
    Timeliness,
    data_model_for,
)
from motcua_workflow.domain.records import instant


class CaseStepAssigned(CaseEventData):
    """Phân công: a leader gives the current step to an official (or one claims it)."""

    event_type: ClassVar[str] = "case.step_assigned"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str
    assigned_by: str
    due_at: AwareDatetime


class CasePaymentRequested(CaseEventData):
    """Yêu cầu thực hiện nghĩa vụ tài chính (status 6)."""

    event_type: ClassVar[str] = "case.payment_requested"

    amount: int | None = Field(default=None, ge=0)
    note: str = ""


class CasePaymentReceived(CaseEventData):
    """The fee or tax was paid; processing continues (back to status 4)."""

    event_type: ClassVar[str] = "case.payment_received"


class CaseWithdrawalRequested(CaseEventData):
    """Công dân yêu cầu rút hồ sơ (status 7), from intake's ``dossier.withdrawal_requested``."""

    event_type: ClassVar[str] = "case.withdrawal_requested"

    reason: str


LOCAL_EVENT_TYPES: dict[str, type[CaseEventData]] = {
    model.event_type: model
    for model in (
        CaseStepAssigned,
        CasePaymentRequested,
        CasePaymentReceived,
        CaseWithdrawalRequested,
    )
}

WORKFLOW_EVENT_TYPES: dict[str, type[CaseEventData]] = {
    **{
        model.event_type: model
        for model in (
            CaseStepStarted,
            CaseStepCompleted,
            CaseSupplementRequested,
            CaseResumed,
            CaseExtended,
            CaseDeadlineWarning,
            CaseOverdue,
            CaseResolved,
            CaseReturned,
            CaseStopped,
        )
    },
    **LOCAL_EVENT_TYPES,
}


def event_model_for(event_type: str) -> type[EventData]:
    """The payload model of any event a case applies, local types included."""
    local = LOCAL_EVENT_TYPES.get(event_type)
    return local if local is not None else data_model_for(event_type)


def extra(event: EventData, name: str, default: Any = None) -> Any:
    """An additive field of ``event``, or ``default`` when absent (older or trimmed events)."""
    return (event.model_extra or {}).get(name, default)


def extra_datetime(event: EventData, name: str) -> datetime | None:
    """An additive datetime field; a string after a JSON round trip."""
    value = extra(event, name)
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return instant(value)


def extra_float(event: EventData, name: str) -> float | None:
    """An additive number field."""
    value = extra(event, name)
    return None if value is None else float(value)


def extra_timeliness(event: EventData, name: str = "timeliness") -> Timeliness | None:
    """An additive timeliness field."""
    value = extra(event, name)
    return None if value is None else Timeliness(value)
