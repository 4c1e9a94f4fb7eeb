"""Reference data the counter screen shows on every load, kept for a short while: the procedure
catalogue (public, changes by decision, not by the minute) and the order "most used at this unit
first". Nothing here is a dossier's state; a stale order only moves a procedure in a list."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

Loader = Callable[[], Awaitable[Any]]


class Recent:
    """Values by key, reloaded once older than ``ttl_seconds`` (monotonic time)."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self.clock = clock
        self._values: dict[str, tuple[float, Any]] = {}

    async def get(self, key: str, load: Loader) -> Any:
        now = self.clock()
        found = self._values.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        value = await load()
        self._values[key] = (now, value)
        return value


def most_used_first(
    catalogue: list[dict[str, Any]], recent: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The catalogue, the procedures of the unit's recent dossiers first, then by code."""
    used = Counter(item["procedure_code"] for item in recent)
    return sorted(catalogue, key=lambda item: (-used[item["code"]], item["code"]))
