"""Throttling of wrong lookup secrets, per dossier code and per client, shared by all replicas.

A wrong secret claims the next free "failure slot" of its key in the current window by inserting
``{_id: "<key>@<window>#<n>"}``. The unique ``_id`` gives each of several parallel guesses its
own slot — a throttle that undercounts parallel guesses would be no throttle — and the check is
a single read by ``_id``. The key is blocked for the rest of the window once its last slot is
taken; failures are rare, so the few inserts cost nothing.

Fixed windows let up to twice the limit through around a window boundary; with a 40-bit secret
that changes nothing an attacker could use.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_platform.mongo import IndexSpec

COLLECTION = "lookup_throttle"
INDEXES = [IndexSpec(COLLECTION, (("expires_at", 1),), name="expiry")]


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many wrong lookup secrets; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    key: str
    failures: int


class LookupThrottle:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        *,
        window_seconds: float,
        per_code: int,
        per_client: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.collection = collection
        self.window = window_seconds
        self.per_code = per_code
        self.per_client = per_client
        self.clock = clock

    def limits(self, code: str, client: str) -> list[Limit]:
        # The client address is hashed: the throttle needs to tell clients apart, not to know them.
        client_hash = hashlib.sha256(client.encode()).hexdigest()[:20]
        return [
            Limit(f"code:{code}", self.per_code),
            Limit(f"client:{client_hash}", self.per_client),
        ]

    async def check(self, code: str, client: str) -> None:
        """Raise :class:`Throttled` if the code or the client used up its wrong guesses."""
        window, retry_after = self._window()
        for limit in self.limits(code, client):
            if await self.collection.find_one({"_id": _slot(limit.key, window, limit.failures)}):
                raise Throttled(retry_after)

    async def record_failure(self, code: str, client: str) -> None:
        """Count a wrong secret; raise :class:`Throttled` if it used up a limit."""
        window, retry_after = self._window()
        expires_at = (window + 1) * self.window
        blocked = False
        for limit in self.limits(code, client):
            for n in range(1, limit.failures + 1):
                try:
                    await self.collection.insert_one(
                        {"_id": _slot(limit.key, window, n), "expires_at": expires_at}
                    )
                except DuplicateKeyError:
                    continue
                blocked = blocked or n == limit.failures
                break
            else:
                blocked = True
        if blocked:
            raise Throttled(retry_after)

    async def purge_expired(self) -> int:
        result = await self.collection.delete_many({"expires_at": {"$lt": self.clock()}})
        return result.deleted_count

    def _window(self) -> tuple[int, int]:
        now = self.clock()
        window = int(now // self.window)
        return window, max(1, math.ceil((window + 1) * self.window - now))


def _slot(key: str, window: int, n: int) -> str:
    return f"{key}@{window}#{n}"
