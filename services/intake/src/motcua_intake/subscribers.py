"""``motcua.workflow.v1`` → the status and due time the public lookup shows.

Every event of a dossier is applied (those arriving together in one write), even those the
lookup does not show, so the per-dossier sequence bookkeeping sees no false gaps. An event for a
dossier intake does not know, or that contradicts it, is rejected to the dead-letter topic; one
that contradicts a dossier intake holds is also recorded as consumed, so the later ones flow.
"""

from __future__ import annotations

from typing import Any

from motcua_intake.context import IntakeContext
from motcua_intake.domain.errors import DomainError
from motcua_intake.domain.workflow_status import OBSERVED_TYPES, observation_for, observe
from motcua_intake.dossier_document import dossier_from_document, dossier_to_document
from motcua_platform.contracts import Envelope, EventData
from motcua_platform.contracts.events import CaseResolved
from motcua_platform.messaging.consumer import Handler
from motcua_platform.messaging.inbox import Decide, Decision, Fold, Rejected
from motcua_platform.mongo import Loaded


def result_file_of(payload: EventData) -> dict[str, Any]:
    """The electronic result (kết quả điện tử) a resolution names, kept so that its owner can
    download it; a reference, the bytes stay in object storage."""
    if isinstance(payload, CaseResolved) and payload.result_file is not None:
        return {"result_file": payload.result_file.model_dump()}
    return {}


def workflow_handlers(intake: IntakeContext) -> tuple[dict[str, Handler], Handler]:
    """The handlers by event type, and the fallback for every other workflow event."""

    def decide_for(envelope: Envelope, payload: EventData) -> Decide:
        observation = observation_for(envelope.type, envelope.data)
        at = getattr(payload, "at", None) or envelope.time

        def decide(loaded: Loaded | None) -> Decision:
            if loaded is None:
                raise Rejected(f"dossier {envelope.subject} was not received by intake")
            seen = {"workflow_event_type": envelope.type, "workflow_event_at": envelope.time}
            seen.update(result_file_of(payload))
            if observation is None:
                return Decision(state=seen)
            dossier = dossier_from_document(loaded.state)
            try:
                changed = observe(dossier, observation, at)
            except (DomainError, ValueError) as exc:
                # Recorded as consumed (and dead-lettered): the dossier's later events flow.
                return Decision(state={}, rejected=str(exc))
            return Decision(state={**dossier_to_document(dossier), **seen} if changed else seen)

        return decide

    on_event = Fold(intake.store.aggregates, decide_for)
    return dict.fromkeys(OBSERVED_TYPES, on_event), on_event
