"""Idempotent, ordered application of consumed events to aggregates.

Every aggregate document remembers, per source service, the highest ``seq`` it has applied for its
subject. An event is applied together with that number in one version-guarded write, so a replayed
or re-delivered event is recognised and skipped, and a restart at any point applies nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from motcua_platform.contracts import Envelope, EventData
from motcua_platform.errors import ConcurrencyConflict
from motcua_platform.mongo import AggregateStore, Loaded


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    GAP = "gap"


def sequence_verdict(inbox: Mapping[str, int], source: str, seq: int) -> Outcome:
    last = inbox.get(source, 0)
    if seq <= last:
        return Outcome.DUPLICATE
    if seq > last + 1:
        return Outcome.GAP
    return Outcome.APPLIED


class Rejected(Exception):
    """The event is well-formed but cannot be applied (it contradicts the aggregate's state):
    it goes to the dead-letter topic with this reason instead of blocking the partition."""


@dataclass
class Decision:
    """What applying one event does to an aggregate: its new state and the events it causes."""

    state: dict[str, Any]
    events: Sequence[EventData] = field(default_factory=list)
    at: datetime | None = None


Decide = Callable[[Loaded | None], Decision | None]


async def apply_to_aggregate(
    store: AggregateStore,
    aggregate_id: str,
    envelope: Envelope,
    decide: Decide,
    *,
    attempts: int = 20,
) -> Outcome:
    """Load, check the sequence, decide, save state + caused events + consumed seq atomically.

    ``decide`` returning ``None`` means the event changes nothing here; its ``seq`` is still
    recorded so that the next event of the subject is not mistaken for a gap.
    """
    for _ in range(attempts):
        loaded = await store.load(aggregate_id)
        verdict = sequence_verdict(loaded.inbox if loaded else {}, envelope.source, envelope.seq)
        if verdict is not Outcome.APPLIED:
            return verdict
        decision = decide(loaded)
        state = decision.state if decision else {}
        head = loaded.seq_head if loaded else 0
        caused = store.envelopes(
            aggregate_id,
            head,
            decision.events if decision else (),
            (decision.at if decision and decision.at else envelope.time),
        )
        try:
            await store.save(
                aggregate_id,
                loaded.version if loaded else 0,
                state,
                caused,
                inbox={envelope.source: envelope.seq},
            )
        except ConcurrencyConflict:
            continue
        return Outcome.APPLIED
    raise ConcurrencyConflict(aggregate_id)


@dataclass(frozen=True)
class Fold:
    """A handler whose whole effect is one aggregate change: ``decide_for`` gives, for an event,
    how it changes the aggregate named by its subject. The consumer may then apply several
    consecutive events of one subject with one load and one write
    (:func:`apply_all_to_aggregate`); alone, an event goes through :func:`apply_to_aggregate`."""

    store: AggregateStore
    decide_for: Callable[[Envelope, Any], Decide]

    async def __call__(self, envelope: Envelope, payload: Any) -> Outcome:
        decide = self.decide_for(envelope, payload)
        return await apply_to_aggregate(self.store, envelope.subject, envelope, decide)


async def apply_all_to_aggregate(
    store: AggregateStore,
    aggregate_id: str,
    items: Sequence[tuple[Envelope, Decide]],
    *,
    attempts: int = 20,
) -> list[Outcome]:
    """Apply consecutive events of one aggregate in order, as :func:`apply_to_aggregate` would
    one by one, but with one load and one version-guarded write holding the new state, every
    caused event and the last consumed ``seq``: all of them are applied, or none.

    Returns the outcomes of a prefix of ``items``: it stops at the first gap (that event and the
    rest are left to the caller). A ``decide`` that raises makes the whole call raise, with
    nothing written."""
    for _ in range(attempts):
        loaded = await store.load(aggregate_id)
        current = loaded
        inbox = dict(loaded.inbox) if loaded else {}
        head = loaded.seq_head if loaded else 0
        state: dict[str, Any] = {}
        caused: list[Envelope] = []
        consumed: dict[str, int] = {}
        outcomes: list[Outcome] = []
        for envelope, decide in items:
            verdict = sequence_verdict(inbox, envelope.source, envelope.seq)
            outcomes.append(verdict)
            if verdict is Outcome.GAP:
                break
            if verdict is Outcome.DUPLICATE:
                continue
            decision = decide(current)
            changes = decision.state if decision else {}
            new = store.envelopes(
                aggregate_id,
                head,
                decision.events if decision else (),
                (decision.at if decision and decision.at else envelope.time),
            )
            head += len(new)
            caused.extend(new)
            state.update(changes)
            inbox[envelope.source] = consumed[envelope.source] = envelope.seq
            # What the next event's ``decide`` would load had this one been written alone.
            current = Loaded(
                id=aggregate_id,
                version=loaded.version if loaded else 0,
                state={**(current.state if current else {}), **changes},
                seq_head=head,
                inbox=dict(inbox),
            )
        if not consumed:
            return outcomes
        try:
            await store.save(
                aggregate_id, loaded.version if loaded else 0, state, caused, inbox=consumed
            )
        except ConcurrencyConflict:
            continue
        return outcomes
    raise ConcurrencyConflict(aggregate_id)
