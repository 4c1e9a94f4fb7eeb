"""``Idempotency-Key`` on a command that changes an existing aggregate, without a claim written
first: one write for the key, and still one effect per key — for a retry, for duplicates running
at the same time, and after a crash between the effect and the key's record."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from motcua_platform.errors import Conflict
from motcua_platform.http.idempotency import IdempotencyKeys
from motcua_platform.mongo import AggregateStore, Loaded, request_marker
from motcua_platform.retries import load_decide_save

pytestmark = pytest.mark.integration

CODE = "H15-000001"


class Counter:
    """A command that adds one to a stored aggregate, through the usual load → decide → save."""

    def __init__(self, db: Any) -> None:
        self.store = AggregateStore(db["aggregates"], "test")
        self.keys = IdempotencyKeys(db["idempotency_keys"])

    async def create(self) -> None:
        await self.store.save(CODE, 0, {"count": 0})

    async def add(self, pause: float = 0.0) -> tuple[int, dict[str, Any]]:
        async def attempt() -> int:
            loaded = await self.store.load(CODE)
            assert loaded is not None
            await asyncio.sleep(pause)  # let a duplicate load the same version meanwhile
            count = loaded.state["count"] + 1
            await self.store.save(CODE, loaded.version, {"count": count})
            return count

        return 200, {"count": await load_decide_save(attempt, what="test", key=CODE)}

    async def recover(self, request_id: str) -> tuple[int, dict[str, Any]] | None:
        loaded: Loaded | None = await self.store.find_by_request(request_id)
        return None if loaded is None else (200, {"count": loaded.state["count"]})

    async def run(self, key: str, body: dict[str, Any], pause: float = 0.0) -> Any:
        return await self.keys.run(
            key=key,
            scope="test",
            body=body,
            command=lambda: self.add(pause),
            recover=self.recover,
            claim=False,
        )

    async def count(self) -> int:
        loaded = await self.store.load(CODE)
        assert loaded is not None
        return int(loaded.state["count"])


async def test_retry_returns_the_first_answer_and_writes_the_key_once(mongo_db: Any) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    first = await counter.run("k1", {"n": 1})
    again = await counter.run("k1", {"n": 1})
    assert json.loads(first.body) == json.loads(again.body) == {"count": 1}
    assert again.headers["Idempotent-Replay"] == "true"
    assert await counter.count() == 1
    records = await mongo_db["idempotency_keys"].find().to_list(None)
    assert [r["state"] for r in records] == ["done"]


async def test_duplicates_running_at_the_same_time_apply_once(mongo_db: Any) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    answers = await asyncio.gather(*(counter.run("k2", {"n": 1}, pause=0.2) for _ in range(3)))
    assert await counter.count() == 1
    assert {json.loads(a.body)["count"] for a in answers} == {1}


async def test_same_key_with_another_body_is_a_conflict(mongo_db: Any) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    await counter.run("k3", {"n": 1})
    with pytest.raises(Conflict):
        await counter.run("k3", {"n": 2})
    assert await counter.count() == 1


async def test_effect_without_its_record_answers_the_retry_and_is_not_applied_again(
    mongo_db: Any,
) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    await counter.run("k4", {"n": 1})
    # As if the process died between the aggregate's write and the key's record.
    await mongo_db["idempotency_keys"].delete_many({})
    again = await counter.run("k4", {"n": 1})
    assert json.loads(again.body) == {"count": 1}
    assert await counter.count() == 1
    with pytest.raises(Conflict):  # the effect tells the body apart, record or not
        await mongo_db["idempotency_keys"].delete_many({})
        await counter.run("k4", {"n": 2})
    assert await counter.count() == 1


async def test_the_effect_carries_the_request_and_its_body(mongo_db: Any) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    await counter.run("k5", {"n": 1})
    doc = await mongo_db["aggregates"].find_one({"_id": CODE})
    record = await mongo_db["idempotency_keys"].find_one({})
    assert record["_id"] in doc["requests"]
    assert request_marker(record["_id"], record["body_hash"]) in doc["requests"]
