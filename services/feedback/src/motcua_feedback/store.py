"""MongoDB: the feedback aggregates, their indexes and the queries the hot paths run.

- ``dossiers``: one ``DossierRecord`` per dossier code (workflow facts + its one rating), with the
  embedded outbox of ``rating.submitted``.
- ``complaints``: one ``Complaint`` per PAKN id, with its outbox of ``complaint.*`` events.
- ``complaint_numbers``: the daily running number in ``PAKN-<unit>-<yymmdd>-<nnnn>``.

Next to the domain's own fields every document carries a few flat, indexable copies
(``unit_path``, ``rated_at``, ``reference_at``, ``open``) so that each query is one index range.
FerretDB has no ``$lookup``/``$facet`` and no accumulators beyond ``$sum``/``$count``: queries
fetch projected documents and the figures are computed in Python (fine at one province's scale).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from motcua_feedback.domain import Complaint, DossierRecord, Scope
from motcua_feedback.domain.figures import reference_time
from motcua_platform.agency import unit_path
from motcua_platform.calendar import VN_TZ
from motcua_platform.mongo import AggregateStore, IndexSpec

DOSSIERS = "dossiers"
COMPLAINTS = "complaints"
COMPLAINT_NUMBERS = "complaint_numbers"
OUTBOX_COLLECTIONS = [DOSSIERS, COMPLAINTS]

INDEXES = [
    # GET /kiosk/{counter}/current: the latest dossier returned at a counter.
    IndexSpec(DOSSIERS, (("counter", ASCENDING), ("returned_at", DESCENDING)), name="kiosk"),
    # GET /ratings/summary: ratings of a unit (and the units it supervises) in a period …
    IndexSpec(DOSSIERS, (("unit_path", ASCENDING), ("rated_at", ASCENDING)), name="rated"),
    # … and the QĐ 766 5.4 population: dossiers finished or gone overdue in the period.
    IndexSpec(DOSSIERS, (("unit_path", ASCENDING), ("reference_at", ASCENDING)), name="qd766"),
    # GET /complaints and the overdue gauge: open PAKN by due time.
    IndexSpec(
        COMPLAINTS,
        (("unit_path", ASCENDING), ("open", ASCENDING), ("due_at", ASCENDING)),
        name="open_by_unit",
    ),
    IndexSpec(COMPLAINTS, (("open", ASCENDING), ("due_at", ASCENDING)), name="open"),
    IndexSpec(COMPLAINTS, (("unit_path", ASCENDING), ("filed_at", ASCENDING)), name="filed"),
    IndexSpec(COMPLAINTS, (("dossier_code", ASCENDING),), name="by_dossier"),
]

# The embedded outbox and consumed-seq map are the store's; queries never need them.
_NOT_STATE = {"events": 0, "inbox": 0}


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def dossier_state(record: DossierRecord) -> dict[str, Any]:
    return {
        **record.to_document(),
        "unit_path": unit_path(record.unit),
        "rated_at": record.rating.at if record.rating else None,
        "reference_at": reference_time(record),
    }


def complaint_state(complaint: Complaint) -> dict[str, Any]:
    return {
        **complaint.to_document(),
        "unit_path": unit_path(complaint.unit),
        "open": complaint.answered_at is None,
    }


def record_of(state: dict[str, Any] | None, code: str) -> DossierRecord:
    """The record in a stored document; a document holding only consumed ``seq`` numbers (events
    feedback ignores) is a record that knows nothing yet."""
    if not state or "code" not in state:
        return DossierRecord(code)
    return DossierRecord.from_document(state)


def _period(scope: Scope) -> dict[str, datetime] | None:
    bounds = {}
    if scope.start is not None:
        bounds["$gte"] = scope.start
    if scope.end is not None:
        bounds["$lt"] = scope.end
    return bounds or None


def _filter(scope: Scope, time_field: str, **extra: Any) -> dict[str, Any]:
    query: dict[str, Any] = dict(extra)
    if scope.unit is not None:
        query["unit_path"] = scope.unit
    if scope.procedure_code is not None:
        query["procedure_code"] = scope.procedure_code
    query[time_field] = _period(scope) or {"$ne": None}
    return query


class FeedbackStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], source: str) -> None:
        self.db = db
        self.dossiers = AggregateStore(db[DOSSIERS], source)
        self.complaints = AggregateStore(db[COMPLAINTS], source)

    # ---------------------------------------------------------------------- dossiers

    async def dossier(self, code: str) -> DossierRecord | None:
        doc = await self.db[DOSSIERS].find_one({"_id": code}, _NOT_STATE)
        return None if doc is None or "code" not in doc else DossierRecord.from_document(doc)

    async def latest_returned_at(self, counter: str) -> DossierRecord | None:
        cursor = (
            self.db[DOSSIERS]
            .find({"counter": counter, "returned_at": {"$ne": None}}, _NOT_STATE)
            .sort([("returned_at", DESCENDING), ("_id", DESCENDING)])
            .limit(1)
        )
        docs = await cursor.to_list(None)
        return DossierRecord.from_document(docs[0]) if docs else None

    async def rated(self, scope: Scope) -> list[DossierRecord]:
        return await self._records(_filter(scope, "rated_at"))

    async def finished_or_overdue(self, scope: Scope) -> list[DossierRecord]:
        """The QĐ 766 5.4 population of ``scope`` (see ``figures.reference_time``)."""
        return await self._records(_filter(scope, "reference_at"))

    async def _records(self, query: dict[str, Any]) -> list[DossierRecord]:
        docs = await self.db[DOSSIERS].find(query, _NOT_STATE).to_list(None)
        return [DossierRecord.from_document(d) for d in docs]

    async def unit_known(self, unit: str) -> bool:
        """Whether workflow has told feedback about any dossier of ``unit`` or below it."""
        return await self.db[DOSSIERS].find_one({"unit_path": unit}, {"_id": 1}) is not None

    # -------------------------------------------------------------------- complaints

    async def complaint(self, complaint_id: str) -> tuple[Complaint, dict[str, Any]] | None:
        doc = await self.db[COMPLAINTS].find_one({"_id": complaint_id}, _NOT_STATE)
        return None if doc is None else (Complaint.from_document(doc), doc)

    async def complaints_filed(self, scope: Scope) -> list[Complaint]:
        docs = await self.db[COMPLAINTS].find(_filter(scope, "filed_at"), _NOT_STATE).to_list(None)
        return [Complaint.from_document(d) for d in docs]

    async def complaints_about(self, dossier_codes: Iterable[str]) -> list[Complaint]:
        codes = sorted(set(dossier_codes))
        if not codes:
            return []
        docs = await (
            self.db[COMPLAINTS]
            .find({"dossier_code": {"$in": codes}}, {"id": 1, "dossier_code": 1})
            .to_list(None)
        )
        return [Complaint(d["id"], dossier_code=d["dossier_code"]) for d in docs]

    async def complaint_page(
        self,
        unit: str,
        is_open: bool | None,
        due: dict[str, datetime] | None,
        limit: int,
        after: tuple[datetime, str] | None = None,
    ) -> list[Complaint]:
        """Earliest due first, after the ``(due_at, id)`` of the previous page's last one."""
        query: dict[str, Any] = {"unit_path": unit}
        if is_open is not None:
            query["open"] = is_open
        if due:
            query["due_at"] = due
        if after is not None:
            due_at, complaint_id = after
            query["$or"] = [
                {"due_at": {"$gt": due_at}},
                {"due_at": due_at, "_id": {"$gt": complaint_id}},
            ]
        found = self.db[COMPLAINTS].find(query, _NOT_STATE)
        cursor = found.sort([("due_at", ASCENDING), ("_id", ASCENDING)]).limit(limit)
        return [Complaint.from_document(d) for d in await cursor.to_list(None)]

    async def open_complaints(self) -> list[dict[str, Any]]:
        """Unit and due time of every open PAKN, for the ``motcua_complaints_open`` gauge."""
        cursor = self.db[COMPLAINTS].find({"open": True}, {"unit": 1, "due_at": 1, "_id": 0})
        return await cursor.to_list(None)

    async def next_complaint_id(self, unit: str, at: datetime) -> str:
        """``PAKN-<unit>-<yymmdd>-<nnnn>``, numbered per unit and day of filing (Vietnam time)."""
        day = at.astimezone(VN_TZ).strftime("%y%m%d")
        counter = await self.db[COMPLAINT_NUMBERS].find_one_and_update(
            {"_id": f"{unit}-{day}"},
            {"$inc": {"n": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert counter is not None  # an upsert returning the document after always has one
        return f"PAKN-{unit}-{day}-{counter['n']:04d}"
