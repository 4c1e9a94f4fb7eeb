"""Consecutive events of one subject in a fetched batch are applied with one write — the same
state, order and exactly-once bookkeeping as one by one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import ConsumerRecord

from motcua_platform.contracts import Envelope
from motcua_platform.contracts.events import DossierWithdrawalRequested
from motcua_platform.messaging.consumer import DeadLetters, EventConsumer, ParkingLot
from motcua_platform.messaging.inbox import Decide, Decision, Fold, Rejected
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.mongo import AggregateStore, Loaded

pytestmark = pytest.mark.integration

AT = datetime(2024, 3, 4, 8, 15, tzinfo=UTC)
TYPE = DossierWithdrawalRequested.event_type


def envelope(subject: str, seq: int, reason: str) -> Envelope:
    data = DossierWithdrawalRequested(reason=reason, at=AT)
    return Envelope.wrap(data, source="intake", subject=subject, seq=seq, time=AT)


def record(env: Envelope, offset: int) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord(
        topic="t",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=env.subject.encode(),
        value=env.to_json(),
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(),
    )


class Sink:
    def __init__(self, db: Any) -> None:
        self.store = AggregateStore(db["cases"], "workflow")
        self.writes = 0
        save = self.store.save

        async def counted(*args: Any, **kwargs: Any) -> int:
            self.writes += 1
            return await save(*args, **kwargs)

        self.store.save = counted  # type: ignore[method-assign]

        def decide_for(env: Envelope, payload: Any) -> Decide:
            def decide(loaded: Loaded | None) -> Decision:
                if payload.reason == "poison":
                    raise Rejected("poison")
                reasons = list(loaded.state.get("reasons", [])) if loaded else []
                return Decision(state={"reasons": [*reasons, payload.reason]})

            return decide

        self.dead_letters = Reasons()
        self.consumer = EventConsumer(
            "test",
            {TYPE: Fold(self.store, decide_for)},
            dead_letters=self.dead_letters,
            parking=ParkingLot(db["parked"]),
            metrics=PlatformMetrics("test"),
        )


class Reasons(DeadLetters):
    """Keeps the reasons instead of publishing (this test has no broker)."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        self.reasons.append(reason)


async def test_a_run_of_one_subject_is_applied_in_order_with_one_write(mongo_db: Any) -> None:
    sink = Sink(mongo_db)
    envs = [envelope("A", seq, f"r{seq}") for seq in (1, 2, 3)]
    held = await sink.consumer.handle_records([record(e, i) for i, e in enumerate(envs)])
    assert held == {}
    loaded = await sink.store.load("A")
    assert loaded is not None
    assert loaded.state["reasons"] == ["r1", "r2", "r3"]
    assert loaded.inbox == {"intake": 3}
    assert loaded.version == 1
    assert sink.writes == 1


async def test_duplicates_in_a_run_are_skipped_and_a_gap_is_held(mongo_db: Any) -> None:
    sink = Sink(mongo_db)
    runs = [envelope("B", 1, "r1"), envelope("B", 1, "r1"), envelope("B", 2, "r2")]
    await sink.consumer.handle_records([record(e, i) for i, e in enumerate(runs)])
    later = [envelope("B", 2, "r2"), envelope("B", 4, "r4"), envelope("B", 3, "r3")]
    await sink.consumer.handle_records([record(e, 10 + i) for i, e in enumerate(later)])
    loaded = await sink.store.load("B")
    assert loaded is not None
    # r4 arrived ahead of r3: parked, then applied right after r3.
    assert loaded.state["reasons"] == ["r1", "r2", "r3", "r4"]
    assert loaded.inbox == {"intake": 4}
    assert await mongo_db["parked"].count_documents({}) == 0


async def test_a_rejected_event_in_a_run_is_dead_lettered_and_the_others_applied(
    mongo_db: Any,
) -> None:
    sink = Sink(mongo_db)
    envs = [envelope("C", 1, "r1"), envelope("C", 2, "poison"), envelope("D", 1, "d1")]
    await sink.consumer.handle_records([record(e, i) for i, e in enumerate(envs)])
    c = await sink.store.load("C")
    d = await sink.store.load("D")
    assert c is not None and d is not None
    assert c.state["reasons"] == ["r1"]
    assert d.state["reasons"] == ["d1"]
    assert sink.dead_letters.reasons == ["rejected: poison"]
