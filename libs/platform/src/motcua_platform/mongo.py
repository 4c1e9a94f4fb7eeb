"""MongoDB access: the PyMongo async client (not Motor, which reached end of life in May 2026) and
the aggregate store.

Each aggregate is one document holding its state, the events it caused that are not published
yet (an embedded outbox; Kafka holds the log of the published ones) and the sequence numbers of
the events it has consumed. A
command changes all three in one version-guarded, single-document update, so the system needs no
multi-document transactions — which FerretDB does not support.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient, InsertOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts import Envelope
from motcua_platform.errors import ConcurrencyConflict

log = logging.getLogger(__name__)

# Fields the store owns inside every aggregate document.
RESERVED = frozenset(
    {
        "_id",
        "version",
        "events",
        "seq_head",
        "published_seq",
        "outbox_pending",
        "lease_until",  # written by earlier versions of the relay
        "inbox",
        "projection_pending",
        "requests",
    }
)

CURRENT_REQUEST: ContextVar[str | None] = ContextVar("motcua_current_request", default=None)
"""The idempotent request (the id its ``Idempotency-Key`` hashes to) being served, if any.
Every aggregate write made while it runs records it in the aggregate's ``requests``, in the same
single-document write as the effect: that write is the key's record, so a retry finds the effect
by the request instead of running the command twice (see ``motcua_platform.http.idempotency``)."""

CURRENT_REQUEST_BODY: ContextVar[str | None] = ContextVar("motcua_current_body", default=None)
"""The hash of the request's body, recorded with the request (``<request>:<hash>``) so that a
retry finds the effect of this very body, and a reused key with another body is told apart."""


def request_marker(request: str, body_hash: str) -> str:
    return f"{request}:{body_hash}"


class RequestAlreadyApplied(Exception):
    """The aggregate being loaded already carries the effect of the request being served: a
    duplicate of the request got there first. The request is answered from that effect."""

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.aggregate_id = aggregate_id


def connect(url: str) -> AsyncMongoClient[dict[str, Any]]:
    """One client per process and event loop; datetimes come back aware, in Vietnam time."""
    return AsyncMongoClient(
        url,
        tz_aware=True,
        tzinfo=VN_TZ,
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=5000,
        appname="motcua",
    )


@dataclass(frozen=True)
class IndexSpec:
    collection: str
    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None


OUTBOX_INDEX_KEYS = (("outbox_pending", ASCENDING),)


async def ensure_indexes(db: AsyncDatabase[dict[str, Any]], specs: Iterable[IndexSpec]) -> None:
    """Create every index a hot path needs; idempotent, run at start-up and by provisioning."""
    for spec in specs:
        await db[spec.collection].create_index(
            list(spec.keys), unique=spec.unique, name=spec.name or _index_name(spec.keys)
        )


def _index_name(keys: Sequence[tuple[str, int]]) -> str:
    return "_".join(f"{k}_{d}" for k, d in keys)


@dataclass
class Loaded:
    """An aggregate document as read: its state fields plus the store's bookkeeping."""

    id: str
    version: int
    state: dict[str, Any]
    seq_head: int
    inbox: dict[str, int] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)


class AggregateStore:
    """Version-guarded persistence of one kind of aggregate with its embedded outbox."""

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        source: str,
        *,
        projected: bool = False,
        derived_from_creation: bool = False,
    ) -> None:
        """``projected``: records derived from these aggregates live elsewhere (a read model);
        every save then raises ``projection_pending`` in the same write, and the projection's
        catch-up (:mod:`motcua_platform.projection`) lowers it once the derived record is
        written — so a crash between the two writes is repaired, never left behind.
        ``derived_from_creation``: the derived records depend only on what the aggregate's
        creation wrote, so only that write raises the flag (every later one would cost the
        catch-up a write to lower it, for nothing)."""
        self.collection = collection
        self.source = source
        self.projected = projected
        self.derived_from_creation = derived_from_creation

    @staticmethod
    def indexes(collection: str) -> list[IndexSpec]:
        return [
            IndexSpec(collection, OUTBOX_INDEX_KEYS, name="outbox_pending"),
            IndexSpec(collection, (("requests", ASCENDING),), name="requests"),
        ]

    async def find_by_request(self, request_id: str) -> Loaded | None:
        """The aggregate a request changed (see ``CURRENT_REQUEST``), if its write happened."""
        doc = await self.collection.find_one({"requests": request_id})
        return None if doc is None else self.loaded(doc)

    async def load(self, aggregate_id: str) -> Loaded | None:
        """Raises ``RequestAlreadyApplied`` when the document already holds the effect of the
        idempotent request being served without a claim (``CURRENT_REQUEST_BODY`` set): a
        duplicate of the request got there first, and deciding again would apply it twice."""
        doc = await self.collection.find_one({"_id": aggregate_id})
        if doc is None:
            return None
        request = CURRENT_REQUEST.get()
        unclaimed = CURRENT_REQUEST_BODY.get() is not None
        if unclaimed and request is not None and request in (doc.get("requests") or ()):
            raise RequestAlreadyApplied(aggregate_id)
        return self.loaded(doc)

    @staticmethod
    def loaded(doc: Mapping[str, Any]) -> Loaded:
        state = {k: v for k, v in doc.items() if k not in RESERVED}
        return Loaded(
            id=doc["_id"],
            version=doc.get("version", 0),
            state=state,
            seq_head=doc.get("seq_head", 0),
            inbox=dict(doc.get("inbox") or {}),
            events=list(doc.get("events") or []),
        )

    def envelopes(
        self, subject: str, seq_head: int, events: Iterable[Any], at: Any
    ) -> list[Envelope]:
        """Wrap typed event data for publication, numbering them after ``seq_head``."""
        return [
            Envelope.wrap(data, source=self.source, subject=subject, seq=seq_head + i, time=at)
            for i, data in enumerate(events, start=1)
        ]

    async def load_many(self, aggregate_ids: Sequence[str]) -> dict[str, Loaded]:
        """The documents of ``aggregate_ids`` that exist, by id, read with one query (a
        consumer's batch). Not for idempotent requests: it does not check ``CURRENT_REQUEST``."""
        found: dict[str, Loaded] = {}
        async for doc in self.collection.find({"_id": {"$in": list(aggregate_ids)}}):
            found[doc["_id"]] = self.loaded(doc)
        return found

    async def save(
        self,
        aggregate_id: str,
        expected_version: int,
        state: Mapping[str, Any],
        new_events: Sequence[Envelope] = (),
        inbox: Mapping[str, int] | None = None,
    ) -> int:
        """Write state, append events to the outbox and record consumed sequence numbers in one
        atomic update. Returns the new version; raises ``ConcurrencyConflict`` if another writer
        got there first."""
        guard, write = self._write(
            Save(aggregate_id, expected_version, state, new_events, dict(inbox or {}))
        )
        if guard is None:
            try:
                await self.collection.insert_one(write)
            except DuplicateKeyError as exc:
                raise ConcurrencyConflict(aggregate_id) from exc
            return 1
        result = await self.collection.update_one(guard, write)
        if result.matched_count != 1:
            raise ConcurrencyConflict(aggregate_id)
        return expected_version + 1

    async def save_many(self, saves: Sequence[Save]) -> set[str]:
        """Several :meth:`save` calls of different aggregates sent as one unordered bulk write
        (a consumer's batch, an import: one round trip instead of one per aggregate). Each write
        stays version-guarded and atomic on its own; returns the ids whose write was applied.
        The others met a concurrent writer — an existing id for an insert — and changed
        nothing: the caller decides again one by one. A failure of the connection raises,
        leaving the caller unsure of every write (each one is still all or nothing)."""
        if not saves:
            return set()
        writes: list[InsertOne[dict[str, Any]] | UpdateOne] = []
        for s in saves:
            guard, write = self._write(s)
            writes.append(InsertOne(write) if guard is None else UpdateOne(guard, write))
        failed: set[int] = set()
        details: Mapping[str, Any]
        try:
            result = await self.collection.bulk_write(writes, ordered=False)
            details = result.bulk_api_result
        except BulkWriteError as exc:
            details = exc.details
            errors = details.get("writeErrors", [])
            failed = {error["index"] for error in errors}
            if any(error.get("code") != DUPLICATE_KEY for error in errors):
                log.info("bulk write: %s", errors[:3])
        inserts = {s.aggregate_id for s in saves if not s.expected_version}
        written = {s.aggregate_id for i, s in enumerate(saves) if i not in failed}
        updates = [s for s in saves if s.expected_version and s.aggregate_id in written]
        if details.get("nMatched", 0) >= len(updates):
            return written
        # An update that matched nothing met a concurrent writer. One that applied left its
        # aggregate a version on, with the consumed ``seq`` it carried (no other writer adds ours).
        now = {
            doc["_id"]: doc
            async for doc in self.collection.find(
                {"_id": {"$in": [s.aggregate_id for s in updates]}}, {"version": 1, "inbox": 1}
            )
        }
        return (written & inserts) | {
            s.aggregate_id for s in updates if _carries(now.get(s.aggregate_id), s)
        }

    def _write(self, save: Save) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The single-document write of ``save``: ``(None, document)`` to insert a new
        aggregate, else ``(filter, update)`` guarded by its ``expected_version``."""
        aggregate_id, expected_version, state = save.aggregate_id, save.expected_version, save.state
        new_events, inbox = save.new_events, save.inbox
        bad = RESERVED.intersection(state)
        if bad:
            raise ValueError(f"state may not use reserved fields {sorted(bad)}")
        event_docs = [e.model_dump(mode="json", by_alias=True) for e in new_events]
        seq_head = new_events[-1].seq if new_events else None
        request = CURRENT_REQUEST.get()
        markers = _request_markers(request, CURRENT_REQUEST_BODY.get())
        if expected_version == 0:
            doc: dict[str, Any] = {
                "_id": aggregate_id,
                "version": 1,
                **state,
                "events": event_docs,
                "seq_head": seq_head or 0,
                "published_seq": 0,
                "outbox_pending": bool(event_docs),
                "inbox": dict(inbox or {}),
                "requests": markers,
            }
            if self.projected:
                doc["projection_pending"] = True
            return None, doc
        update: dict[str, Any] = {"$set": dict(state), "$inc": {"version": 1}}
        if self.projected and not self.derived_from_creation:
            update["$set"]["projection_pending"] = True
        if event_docs:
            update["$push"] = {"events": {"$each": event_docs}}
            update["$set"].update({"seq_head": seq_head, "outbox_pending": True})
        for source, seq in (inbox or {}).items():
            update["$set"][f"inbox.{source}"] = seq
        if markers:
            update["$addToSet"] = {"requests": {"$each": markers}}
        return {"_id": aggregate_id, "version": expected_version}, update


@dataclass(frozen=True)
class Save:
    """One aggregate's write in :meth:`AggregateStore.save_many` (the arguments of ``save``)."""

    aggregate_id: str
    expected_version: int
    state: Mapping[str, Any]
    new_events: Sequence[Envelope] = ()
    inbox: Mapping[str, int] = field(default_factory=dict)


DUPLICATE_KEY = 11000


def _carries(doc: Mapping[str, Any] | None, save: Save) -> bool:
    if doc is None or doc.get("version", 0) < save.expected_version + 1:
        return False
    inbox = doc.get("inbox") or {}
    return all(inbox.get(source, 0) >= seq for source, seq in save.inbox.items())


def _request_markers(request: str | None, body_hash: str | None) -> list[str]:
    if request is None:
        return []
    return [request] if body_hash is None else [request, request_marker(request, body_hash)]
