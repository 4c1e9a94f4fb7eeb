"""Intake events in, case commands out. Every intake event of a dossier goes through
``apply_to_aggregate`` — those that change nothing here too — so each is applied once, in order,
and the per-dossier ``seq`` has no false gaps.

An event the case cannot accept (a withdrawal after the decision, a supplement nobody asked for)
is recorded as consumed and then raised as ``Rejected``: it goes to the dead-letter topic for a
person to look at, and the dossier's later events still flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_platform.contracts import INTAKE_TOPIC, Envelope, EventData
from motcua_platform.contracts.events import (
    CaseEventData,
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementSubmitted,
    DossierWithdrawalRequested,
)
from motcua_platform.instants import at_rest as instant
from motcua_platform.messaging.inbox import Decision, Outcome, Rejected, apply_to_aggregate
from motcua_platform.mongo import Loaded
from motcua_platform.runtime import Subscription
from motcua_workflow.context import WorkflowContext
from motcua_workflow.domain import Case, DomainError, InvalidTransition
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.store import CaseStore


@dataclass
class Change:
    subject: Case | KnownDossier
    events: list[CaseEventData]
    at: datetime


def decide_intake(
    store: CaseStore, code: str, current: Case | KnownDossier | None, data: EventData
) -> Change | None:
    """What one intake event does to the dossier's record; ``None`` when nothing."""
    match data, current:
        case DossierAccepted(), None | KnownDossier(status=CaseStatus.SUBMITTED):
            opened = Case.open(data, code, store.calendars.for_unit(data.competent_unit))
            return Change(opened, opened.pull_events(), instant(data.accepted_at))
        case DossierAccepted(), _:
            raise InvalidTransition(f"dossier {code} cannot be accepted again")
        case DossierSubmitted(), None:
            return Change(KnownDossier.submitted(data, code), [], instant(data.submitted_at))
        case DossierRefused(), None:
            return Change(KnownDossier.refused_outright(data, code), [], instant(data.at))
        case DossierRefused(), KnownDossier():
            current.refuse(data)
            return Change(current, [], instant(data.at))
        case DossierRefused(), Case():
            raise InvalidTransition(f"dossier {code} was accepted; it can no longer be refused")
        case DossierWithdrawalRequested(), Case() | KnownDossier():
            events = (
                current.request_withdrawal(data.reason, data.at)
                if isinstance(current, Case)
                else current.withdraw(data.reason, data.at)
            )
            current.pull_events()
            return Change(current, list(events), instant(data.at))
        case DossierWithdrawalRequested(), None:
            raise InvalidTransition(f"dossier {code} is unknown here")
        case DossierSupplementSubmitted(), Case():
            # Handed in during processing: the pause ends (domain §1.6).
            events = current.resume(data.at)
            current.pull_events()
            return Change(current, list(events), instant(data.at))
    # Other events (intake-stage supplements, a repeated submission) change nothing here.
    return None


async def apply_intake_event(ctx: WorkflowContext, envelope: Envelope, data: EventData) -> Outcome:
    store = ctx.store
    seen: dict[str, Any] = {}

    def decide(loaded: Loaded | None) -> Decision | None:
        seen.clear()
        current = store.decode(loaded)
        seen["was_finished"] = _finished(current)
        try:
            change = decide_intake(store, envelope.subject, current, data)
        except DomainError as exc:
            seen["refusal"] = f"{exc.code}: {exc.message}"
            return None
        if change is None:
            return None
        seen.update(change=change, version=(loaded.version if loaded else 0) + 1)
        return Decision(state=store.document(change.subject), events=change.events, at=change.at)

    outcome = await apply_to_aggregate(store.aggregates, envelope.subject, envelope, decide)
    if outcome is not Outcome.APPLIED:
        return outcome
    if "refusal" in seen:
        raise Rejected(seen["refusal"])
    change = seen.get("change")
    if change is not None:
        await ctx.changed(
            change.subject, change.events, seen["version"], was_finished=seen["was_finished"]
        )
    return outcome


def _finished(current: Case | KnownDossier | None) -> bool:
    if isinstance(current, Case):
        return current.finished_at is not None
    return current is not None and current.status is not CaseStatus.SUBMITTED


def intake_subscription(ctx: WorkflowContext) -> Subscription:
    async def handle(envelope: Envelope, data: EventData) -> Outcome:
        return await apply_intake_event(ctx, envelope, data)

    types = (
        DossierSubmitted,
        DossierAccepted,
        DossierRefused,
        DossierWithdrawalRequested,
        DossierSupplementSubmitted,
    )
    return Subscription(
        INTAKE_TOPIC,
        {model.event_type: handle for model in types},
        fallback=handle,
    )
