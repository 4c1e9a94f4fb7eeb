"""The ``projection_pending`` flag an aggregate write raises for its derived records, on the real
database: every write of a projected store raises it; a store whose derived records depend only
on the aggregate's creation raises it in that write alone; the catch-up lowers it once the
records are written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from motcua_platform.mongo import AggregateStore, Loaded
from motcua_platform.projection import PENDING, CatchUp

pytestmark = pytest.mark.integration


async def _flag(db: Any, collection: str, aggregate_id: str) -> bool:
    doc = await db[collection].find_one({"_id": aggregate_id}, {PENDING: 1})
    return bool(doc[PENDING])


async def _project_nothing(loaded: Sequence[Loaded]) -> None:
    return None


async def test_every_write_of_a_projected_store_raises_the_flag(mongo_db: Any) -> None:
    store = AggregateStore(mongo_db["every"], "test", projected=True)
    await store.save("A-1", 0, {"n": 1})
    assert await _flag(mongo_db, "every", "A-1")
    assert await CatchUp(store, _project_nothing).run_once() == 1
    assert not await _flag(mongo_db, "every", "A-1")
    await store.save("A-1", 1, {"n": 2})
    assert await _flag(mongo_db, "every", "A-1")


async def test_a_store_derived_from_creation_raises_the_flag_only_when_it_creates(
    mongo_db: Any,
) -> None:
    store = AggregateStore(mongo_db["created"], "test", projected=True, derived_from_creation=True)
    projected: list[str] = []

    async def project(loaded: Sequence[Loaded]) -> None:
        projected.extend(item.id for item in loaded)

    await store.save("B-1", 0, {"n": 1})
    assert await _flag(mongo_db, "created", "B-1")
    catch_up = CatchUp(store, project)
    assert await catch_up.run_once() == 1
    await store.save("B-1", 1, {"n": 2})
    await store.save("B-1", 2, {"n": 3})
    assert not await _flag(mongo_db, "created", "B-1")
    assert await catch_up.run_once() == 0
    assert projected == ["B-1"]
