"""The workflow domain: pure rules for processing an accepted dossier (no I/O, no framework).

- :mod:`.case` — the Case aggregate (commands decide, events record, ``apply`` changes state);
- :mod:`.deadlines` — step dues, pause vs restart, processing time in working hours;
- :mod:`.reports` — QĐ 766 rates and the unit summary over case snapshots;
- :mod:`.errors` — refused commands, mapped to 4xx by the API.
"""

from motcua_workflow.domain.actors import Actor
from motcua_workflow.domain.case import Case
from motcua_workflow.domain.errors import (
    AlreadyExtended,
    AlreadyResolved,
    AlreadyReturned,
    CaseClosed,
    DomainError,
    ExtensionTooLate,
    FormNotAvailable,
    InvalidTransition,
    InvalidValue,
    NotAssignee,
    NotPermitted,
    OutOfOrder,
)
from motcua_workflow.domain.events import WORKFLOW_EVENT_TYPES, event_model_for
from motcua_workflow.domain.records import HandOver, Pause, Step
from motcua_workflow.domain.status import CaseStatus

__all__ = [
    "WORKFLOW_EVENT_TYPES",
    "Actor",
    "AlreadyExtended",
    "AlreadyResolved",
    "AlreadyReturned",
    "Case",
    "CaseClosed",
    "CaseStatus",
    "DomainError",
    "ExtensionTooLate",
    "FormNotAvailable",
    "HandOver",
    "InvalidTransition",
    "InvalidValue",
    "NotAssignee",
    "NotPermitted",
    "OutOfOrder",
    "Pause",
    "Step",
    "event_model_for",
]
