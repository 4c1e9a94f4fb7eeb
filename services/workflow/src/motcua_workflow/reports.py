"""The KPI read model: one ``case_facts`` row per dossier that counts in the reports.

A row holds what the reports need (no personal ID): the facts of :class:`CaseFacts` and the line
of the tracking book (Mẫu 07). It is written whenever a case changes, and the same function
builds it from a case rebuilt from the topics, so ``python -m motcua_workflow replay`` rebuilds
the collection from nothing and the rebuilt reports equal the live ones.

Reports are computed in Python from the rows of one unit (and the units it supervises) and one
period: FerretDB has no ``$cond``/``$avg`` and the QĐ 766 period rules are clearer as code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pymongo import ReplaceOne
from pymongo.asynchronous.collection import AsyncCollection

from motcua_platform.agency import unit_path
from motcua_platform.contracts.events import Timeliness
from motcua_platform.mongo import IndexSpec
from motcua_platform.timeliness import period_bounds
from motcua_workflow.domain import Case, codec
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.reports import (
    CaseFacts,
    NonGeographicRow,
    ProcedureChannels,
    ProcessingTime,
    Summary,
    average_processing_time,
    classify_period,
    non_geographic_intake,
    received_by_channel,
    summarize,
)
from motcua_workflow.domain.status import OPEN_STATUSES, CaseStatus
from motcua_workflow.forms import TrackingBookRow

FACTS = "case_facts"
POINTERS = "read_models"  # read model name → the collection that holds it now


def facts_indexes(collection: str = FACTS) -> list[IndexSpec]:
    return [
        IndexSpec(collection, (("unit_path", 1), ("accepted_at", 1)), name="unit_accepted"),
        IndexSpec(collection, (("unit_path", 1), ("finished_at", 1)), name="unit_finished"),
        # The local server cannot use unit_finished for "finished since" (its unit condition is a
        # containment, which no btree answers), and without this index it read the unit's whole
        # history for every period report: 30,000 rows to keep 800 (EXPLAIN ANALYZE). The same
        # holds for "received since" (the tracking book, the channels report) and unit_accepted.
        IndexSpec(collection, (("finished_at", 1),), name="finished"),
        IndexSpec(collection, (("accepted_at", 1),), name="accepted"),
        IndexSpec(
            collection,
            (("receiving_unit_path", 1), ("accepted_at", 1)),
            name="receiving_accepted",
        ),
        IndexSpec(collection, (("unit_path", 1), ("status", 1)), name="unit_status"),
    ]


def facts_row(facts: CaseFacts, book: TrackingBookRow) -> dict[str, Any]:
    """The read-model row of ``facts``, with its tracking-book line (Sổ theo dõi hồ sơ)."""
    row = codec.encode(facts)
    row["status"] = int(facts.status)
    row.update(
        _id=facts.code,
        unit_path=unit_path(facts.unit),
        receiving_unit_path=unit_path(facts.receiving_unit),
        non_geographic=facts.unit != facts.receiving_unit,
        book=codec.encode(book),
    )
    return row


def case_row(case: Case) -> dict[str, Any]:
    """The read-model row of an accepted dossier."""
    names = {case.unit: case.unit_name} if case.unit_name else None
    return facts_row(CaseFacts.from_case(case), TrackingBookRow.from_case(case, unit_names=names))


def refused_row(dossier: KnownDossier) -> dict[str, Any] | None:
    """A dossier refused at intake ends there, counted as finished for QĐ 766 (an end of
    processing, domain §1.7). It never got an appointment, so it is judged on time: the refusal
    is the decision, given when asked. Dossiers merely submitted or withdrawn before acceptance
    have no row — no clock ever ran for them."""
    if dossier.status is not CaseStatus.REFUSED or dossier.closed_at is None:
        return None
    at = dossier.closed_at
    facts = CaseFacts(
        code=dossier.code,
        unit=dossier.unit,
        receiving_unit=dossier.receiving_unit,
        procedure_code=dossier.procedure_code,
        accepted_at=dossier.submitted_at,
        due_at=at,
        status=CaseStatus.REFUSED,
        finished_at=at,
        timeliness=Timeliness.ON_TIME,
        channel=dossier.channel,
    )
    book = TrackingBookRow(
        code=dossier.code,
        procedure_name=dossier.procedure_name or dossier.procedure_code,
        applicant_name="",
        competent_unit=dossier.unit,
        received_at=dossier.submitted_at,
        due_at=at,
        note="Từ chối tiếp nhận: " + "; ".join(dossier.reasons),
    )
    return facts_row(facts, book)


def row_of(subject: Case | KnownDossier) -> dict[str, Any] | None:
    return case_row(subject) if isinstance(subject, Case) else refused_row(subject)


def facts_of(row: dict[str, Any]) -> CaseFacts:
    return codec.decode_record(CaseFacts, row)


def _holds(stored: dict[str, Any] | None, row: dict[str, Any], version: int) -> bool:
    """Whether the stored row needs no write for ``row`` at aggregate ``version``: it is at that
    version or newer, or it already says the same (compared as read back, so a value the
    database stores differently, e.g. a time finer than a millisecond, is simply written)."""
    if stored is None:
        return False
    if stored.get("version", 0) >= version:
        return True
    return {k: v for k, v in stored.items() if k != "version"} == row


class FactsReadModel:
    """Queries and updates of the ``case_facts`` read model.

    Its rows live in the collection that the pointer document ``{_id: "case_facts",
    collection}`` in ``read_models`` names, or in ``case_facts`` itself until a replay first
    moves the pointer. Every query and write follows the pointer (a read by ``_id``), so a
    replay swaps the rebuilt read model in with one single-document write."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.default = collection
        self.pointers = collection.database[POINTERS]

    async def current(self) -> AsyncCollection[dict[str, Any]]:
        """The collection readers and writers use now."""
        pointer = await self.pointers.find_one({"_id": self.default.name})
        return self.default.database[pointer["collection"]] if pointer else self.default

    async def point_to(self, name: str) -> str | None:
        """Swap in the collection ``name`` (built and indexed) in one write, and drop the one
        before the previous, which no reader can still be in. Returns the previous name."""
        pointer = await self.pointers.find_one({"_id": self.default.name})
        before = pointer["collection"] if pointer else self.default.name
        stale = pointer.get("previous") if pointer else None
        await self.pointers.replace_one(
            {"_id": self.default.name},
            {"_id": self.default.name, "collection": name, "previous": before},
            upsert=True,
        )
        if stale and stale not in (name, before):
            await self.default.database.drop_collection(stale)
        return before

    async def put(self, row: dict[str, Any], version: int) -> None:
        """Write the row of a case at aggregate ``version`` (see :meth:`put_many`)."""
        await self.put_many([(row, version)])

    async def put_many(self, rows: Sequence[tuple[dict[str, Any], int]]) -> int:
        """Write rows of cases, each at its aggregate version; returns how many were written.
        An older version never overwrites a newer one (two replicas may finish their writes in
        either order), and a row that says the same as the stored one is not written (most
        commands, e.g. a middle step, change nothing a report reads). One read for all, then
        one bulk write of the rows that are behind; every filter is an ``_id``, which FerretDB
        serves without a scan."""
        if not rows:
            # An empty ``$in`` would read the whole collection on the local server.
            return 0
        collection = await self.current()
        ids = [row["_id"] for row, _ in rows]
        stored = {doc["_id"]: doc async for doc in collection.find({"_id": {"$in": ids}})}
        behind = [(row, v) for row, v in rows if not _holds(stored.get(row["_id"]), row, v)]
        if behind:
            await collection.bulk_write(
                [
                    ReplaceOne({"_id": row["_id"]}, {**row, "version": v}, upsert=True)
                    for row, v in behind
                ],
                ordered=False,
            )
        return len(behind)

    async def catch_up(self, rows: Sequence[tuple[dict[str, Any], int]]) -> int:
        """Write the rows (each with its aggregate version) that the collection has not at all,
        or at an older version with other content; returns how many were behind."""
        return await self.put_many(rows)

    async def _rows(self, query: dict[str, Any]) -> list[dict[str, Any]]:
        return await (await self.current()).find(query, {"book": 0}).to_list(None)

    async def belonging(self, unit: str, start: datetime, as_of: datetime) -> list[CaseFacts]:
        """Rows of ``unit``'s scope accepted before ``as_of`` and not finished before ``start``
        (the candidates of a period; :func:`summarize` applies the exact rules)."""
        # Two queries rather than an $or the local server cannot push down: the rows still open,
        # found by their status (on MongoDB through the (unit, status) index; on the local server
        # the status equalities and the unit's meet in its one GIN index), and the rows finished
        # since ``start`` (the (unit, finished_at) index). The rows finished before the period,
        # most of a unit's history, are never read. (``finished_at: null`` finds the open rows
        # too, but the local server can only test it row by row over the unit's whole history:
        # 83 ms with 1,000 rows, 369 ms with 30,000.) A case finishes when it is resolved,
        # returned or stopped, none an open status; a row in both answers would be taken once.
        open_statuses = sorted(int(status) for status in OPEN_STATUSES)
        rows: dict[str, dict[str, Any]] = {}
        for still in ({"status": {"$in": open_statuses}}, {"finished_at": {"$gte": start}}):
            query = {"unit_path": unit, "accepted_at": {"$lt": as_of}, **still}
            rows.update((row["_id"], row) for row in await self._rows(query))
        return [facts_of(row) for row in rows.values()]

    async def summary(self, unit: str, period_from: date, period_to: date, at: datetime) -> Summary:
        start, end = period_bounds(period_from, period_to)
        rows = await self.belonging(unit, start, min(at, end))
        return summarize(rows, None, period_from, period_to, at)

    async def dossiers(
        self, unit: str, period_from: date, period_to: date, at: datetime
    ) -> list[dict[str, Any]]:
        """The dossiers behind the summary's figures, each with its bucket (no personal data)."""
        start, end = period_bounds(period_from, period_to)
        rows = await self.belonging(unit, start, min(at, end))
        return [
            {
                "code": facts.code,
                "procedure_code": facts.procedure_code,
                "unit": facts.unit,
                "receiving_unit": facts.receiving_unit,
                "bucket": bucket,
                "received_in_period": received,
                "accepted_at": facts.accepted_at.isoformat(),
                "due_at": facts.due_at.isoformat(),
                "finished_at": facts.finished_at.isoformat() if facts.finished_at else None,
            }
            for facts, bucket, received in classify_period(rows, None, period_from, period_to, at)
        ]

    async def processing_time(
        self, unit: str, period_from: date, period_to: date
    ) -> list[ProcessingTime]:
        """QĐ 766 rule 2.2 over the dossiers resolved in the period."""
        start, end = period_bounds(period_from, period_to)
        query = {"unit_path": unit, "finished_at": {"$gte": start, "$lt": end}}
        rows = [facts_of(row) for row in await self._rows(query)]
        return list(average_processing_time(rows).values())

    async def channels(
        self, unit: str, period_from: date, period_to: date
    ) -> list[ProcedureChannels]:
        """The dossiers received at ``unit`` (its counter, its portal, its post) in the period,
        per procedure, month and channel, on the (receiving unit, accepted_at) index."""
        start, end = period_bounds(period_from, period_to)
        query = {"receiving_unit_path": unit, "accepted_at": {"$gte": start, "$lt": end}}
        rows = [facts_of(row) for row in await self._rows(query)]
        return received_by_channel(rows, period_from, period_to)

    async def non_geographic(
        self, unit: str, period_from: date, period_to: date, at: datetime
    ) -> list[NonGeographicRow]:
        _, end = period_bounds(period_from, period_to)
        query = {
            "non_geographic": True,
            "accepted_at": {"$lt": min(at, end)},
            "$or": [{"unit_path": unit}, {"receiving_unit_path": unit}],
        }
        rows = [facts_of(row) for row in await self._rows(query)]
        return non_geographic_intake(rows, period_from, period_to, at)

    async def tracking_book(
        self, unit: str, period_from: date, period_to: date
    ) -> list[TrackingBookRow]:
        """Mẫu 07 lines of the dossiers received in the period, at the unit (as the one-stop
        counter) or for it (as the competent unit), in order of receipt."""
        start, end = period_bounds(period_from, period_to)
        received = {"$gte": start, "$lt": end}
        # One query per role of the unit, each on its own (unit, accepted_at) index, rather than an
        # $or that the local server cannot push down.
        found: dict[str, dict[str, Any]] = {}
        collection = await self.current()
        for field in ("unit_path", "receiving_unit_path"):
            query = {field: unit, "accepted_at": received}
            for row in await collection.find(query, {"book": 1, "accepted_at": 1}).to_list(None):
                found[row["_id"]] = row
        rows = sorted(found.values(), key=lambda row: (row["accepted_at"], row["_id"]))
        return [codec.decode_record(TrackingBookRow, row["book"]) for row in rows]
