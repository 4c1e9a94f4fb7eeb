"""What the workflow's events mean for the status a citizen sees on the public lookup.

Intake does not decide processing; it mirrors the status the workflow service publishes, the same
way the workflow's own case moves: a dossier stays "Được tiếp nhận" (2) until its first
hand-over, then "Đang xử lý" (4); the result is 9, its hand-over 10, a stop 8.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import Conflict
from motcua_intake.domain.instants import stored_instant
from motcua_intake.domain.status import WORKFLOW_STATUSES, DossierStatus


@dataclass(frozen=True)
class Observation:
    """A workflow event as a change of the mirrored status and/or due time."""

    status: DossierStatus | None = None
    due_at: datetime | None = None
    leaves_intake: bool = False  # the first hand-over: 2 → 4, nothing otherwise


_STATUS_OF: dict[str, DossierStatus] = {
    "case.supplement_requested": DossierStatus.SUPPLEMENT_REQUESTED,
    "case.payment_requested": DossierStatus.AWAITING_PAYMENT,
    "case.payment_received": DossierStatus.PROCESSING,
    "case.resolved": DossierStatus.RESOLVED,
    "case.returned": DossierStatus.RETURNED,
    "case.stopped": DossierStatus.STOPPED,
}
_HAND_OVERS = frozenset({"case.step_assigned", "case.step_completed"})
# Types whose effect is a new due time: after a restart or pause, and after the one extension.
_NEW_DUE_AT = {"case.resumed": DossierStatus.PROCESSING, "case.extended": None}

OBSERVED_TYPES = frozenset({*_STATUS_OF, *_HAND_OVERS, *_NEW_DUE_AT})


class NotAccepted(Conflict):
    """A processing event for a dossier intake never accepted contradicts intake's record."""

    def __init__(self, code: str, event_type: str) -> None:
        super().__init__(
            "dossier_not_accepted",
            f"{event_type} for dossier {code}, which intake has not accepted",
            field="status",
        )


def observation_for(event_type: str, data: Mapping[str, Any]) -> Observation | None:
    """The change an event of ``event_type`` brings, or ``None`` for events the lookup does not
    show (step starts, deadline warnings, …)."""
    if event_type in _STATUS_OF:
        return Observation(status=_STATUS_OF[event_type])
    if event_type in _HAND_OVERS:
        return Observation(leaves_intake=True)
    if event_type in _NEW_DUE_AT:
        return Observation(
            status=_NEW_DUE_AT[event_type], due_at=stored_instant(data["new_due_at"])
        )
    return None


def observe(dossier: Dossier, observation: Observation, at: datetime | None) -> bool:
    """Apply an observation to the dossier; returns whether anything changed."""
    if dossier.acceptance is None:
        raise NotAccepted(dossier.code, "a processing event")
    status = observation.status
    if observation.leaves_intake:
        status = DossierStatus.PROCESSING if dossier.status is DossierStatus.ACCEPTED else None
    if status is None:
        if observation.due_at is None or dossier.status not in WORKFLOW_STATUSES:
            return False
        status = dossier.status
    return dossier.observe_workflow_status(status, observation.due_at, at=at)
