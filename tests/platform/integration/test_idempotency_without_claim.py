"""``Idempotency-Key`` on a command that changes an existing aggregate, without a claim written
first: the aggregate's own write is the key's record (no row of its own), and still one effect
per key — for a retry, for duplicates running at the same time, and for a key used again with
another body. A creation claims its key with one row and records no answer beside its effect."""

from __future__ import annotations

import asyncio
import hashlib
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


async def test_retry_returns_the_first_answer_and_writes_no_row_for_the_key(
    mongo_db: Any,
) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    first = await counter.run("k1", {"n": 1})
    again = await counter.run("k1", {"n": 1})
    assert json.loads(first.body) == json.loads(again.body) == {"count": 1}
    assert "Idempotent-Replay" not in first.headers
    assert again.headers["Idempotent-Replay"] == "true"
    assert await counter.count() == 1
    assert await mongo_db["idempotency_keys"].count_documents({}) == 0


async def test_a_retry_after_later_changes_answers_the_aggregate_as_it_is_then(
    mongo_db: Any,
) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    await counter.run("k6", {"n": 1})
    await counter.run("k7", {"n": 1})
    again = await counter.run("k6", {"n": 1})
    assert again.headers["Idempotent-Replay"] == "true"
    assert json.loads(again.body) == {"count": 2}  # applied once, shown as it is now
    assert await counter.count() == 2


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


async def test_the_effect_carries_the_request_and_its_body(mongo_db: Any) -> None:
    counter = Counter(mongo_db)
    await counter.create()
    await counter.run("k5", {"n": 1})
    doc = await mongo_db["aggregates"].find_one({"_id": CODE})
    request = hashlib.sha256(b"test\nk5").hexdigest()
    body_hash = hashlib.sha256(json.dumps({"n": 1}, sort_keys=True).encode()).hexdigest()
    assert doc["requests"] == [request, request_marker(request, body_hash)]


class Creations:
    """A command that creates an aggregate under a fresh id: it claims its key first."""

    def __init__(self, db: Any) -> None:
        self.store = AggregateStore(db["created"], "test")
        self.keys = IdempotencyKeys(db["idempotency_keys"])
        self.runs = 0

    async def create(self, status: int = 201) -> tuple[int, dict[str, Any]]:
        self.runs += 1
        if status >= 400:
            return status, {"error": "refused"}
        code = f"H15-{self.runs:06d}"
        await self.store.save(code, 0, {"n": self.runs})
        return status, {"code": code}

    async def recover(self, request_id: str) -> tuple[int, dict[str, Any]] | None:
        loaded: Loaded | None = await self.store.find_by_request(request_id)
        return None if loaded is None else (201, {"code": loaded.id})

    async def run(self, key: str, body: dict[str, Any], status: int = 201) -> Any:
        return await self.keys.run(
            key=key,
            scope="test",
            body=body,
            command=lambda: self.create(status),
            recover=self.recover,
            answer_in_effect=True,
        )


async def test_a_creation_writes_one_claim_and_is_answered_again_from_its_effect(
    mongo_db: Any,
) -> None:
    creations = Creations(mongo_db)
    first = await creations.run("c1", {"n": 1})
    again = await creations.run("c1", {"n": 1})
    assert json.loads(first.body) == json.loads(again.body) == {"code": "H15-000001"}
    assert again.headers["Idempotent-Replay"] == "true"
    assert creations.runs == 1
    assert await mongo_db["created"].count_documents({}) == 1
    claims = await mongo_db["idempotency_keys"].find().to_list(None)
    assert [c["state"] for c in claims] == ["pending"]  # one row: the claim, no answer beside it
    with pytest.raises(Conflict):
        await creations.run("c1", {"n": 2})
    assert creations.runs == 1


async def test_an_error_answered_without_an_effect_is_kept_with_the_claim(mongo_db: Any) -> None:
    creations = Creations(mongo_db)
    first = await creations.run("c2", {"n": 1}, status=409)
    again = await creations.run("c2", {"n": 1}, status=201)  # the retry gets the first answer
    assert first.status_code == again.status_code == 409
    assert again.headers["Idempotent-Replay"] == "true"
    assert creations.runs == 1
    assert await mongo_db["created"].count_documents({}) == 0
