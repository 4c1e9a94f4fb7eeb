"""Workflow events as this aggregate reads them: the published contracts and a few helpers.

Every state change of a case has a type in the shared contracts (``motcua.workflow.v1``).
Published events also carry a few additive fields (``extra="allow"`` in the contracts) that make
replay independent of the calendar: e.g. ``case.resumed`` carries the step's new due time, and
``case.resolved`` the timeliness and processing hours decided at that moment. When read back from
JSON those fields are plain strings and numbers; the helpers here parse them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua_platform.contracts.events import (
    CaseDeadlineWarning,
    CaseEventData,
    CaseExtended,
    CaseOverdue,
    CasePaymentReceived,
    CasePaymentRequested,
    CaseResolved,
    CaseResumed,
    CaseReturned,
    CaseStepAssigned,
    CaseStepCompleted,
    CaseStepStarted,
    CaseStopped,
    CaseSupplementRequested,
    CaseWithdrawalRequested,
    EventData,
    Timeliness,
    data_model_for,
)
from motcua_workflow.domain.records import instant

WORKFLOW_EVENT_TYPES: dict[str, type[CaseEventData]] = {
    model.event_type: model
    for model in (
        CaseStepStarted,
        CaseStepAssigned,
        CaseStepCompleted,
        CaseSupplementRequested,
        CaseResumed,
        CasePaymentRequested,
        CasePaymentReceived,
        CaseExtended,
        CaseDeadlineWarning,
        CaseOverdue,
        CaseWithdrawalRequested,
        CaseResolved,
        CaseReturned,
        CaseStopped,
    )
}


def event_model_for(event_type: str) -> type[EventData]:
    """The payload model of any event a case applies (all are shared contracts)."""
    return data_model_for(event_type)


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
