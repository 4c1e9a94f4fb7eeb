"""The events of a fetched batch are applied together: one read of every subject, the events of
each subject folded into one write, the writes of all subjects sent as one bulk write — with the
same state, order and exactly-once bookkeeping as one by one, against the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from aiokafka.errors import KafkaConnectionError

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


def invalid(subject: str, seq: int) -> Envelope:
    """A valid envelope whose payload breaks the contract (a number for the reason)."""
    data = {"reason": 5, "at": AT.isoformat()}
    return Envelope(
        id=str(uuid.uuid4()),
        type=TYPE,
        source="intake",
        subject=subject,
        time=AT,
        seq=seq,
        data=data,
    )


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
    def __init__(self, db: Any, bulk_size: int = 100) -> None:
        self.store = AggregateStore(db["cases"], "workflow")
        self.writes = 0  # database round trips that write aggregates
        self.followed: list[tuple[str, int]] = []  # (reason, version) seen by ``after``
        save, save_many = self.store.save, self.store.save_many

        async def counted(*args: Any, **kwargs: Any) -> int:
            self.writes += 1
            return await save(*args, **kwargs)

        async def counted_many(saves: Any) -> set[str]:
            self.writes += 1
            return await save_many(saves)

        self.store.save = counted  # type: ignore[method-assign]
        self.store.save_many = counted_many  # type: ignore[method-assign]

        def decide_for(env: Envelope, payload: Any) -> Decide:
            def decide(loaded: Loaded | None) -> Decision:
                if payload.reason == "poison":
                    raise Rejected("poison")
                if payload.reason == "contradicts":
                    return Decision(state={}, rejected="contradicts the dossier")
                reasons = list(loaded.state.get("reasons", [])) if loaded else []
                return Decision(
                    state={"reasons": [*reasons, payload.reason]}, effect=payload.reason
                )

            return decide

        async def after(effects: Any) -> None:
            self.followed.extend(effects)

        self.dead_letters = Reasons()
        self.consumer = EventConsumer(
            "test",
            {TYPE: Fold(self.store, decide_for, after)},
            dead_letters=self.dead_letters,
            parking=ParkingLot(db["parked"]),
            metrics=PlatformMetrics("test"),
            bulk_size=bulk_size,
        )


class Reasons(DeadLetters):
    """Keeps the reasons instead of publishing (this test has no broker)."""

    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.subjects: list[str] = []

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        self.reasons.append(reason)
        self.subjects.append(record.key.decode())


class BrokerAwayAtFirst(Reasons):
    """The broker refuses the first ``failures`` dead letters, then takes them."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        if self.failures:
            self.failures -= 1
            raise KafkaConnectionError("broker unreachable")
        await super().send(record, reason)


def records(envs: list[Envelope], first: int = 0) -> list[ConsumerRecord[Any, Any]]:
    return [record(e, first + i) for i, e in enumerate(envs)]


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


async def test_many_subjects_in_one_batch_take_one_read_and_one_bulk_write(mongo_db: Any) -> None:
    sink = Sink(mongo_db)
    await sink.consumer.handle_records(records([envelope("E0", 1, "old")]))
    sink.writes = 0
    # Interleaved as a partition delivers them: E0 exists already, E1…E4 are new.
    envs = [envelope(f"E{n}", seq, f"e{n}.{seq}") for seq in (1, 2) for n in range(5)]
    held = await sink.consumer.handle_records(records(envs[1:], first=10))
    assert held == {}
    assert sink.writes == 1
    for n in range(5):
        loaded = await sink.store.load(f"E{n}")
        assert loaded is not None
        expected = ["old", "e0.2"] if n == 0 else [f"e{n}.1", f"e{n}.2"]
        assert loaded.state["reasons"] == expected, n
        assert loaded.inbox == {"intake": 2}
    # ``after`` saw every decision with the version its write gave the aggregate.
    assert sorted(sink.followed) == sorted(
        [("old", 1), ("e0.2", 2)] + [(f"e{n}.{s}", 1) for n in range(1, 5) for s in (1, 2)]
    )
    # The same batch again (a redelivery after a crash before the commit) changes nothing.
    before = sink.writes
    await sink.consumer.handle_records(records(envs[1:], first=10))
    assert sink.writes == before
    assert (await sink.store.load("E1")).state["reasons"] == ["e1.1", "e1.2"]  # type: ignore[union-attr]


async def test_a_subject_changed_by_another_writer_meanwhile_is_applied_one_by_one(
    mongo_db: Any,
) -> None:
    sink = Sink(mongo_db)
    await sink.consumer.handle_records(records([envelope("F", 1, "f1")]))
    load_many = sink.store.load_many

    async def raced(ids: Any) -> Any:
        found = await load_many(ids)
        # A command on F lands between the consumer's read and its bulk write.
        await mongo_db["cases"].update_one(
            {"_id": "F"}, {"$inc": {"version": 1}, "$set": {"note": "by a command"}}
        )
        return found

    sink.store.load_many = raced  # type: ignore[method-assign]
    envs = [envelope("F", 2, "f2"), envelope("G", 1, "g1")]
    held = await sink.consumer.handle_records(records(envs, first=5))
    assert held == {}
    f = await sink.store.load("F")
    g = await sink.store.load("G")
    assert f is not None and g is not None
    assert f.state["reasons"] == ["f1", "f2"]
    assert f.state["note"] == "by a command"  # not lost: F was decided again on the new state
    assert f.inbox == {"intake": 2}
    assert g.state["reasons"] == ["g1"]


async def test_a_contradicting_event_is_recorded_dead_lettered_and_the_subject_flows_on(
    mongo_db: Any,
) -> None:
    sink = Sink(mongo_db)
    envs = [
        envelope("H", 1, "h1"),
        envelope("H", 2, "contradicts"),
        envelope("H", 3, "h3"),
        envelope("K", 1, "k1"),
    ]
    held = await sink.consumer.handle_records(records(envs))
    assert held == {}
    assert sink.writes == 1
    h = await sink.store.load("H")
    assert h is not None
    assert h.state["reasons"] == ["h1", "h3"]
    assert h.inbox == {"intake": 3}
    assert sink.dead_letters.reasons == ["rejected: contradicts the dossier"]


@pytest.mark.parametrize("bulk_size", [1, 100], ids=["one by one", "bulk"])
async def test_a_rejection_whose_dead_letter_cannot_be_sent_is_dead_lettered_on_the_retry(
    mongo_db: Any, bulk_size: int
) -> None:
    """The dead letter goes before the write that records the event as consumed: had the write
    gone first, the retry would meet the event as a duplicate and never send it."""
    sink = Sink(mongo_db, bulk_size=bulk_size)
    sink.dead_letters = sink.consumer.dead_letters = BrokerAwayAtFirst(failures=2)
    envs = [envelope("P", 1, "p1"), envelope("P", 2, "contradicts"), envelope("P", 3, "p3")]
    held = await sink.consumer.handle_records(records(envs))
    assert held == {}
    assert sink.dead_letters.reasons == ["rejected: contradicts the dossier"]
    p = await sink.store.load("P")
    assert p is not None
    assert p.state["reasons"] == ["p1", "p3"]
    assert p.inbox == {"intake": 3}


@pytest.mark.parametrize("bulk_size", [1, 100], ids=["one by one", "bulk"])
async def test_an_invalid_payload_is_dead_lettered_and_recorded_so_the_subject_flows_on(
    mongo_db: Any, bulk_size: int
) -> None:
    sink = Sink(mongo_db, bulk_size=bulk_size)
    envs = [envelope("Q", 1, "q1"), invalid("Q", 2), envelope("Q", 3, "q3"), invalid("R", 1)]
    assert await sink.consumer.handle_records(records(envs)) == {}
    q = await sink.store.load("Q")
    assert q is not None
    assert q.state["reasons"] == ["q1", "q3"]  # Q3 was not held behind Q2 as a gap
    assert q.inbox == {"intake": 3}
    assert await sink.store.load("R") is None  # nothing of R to record its event in
    assert sink.dead_letters.subjects == ["Q", "R"]
    assert all(
        "invalid dossier.withdrawal_requested payload" in r for r in sink.dead_letters.reasons
    )

    # Delivered again (a restart before the offset was committed): Q2 is a duplicate now.
    assert await sink.consumer.handle_records(records(envs)) == {}
    assert sink.dead_letters.subjects == ["Q", "R", "R"]


async def test_an_event_parked_behind_a_gap_is_released_by_a_bulk_write(mongo_db: Any) -> None:
    sink = Sink(mongo_db)
    # M2 arrives first (M1 missing): parked.
    await sink.consumer.handle_records(records([envelope("M", 2, "m2"), envelope("N", 1, "n1")]))
    assert await mongo_db["parked"].count_documents({"subject": "M"}) == 1
    await sink.consumer.handle_records(
        records([envelope("M", 1, "m1"), envelope("N", 2, "n2")], first=5)
    )
    m = await sink.store.load("M")
    assert m is not None
    assert m.state["reasons"] == ["m1", "m2"]
    assert await mongo_db["parked"].count_documents({}) == 0
