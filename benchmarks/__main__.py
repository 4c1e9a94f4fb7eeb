"""`make bench`: throughput of the parts on the hot path, measured on the real broker and
database. Prints figures; compare runs on the same machine, not against a fixed threshold."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

from benchmarks import lifecycle, report_rows
from benchmarks.console import bench_console
from motcua_platform.calendar import WorkingCalendar
from motcua_platform.contracts import Envelope
from motcua_platform.contracts.events import DossierWithdrawalRequested
from motcua_platform.messaging.broker import build_broker
from motcua_platform.messaging.inbox import Decision, apply_to_aggregate
from motcua_platform.messaging.outbox import OutboxRelay
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.mongo import AggregateStore, connect
from motcua_platform.provision import create_topics

KAFKA = os.environ.get("MOTCUA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MONGO = os.environ.get("MOTCUA_MONGO_URL", "mongodb://127.0.0.1:27017")
N = int(os.environ.get("MOTCUA_BENCH_EVENTS", "2000"))
AT = datetime(2024, 3, 4, 8, 15, tzinfo=UTC)


def report(name: str, count: int, seconds: float, unit: str = "ops") -> None:
    print(f"{name:<52} {count:>7} {unit} in {seconds:7.3f} s = {count / seconds:>10.0f} {unit}/s")


def bench_calendar() -> None:
    cal = WorkingCalendar()
    start = time.perf_counter()
    for i in range(20_000):
        cal.due_at(AT + timedelta(minutes=37 * i), 24 + (i % 40))
    report("calendar.due_at (3–8 working days)", 20_000, time.perf_counter() - start)


async def bench_pipeline() -> None:
    namespace = f"bench{uuid.uuid4().hex[:6]}."
    await create_topics(KAFKA, partitions=12, replication=1, namespace=namespace)
    client = connect(MONGO)
    db = client[f"bench_{uuid.uuid4().hex[:6]}"]
    try:
        store = AggregateStore(db["dossiers"], "intake")
        await db["dossiers"].create_index([("outbox_pending", 1)])
        codes = [f"H15-240304-{i:05d}" for i in range(N)]
        start = time.perf_counter()
        for code in codes:
            events = store.envelopes(code, 0, [DossierWithdrawalRequested(reason="b", at=AT)], AT)
            await store.save(code, 0, {"status": 2}, events)
        report("command save (state + outbox, one document)", N, time.perf_counter() - start)

        metrics = PlatformMetrics("bench")
        broker = build_broker(KAFKA, "bench", metrics.registry)
        await broker.start()
        relay = OutboxRelay(
            broker, namespace + "motcua.intake.v1", [db["dossiers"]], metrics, batch=500
        )
        start = time.perf_counter()
        published = 0
        while published < N:
            published += await relay.publish_pending()
        report(
            "outbox relay → Kafka (acks=all, idempotent)",
            published,
            time.perf_counter() - start,
            "events",
        )
        await broker.stop()

        sink = AggregateStore(db["cases"], "workflow")
        envelopes = [
            Envelope.wrap(
                DossierWithdrawalRequested(reason="b", at=AT),
                source="intake",
                subject=code,
                seq=1,
                time=AT,
            )
            for code in codes
        ]

        def decide(_: object) -> Decision:
            return Decision(state={"status": 7})

        start = time.perf_counter()
        sem = asyncio.Semaphore(12)  # one in flight per partition, as the consumer runs them

        async def one(env: Envelope) -> None:
            async with sem:
                await apply_to_aggregate(sink, env.subject, env, decide)

        await asyncio.gather(*(one(e) for e in envelopes))
        report(
            "consumer apply (exactly-once, 12 partitions)", N, time.perf_counter() - start, "events"
        )
        start = time.perf_counter()
        await asyncio.gather(*(one(e) for e in envelopes))
        report("consumer duplicate detection (replay)", N, time.perf_counter() - start, "events")
    finally:
        await client.drop_database(db.name)
        await client.close()


def main() -> None:
    print(f"Motcua benchmarks — Kafka {KAFKA}, MongoDB wire {MONGO}, {N} events")
    bench_calendar()
    asyncio.run(bench_pipeline())
    bench_console()
    print("\nFull lifecycles through the public APIs (benchmarks/lifecycle.py)")
    asyncio.run(lifecycle.main())
    report_rows.print_report(asyncio.run(report_rows.main()))


if __name__ == "__main__":
    main()
