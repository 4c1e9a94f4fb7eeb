"""The outbox relay: publishes events that commands wrote into their aggregate documents.

A command stores new state and its events in one document write. One relay per collection is
active at a time: it holds a short lease in ``outbox_leases`` (renewed while it has events to
publish; a replica takes over when it lapses), so the relay needs no per-document claim and
every write it makes is addressed by ``_id``. It publishes each document's new events in ``seq``
order with the idempotent producer, waits for every acknowledgement, then records the highest
published ``seq`` and empties the document's outbox: published events live on in Kafka only. A
crash between publishing and recording re-publishes; consumers drop the duplicate by ``id``/``seq``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_platform.metrics import PlatformMetrics

log = logging.getLogger(__name__)


LEASES = "outbox_leases"


class OutboxRelay:
    def __init__(
        self,
        broker: KafkaBroker,
        topic: str,
        collections: Sequence[AsyncCollection[dict[str, Any]]],
        metrics: PlatformMetrics,
        *,
        interval: float = 0.2,
        lease_seconds: float = 5.0,
        gauge_seconds: float = 5.0,
        batch: int = 200,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.collections = list(collections)
        self.metrics = metrics
        self.interval = interval
        self.lease_seconds = lease_seconds
        self.gauge_seconds = gauge_seconds
        self.batch = batch
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._gauge_at = 0.0
        self._held_until: dict[str, float] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Called after a command saved events, so they leave without waiting for the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        # Hand the leases back so a restarted or other replica takes over at once.
        self._held_until.clear()
        for coll in self.collections:
            with contextlib.suppress(Exception):
                await self._leases(coll).update_one(
                    {"_id": coll.name, "holder": self.holder}, {"$set": {"until": 0.0}}
                )

    async def _run(self) -> None:
        while True:
            try:
                published = await self.publish_pending()
                await self._refresh_gauge()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay round failed; retrying")
                published = 0
                await asyncio.sleep(1.0)
            if published == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.interval)
                self._wake.clear()

    async def _refresh_gauge(self) -> None:
        # Counting is a scan on some servers: often enough for a dashboard, not every round.
        if time.monotonic() - self._gauge_at < self.gauge_seconds:
            return
        self._gauge_at = time.monotonic()
        pending = 0
        for coll in self.collections:
            pending += await coll.count_documents({"outbox_pending": True})
        self.metrics.outbox_pending.labels(self.metrics.service).set(pending)

    async def publish_pending(self) -> int:
        """One round over every collection this relay leads; returns the events published.
        The lease is taken or renewed only when there is something to publish, so an idle
        collection costs no write (and another relay may take it over meanwhile)."""
        total = 0
        for coll in self.collections:
            pending = await self._pending(coll)
            if not pending:
                continue
            held = self._held_until.get(coll.name, 0.0) > time.time()
            if not await self._lead(coll):
                continue
            if not held:  # another relay may have published them before the lease came here
                pending = await self._pending(coll)
            if pending:
                total += await self._publish(coll, pending)
        return total

    async def _pending(self, coll: AsyncCollection[dict[str, Any]]) -> list[dict[str, Any]]:
        return await coll.find(
            {"outbox_pending": True}, {"events": 1, "published_seq": 1, "seq_head": 1}
        ).to_list(self.batch)

    def _leases(self, coll: AsyncCollection[dict[str, Any]]) -> AsyncCollection[dict[str, Any]]:
        return coll.database[LEASES]

    async def _lead(self, coll: AsyncCollection[dict[str, Any]]) -> bool:
        """Take or renew this relay's lease on ``coll``; ``False`` while another relay holds it.
        A lease held for more than half its length is not renewed yet: no write per round."""
        now = time.time()
        if self._held_until.get(coll.name, 0.0) - now > self.lease_seconds / 2:
            return True
        try:
            await self._leases(coll).update_one(
                {"_id": coll.name, "$or": [{"holder": self.holder}, {"until": {"$lt": now}}]},
                {"$set": {"holder": self.holder, "until": now + self.lease_seconds}},
                upsert=True,
            )
        except DuplicateKeyError:
            self._held_until.pop(coll.name, None)
            return False  # the upsert found another relay's live lease
        self._held_until[coll.name] = now + self.lease_seconds
        return True

    async def _publish(
        self, coll: AsyncCollection[dict[str, Any]], docs: list[dict[str, Any]]
    ) -> int:
        futures: list[asyncio.Future[Any]] = []
        sent: list[str] = []
        for doc in docs:
            published = doc.get("published_seq", 0)
            for event in doc.get("events", []):
                if event["seq"] <= published:
                    continue
                fut = await self.broker.publish(
                    event,
                    topic=self.topic,
                    key=event["subject"].encode(),
                    headers={"type": event["type"], "source": event["source"]},
                    no_confirm=True,
                )
                futures.append(fut)
                sent.append(event["type"])
        await asyncio.gather(*futures)
        for event_type in sent:
            self.metrics.published(self.topic, event_type)
        await self._mark_published(coll, docs)
        return len(sent)

    @staticmethod
    async def _mark_published(
        coll: AsyncCollection[dict[str, Any]], docs: list[dict[str, Any]]
    ) -> None:
        """Record progress: a document whose ``seq_head`` is still the one read has had every event
        published, so its outbox is emptied and its flag lowered in the same write (Kafka keeps the
        log; the document keeps only what is still to publish). The ``seq_head`` guard leaves a
        document a command appended to meanwhile pending, with its progress raised in a second
        write so the events already sent are not sent again.

        One bulk write of one statement per document, each addressed by its ``_id``: a single
        ``{_id: {$in: ids}, seq_head: n}`` statement let PostgreSQL (under the local server)
        answer the ``seq_head`` equality from the collection's GIN index — every document ever
        published at that head — and test each against the whole id list, which took minutes
        once a batch held a few hundred documents (an import, a backlog after an outage)."""
        if not docs:
            return
        heads = [(doc["_id"], doc.get("seq_head", 0)) for doc in docs]
        done = await coll.bulk_write(
            [
                UpdateOne(
                    {"_id": _id, "seq_head": head},
                    {"$set": {"events": [], "published_seq": head, "outbox_pending": False}},
                )
                for _id, head in heads
            ],
            ordered=False,
        )
        if done.matched_count < len(heads):
            await coll.bulk_write(
                [
                    UpdateOne(
                        {"_id": _id, "seq_head": {"$gt": head}}, {"$max": {"published_seq": head}}
                    )
                    for _id, head in heads
                ],
                ordered=False,
            )
