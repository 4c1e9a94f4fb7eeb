"""Consumption of a topic: parse, route to a handler, count, hold gaps, dead-letter poison.

- A malformed message, a payload that fails validation, or an event the aggregate rejects goes
  to ``<topic>.dlq`` with the reason and original offset; the consumer goes on.
- A well-formed event of a type this version does not know (a newer producer) is skipped through
  the fallback handler, which records its ``seq``: contracts evolve by adding types.
- An infrastructure failure (database or broker unreachable) is retried with back-off, holding the
  partition: skipping would lose the event.
- An event that arrives ahead of its predecessor (a ``seq`` gap) is parked and applied as soon as
  the missing one has been applied — never out of order.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import AutoReconnect, ConnectionFailure, ServerSelectionTimeoutError

from motcua_platform.contracts import Envelope, EventData, dlq_topic
from motcua_platform.errors import ConcurrencyConflict
from motcua_platform.messaging.inbox import Outcome, Rejected
from motcua_platform.metrics import PlatformMetrics

log = logging.getLogger(__name__)

# The payload is ``None`` only for the fallback, when the event's type is unknown to this version.
Handler = Callable[[Envelope, Any], Awaitable[Outcome]]
TRANSIENT = (AutoReconnect, ConnectionFailure, ServerSelectionTimeoutError, ConcurrencyConflict)


class Poison(Exception):
    """A message that can never be applied."""


class DeadLetters:
    def __init__(self, broker: KafkaBroker, service: str) -> None:
        self.broker = broker
        self.service = service

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        headers = {
            "x-error": reason[:1000],
            "x-service": self.service,
            "x-original-topic": record.topic,
            "x-original-partition": str(record.partition),
            "x-original-offset": str(record.offset),
        }
        await self.broker.publish(
            record.value if record.value is not None else b"",
            topic=dlq_topic(record.topic),
            key=record.key,
            headers=headers,
        )


class ParkingLot:
    """Events held back because an earlier event of the same subject has not been applied yet."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def park(self, envelope: Envelope) -> None:
        await self.collection.update_one(
            {"_id": envelope.id},
            {
                "$setOnInsert": {
                    "subject": envelope.subject,
                    "source": envelope.source,
                    "seq": envelope.seq,
                    "envelope": envelope.to_json().decode(),
                    "parked_at": time.time(),
                }
            },
            upsert=True,
        )

    async def next_after(self, envelope: Envelope) -> Envelope | None:
        doc = await self.collection.find_one(
            {"subject": envelope.subject, "source": envelope.source, "seq": envelope.seq + 1}
        )
        return None if doc is None else Envelope.from_json(doc["envelope"])

    async def release(self, envelope: Envelope) -> None:
        await self.collection.delete_one({"_id": envelope.id})

    async def count(self) -> int:
        return await self.collection.count_documents({})


class EventConsumer:
    """Applies the events of one topic through the service's handlers."""

    def __init__(
        self,
        service: str,
        handlers: Mapping[str, Handler],
        *,
        dead_letters: DeadLetters,
        parking: ParkingLot,
        metrics: PlatformMetrics,
        fallback: Handler | None = None,
        max_attempts: int = 3,
    ) -> None:
        self.service = service
        self.handlers = dict(handlers)
        self.fallback = fallback
        self.dead_letters = dead_letters
        self.parking = parking
        self.metrics = metrics
        self.max_attempts = max_attempts

    async def handle_records(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """Partitions are independent: process them concurrently, each strictly in order."""
        by_partition: dict[tuple[str, int], list[ConsumerRecord[Any, Any]]] = defaultdict(list)
        for record in records:
            by_partition[(record.topic, record.partition)].append(record)
        await asyncio.gather(*(self._in_order(rs) for rs in by_partition.values()))

    def observe_lag(
        self, kafka: Any, group: str, records: Sequence[ConsumerRecord[Any, Any]]
    ) -> None:
        """Export how far each partition of this batch is behind its end: the high watermark
        the broker reported with the fetch, minus the next offset this consumer will read."""
        last: dict[tuple[str, int], int] = {}
        for record in records:
            key = (record.topic, record.partition)
            last[key] = max(last.get(key, -1), record.offset)
        for (topic, partition), offset in last.items():
            highwater = kafka.highwater(TopicPartition(topic, partition))
            if highwater is None:
                continue
            self.metrics.consumer_lag.labels(self.service, group, topic, str(partition)).set(
                max(0, highwater - offset - 1)
            )

    async def _in_order(self, records: list[ConsumerRecord[Any, Any]]) -> None:
        for record in sorted(records, key=lambda r: r.offset):
            await self.handle_record(record)

    async def handle_record(self, record: ConsumerRecord[Any, Any]) -> None:
        try:
            envelope, payload = self._parse(record.value)
        except Poison as exc:
            await self._dead_letter(record, "unknown", str(exc))
            return
        handler = self.handlers.get(envelope.type) or self.fallback
        if handler is None:
            self.metrics.consumed(envelope.type, "ignored")
            return
        if payload is None:
            # A type published by a newer producer: the fallback still records its ``seq`` so
            # the subject's next event is not held as a gap behind it.
            log.info("event type %s is unknown to this version; skipped", envelope.type)
        failures = 0
        while True:
            try:
                outcome = await handler(envelope, payload)
                break
            except Rejected as exc:
                await self._dead_letter(record, envelope.type, f"rejected: {exc}")
                return
            except TRANSIENT as exc:
                log.warning("transient failure applying %s, retrying: %s", envelope.type, exc)
                await asyncio.sleep(min(0.2 * 2 ** min(failures, 5), 5.0))
                failures = min(failures + 1, 5)
            except Exception as exc:
                failures += 1
                log.exception("handler for %s failed (attempt %d)", envelope.type, failures)
                if failures >= self.max_attempts:
                    await self._dead_letter(record, envelope.type, f"{type(exc).__name__}: {exc}")
                    return
                await asyncio.sleep(0.2 * failures)
        await self._account(envelope, outcome, record)
        if outcome is Outcome.APPLIED:
            await self._release_parked(envelope)

    async def _account(
        self, envelope: Envelope, outcome: Outcome, record: ConsumerRecord[Any, Any] | None
    ) -> None:
        if outcome is Outcome.GAP:
            await self.parking.park(envelope)
            self.metrics.consumed(envelope.type, "retried")
            return
        self.metrics.consumed(envelope.type, outcome.value)
        if outcome is Outcome.APPLIED and record is not None and record.timestamp:
            delay = max(0.0, time.time() - record.timestamp / 1000)
            self.metrics.event_delay.labels(self.service, envelope.type).observe(delay)

    async def _release_parked(self, applied: Envelope) -> None:
        current = applied
        while (nxt := await self.parking.next_after(current)) is not None:
            handler = self.handlers.get(nxt.type) or self.fallback
            if handler is None:
                await self.parking.release(nxt)
                return
            outcome = await handler(nxt, _typed(nxt))
            await self.parking.release(nxt)
            await self._account(nxt, outcome, None)
            if outcome is not Outcome.APPLIED:
                return
            current = nxt

    def _parse(self, raw: bytes | None) -> tuple[Envelope, EventData | None]:
        """The envelope and its typed payload; the payload is ``None`` for a well-formed event of
        a type this version does not know (contracts evolve by adding types)."""
        if not raw:
            raise Poison("empty message")
        try:
            envelope = Envelope.from_json(raw)
        except (ValidationError, ValueError) as exc:
            raise Poison(f"not a valid envelope: {_short(exc)}") from exc
        try:
            return envelope, _typed(envelope)
        except ValidationError as exc:
            raise Poison(f"invalid {envelope.type} payload: {_short(exc)}") from exc

    async def _dead_letter(
        self, record: ConsumerRecord[Any, Any], event_type: str, reason: str
    ) -> None:
        log.warning(
            "dead-lettering %s at %s[%d]@%d: %s",
            event_type,
            record.topic,
            record.partition,
            record.offset,
            reason,
        )
        await self.dead_letters.send(record, reason)
        self.metrics.consumed(event_type, "dead_lettered")


def _typed(envelope: Envelope) -> EventData | None:
    try:
        return envelope.payload()
    except KeyError:
        return None


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return json.dumps(
            [{"loc": ".".join(map(str, e["loc"])), "msg": e["msg"]} for e in exc.errors()][:5],
            ensure_ascii=False,
        )
    return str(exc)[:300]


async def _raw(message: Any) -> None:
    """Decoding happens in ``EventConsumer`` so that a malformed body reaches the dead-letter path
    instead of failing inside the framework."""
    return None


def subscribe(
    broker: KafkaBroker, topic: str, group_id: str, consumer: EventConsumer, *, batch_size: int
) -> None:
    """A batch subscriber that commits offsets only after the whole batch has been applied."""

    @broker.subscriber(
        topic,
        group_id=group_id,
        batch=True,
        max_records=batch_size,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=_raw,
        title=f"{group_id}:{topic}",
    )
    async def on_batch(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        await consumer.handle_records(records)
        await msg.ack()
        consumer.observe_lag(msg.consumer, group_id, records)
