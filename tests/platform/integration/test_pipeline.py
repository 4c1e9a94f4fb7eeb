"""The event pipeline on the real broker and database: outbox relay → Kafka → idempotent,
ordered consumer; malformed messages to the dead-letter topic."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from motcua_platform.contracts import Envelope, dlq_topic
from motcua_platform.contracts.events import DossierWithdrawalRequested, EventData
from motcua_platform.messaging.broker import build_broker
from motcua_platform.messaging.consumer import DeadLetters, EventConsumer, ParkingLot, subscribe
from motcua_platform.messaging.inbox import Decision, Outcome, apply_to_aggregate
from motcua_platform.messaging.outbox import OutboxRelay
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.mongo import AggregateStore, Loaded
from motcua_platform.projection import PENDING

AT = datetime(2024, 3, 4, 8, 15, tzinfo=UTC)
TOPIC = "motcua.intake.v1"


def withdrawal(reason: str) -> DossierWithdrawalRequested:
    return DossierWithdrawalRequested(reason=reason, at=AT)


async def wait_for(predicate: Any, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


class Harness:
    """A producer-side store + relay and a consumer-side store, as two services would have."""

    def __init__(self, db: Any, bootstrap: str, namespace: str) -> None:
        self.topic = namespace + TOPIC
        self.metrics = PlatformMetrics("test")
        self.broker = build_broker(bootstrap, "test", self.metrics.registry)
        self.source_store = AggregateStore(db["dossiers"], "intake")
        self.sink_store = AggregateStore(db["cases"], "workflow")
        self.relay = OutboxRelay(
            self.broker, self.topic, [db["dossiers"]], self.metrics, interval=0.05
        )
        self.applied: list[tuple[str, int, str]] = []
        self.code = f"H15-{uuid.uuid4().hex[:8]}"

        async def record(envelope: Envelope, payload: EventData) -> Outcome:
            def decide(loaded: Any) -> Decision:
                reasons = list(loaded.state.get("reasons", [])) if loaded else []
                return Decision(state={"reasons": [*reasons, payload.reason]})

            outcome = await apply_to_aggregate(self.sink_store, envelope.subject, envelope, decide)
            # The topic is shared by the tests of a session; count only this test's dossier.
            if outcome is Outcome.APPLIED and envelope.subject == self.code:
                self.applied.append((envelope.subject, envelope.seq, payload.reason))
            return outcome

        async def skip(envelope: Envelope, payload: EventData | None) -> Outcome:
            return await apply_to_aggregate(
                self.sink_store, envelope.subject, envelope, lambda _: None
            )

        self.consumer = EventConsumer(
            "test",
            {"dossier.withdrawal_requested": record},
            fallback=skip,
            dead_letters=DeadLetters(self.broker, "test"),
            parking=ParkingLot(db["parked"]),
            metrics=self.metrics,
        )
        subscribe(
            self.broker, self.topic, f"g-{uuid.uuid4().hex[:6]}", self.consumer, batch_size=100
        )

    async def __aenter__(self) -> Harness:
        await self.broker.start()
        await self.relay.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.relay.stop()
        await self.broker.stop()

    def lag(self) -> dict[str, float]:
        """The exported lag of this harness's topic, by partition."""
        return {
            sample.labels["partition"]: sample.value
            for metric in self.metrics.registry.collect()
            if metric.name == "motcua_consumer_lag"
            for sample in metric.samples
            if sample.labels["topic"] == self.topic
        }

    def consumed(self, outcome: str) -> float:
        value = self.metrics.registry.get_sample_value(
            "motcua_events_consumed_total",
            {"service": "test", "type": "dossier.withdrawal_requested", "outcome": outcome},
        )
        return value or 0.0


async def produce_raw(bootstrap: str, topic: str, key: bytes, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


@pytest.mark.integration
async def test_outbox_events_reach_the_consumer_once_in_order(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        events = h.source_store.envelopes(code, 0, [withdrawal("a"), withdrawal("b")], AT)
        await h.source_store.save(code, 0, {"status": 2}, events)
        h.relay.notify()
        await wait_for(lambda: _eq(len(h.applied), 2))
        assert h.applied == [(code, 1, "a"), (code, 2, "b")]
        doc = await mongo_db["dossiers"].find_one({"_id": code})
        assert doc["published_seq"] == 2 and doc["outbox_pending"] is False
        assert doc["events"] == []  # published events live on in Kafka only
        published = h.metrics.registry.get_sample_value(
            "motcua_events_published_total",
            {"service": "test", "topic": h.topic, "type": "dossier.withdrawal_requested"},
        )
        assert published == 2
        await wait_for(lambda: _eq(bool(h.lag()) and set(h.lag().values()), {0.0}))


@pytest.mark.integration
async def test_event_of_a_type_unknown_to_this_version_is_skipped_without_holding_the_next(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        newer = Envelope(
            id=str(uuid.uuid4()),
            type="dossier.transferred_abroad",
            source="intake",
            subject=code,
            time=AT,
            seq=1,
            data={"country": "LA"},
        )
        await produce_raw(kafka_bootstrap, h.topic, code.encode(), newer.to_json())
        after = h.source_store.envelopes(code, 1, [withdrawal("after")], AT)[0]
        await produce_raw(kafka_bootstrap, h.topic, code.encode(), after.to_json())
        await wait_for(lambda: _eq(len(h.applied), 1))
        assert h.applied == [(code, 2, "after")]
        case = await mongo_db["cases"].find_one({"_id": code})
        assert case["inbox"] == {"intake": 2}


@pytest.mark.integration
async def test_one_relay_leads_a_collection_and_another_takes_over_when_it_stops(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        # Two relays of a collection the harness's own relay does not publish, driven by hand.
        code = h.code
        store = AggregateStore(mongo_db["others"], "intake")
        # A lease far longer than the test: the second relay takes over because the first stops,
        # never because a slow wait below outlasted the lease.
        first, second = (
            OutboxRelay(h.broker, h.topic, [mongo_db["others"]], h.metrics, lease_seconds=600)
            for _ in range(2)
        )
        assert await first.publish_pending() == 0
        assert await mongo_db["outbox_leases"].find_one({"_id": "others"}) is None  # idle: no write
        await store.save(code, 0, {"status": 2}, store.envelopes(code, 0, [withdrawal("a")], AT))
        assert await first.publish_pending() == 1
        assert await _lead_held_by(mongo_db, first.holder, "others")
        await wait_for(lambda: _eq(len(h.applied), 1))

        await store.save(code, 1, {"status": 2}, store.envelopes(code, 1, [withdrawal("b")], AT))
        assert await second.publish_pending() == 0  # the first relay holds the lease
        await first.stop()
        assert await second.publish_pending() == 1
        await wait_for(lambda: _eq(len(h.applied), 2))
        assert h.applied == [(code, 1, "a"), (code, 2, "b")]
        doc = await mongo_db["others"].find_one({"_id": code})
        assert doc["published_seq"] == 2 and doc["outbox_pending"] is False


@pytest.mark.integration
async def test_events_a_command_appends_while_the_relay_publishes_are_kept_and_sent_once(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        coll = mongo_db["others"]
        store = AggregateStore(coll, "intake")
        relay = OutboxRelay(h.broker, h.topic, [coll], h.metrics)
        await store.save(code, 0, {"status": 2}, store.envelopes(code, 0, [withdrawal("a")], AT))
        assert await relay._lead(coll)
        read = await relay._pending(coll)
        # A command appends an event after the relay read the document, before it records.
        await store.save(code, 1, {"status": 2}, store.envelopes(code, 1, [withdrawal("b")], AT))
        assert await relay._publish(coll, read) == 1
        doc = await coll.find_one({"_id": code})
        assert doc["outbox_pending"] is True and doc["published_seq"] == 1
        assert [e["seq"] for e in doc["events"]] == [1, 2]

        assert await relay.publish_pending() == 1  # only "b": "a" is not sent again
        doc = await coll.find_one({"_id": code})
        assert doc["outbox_pending"] is False and doc["published_seq"] == 2
        assert doc["events"] == []
        await wait_for(lambda: _eq(len(h.applied), 2))
        assert h.applied == [(code, 1, "a"), (code, 2, "b")]


@pytest.mark.integration
async def test_a_projecting_relay_writes_the_records_and_lowers_the_flag_with_its_record(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        coll = mongo_db["projected"]
        store = AggregateStore(coll, "intake", projected=True)
        relay = OutboxRelay(h.broker, h.topic, [coll], h.metrics)
        rows = mongo_db["projected_rows"]

        async def project(loaded: Sequence[Loaded]) -> None:
            for item in loaded:
                await rows.replace_one(
                    {"_id": item.id},
                    {"status": item.state["status"], "version": item.version},
                    upsert=True,
                )

        relay.projects(coll.name, project)
        await store.save(code, 0, {"status": 2}, store.envelopes(code, 0, [withdrawal("a")], AT))
        assert await relay.publish_pending() == 1
        doc = await coll.find_one({"_id": code})
        assert doc["outbox_pending"] is False and doc[PENDING] is False
        assert await rows.find_one({"_id": code}) == {"_id": code, "status": 2, "version": 1}

        # A write without events after the relay read the document: its flag stays up (the
        # records were written for the version before), its outbox is still emptied.
        await store.save(code, 1, {"status": 3}, store.envelopes(code, 1, [withdrawal("b")], AT))
        read = await relay._pending(coll)
        await store.save(code, 2, {"status": 4})
        assert await relay._publish(coll, read) == 1
        doc = await coll.find_one({"_id": code})
        assert doc["outbox_pending"] is False and doc["events"] == []
        assert doc["published_seq"] == 2 and doc[PENDING] is True
        assert (await rows.find_one({"_id": code}))["version"] == 2

        async def broken(loaded: Sequence[Loaded]) -> None:
            raise RuntimeError("read model down")

        # Records that cannot be written keep the flag for the catch-up; events still leave.
        relay.projects(coll.name, broken)
        await store.save(code, 3, {"status": 5}, store.envelopes(code, 2, [withdrawal("c")], AT))
        assert await relay.publish_pending() == 1
        doc = await coll.find_one({"_id": code})
        assert doc["outbox_pending"] is False and doc[PENDING] is True
        await wait_for(lambda: _eq(len(h.applied), 3))


async def _lead_held_by(db: Any, holder: str, collection: str) -> bool:
    lease = await db["outbox_leases"].find_one({"_id": collection})
    return lease is not None and lease["holder"] == holder


@pytest.mark.integration
async def test_republished_event_is_skipped_as_duplicate(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        events = h.source_store.envelopes(code, 0, [withdrawal("once")], AT)
        await h.source_store.save(code, 0, {"status": 2}, events)
        h.relay.notify()
        await wait_for(lambda: _eq(len(h.applied), 1))
        # A relay that crashed before recording its progress publishes the same event again.
        await produce_raw(kafka_bootstrap, h.topic, code.encode(), events[0].to_json())
        await wait_for(lambda: _ge(h.consumed("duplicate"), 1))
        case = await mongo_db["cases"].find_one({"_id": code})
        assert case["reasons"] == ["once"]
        assert case["inbox"] == {"intake": 1}


@pytest.mark.integration
async def test_event_ahead_of_its_predecessor_is_held_until_the_gap_fills(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        first, second = h.source_store.envelopes(code, 0, [withdrawal("1"), withdrawal("2")], AT)
        await produce_raw(kafka_bootstrap, h.topic, code.encode(), second.to_json())
        await wait_for(lambda: _ge(h.consumed("retried"), 1))
        assert h.applied == []
        await produce_raw(kafka_bootstrap, h.topic, code.encode(), first.to_json())
        await wait_for(lambda: _eq(len(h.applied), 2))
        assert [seq for _, seq, _ in h.applied] == [1, 2]


@pytest.mark.integration
async def test_malformed_message_goes_to_dead_letter_and_next_one_is_processed(
    mongo_db: Any, kafka_bootstrap: str, topic_namespace: str
) -> None:
    async with Harness(mongo_db, kafka_bootstrap, topic_namespace) as h:
        code = h.code
        dlq = AIOKafkaConsumer(
            dlq_topic(h.topic),
            bootstrap_servers=kafka_bootstrap,
            group_id=f"dlq-{uuid.uuid4().hex[:6]}",
            auto_offset_reset="earliest",
        )
        await dlq.start()
        try:
            await produce_raw(kafka_bootstrap, h.topic, code.encode(), b"{not json")
            bad_payload = Envelope(
                id=str(uuid.uuid4()),
                type="dossier.withdrawal_requested",
                source="intake",
                subject=code,
                time=AT,
                seq=1,
                data={"reason": 5},
            )
            await produce_raw(kafka_bootstrap, h.topic, code.encode(), bad_payload.to_json())
            good = h.source_store.envelopes(code, 0, [withdrawal("valid")], AT)[0]
            await produce_raw(kafka_bootstrap, h.topic, code.encode(), good.to_json())
            await wait_for(lambda: _eq(len(h.applied), 1))
            reasons = []
            while len(reasons) < 2:
                batch = await dlq.getmany(timeout_ms=5000)
                for records in batch.values():
                    for r in records:
                        if r.key == code.encode():
                            reasons.append(dict(r.headers))
            assert b"not a valid envelope" in reasons[0]["x-error"]
            assert b"invalid dossier.withdrawal_requested payload" in reasons[1]["x-error"]
            assert reasons[0]["x-original-topic"] == h.topic.encode()
            assert int(reasons[1]["x-original-offset"]) > int(reasons[0]["x-original-offset"])
            assert json.loads(good.to_json())["data"]["reason"] == "valid"
        finally:
            await dlq.stop()


async def _eq(a: object, b: object) -> bool:
    return a == b


async def _ge(a: float, b: float) -> bool:
    return a >= b


@pytest.mark.integration
async def test_the_pending_gauge_counts_unpublished_aggregates_up_to_its_cap(
    mongo_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics = PlatformMetrics("test")
    coll = mongo_db["gauged"]
    store = AggregateStore(coll, "intake")
    relay = OutboxRelay(
        build_broker("127.0.0.1:1", "test", metrics.registry), TOPIC, [coll], metrics
    )
    for i in range(3):
        await store.save(
            f"G-{i}", 0, {"status": 2}, store.envelopes(f"G-{i}", 0, [withdrawal("a")], AT)
        )
    await store.save("G-quiet", 0, {"status": 2})

    def reading() -> float:
        value = metrics.registry.get_sample_value("motcua_outbox_pending", {"service": "test"})
        assert value is not None
        return value

    await relay._refresh_gauge()
    assert reading() == 3
    monkeypatch.setattr("motcua_platform.messaging.outbox.PENDING_GAUGE_CAP", 2)
    relay._gauge_at = 0.0
    await relay._refresh_gauge()
    assert reading() == 2
