"""Reading what a topic holds, for assertions: every record up to the end offsets at the time of
the call, through assigned partitions (no consumer group to join, so nothing waits on a
rebalance however loaded the machine is)."""

from __future__ import annotations

import json
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from motcua_workflow.replay import partitions


async def topic_events(kafka: str, topic: str) -> list[dict[str, Any]]:
    """Every event (decoded JSON) on ``topic`` so far, in each partition's order."""
    tps = [TopicPartition(topic, p) for p in await partitions(kafka, topic)]
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    events: list[dict[str, Any]] = []
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(timeout_ms=1000)
            events.extend(json.loads(r.value) for rs in batch.values() for r in rs)
            remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
    finally:
        await consumer.stop()
    return events
