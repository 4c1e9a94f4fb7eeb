"""Derived records caught up from their source after any crash.

A read model (a report row, a profile, a counter) is written after its aggregate, in a second
write: a crash, a cancelled request or a failed database call between the two would leave it
behind for good. So an aggregate store created with ``projected=True`` raises
``projection_pending`` in the very write that changes the aggregate, and :class:`CatchUp`
looks at the flagged aggregates every few seconds (and at start-up): it rewrites what is behind
through the service's ``project`` function, then lowers the flags. The live path keeps writing
the derived record at once, so reads do not wait for the catch-up; the catch-up usually finds
the record current and only lowers the flag, in one write for the whole round.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from pymongo import ASCENDING

from motcua_platform.mongo import AggregateStore, IndexSpec, Loaded

log = logging.getLogger(__name__)

PENDING = "projection_pending"
# Writes the derived records of these aggregates (idempotent: a record already at the
# aggregate's version, or newer, is left as it is).
Project = Callable[[Sequence[Loaded]], Awaitable[None]]


def projection_index(collection: str) -> IndexSpec:
    return IndexSpec(collection, ((PENDING, ASCENDING),), name=PENDING)


class CatchUp:
    def __init__(
        self, store: AggregateStore, project: Project, *, batch: int = 500, rounds: int = 20
    ) -> None:
        if not store.projected:
            raise ValueError(f"{store.collection.name}: the store does not flag projections")
        self.store = store
        self.project = project
        self.batch = batch
        self.rounds = rounds

    async def run_once(self) -> int:
        """One round: project every flagged aggregate (a batch at a time); returns how many."""
        total = 0
        # Bounded, so a round ends even while writers keep flagging aggregates.
        for _ in range(self.rounds):
            docs = await self.store.collection.find({PENDING: True}).limit(self.batch).to_list(None)
            if not docs:
                break
            loaded = [AggregateStore.loaded(doc) for doc in docs]
            await self.project(loaded)
            await self._lower({item.id: item.version for item in loaded})
            total += len(loaded)
            if len(docs) < self.batch:
                break
        return total

    async def _lower(self, versions: dict[str, int]) -> None:
        """Lower the flags, then raise them again where the aggregate changed meanwhile (its
        own writer flagged it, and that flag may just have been lowered here)."""
        coll = self.store.collection
        ids = sorted(versions)
        await coll.update_many({"_id": {"$in": ids}}, {"$set": {PENDING: False}})
        now = coll.find({"_id": {"$in": ids}}, {"version": 1})
        moved = [doc["_id"] async for doc in now if doc.get("version", 0) != versions[doc["_id"]]]
        if moved:
            await coll.update_many({"_id": {"$in": moved}}, {"$set": {PENDING: True}})

    async def loop(self, interval: float) -> None:
        while True:
            caught = await self.run_once()
            if caught:
                log.debug("%s: %d projections checked", self.store.collection.name, caught)
            await asyncio.sleep(interval)
