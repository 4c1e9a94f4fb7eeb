"""Idempotent, ordered application of consumed events to aggregates.

Every aggregate document remembers, per source service, the highest ``seq`` it has applied for its
subject. An event is applied together with that number in one version-guarded write, so a replayed
or re-delivered event is recognised and skipped, and a restart at any point applies nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from motcua_platform.contracts import Envelope, EventData
from motcua_platform.errors import ConcurrencyConflict
from motcua_platform.mongo import AggregateStore, Loaded, Save


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
    """What applying one event does to an aggregate: its new state and the events it causes.

    ``rejected``: the event contradicts the aggregate; its ``seq`` is recorded (with ``state``,
    usually empty) so the subject's later events still flow, and the consumer sends the event to
    the dead-letter topic with this reason before that write (a failure in between may send it
    twice, never lose it). ``effect``: what the handler's ``after`` needs once the write is done
    (a read model row to write, a metric to count)."""

    state: dict[str, Any]
    events: Sequence[EventData] = field(default_factory=list)
    at: datetime | None = None
    rejected: str | None = None
    effect: Any = None


Decide = Callable[[Loaded | None], Decision | None]
After = Callable[[Sequence[tuple[Any, int]]], Awaitable[None]]
"""Follows writes up: called with the ``effect`` of each decision written and the aggregate's
version after that write."""


@dataclass
class Folded:
    """Consecutive events of one aggregate folded into one write (see :func:`fold_events`)."""

    outcomes: list[Outcome]
    save: Save | None  # ``None`` when every event was a duplicate: nothing to write
    # The decisions of the events applied, in order, each with its event's index among those
    # folded.
    decisions: list[tuple[int, Decision]]

    def effects(self) -> list[tuple[int, tuple[Any, int]]]:
        """(index among the events folded, (effect, the aggregate's version after the write)) of
        each decision written that has an ``effect``."""
        if self.save is None:
            return []
        version = self.save.expected_version + 1
        return [(i, (d.effect, version)) for i, d in self.decisions if d.effect is not None]

    def rejections(self) -> list[tuple[int, str]]:
        """(index among the events folded, reason) of each rejected event."""
        return [(i, d.rejected) for i, d in self.decisions if d.rejected]


def fold_events(
    store: AggregateStore,
    aggregate_id: str,
    loaded: Loaded | None,
    items: Sequence[tuple[Envelope, Decide]],
) -> Folded:
    """Decide consecutive events of one aggregate in order, as one by one, into one write
    holding the new state, every caused event and the last consumed ``seq``. Pure: nothing is
    read or written. Stops at the first gap (that event and the rest are left to the caller);
    a ``decide`` that raises makes the whole call raise."""
    current = loaded
    inbox = dict(loaded.inbox) if loaded else {}
    head = loaded.seq_head if loaded else 0
    state: dict[str, Any] = {}
    caused: list[Envelope] = []
    consumed: dict[str, int] = {}
    outcomes: list[Outcome] = []
    decisions: list[tuple[int, Decision]] = []
    for position, (envelope, decide) in enumerate(items):
        verdict = sequence_verdict(inbox, envelope.source, envelope.seq)
        outcomes.append(verdict)
        if verdict is Outcome.GAP:
            break
        if verdict is Outcome.DUPLICATE:
            continue
        decision = decide(current) or Decision(state={})
        decisions.append((position, decision))
        new = store.envelopes(aggregate_id, head, decision.events, decision.at or envelope.time)
        head += len(new)
        caused.extend(new)
        state.update(decision.state)
        inbox[envelope.source] = consumed[envelope.source] = envelope.seq
        # What the next event's ``decide`` would load had this one been written alone.
        current = Loaded(
            id=aggregate_id,
            version=loaded.version if loaded else 0,
            state={**(current.state if current else {}), **decision.state},
            seq_head=head,
            inbox=dict(inbox),
        )
    save = (
        Save(aggregate_id, loaded.version if loaded else 0, state, caused, consumed)
        if consumed
        else None
    )
    return Folded(outcomes, save, decisions)


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
    folded = await apply_all_to_aggregate(
        store, aggregate_id, [(envelope, decide)], attempts=attempts
    )
    return folded.outcomes[0]


BeforeWrite = Callable[[Folded], Awaitable[None]]
"""Called with what is about to be written, before the write (e.g. to dead-letter what it rejects:
once the write records a rejected event's ``seq``, a retry sees it as a duplicate)."""


async def apply_all_to_aggregate(
    store: AggregateStore,
    aggregate_id: str,
    items: Sequence[tuple[Envelope, Decide]],
    *,
    attempts: int = 20,
    before_write: BeforeWrite | None = None,
) -> Folded:
    """Apply consecutive events of one aggregate in order (:func:`fold_events`) with one load
    and one version-guarded write: all of them are applied, or none. Its ``outcomes`` cover a
    prefix of ``items``: the first gap and what follows are left to the caller. ``before_write``
    runs before every attempt to write (again after a concurrent write)."""
    for _ in range(attempts):
        loaded = await store.load(aggregate_id)
        folded = fold_events(store, aggregate_id, loaded, items)
        if folded.save is None:
            return folded
        if before_write is not None:
            await before_write(folded)
        save = folded.save
        try:
            await store.save(
                aggregate_id, save.expected_version, save.state, save.new_events, save.inbox
            )
        except ConcurrencyConflict:
            continue
        return folded
    raise ConcurrencyConflict(aggregate_id)


@dataclass(frozen=True)
class Fold:
    """A handler whose whole effect is one aggregate change: ``decide_for`` gives, for an event,
    how it changes the aggregate named by its subject; ``after`` (optional) follows a write up
    (read model rows, metrics) from the decisions' ``effect``s. The consumer may then apply many
    events with one read and one bulk write: consecutive events of one subject folded into one
    write, the writes of different subjects sent together; alone, an event goes through
    :func:`apply_all_to_aggregate`."""

    store: AggregateStore
    decide_for: Callable[[Envelope, Any], Decide]
    after: After | None = None

    async def __call__(self, envelope: Envelope, payload: Any) -> Outcome:
        folded = await self.apply(envelope, payload)
        for _, reason in folded.rejections():
            raise Rejected(reason)
        return folded.outcomes[0]

    async def apply(
        self, envelope: Envelope, payload: Any, before_write: BeforeWrite | None = None
    ) -> Folded:
        """Apply one event (see :func:`apply_all_to_aggregate`) and follow the write up; a
        rejection is in the result, not raised."""
        decide = self.decide_for(envelope, payload)
        folded = await apply_all_to_aggregate(
            self.store, envelope.subject, [(envelope, decide)], before_write=before_write
        )
        await self.follow_up(folded)
        return folded

    async def follow_up(self, folded: Folded) -> None:
        if self.after is not None and (effects := folded.effects()):
            await self.after([effect for _, effect in effects])
