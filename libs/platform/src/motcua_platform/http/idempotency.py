"""``Idempotency-Key``: the same key and body return the first answer again; the same key with a
different body is a 409."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.responses import JSONResponse
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_platform.errors import ApiError, Conflict

COLLECTION = "idempotency_keys"


def _hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class IdempotencyKeys:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def run(
        self,
        *,
        key: str | None,
        scope: str,
        body: Any,
        command: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
    ) -> JSONResponse:
        """Run ``command`` once per (scope, key). ``scope`` names the caller and the endpoint so
        two officials' keys never collide."""
        if not key:
            status, payload = await command()
            return JSONResponse(payload, status_code=status)
        if len(key) > 200:
            raise ApiError(
                422,
                "validation_failed",
                "Idempotency-Key is too long",
                [{"field": "Idempotency-Key", "reason": "at most 200 characters"}],
            )
        doc_id = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
        body_hash = _hash(body)
        try:
            await self.collection.insert_one(
                {"_id": doc_id, "body_hash": body_hash, "state": "pending"}
            )
        except DuplicateKeyError:
            return await self._replay(doc_id, body_hash)
        try:
            status, payload = await command()
        except BaseException:
            # A failed command leaves no trace, so the client may retry with the same key.
            await self.collection.delete_one({"_id": doc_id, "state": "pending"})
            raise
        await self.collection.update_one(
            {"_id": doc_id},
            {"$set": {"state": "done", "status": status, "response": json.dumps(payload)}},
        )
        return JSONResponse(payload, status_code=status)

    async def _replay(self, doc_id: str, body_hash: str) -> JSONResponse:
        doc = await self.collection.find_one({"_id": doc_id})
        if doc is None or doc.get("body_hash") != body_hash:
            raise Conflict(
                "idempotency_key_reused",
                "this Idempotency-Key was used with a different request body",
                {"field": "Idempotency-Key"},
            )
        if doc.get("state") != "done":
            raise Conflict("request_in_progress", "a request with this key is still running")
        return JSONResponse(
            json.loads(doc["response"]),
            status_code=doc["status"],
            headers={"Idempotent-Replay": "true"},
        )
