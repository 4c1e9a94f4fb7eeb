"""The consumer under database faults, on the real broker and database: the database drops the
connection at precise commands of a batch, goes away for a while, or answers slowly. Every event
must still be applied exactly once, in order, nothing dead-lettered, and no batch may outlast
what the consumer group allows."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from motcua_platform.contracts import Envelope, dlq_topic
from motcua_platform.contracts.events import DossierWithdrawalRequested, EventData
from motcua_platform.messaging.broker import build_broker
from motcua_platform.messaging.consumer import DeadLetters, EventConsumer, ParkingLot, subscribe
from motcua_platform.messaging.inbox import Decide, Decision, Fold, Outcome, apply_to_aggregate
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.mongo import AggregateStore, connect
from motcua_platform.provision import create_topics
from support.faults import DatabaseProxy, command_marker

AT = datetime(2024, 3, 4, 8, 15, tzinfo=UTC)
TOPIC = "motcua.intake.v1"
pytestmark = pytest.mark.integration


class Sink:
    """A consuming service whose database is reached through ``proxy``."""

    def __init__(
        self,
        db_name: str,
        proxy: DatabaseProxy,
        bootstrap: str,
        topic: str,
        *,
        batch_seconds: float,
        max_poll_interval_seconds: float,
        bulk: bool = False,
    ) -> None:
        self.client = connect(proxy.url())
        db = self.client[db_name]
        self.metrics = PlatformMetrics("test")
        self.broker = build_broker(bootstrap, "test", self.metrics.registry)
        self.store = AggregateStore(db["cases"], "workflow")
        self.parked = db["parked"]
        self.group = f"g-{uuid.uuid4().hex[:6]}"
        self.applied: Counter[tuple[str, int]] = Counter()

        async def record(envelope: Envelope, payload: EventData) -> Outcome:
            def decide(loaded: Any) -> Decision:
                reasons = list(loaded.state.get("reasons", [])) if loaded else []
                return Decision(state={"reasons": [*reasons, payload.reason]})

            outcome = await apply_to_aggregate(self.store, envelope.subject, envelope, decide)
            if outcome is Outcome.APPLIED:
                self.applied[(envelope.subject, envelope.seq)] += 1
            return outcome

        def decide_for(envelope: Envelope, payload: Any) -> Decide:
            def decide(loaded: Any) -> Decision:
                reasons = list(loaded.state.get("reasons", [])) if loaded else []
                return Decision(
                    state={"reasons": [*reasons, payload.reason]},
                    effect=(envelope.subject, envelope.seq),
                )

            return decide

        async def after(effects: Any) -> None:
            for applied, _ in effects:
                self.applied[applied] += 1

        # ``bulk``: a ``Fold``, which the consumer applies a batch at a time with bulk writes.
        handler = Fold(self.store, decide_for, after) if bulk else record
        self.consumer = EventConsumer(
            "test",
            {"dossier.withdrawal_requested": handler},
            dead_letters=DeadLetters(self.broker, "test"),
            parking=ParkingLot(self.parked),
            metrics=self.metrics,
            batch_seconds=batch_seconds,
        )
        subscribe(
            self.broker,
            topic,
            self.group,
            self.consumer,
            batch_size=100,
            max_poll_interval_seconds=max_poll_interval_seconds,
        )

    async def __aenter__(self) -> Sink:
        await self.broker.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.broker.stop()
        await self.client.close()

    def sample(self, name: str, **labels: str) -> float:
        return self.metrics.registry.get_sample_value(name, {"service": "test", **labels}) or 0.0


@pytest.fixture(scope="module")
async def own_namespace(run_id: str, kafka_bootstrap: str) -> str:
    """Topics of these tests alone: the events they leave behind would otherwise be read by
    every later test consuming the session's topics from the start."""
    namespace = f"test{run_id}faults."
    await create_topics(kafka_bootstrap, partitions=3, replication=1, namespace=namespace)
    return namespace


@pytest.fixture
async def proxy(mongo_url: str) -> Any:
    proxy = await DatabaseProxy.in_front_of(mongo_url)
    yield proxy
    await proxy.close()


def events_of(code: str, count: int) -> list[Envelope]:
    return [
        Envelope.wrap(
            DossierWithdrawalRequested(reason=str(seq), at=AT),
            source="intake",
            subject=code,
            seq=seq,
            time=AT,
        )
        for seq in range(1, count + 1)
    ]


async def produce(bootstrap: str, topic: str, envelopes: list[Envelope]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send(topic, envelope.to_json(), key=envelope.subject.encode())
        await producer.flush()
    finally:
        await producer.stop()


async def dead_lettered(bootstrap: str, topic: str, keys: set[bytes]) -> list[dict[str, Any]]:
    """The dead letters of ``topic`` whose key is one of ``keys``, read to the topic's end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([dlq_topic(topic)])
    finally:
        await admin.close()
    tps = [TopicPartition(dlq_topic(topic), p["partition"]) for p in described["partitions"]]
    assert tps, f"{dlq_topic(topic)} does not exist"
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    found = []
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            while await consumer.position(tp) < ends[tp]:
                for record in (await consumer.getmany(tp, timeout_ms=2000)).get(tp, []):
                    if record.key in keys:
                        found.append(dict(record.headers))
    finally:
        await consumer.stop()
    return found


async def until(check: Any, timeout: float = 90.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


async def consumed_up_to(db: Any, codes: Any, seq: int, timeout: float = 90.0) -> None:
    """Wait until every dossier of ``codes`` has consumed its events up to ``seq``, as its
    document says (a write the driver saw fail may have landed: the document is the truth)."""
    deadline = asyncio.get_running_loop().time() + timeout
    mine = {"_id": {"$in": list(codes)}, "inbox.intake": seq}
    while await db["cases"].count_documents(mine) < len(codes):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not every dossier consumed up to {seq} in time")
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("bulk", [False, True], ids=["one-by-one", "bulk"])
async def test_batch_failing_on_the_database_is_applied_once_after_it_recovers(
    mongo_db: Any, proxy: DatabaseProxy, kafka_bootstrap: str, own_namespace: str, bulk: bool
) -> None:
    topic = own_namespace + TOPIC
    run = uuid.uuid4().hex[:6]
    dossiers = {f"H15-{run}-{i:02d}": events_of(f"H15-{run}-{i:02d}", 6) for i in range(10)}
    first, second = [], []
    for i, events in enumerate(dossiers.values()):
        if i % 2:  # the third event overtakes the second: it is parked until the second arrives
            events[1], events[2] = events[2], events[1]
        first += events[:3]
        second += events[3:]
    # The connection drops while the batch parks an event and while it looks for parked ones
    # (twice each, so the driver's own retry fails too).
    proxy.drop_on(command_marker("update", "parked"), times=2)
    proxy.drop_on(command_marker("find", "parked"), times=2)
    async with Sink(
        mongo_db.name,
        proxy,
        kafka_bootstrap,
        topic,
        batch_seconds=20,
        max_poll_interval_seconds=60,
        bulk=bulk,
    ) as sink:
        await produce(kafka_bootstrap, topic, first)
        await until(lambda: sum(sink.applied.values()) >= 15)
        # Then the database goes away in the middle of the next batch, and comes back once the
        # consumer has met it gone a few times.
        proxy.cut()
        dropped = proxy.dropped
        await produce(kafka_bootstrap, topic, second)
        await until(lambda: proxy.dropped >= dropped + 3)
        proxy.restore()
        await consumed_up_to(mongo_db, dossiers, 6, timeout=300)

    assert max(sink.applied.values()) == 1
    for code in dossiers:
        case = await mongo_db["cases"].find_one({"_id": code})
        assert case["reasons"] == ["1", "2", "3", "4", "5", "6"]
        assert case["inbox"] == {"intake": 6}
    assert await mongo_db["parked"].count_documents({}) == 0
    assert (
        sink.sample(
            "motcua_events_consumed_total",
            type="dossier.withdrawal_requested",
            outcome="dead_lettered",
        )
        == 0
    )
    assert await dead_lettered(kafka_bootstrap, topic, {c.encode() for c in dossiers}) == []


async def test_a_slow_database_never_keeps_a_batch_past_the_poll_interval(
    mongo_db: Any, proxy: DatabaseProxy, kafka_bootstrap: str, own_namespace: str
) -> None:
    topic = own_namespace + TOPIC
    code = f"H15-{uuid.uuid4().hex[:8]}"
    events = events_of(code, 100)
    # Three commands per event (load, save, look for parked successors) at 50 ms each: the 100
    # events of one fetch take 15 s or more, over twice the 6 s the group allows between polls.
    proxy.latency = 0.05
    async with Sink(
        mongo_db.name,
        proxy,
        kafka_bootstrap,
        topic,
        batch_seconds=2,
        max_poll_interval_seconds=6,
    ) as sink:
        await produce(kafka_bootstrap, topic, events)
        await consumed_up_to(mongo_db, [code], 100, timeout=300)
        assignments = sink.sample("motcua_consumer_assignments_total", group=sink.group)

    assert max(sink.applied.values()) == 1
    case = await mongo_db["cases"].find_one({"_id": code})
    assert case["reasons"] == [str(seq) for seq in range(1, 101)]
    # One assignment when it joined; a consumer dropped for a late poll would have rejoined.
    assert assignments == 1
