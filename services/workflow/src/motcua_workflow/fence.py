"""Keeps this service's writes to a case from overlapping the outbox relay's on FerretDB.

FerretDB 1.x applies an update as a query followed by a whole-document write, without a
transaction (upstream FerretDB#3040): two updates of one document that overlap lose one of them —
also when one of them is the outbox relay recording that the case's events were published. So on
FerretDB a command, a consumed event or a scan starts only once the relay is done with the case
(``outbox_pending`` is false), with a bound in case Kafka is down. MongoDB's single-document
updates are atomic, so there the fence is open and costs nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

log = logging.getLogger(__name__)


class RelayFence:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], timeout: float = 10.0) -> None:
        self.collection = collection
        self.timeout = timeout
        self.enabled: bool | None = None  # decided on first use: is the server FerretDB?

    async def wait(self, code: str) -> None:
        if self.enabled is None:
            info = await self.collection.database.client.admin.command("buildInfo")
            self.enabled = "ferretdbVersion" in info
        if not self.enabled:
            return
        deadline = time.monotonic() + self.timeout
        while True:
            doc = await self.collection.find_one({"_id": code}, {"outbox_pending": 1})
            if doc is None or not doc.get("outbox_pending"):
                return
            if time.monotonic() > deadline:
                log.warning("events of %s still unpublished after %.1f s", code, self.timeout)
                return
            await asyncio.sleep(0.025)
