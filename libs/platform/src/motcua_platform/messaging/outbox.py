"""The outbox relay: publishes events that commands wrote into their aggregate documents.

A command stores new state and its events in one document write. One relay per collection is
active at a time: it holds a short lease in ``outbox_leases`` (renewed while it has events to
publish; a replica takes over when it lapses), so the relay needs no per-document claim and
every write it makes is addressed by ``_id``. It publishes each document's new events in ``seq``
order with the idempotent producer, waits for every acknowledgement, then records the highest
published ``seq`` and empties the document's outbox: published events live on in Kafka only. A
crash between publishing and recording re-publishes; consumers drop the duplicate by ``id``/``seq``.

For a store with derived records (``projection_pending``, :mod:`motcua_platform.projection`) the
relay can also bring them up to date (:meth:`OutboxRelay.projects`) and lower the flag in the
very write that records the publication: a command then costs one write after its own, not two
(the catch-up keeps what changed without events, and what a crash left).
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
from motcua_platform.mongo import AggregateStore
from motcua_platform.projection import PENDING, Project

log = logging.getLogger(__name__)


LEASES = "outbox_leases"
OUTBOX_FIELDS = {"events": 1, "published_seq": 1, "seq_head": 1}
PENDING_GAUGE_CAP = 1000  # a backlog larger than this shows as this: "a thousand or more"


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
        self._projects: dict[str, Project] = {}

    def projects(self, collection: str, project: Project) -> None:
        """Write the derived records of ``collection``'s documents this relay publishes (through
        ``project``, idempotent) and lower their ``projection_pending`` flag with the
        publication's record, guarded by the version projected."""
        self._projects[collection] = project

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
            # Counted up to a cap, through the flag's index and the query's limit: a count has
            # no limit the local server can send on, and would decode every pending document
            # (thousands after an import) every few seconds while the backlog drains.
            flagged = coll.find({"outbox_pending": True}, {"_id": 1}).limit(PENDING_GAUGE_CAP)
            pending += len(await flagged.to_list(None))
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
        # A projecting relay needs the whole document; others only the outbox.
        fields = None if coll.name in self._projects else OUTBOX_FIELDS
        # The limit travels with the query (to_list alone stops reading, not the server's work).
        cursor = coll.find({"outbox_pending": True}, fields).limit(self.batch)
        return await cursor.to_list(None)

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
        await self._mark_published(coll, docs, await self._project(coll, docs))
        return len(sent)

    async def _project(
        self, coll: AsyncCollection[dict[str, Any]], docs: list[dict[str, Any]]
    ) -> dict[str, int]:
        """The flagged documents whose derived records are now written: their versions."""
        project = self._projects.get(coll.name)
        flagged = [AggregateStore.loaded(doc) for doc in docs if doc.get(PENDING)]
        if project is None or not flagged:
            return {}
        try:
            await project(flagged)
        except Exception:
            # The flags stay up: the catch-up writes the records; the events are published.
            log.exception("%s: derived records not written by the relay", coll.name)
            return {}
        return {item.id: item.version for item in flagged}

    @staticmethod
    async def _mark_published(
        coll: AsyncCollection[dict[str, Any]],
        docs: list[dict[str, Any]],
        projected: dict[str, int],
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
        once a batch held a few hundred documents (an import, a backlog after an outage).

        ``projected`` (id → version): documents whose derived records were written at that
        version; their flag is lowered in the same write when the version is still the one
        projected. One that changed meanwhile without new events keeps its flag and has its
        outbox emptied in the second write."""
        if not docs:
            return
        heads = [(doc["_id"], doc.get("seq_head", 0)) for doc in docs]
        done = await coll.bulk_write(
            [_emptied(_id, head, projected.get(_id)) for _id, head in heads], ordered=False
        )
        if done.matched_count < len(heads):
            later: list[UpdateOne] = [
                UpdateOne(
                    {"_id": _id, "seq_head": {"$gt": head}}, {"$max": {"published_seq": head}}
                )
                for _id, head in heads
            ]
            later += [
                _emptied(_id, head, None, still_pending=True)
                for _id, head in heads
                if _id in projected
            ]
            await coll.bulk_write(later, ordered=False)


def _emptied(_id: str, head: int, version: int | None, *, still_pending: bool = False) -> UpdateOne:
    """The write that records every event up to ``head`` published; with ``version``, it also
    lowers the projection flag, but only on that version of the document."""
    match: dict[str, Any] = {"_id": _id, "seq_head": head}
    done: dict[str, Any] = {"events": [], "published_seq": head, "outbox_pending": False}
    if version is not None:
        match["version"] = version
        done[PENDING] = False
    if still_pending:  # not emptied by the first write
        match["outbox_pending"] = True
    return UpdateOne(match, {"$set": done})
