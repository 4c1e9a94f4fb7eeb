"""The ``dossiers`` collection: one document per dossier (``_id`` = dossier code) holding its
state and the intake events it caused (the embedded outbox), through the platform's
:class:`AggregateStore`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING

from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import UnknownDossier
from motcua_intake.dossier_document import dossier_from_document, dossier_to_document
from motcua_platform.contracts import EventData
from motcua_platform.mongo import AggregateStore, IndexSpec, Loaded

COLLECTION = "dossiers"
INDEXES = [
    # The counter's queue: what a unit received, by status, newest first.
    IndexSpec(
        COLLECTION,
        (("receiving_unit", ASCENDING), ("status", ASCENDING), ("submitted_at", DESCENDING)),
        name="queue_by_receiving_unit",
    ),
    IndexSpec(
        COLLECTION,
        (("competent_unit", ASCENDING), ("status", ASCENDING), ("submitted_at", DESCENDING)),
        name="queue_by_competent_unit",
    ),
    # A citizen's dossiers (prefill reads the applicant history instead; this serves audits).
    IndexSpec(
        COLLECTION, (("applicant_key", ASCENDING), ("submitted_at", DESCENDING)), name="by_citizen"
    ),
]
PUBLIC_FIELDS = {"status": 1, "due_at": 1, "lookup_secret": 1}


class DossierStore:
    def __init__(self, aggregates: AggregateStore, notify: Callable[[], None]) -> None:
        self.aggregates = aggregates
        self.notify = notify

    async def create(self, dossier: Dossier, at: datetime) -> list[EventData]:
        """Insert a new dossier under its code; ``ConcurrencyConflict`` if the code is taken."""
        events = dossier.pull_events()
        envelopes = self.aggregates.envelopes(dossier.code, 0, events, at)
        await self.aggregates.save(dossier.code, 0, dossier_to_document(dossier), envelopes)
        self.notify()
        return events

    async def load(self, code: str) -> tuple[Dossier, Loaded]:
        loaded = await self.aggregates.load(code)
        if loaded is None:
            raise UnknownDossier(code)
        return dossier_from_document(loaded.state), loaded

    async def save(self, dossier: Dossier, loaded: Loaded, at: datetime) -> list[EventData]:
        """Write the new state and the events it recorded; ``ConcurrencyConflict`` if another
        writer (a command, the workflow subscriber, a replica) saved first. The outbox relay's
        bookkeeping leaves the version alone, so publishing never causes a conflict."""
        events = dossier.pull_events()
        envelopes = self.aggregates.envelopes(dossier.code, loaded.seq_head, events, at)
        await self.aggregates.save(
            dossier.code, loaded.version, dossier_to_document(dossier), envelopes
        )
        if envelopes:
            self.notify()
        return events

    async def public_status(self, code: str) -> dict[str, Any] | None:
        """Only what the public lookup needs (and the secret to check), by ``_id``."""
        return await self.aggregates.collection.find_one({"_id": code}, PUBLIC_FIELDS)

    async def queue(
        self,
        *,
        unit_field: str,
        unit: str,
        status: int | None,
        limit: int,
        after: tuple[datetime, str] | None = None,
        channels: Sequence[str] = (),
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of a unit's dossiers, newest first, after the ``(submitted_at, code)`` of the
        previous page's last one; with the count of every match."""
        query: dict[str, Any] = {unit_field: unit}
        if status is not None:
            query["status"] = status
        if channels:
            # A residue on the queue index (unit, status, submitted_at): the dossiers waiting for
            # a decision in one unit are few, so no index of their own is worth its writes.
            query["channel"] = {"$in": list(channels)}
        page = dict(query)
        if after is not None:
            submitted, code = after
            page["$or"] = [
                {"submitted_at": {"$lt": submitted}},
                {"submitted_at": submitted, "_id": {"$lt": code}},
            ]
        projection = {f: 1 for f in QUEUE_FIELDS}
        cursor = (
            self.aggregates.collection.find(page, projection)
            .sort([("submitted_at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        items = await cursor.to_list(None)
        total = await self.aggregates.collection.count_documents(query)
        return items, total

    async def of_applicant(self, applicant_key: str, *, limit: int) -> list[dict[str, Any]]:
        """A citizen's dossiers by their pseudonymous key, newest first (the ``by_citizen``
        index), with the queue's fields only."""
        cursor = (
            self.aggregates.collection.find(
                {"applicant_key": applicant_key}, {f: 1 for f in QUEUE_FIELDS}
            )
            .sort("submitted_at", DESCENDING)
            .limit(limit)
        )
        return list(await cursor.to_list(None))


QUEUE_FIELDS = (
    "code",
    "status",
    "status_name",
    "procedure_code",
    "procedure_name",
    "channel",
    "receiving_unit",
    "competent_unit",
    "submitted_at",
    "accepted_at",
    "due_at",
    "on_the_spot",
    "citizen_wrote_nothing",
)
