"""Workflow events as this aggregate reads them: the published contracts and a few helpers.

Every state change of a case has a type in the shared contracts (``motcua.workflow.v1``). The
events carry what replay needs so that it never depends on today's calendar: e.g.
``case.resumed`` carries the step's new due time, and ``case.resolved`` the timeliness and
processing hours decided at that moment.
"""

from __future__ import annotations

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
    data_model_for,
)

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
