"""The rows a period report reads, against the real database: a unit's open cases (found by
status) and the cases it finished since the period began, each once; never the cases finished
before the period, those accepted after it, or another unit's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from motcua_platform.mongo import ensure_indexes
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.reports import FactsReadModel, facts_indexes
from support.report_rows import report_row

COMMUNE = "H15.01.36"
START = datetime(2024, 2, 29, 17, 0, tzinfo=UTC)  # 1 March 2024, 00:00 in Vietnam
AS_OF = datetime(2024, 3, 31, 17, 0, tzinfo=UTC)


def row(
    name: str,
    accepted: datetime,
    finished: datetime | None,
    *,
    unit: str = COMMUNE,
    status: CaseStatus | None = None,
) -> tuple[dict[str, Any], int]:
    return report_row(f"{unit}-{accepted:%y%m%d}-{name}", unit, accepted, finished, status), 1


async def test_a_period_reads_open_cases_and_those_finished_in_it_each_once(mongo_db: Any) -> None:
    await ensure_indexes(mongo_db, facts_indexes())
    day = timedelta(days=1)
    rows = [
        row("0001", START - 10 * day, None),  # open since February
        row("0002", START - 5 * day, START + 4 * day),  # finished in the period
        row("0003", START - 50 * day, START - 20 * day),  # finished before the period
        row("0004", AS_OF + day, None),  # accepted after the period
        row("0005", START - 10 * day, None, unit="H15.01.37"),  # another commune's
        # A finish with an open status (no case is stored so, but a row could be): both queries
        # find it; it is read once.
        row("0006", START - 3 * day, START + 5 * day, status=CaseStatus.PROCESSING),
        row("0007", START - 2 * day, START + 6 * day, status=CaseStatus.STOPPED),
    ]
    facts = FactsReadModel(mongo_db["case_facts"])
    await facts.put_many(rows)

    found = [f.code for f in await facts.belonging(COMMUNE, START, AS_OF)]

    expected = [rows[i][0]["_id"] for i in (0, 1, 5, 6)]
    assert sorted(found) == sorted(expected)
