"""What the workflow's events mean for the status a citizen sees on the public lookup.

Intake does not decide processing: it mirrors the national status (1–10) the workflow service
publishes on every ``case.*`` event, and the appointment a resumption or an extension moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import Conflict
from motcua_intake.domain.status import WORKFLOW_STATUSES, DossierStatus
from motcua_platform.contracts import EVENT_TYPES
from motcua_platform.instants import stored_instant


@dataclass(frozen=True)
class Observation:
    """A workflow event as a change of the mirrored status and/or due time."""

    status: DossierStatus | None = None
    due_at: datetime | None = None


# Every workflow event may carry the status it leaves the case in; the lookup shows them all.
OBSERVED_TYPES = frozenset(name for name in EVENT_TYPES if name.startswith("case."))
# Before the appointment had its own name, these types carried it as ``new_due_at``.
_OLD_APPOINTMENT_NAME = frozenset({"case.resumed", "case.extended"})


class NotAccepted(Conflict):
    """A processing event for a dossier intake never accepted contradicts intake's record."""

    def __init__(self, code: str, event_type: str) -> None:
        super().__init__(
            "dossier_not_accepted",
            f"{event_type} for dossier {code}, which intake has not accepted",
            field="status",
        )


def observation_for(event_type: str, data: Mapping[str, Any]) -> Observation | None:
    """The status the workflow published with the event (``status``, 1–10) and the new
    appointment it brings, or ``None`` when the event changes neither for the lookup.

    Intake does not re-derive the status from the event type: the workflow service decides it.
    Statuses intake sets itself (withdrawal requested) or that are not the workflow's are not
    mirrored."""
    raw = data.get("status")
    status = DossierStatus(int(raw)) if raw is not None else None
    if status not in WORKFLOW_STATUSES:
        status = None
    due = data.get("appointment_at")
    if due is None and event_type in _OLD_APPOINTMENT_NAME:
        due = data.get("new_due_at")
    if status is None and due is None:
        return None
    return Observation(status=status, due_at=stored_instant(due))


def observe(dossier: Dossier, observation: Observation, at: datetime | None) -> bool:
    """Apply an observation to the dossier; returns whether anything changed."""
    if dossier.acceptance is None:
        raise NotAccepted(dossier.code, "a processing event")
    status = observation.status
    if status is None:
        if observation.due_at is None or dossier.status not in WORKFLOW_STATUSES:
            return False
        status = dossier.status
    return dossier.observe_workflow_status(status, observation.due_at, at=at)
