"""Intake events in, case commands out. Every intake event of a dossier is applied as a
``Fold`` of its case — those that change nothing here too — so each is applied once, in order,
and the per-dossier ``seq`` has no false gaps.

An event the case cannot accept (a withdrawal after the decision, a supplement nobody asked for)
is a rejected ``Decision``: it goes to the dead-letter topic for a person to look at, then is
recorded as consumed, and the dossier's later events still flow.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from motcua_platform.messaging.inbox import Decide, Decision, Fold
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
    store: CaseStore, code: str, current: Case | KnownDossier | None, data: EventData | None
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


@dataclass(frozen=True)
class Applied:
    """What a written intake event changed, for the follow-up (read model row, metrics)."""

    change: Change
    was_finished: bool


def intake_fold(ctx: WorkflowContext) -> Fold:
    """Every intake event as a ``Fold`` of the cases: the consumer applies a batch of them with
    one read and one bulk write, then writes their ``case_facts`` rows and counts them."""
    store = ctx.store

    def decide_for(envelope: Envelope, data: EventData | None) -> Decide:
        def decide(loaded: Loaded | None) -> Decision | None:
            current = store.decode(loaded)
            # Before deciding: the decision changes ``current`` in place.
            was_finished = _finished(current)
            try:
                change = decide_intake(store, envelope.subject, current, data)
            except DomainError as exc:
                # Recorded as consumed, then dead-lettered: the dossier's later events flow.
                return Decision(state={}, rejected=f"{exc.code}: {exc.message}")
            if change is None:
                return None
            return Decision(
                state=store.document(change.subject),
                events=change.events,
                at=change.at,
                effect=Applied(change, was_finished),
            )

        return decide

    async def after(effects: Sequence[tuple[Any, int]]) -> None:
        await ctx.changed_many(
            [(a.change.subject, a.change.events, version, a.was_finished) for a, version in effects]
        )

    return Fold(store.aggregates, decide_for, after)


def _finished(current: Case | KnownDossier | None) -> bool:
    if isinstance(current, Case):
        return current.finished_at is not None
    return current is not None and current.status is not CaseStatus.SUBMITTED


def intake_subscription(ctx: WorkflowContext) -> Subscription:
    handle = intake_fold(ctx)
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
