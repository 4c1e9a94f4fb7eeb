"""Dossier numbering: ``<unit>-<YYMMDD>-<NNNN>``, unique per receiving unit and day, no gaps.

The number is taken by inserting the dossier itself under its code (``_id``). The unique ``_id``
decides between concurrent submissions, so two can never get the same number, and a number is
never taken without its dossier: there is no window between "number allocated" and "dossier
stored" in which a crash or a failed insert could leave a gap in the tracking book (Sổ theo dõi
hồ sơ).

Why not ``find_one_and_update({"$inc": {"n": 1}})`` alone: the increment is atomic, but a number
it hands out is lost if the dossier insert that follows fails (a crash, a dropped connection),
and the book would have a gap. The counters collection is kept as a *hint* of the highest number
used, so a submission normally succeeds at its first try; it only ever holds numbers that were
really taken (``$max`` of taken numbers), so following it can never skip a free number.

Within one process, submissions for the same unit and day take turns (a lock per key), so each
finds the hint current and wins at its first try; the unique ``_id`` still decides between
replicas. Without the turns, 40 parallel submissions cost about 40²/2 failed inserts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_intake.domain.dossier_code import format_dossier_code
from motcua_intake.locks import KeyedLocks
from motcua_platform.errors import ConcurrencyConflict

COLLECTION = "dossier_counters"
T = TypeVar("T")


class DossierCodes:
    def __init__(
        self, counters: AsyncCollection[dict[str, Any]], max_attempts: int = 10_000
    ) -> None:
        self.counters = counters
        self.max_attempts = max_attempts
        self._turns = KeyedLocks()

    async def issue(self, unit: str, day: date, create: Callable[[str], Awaitable[T]]) -> T:
        """Call ``create(code)`` with the lowest free code of ``unit`` on ``day``.

        ``create`` stores the dossier under that code and raises ``ConcurrencyConflict`` when
        the code is already taken; the next number is then tried.
        """
        key = f"{unit}:{day:%y%m%d}"
        async with self._turns.hold(key):
            return await self._issue(key, unit, day, create)

    async def _issue(
        self, key: str, unit: str, day: date, create: Callable[[str], Awaitable[T]]
    ) -> T:
        number = await self._hint(key) + 1
        for _ in range(self.max_attempts):
            try:
                result = await create(format_dossier_code(unit, day, number))
            except ConcurrencyConflict:
                # Another submission won this number; jump to what the winners recorded.
                number = max(number + 1, await self._hint(key) + 1)
                continue
            await self._record(key, number)
            return result
        raise ConcurrencyConflict(key)

    async def taken(self, unit: str, day: date, number: int) -> None:
        """Record a number taken outside :meth:`issue` (a dossier imported from the unit's
        tracking book), so live numbering that day continues after it."""
        await self._record(f"{unit}:{day:%y%m%d}", number)

    async def _hint(self, key: str) -> int:
        doc = await self.counters.find_one({"_id": key})
        return int(doc["n"]) if doc else 0

    async def _record(self, key: str, number: int) -> None:
        try:
            await self.counters.update_one({"_id": key}, {"$max": {"n": number}}, upsert=True)
        except DuplicateKeyError:
            # Two first numbers of the day upserting at once; the hint is only an optimisation.
            await self.counters.update_one({"_id": key}, {"$max": {"n": number}})
