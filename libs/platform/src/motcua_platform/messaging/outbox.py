"""The outbox relay: publishes events that commands wrote into their aggregate documents.

A command stores new state and its events in one document write. The relay claims documents with
unpublished events (a short lease, so replicas do not publish the same document at the same time),
publishes the events in sequence order with the idempotent producer, waits for every
acknowledgement, then records the highest published ``seq``. A crash between publishing and
recording re-publishes; consumers drop the duplicate by ``id``/``seq``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.collection import AsyncCollection

from motcua_platform.metrics import PlatformMetrics

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        broker: KafkaBroker,
        topic: str,
        collections: Sequence[AsyncCollection[dict[str, Any]]],
        metrics: PlatformMetrics,
        *,
        interval: float = 0.2,
        lease_seconds: float = 15.0,
        batch: int = 200,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.collections = list(collections)
        self.metrics = metrics
        self.interval = interval
        self.lease_seconds = lease_seconds
        self.batch = batch
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
        pending = 0
        for coll in self.collections:
            pending += await coll.count_documents({"outbox_pending": True})
        self.metrics.outbox_pending.labels(self.metrics.service).set(pending)

    async def publish_pending(self) -> int:
        """One relay round over every collection; returns the number of events published."""
        total = 0
        for coll in self.collections:
            claimed = await self._claim(coll)
            if claimed:
                total += await self._publish(coll, claimed)
        return total

    async def _claim(self, coll: AsyncCollection[dict[str, Any]]) -> list[dict[str, Any]]:
        now = time.time()
        candidates = coll.find(
            {"outbox_pending": True, "lease_until": {"$lt": now}},
            {"events": 1, "published_seq": 1, "seq_head": 1, "lease_until": 1},
        ).limit(self.batch)
        claimed = []
        async for doc in candidates:
            # Compare-and-set on the lease: only one replica wins each document.
            won = await coll.update_one(
                {"_id": doc["_id"], "lease_until": doc["lease_until"]},
                {"$set": {"lease_until": now + self.lease_seconds}},
            )
            if won.modified_count == 1:
                claimed.append(doc)
        return claimed

    async def _publish(
        self, coll: AsyncCollection[dict[str, Any]], docs: list[dict[str, Any]]
    ) -> int:
        futures: list[asyncio.Future[Any]] = []
        sent: list[tuple[str, str]] = []
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
                sent.append((event["type"], event["subject"]))
        await asyncio.gather(*futures)
        for event_type, _ in sent:
            self.metrics.published(self.topic, event_type)
        for doc in docs:
            head = doc.get("seq_head", 0)
            await coll.update_one(
                {"_id": doc["_id"]}, {"$max": {"published_seq": head}, "$set": {"lease_until": 0.0}}
            )
            # Clear the flag only if no command appended events meanwhile.
            await coll.update_one(
                {"_id": doc["_id"], "seq_head": head}, {"$set": {"outbox_pending": False}}
            )
        return len(sent)
