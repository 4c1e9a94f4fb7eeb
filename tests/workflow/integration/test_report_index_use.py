"""The period reports read a unit's rows of the period through the date indexes on the local
server, not by testing every row of the unit's history: the queries the read model really sends
(captured from the driver) are explained by PostgreSQL after ANALYZE, with a history of 3,000
finished rows from earlier years."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient, MongoClient, monitoring

from motcua_platform.calendar import VN_TZ
from motcua_platform.mongo import ensure_indexes
from motcua_workflow.reports import FACTS, FactsReadModel, facts_indexes
from support.ferretdb import private_infra, psql
from support.report_rows import report_row

COMMUNE = "H15.01.36"
HISTORY = datetime(2022, 1, 4, 1, 0, tzinfo=UTC)
IN_PERIOD = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)


class Finds(monitoring.CommandListener):
    """The filters of the ``find`` commands a client sends."""

    def __init__(self) -> None:
        self.filters: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find" and event.command["find"] == FACTS:
            self.filters.append(event.command.get("filter", {}))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        """Only what was asked matters here, not how it was answered."""

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        """A failed find fails the report call itself, which the test awaits."""


def finished_rows(prefix: str, first: datetime, count: int) -> list[dict[str, Any]]:
    """``count`` rows of the commune, accepted an hour apart from ``first``, each finished half an
    hour after its acceptance."""
    return [
        report_row(
            f"{prefix}{i:05d}",
            COMMUNE,
            first + timedelta(hours=i),
            first + timedelta(hours=i, minutes=30),
        )
        for i in range(count)
    ]


def date_bound(query: dict[str, Any]) -> str | None:
    """The date a query reads "since" (finished or received since the period began); the open
    cases are found by their status instead, whatever their acceptance."""
    return next((k for k in ("finished_at", "accepted_at") if "$gte" in query.get(k, {})), None)


async def test_the_finished_and_received_rows_of_a_period_are_read_through_date_indexes() -> None:
    finds = Finds()
    with private_infra("postgresql") as (url, run):
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            url, tz_aware=True, tzinfo=VN_TZ, event_listeners=[finds]
        )
        db = client["reports"]
        await ensure_indexes(db, facts_indexes())
        facts = FactsReadModel(db[FACTS])
        history = finished_rows("H", HISTORY, 3000)  # earlier years
        period = finished_rows("P", IN_PERIOD, 20)  # March 2024
        await facts.put_many([(row, 1) for row in history + period])
        psql(run, "ANALYZE")
        finds.filters.clear()
        summary = await facts.summary(
            COMMUNE, date(2024, 3, 1), date(2024, 3, 31), IN_PERIOD + timedelta(days=30)
        )
        book = await facts.tracking_book(COMMUNE, date(2024, 3, 1), date(2024, 3, 31))
        await client.close()

        assert summary.finished == 20 and len(book) == 20  # the figures are the right ones
        bounded = [query for query in finds.filters if date_bound(query)]
        assert {date_bound(query) for query in bounded} == {"finished_at", "accepted_at"}
        explainer: MongoClient[dict[str, Any]] = MongoClient(url)
        for query in bounded:
            explained = explainer["reports"].command("explain", {"find": FACTS, "filter": query})
            plan = json.dumps(explained["queryPlanner"])
            # FerretDB names an index <table>_<name>_<hash>_idx: the single-field one, not the
            # unit's compound index (unit_finished, unit_accepted) scanned from end to end.
            name = "finished" if date_bound(query) == "finished_at" else "accepted"
            assert re.search(rf"case_facts_[0-9a-f]+_{name}_[0-9a-f]+_idx", plan), (query, plan)
            assert "Seq Scan" not in plan, (query, plan)
        explainer.close()
