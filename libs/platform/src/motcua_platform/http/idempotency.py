"""``Idempotency-Key``: the same key and body apply the command once and answer every retry; the
same key with a different body is a 409.

A command that changes an aggregate records the request in that aggregate's own write: its
``requests`` carry the request's id and a marker of its body (``CURRENT_REQUEST`` and
``CURRENT_REQUEST_BODY``, see :mod:`motcua_platform.mongo`). That write *is* the key's record,
so a command with a ``recover`` function writes nothing else for its key: a retry finds the
aggregate by the request's id and ``recover`` renders the answer from it — the aggregate as it is
at the retry (``Idempotent-Replay: true``), which is the first answer unless something changed it
since. The same id without the body's marker means another body: 409.

A command that changes an aggregate which already exists needs nothing more (``claim=False``): a
duplicate running at the same time finds the request's id when it loads the aggregate
(``RequestAlreadyApplied``) instead of deciding again. A command that creates an aggregate under
a fresh id — where a duplicate would load nothing and create a second one — first claims the key
with one insert in ``idempotency_keys``; a retry that meets the claim is answered from the effect,
or, once the claim is older than ``CLAIM_SECONDS`` and no effect exists (no live request still
owns it), runs the command again. Only a command without ``recover``, or one that answers an
error without raising, has its answer stored with the claim.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.responses import JSONResponse
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from motcua_platform.errors import ApiError, Conflict
from motcua_platform.mongo import (
    CURRENT_REQUEST,
    CURRENT_REQUEST_BODY,
    RequestAlreadyApplied,
    request_marker,
)

COLLECTION = "idempotency_keys"
# Longer than any request may run (HTTP clients give up after 30 s): an older pending claim was
# abandoned by a process that died or a request that was cancelled.
CLAIM_SECONDS = 60.0

Answer = tuple[int, dict[str, Any]]
Recover = Callable[[str], Awaitable[Answer | None]]


def _hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


class IdempotencyKeys:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        *,
        crash_after_effect: bool = False,
    ) -> None:
        self.collection = collection
        # Fault injection for tests (simulation only): die between the effect and the record.
        self.crash_after_effect = crash_after_effect

    async def run(
        self,
        *,
        key: str | None,
        scope: str,
        body: Any,
        command: Callable[[], Awaitable[Answer]],
        recover: Recover | None = None,
        claim: bool = True,
        answer_in_effect: bool = False,
    ) -> JSONResponse:
        """Run ``command`` once per (scope, key). ``scope`` names the caller and the endpoint so
        two officials' keys never collide. ``recover`` renders the answer from the aggregate a
        request changed, found by the request's id (or its body's marker); ``None`` when no
        aggregate carries it. ``claim=False`` (with ``recover``) for commands on an aggregate
        that exists already: no write for the key at all (see the module's docstring). With a
        claim, ``answer_in_effect=True`` when ``recover`` gives back the whole answer, so the
        claim is the key's only row; leave it ``False`` when the answer holds what the effect
        does not (a secret shown once)."""
        if not key:
            status, payload = await command()
            return JSONResponse(payload, status_code=status)
        if len(key) > 200:
            raise ApiError(
                422,
                "validation_failed",
                "Idempotency-Key is too long",
                {"field": "Idempotency-Key", "reason": "at most 200 characters"},
            )
        doc_id = hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()
        body_hash = _hash(body)
        if not claim and recover is not None:
            return await self._unclaimed(doc_id, body_hash, command, recover)
        keep_answer = recover is None or not answer_in_effect
        try:
            await self.collection.insert_one(
                {"_id": doc_id, "body_hash": body_hash, "state": "pending", "claimed_at": _now()}
            )
        except DuplicateKeyError:
            return await self._again(doc_id, body_hash, command, recover, keep_answer)
        return await self._execute(doc_id, command, keep_answer)

    async def _unclaimed(
        self,
        doc_id: str,
        body_hash: str,
        command: Callable[[], Awaitable[Answer]],
        recover: Recover,
    ) -> JSONResponse:
        # The aggregate the request changed is its record: one read by the request's id for a
        # fresh request; a second, by the body's marker, only for a retry.
        if await recover(doc_id) is not None:
            if (answer := await recover(request_marker(doc_id, body_hash))) is None:
                raise _reused()
            return _replay(*answer)
        token = CURRENT_REQUEST.set(doc_id)
        body_token = CURRENT_REQUEST_BODY.set(body_hash)
        try:
            status, payload = await command()
        except RequestAlreadyApplied:
            # A duplicate of this request, running at the same time, changed the aggregate.
            answer = await recover(request_marker(doc_id, body_hash))
            if answer is None:
                raise _in_progress() from None
            return _replay(*answer)
        finally:
            CURRENT_REQUEST_BODY.reset(body_token)
            CURRENT_REQUEST.reset(token)
        if self.crash_after_effect:
            os.kill(os.getpid(), signal.SIGKILL)
        return JSONResponse(payload, status_code=status)

    async def _execute(
        self, doc_id: str, command: Callable[[], Awaitable[Answer]], keep_answer: bool
    ) -> JSONResponse:
        token = CURRENT_REQUEST.set(doc_id)
        try:
            status, payload = await command()
        except BaseException:
            # A failed command leaves no trace, so the client may retry with the same key.
            await self.collection.delete_one({"_id": doc_id, "state": "pending"})
            raise
        finally:
            CURRENT_REQUEST.reset(token)
        if self.crash_after_effect:
            os.kill(os.getpid(), signal.SIGKILL)
        if keep_answer or status >= 400:
            # The effect cannot give this answer back (or there is no effect): keep it.
            await self._record(doc_id, status, payload)
        return JSONResponse(payload, status_code=status)

    async def _record(self, doc_id: str, status: int, payload: dict[str, Any]) -> None:
        await self.collection.update_one(
            {"_id": doc_id},
            {"$set": {"state": "done", "status": status, "response": json.dumps(payload)}},
        )

    async def _again(
        self,
        doc_id: str,
        body_hash: str,
        command: Callable[[], Awaitable[Answer]],
        recover: Recover | None,
        keep_answer: bool,
    ) -> JSONResponse:
        doc = await self.collection.find_one({"_id": doc_id})
        if doc is None or doc.get("body_hash") != body_hash:
            raise _reused()
        if doc.get("state") == "done":
            return _replay(doc["status"], json.loads(doc["response"]))
        # Pending: the effect may be stored already (the process died before the record, or the
        # effect is the record) …
        if recover is not None and (answer := await recover(doc_id)) is not None:
            if keep_answer:  # later retries get this answer again, not a new rendering
                await self._record(doc_id, *answer)
            return _replay(*answer)
        # … or the claim was abandoned before any effect: take it over and run the command.
        claimed_at = doc.get("claimed_at")
        if claimed_at is None or _aware(claimed_at) < _now() - timedelta(seconds=CLAIM_SECONDS):
            taken = await self.collection.update_one(
                {"_id": doc_id, "state": "pending", "claimed_at": claimed_at},
                {"$set": {"claimed_at": _now()}},
            )
            if taken.modified_count == 1:
                return await self._execute(doc_id, command, keep_answer)
        raise _in_progress()


def _reused() -> Conflict:
    return Conflict(
        "idempotency_key_reused",
        "this Idempotency-Key was used with a different request body",
        {"field": "Idempotency-Key", "reason": "used before with another body"},
    )


def _in_progress() -> Conflict:
    return Conflict(
        "request_in_progress",
        "a request with this key is still running",
        {"field": "Idempotency-Key", "reason": "retry in a few seconds"},
    )


def _replay(status: int, payload: dict[str, Any]) -> JSONResponse:
    return JSONResponse(payload, status_code=status, headers={"Idempotent-Replay": "true"})


def _now() -> datetime:
    # Wall-clock time on purpose: a claim expires in real seconds, whatever the simulated clock.
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
