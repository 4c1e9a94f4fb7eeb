"""Consumption of a topic: parse, route to a handler, count, hold gaps, dead-letter poison.

- A malformed message, a payload that fails validation, or an event the aggregate rejects goes
  to ``<topic>.dlq`` with the reason and original offset; the consumer goes on. The last two are
  also recorded as consumed where their aggregate exists (dead letter first), so that its later
  events are not held behind them as a gap.
- A well-formed event of a type this version does not know (a newer producer) is skipped through
  the fallback handler, which records its ``seq``: contracts evolve by adding types.
- An infrastructure failure (database or broker unreachable, a dead letter that cannot be sent)
  holds the partition: the record is retried with back-off and its offset is never committed
  before it has been applied. Skipping would lose the event, and every later event of its
  dossier would wait behind the gap for ever.
- A batch never outlasts its time budget: whatever is left when it runs out is fetched again by
  the next poll, so the consumer keeps polling well within ``max.poll.interval.ms`` and keeps
  its place in the group however slow the database is.
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

from aiokafka import ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from motcua_platform.contracts import Envelope, EventData, dlq_topic
from motcua_platform.errors import ConcurrencyConflict
from motcua_platform.messaging.inbox import (
    Decision,
    Fold,
    Folded,
    Outcome,
    Rejected,
    apply_all_to_aggregate,
    fold_events,
)
from motcua_platform.metrics import PlatformMetrics
from motcua_platform.mongo import Loaded

log = logging.getLogger(__name__)

# The payload is ``None`` only for the fallback, when the event's type is unknown to this version.
Handler = Callable[[Envelope, Any], Awaitable[Outcome]]


def is_infrastructure(exc: BaseException) -> bool:
    """A failure of what the handler runs on, not of the event: the same event applies once the
    database or broker answers again, so it is retried and never dead-lettered. Every PyMongo
    error counts (a server-side error a retry cannot cure is a bug to fix, and holding the
    partition keeps its events until it is fixed); an oversized document is not a PyMongo error
    and is dead-lettered as poison."""
    return isinstance(exc, PyMongoError | KafkaError | ConcurrencyConflict | OSError)


def rejection(reason: str) -> str:
    """The ``x-error`` of the dead letter of an event its aggregate rejected: operators look for
    the prefix (docs/operations.md, "Dead letters")."""
    return f"rejected: {reason}"


def backoff(failures: int) -> float:
    return min(0.2 * 2 ** min(failures, 5), 5.0)


class Poison(Exception):
    """A message that can never be applied; ``envelope`` when the envelope itself was valid (its
    payload was not)."""

    def __init__(self, reason: str, envelope: Envelope | None = None) -> None:
        super().__init__(reason)
        self.envelope = envelope


class DeadLetters:
    def __init__(self, broker: KafkaBroker, service: str) -> None:
        self.broker = broker
        self.service = service

    async def send(self, record: ConsumerRecord[Any, Any], reason: str) -> None:
        await self.send_value(
            record.value, record.key, record.topic, record.partition, record.offset, reason
        )

    async def send_value(
        self,
        value: bytes | None,
        key: bytes | None,
        topic: str,
        partition: int,
        offset: int | None,
        reason: str,
    ) -> None:
        headers = {
            "x-error": reason[:1000],
            "x-service": self.service,
            "x-original-topic": topic,
            "x-original-partition": str(partition),
            "x-original-offset": "" if offset is None else str(offset),
        }
        await self.broker.publish(
            value if value is not None else b"", topic=dlq_topic(topic), key=key, headers=headers
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

    async def subjects(self, subjects: Sequence[str]) -> set[str]:
        """Which of ``subjects`` have events parked (one query for a whole batch)."""
        found = self.collection.find({"subject": {"$in": list(subjects)}}, {"subject": 1})
        return {doc["subject"] async for doc in found}

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
        batch_seconds: float = 60.0,
        bulk_size: int = 100,
    ) -> None:
        self.service = service
        self.handlers = dict(handlers)
        self.fallback = fallback
        self.dead_letters = dead_letters
        self.parking = parking
        self.metrics = metrics
        self.max_attempts = max_attempts
        self.batch_seconds = batch_seconds
        self.bulk_size = bulk_size  # records applied with one read and one bulk write, at most
        self._folds = any(isinstance(h, Fold) for h in (*self.handlers.values(), fallback))
        # Consecutive failures per partition, so the back-off keeps growing across the batches
        # that fetch a held record again.
        self._failures: dict[tuple[str, int], int] = defaultdict(int)

    async def handle_records(
        self, records: Sequence[ConsumerRecord[Any, Any]]
    ) -> dict[TopicPartition, int]:
        """Apply a batch within the time budget. Partitions are independent: they are processed
        concurrently, each strictly in order, each up to its first record that could not be
        applied. Returns, for every partition that stopped short, the offset of that record."""
        deadline = asyncio.get_running_loop().time() + self.batch_seconds
        by_partition: dict[tuple[str, int], list[ConsumerRecord[Any, Any]]] = defaultdict(list)
        for record in records:
            by_partition[(record.topic, record.partition)].append(record)
        keys = list(by_partition)
        stops = await asyncio.gather(*(self._in_order(by_partition[k], deadline) for k in keys))
        return {
            TopicPartition(*key): stop
            for key, stop in zip(keys, stops, strict=True)
            if stop is not None
        }

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

    async def _in_order(
        self, records: list[ConsumerRecord[Any, Any]], deadline: float
    ) -> int | None:
        """Apply one partition's records in order; the offset of the first one not applied (a
        failure that outlasted the budget, or the budget spent), ``None`` when all were."""
        loop = asyncio.get_running_loop()
        ordered = sorted(records, key=lambda r: r.offset)
        i = 0
        while i < len(ordered):
            if loop.time() < deadline and (bulk := await self._bulk(ordered, i, deadline)):
                covered, leftovers = bulk
                for record in leftovers:
                    if (stop := await self._one(record, deadline)) is not None:
                        return stop
                i += covered
                continue
            if (stop := await self._one(ordered[i], deadline)) is not None:
                return stop
            i += 1
        return None

    async def _one(self, record: ConsumerRecord[Any, Any], deadline: float) -> int | None:
        """Apply one record, retrying failures with back-off within the budget; its offset when
        it could not be applied in time, ``None`` once it was (or was dead-lettered)."""
        loop = asyncio.get_running_loop()
        key = (record.topic, record.partition)
        while True:
            if loop.time() >= deadline:
                log.info("batch time budget spent; %s[%d] resumes at %d", *key, record.offset)
                return record.offset
            try:
                async with asyncio.timeout_at(deadline):
                    await self.handle_record(record)
            except Exception as exc:
                if isinstance(exc, TimeoutError) and loop.time() >= deadline:
                    log.warning(
                        "batch time budget spent applying %s[%d]@%d; fetched again",
                        *key,
                        record.offset,
                    )
                    return record.offset
                self._failures[key] += 1
                failures = self._failures[key]
                log.warning(
                    "%s[%d]@%d not applied (failure %d), held and retried: %s",
                    *key,
                    record.offset,
                    failures,
                    _describe(exc),
                    exc_info=not is_infrastructure(exc),
                )
                await asyncio.sleep(max(0.0, min(backoff(failures), deadline - loop.time())))
                continue
            self._failures.pop(key, None)
            return None

    async def _bulk(
        self, records: Sequence[ConsumerRecord[Any, Any]], start: int, deadline: float
    ) -> tuple[int, list[ConsumerRecord[Any, Any]]] | None:
        """Apply the records from ``start`` whose handlers are ``Fold``s of one store together:
        one read of every subject they concern, the events of each subject folded in order
        (:func:`fold_events`), the rejected ones dead-lettered, one unordered bulk write of all
        subjects (each write still version-guarded and atomic), then the handlers' follow-ups.
        Subjects are independent, so their order between them does not matter; within a subject
        it is kept.

        Returns how many records the run covered and those of them left to the one-by-one path
        (in offset order): a subject whose event was rejected, met a gap, or whose write met a
        concurrent writer. ``None`` (nothing to apply together, or a failure of the database or
        of the broker) leaves every record to the one-by-one path, which also handles every
        failure; what was written meanwhile is then recognised as duplicate."""
        if not self._folds or start + 1 >= len(records):
            return None
        run: list[tuple[ConsumerRecord[Any, Any], Envelope, Fold, Any]] = []
        for record in records[start : start + self.bulk_size]:
            try:
                envelope, payload = self._parse(record.value)
            except Poison:
                break
            fold = self._handler(envelope)
            if not isinstance(fold, Fold) or (run and fold.store is not run[0][2].store):
                break
            run.append((record, envelope, fold, payload))
        if len(run) < 2:
            return None
        store = run[0][2].store
        by_subject: dict[str, list[int]] = defaultdict(list)
        for i, (_, envelope, _, _) in enumerate(run):
            by_subject[envelope.subject].append(i)
        leftovers: list[int] = []
        try:
            async with asyncio.timeout_at(deadline):
                loaded = await store.load_many(list(by_subject))
                folds: dict[str, tuple[Folded, list[int]]] = {}
                for subject, indices in by_subject.items():
                    items = [
                        (run[i][1], run[i][2].decide_for(run[i][1], run[i][3])) for i in indices
                    ]
                    try:
                        folded = fold_events(store, subject, loaded.get(subject), items)
                    except Exception as exc:  # the one-by-one path retries or dead-letters it
                        log.info("%s: one by one (%s)", subject, _describe(exc))
                        leftovers.extend(indices)
                        continue
                    done = len(folded.outcomes) - (folded.outcomes[-1] is Outcome.GAP)
                    leftovers.extend(indices[done:])  # the gap and what follows it
                    folds[subject] = (folded, indices[:done])
                for folded, indices in folds.values():
                    for position, reason in folded.rejections():
                        record, envelope = run[indices[position]][0], run[indices[position]][1]
                        await self._dead_letter(record, envelope.type, rejection(reason))
                saves = [f.save for f, _ in folds.values() if f.save]
                written = await store.save_many(saves) if saves else set()
        except Exception as exc:
            log.info(
                "%d events not applied together (%s); one by one instead", len(run), _describe(exc)
            )
            return None
        applied: list[tuple[Folded, list[int]]] = []
        for subject, (folded, indices) in folds.items():
            if folded.save is not None and subject not in written:
                leftovers.extend(indices)
            else:
                applied.append((folded, indices))
        try:
            await self._follow_up(run, applied)
        except Exception as exc:
            # Applied, but the parked ones behind them not yet released: the one-by-one path
            # meets them as duplicates and releases, with back-off while the database is away.
            log.info("follow-up of a bulk write failed (%s); one by one", _describe(exc))
            leftovers.extend(i for _, indices in applied for i in indices)
        self._failures.pop((run[0][0].topic, run[0][0].partition), None)
        return len(run), [run[i][0] for i in sorted(leftovers)]

    async def _follow_up(
        self,
        run: Sequence[tuple[ConsumerRecord[Any, Any], Envelope, Fold, Any]],
        applied: Sequence[tuple[Folded, list[int]]],
    ) -> None:
        """After a bulk write: count, run each handler's ``after``, release events parked
        behind what was applied."""
        effects: dict[int, tuple[Fold, list[tuple[Any, int]]]] = {}
        for folded, indices in applied:
            for i, outcome in zip(indices, folded.outcomes, strict=False):
                await self._account(run[i][1], outcome, run[i][0])
            for position, effect in folded.effects():
                fold = run[indices[position]][2]
                effects.setdefault(id(fold), (fold, []))[1].append(effect)
        for fold, items in effects.values():
            if fold.after is not None and items:
                try:
                    await fold.after(items)
                except Exception:  # the store's catch-up repairs a read model left behind
                    log.exception("follow-up of %d applied events failed", len(items))
        last = {run[indices[-1]][1].subject: run[indices[-1]] for _, indices in applied if indices}
        if last and (waiting := await self.parking.subjects(list(last))):
            for subject in waiting:
                record, envelope = last[subject][0], last[subject][1]
                await self._release_parked(envelope, record.topic, record.partition)

    async def handle_record(self, record: ConsumerRecord[Any, Any]) -> None:
        """Apply one record, or dead-letter it if it is poison. Raises when neither could be
        done (the database or broker failed): the caller holds the record and retries it."""
        try:
            envelope, payload = self._parse(record.value)
        except Poison as exc:
            if exc.envelope is None or not await self._record_poison(
                exc.envelope, record, str(exc)
            ):
                await self._dead_letter(
                    record, exc.envelope.type if exc.envelope else "unknown", str(exc)
                )
            return
        if self._handler(envelope) is None:
            self.metrics.consumed(envelope.type, "ignored")
            return
        if payload is None:
            # A type published by a newer producer: the fallback still records its ``seq`` so
            # the subject's next event is not held as a gap behind it.
            log.info("event type %s is unknown to this version; skipped", envelope.type)
        outcome = await self._apply(envelope, payload, record.topic, record.partition, record)
        if outcome is None:
            return
        await self._account(envelope, outcome, record)
        if outcome is not Outcome.GAP:
            # Also after a duplicate: a crash after applying an event but before releasing the
            # events parked behind it redelivers the event, which must finish the release.
            await self._release_parked(envelope, record.topic, record.partition)

    async def _record_poison(
        self, envelope: Envelope, record: ConsumerRecord[Any, Any], reason: str
    ) -> bool:
        """Dead-letter an event whose payload is invalid and record its ``seq`` in the aggregate
        it names, as a rejection, so that the subject's later events are not held behind it as
        a gap; ``False`` (nothing done) where its handler is not a ``Fold``, the aggregate does
        not exist (nothing to record it in) or the event came ahead of its predecessor."""
        fold = self._handler(envelope)
        if not isinstance(fold, Fold):
            return False

        def decide(loaded: Loaded | None) -> Decision:
            if loaded is None:
                raise Rejected(reason)
            return Decision(state={}, rejected=reason)

        async def before_write(folded: Folded) -> None:
            await self._dead_letter(record, envelope.type, reason)

        try:
            folded = await apply_all_to_aggregate(
                fold.store, envelope.subject, [(envelope, decide)], before_write=before_write
            )
        except Rejected:
            return False
        if folded.outcomes[0] is Outcome.GAP:
            return False
        await self._release_parked(envelope, record.topic, record.partition)
        return True

    def _handler(self, envelope: Envelope) -> Handler | None:
        return self.handlers.get(envelope.type) or self.fallback

    async def _apply(
        self,
        envelope: Envelope,
        payload: EventData | None,
        topic: str,
        partition: int,
        record: ConsumerRecord[Any, Any] | None,
    ) -> Outcome | None:
        """The handler's outcome, or ``None`` when the event was dead-lettered. An
        infrastructure failure propagates (the record is held); any other failure is retried a
        few times and then dead-lettered with its reason."""
        handler = self._handler(envelope)
        assert handler is not None

        async def dead_letter(reason: str) -> None:
            if record is not None:
                await self._dead_letter(record, envelope.type, reason)
            else:
                await self._dead_letter_parked(envelope, topic, partition, reason)

        async def before_write(folded: Folded) -> None:
            # Before the write that records the event's seq: a failure in between leaves the
            # event to be decided again (its dead letter perhaps sent twice), never recorded as
            # consumed without its dead letter.
            for _, reason in folded.rejections():
                await dead_letter(rejection(reason))

        failures = 0
        while True:
            try:
                if isinstance(handler, Fold):
                    # A rejection the fold records is dead-lettered by ``before_write``.
                    return (await handler.apply(envelope, payload, before_write)).outcomes[0]
                return await handler(envelope, payload)
            except Rejected as exc:
                reason = rejection(str(exc))
            except Exception as exc:
                if is_infrastructure(exc):
                    raise
                failures += 1
                log.exception("handler for %s failed (attempt %d)", envelope.type, failures)
                if failures < self.max_attempts:
                    await asyncio.sleep(0.2 * failures)
                    continue
                reason = _describe(exc)
            await dead_letter(reason)
            return None

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

    async def _release_parked(self, applied: Envelope, topic: str, partition: int) -> None:
        """Apply the events parked behind ``applied``, in ``seq`` order. A parked event is
        released only after it has been applied (or dead-lettered): a failure in between leaves
        it parked, and the redelivered predecessor releases it again."""
        current = applied
        while (nxt := await self.parking.next_after(current)) is not None:
            if self._handler(nxt) is None:
                await self.parking.release(nxt)
                return
            outcome = await self._apply(nxt, _typed(nxt), topic, partition, None)
            if outcome is Outcome.GAP:
                return
            if outcome is not None:
                self.metrics.consumed(nxt.type, outcome.value)
            await self.parking.release(nxt)
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
            raise Poison(f"invalid {envelope.type} payload: {_short(exc)}", envelope) from exc

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

    async def _dead_letter_parked(
        self, envelope: Envelope, topic: str, partition: int, reason: str
    ) -> None:
        log.warning("dead-lettering parked %s of %s: %s", envelope.type, envelope.subject, reason)
        await self.dead_letters.send_value(
            envelope.to_json(), envelope.subject.encode(), topic, partition, None, reason
        )
        self.metrics.consumed(envelope.type, "dead_lettered")


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


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:300]}"


async def _raw(message: Any) -> None:
    """Decoding happens in ``EventConsumer`` so that a malformed body reaches the dead-letter path
    instead of failing inside the framework."""
    return None


class _Assignments(ConsumerRebalanceListener):  # type: ignore[misc]
    """Counts the partition assignments this consumer receives: after the first, each one is a
    rebalance — another replica came or went, or this consumer was dropped from its group."""

    def __init__(self, metrics: PlatformMetrics, group: str) -> None:
        self.metrics = metrics
        self.group = group

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        self.metrics.consumer_assignments.labels(self.metrics.service, self.group).inc()


def subscribe(
    broker: KafkaBroker,
    topic: str,
    group_id: str,
    consumer: EventConsumer,
    *,
    batch_size: int,
    max_poll_interval_seconds: float = 300.0,
) -> None:
    """A batch subscriber that commits, per partition, only the offsets up to the first record
    not yet applied, and fetches that record again. Batches are bounded by count
    (``batch_size``) and by time (the consumer's ``batch_seconds``, which must leave room within
    ``max_poll_interval_seconds``, after which Kafka drops a consumer that has not polled)."""
    if consumer.batch_seconds * 2 > max_poll_interval_seconds:
        raise ValueError(
            f"a batch may take {consumer.batch_seconds} s: the poll interval "
            f"({max_poll_interval_seconds} s) must be at least twice that"
        )

    @broker.subscriber(
        topic,
        group_id=group_id,
        batch=True,
        max_records=batch_size,
        max_poll_interval_ms=int(max_poll_interval_seconds * 1000),
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=_raw,
        listener=_Assignments(consumer.metrics, group_id),
        title=f"{group_id}:{topic}",
    )
    async def on_batch(msg: KafkaMessage) -> None:
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        try:
            held = await consumer.handle_records(records)
        except Exception:
            log.exception("batch failed; every partition of it is fetched again")
            held = _earliest(records)
        await _commit_applied(msg.consumer, records, held)
        consumer.observe_lag(msg.consumer, group_id, records)


def _earliest(records: Sequence[ConsumerRecord[Any, Any]]) -> dict[TopicPartition, int]:
    first: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        first[tp] = min(first.get(tp, record.offset), record.offset)
    return first


async def _commit_applied(
    kafka: Any, records: Sequence[ConsumerRecord[Any, Any]], held: Mapping[TopicPartition, int]
) -> None:
    """Commit each partition up to its first record not applied, and rewind the fetch position
    there so the next poll delivers it again. A failed commit is only logged: the records it
    covered are delivered again and recognised as duplicates."""
    offsets: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
    offsets.update(held)
    for tp, offset in held.items():
        try:
            kafka.seek(tp, offset)
        except KafkaError as exc:  # the partition went to another member meanwhile
            log.info("not rewinding %s: %s", tp, exc)
    try:
        await kafka.commit(offsets)
    except KafkaError as exc:
        log.warning("offsets not committed (delivered again, applied once): %s", exc)
