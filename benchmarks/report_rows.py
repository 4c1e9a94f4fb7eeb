"""The period report's read model as one commune's history grows to 100,000 rows.

Loading 100,000 dossiers through the whole lifecycle takes hours on a small machine (see
``lifecycle.py``), so this part writes the report's rows directly, through the read model's own
code (``facts_row`` and ``FactsReadModel.put_many``, as workflow writes them), into a private
FerretDB over PostgreSQL, and times the query behind ``GET /reports/summary``
(``FactsReadModel.summary``) for the current month. The commune has ``MOTCUA_BENCH_OPEN`` open
cases (default 300) and a history of finished ones from earlier years; ``MOTCUA_BENCH_REPORT_ROWS``
sets the history sizes read at (default ``1000,10000,100000``). PostgreSQL's statistics are
refreshed after each load (``ANALYZE``), as its autovacuum does after a bulk load.
"""

from __future__ import annotations

import asyncio
import os
import time
from datetime import UTC, date, datetime, timedelta

from benchmarks.lifecycle import OPEN, percentile, progress
from motcua_platform.mongo import connect, ensure_indexes
from motcua_workflow.reports import FACTS, FactsReadModel, facts_indexes
from support.ferretdb import private_infra, psql
from support.lifecycle import COMMUNE
from support.report_rows import report_row

ROWS = [int(n) for n in os.environ.get("MOTCUA_BENCH_REPORT_ROWS", "1000,10000,100000").split(",")]
PERIOD = (date(2026, 11, 1), date(2026, 11, 30))
AT = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)  # 11:00 in Vietnam on the period's last day
HISTORY_START = datetime(2015, 1, 5, 2, 0, tzinfo=UTC)
CHUNK = 500


def _row(number: int, accepted_at: datetime, finished: bool) -> dict[str, object]:
    code = f"{COMMUNE}-{accepted_at:%y%m%d}-{number:06d}"
    finished_at = accepted_at + timedelta(days=3) if finished else None
    return report_row(code, COMMUNE, accepted_at, finished_at)


async def main() -> dict[int, tuple[float, float]]:
    """p50 and p95 seconds of the period report per history size."""
    out: dict[int, tuple[float, float]] = {}
    with private_infra("postgresql") as (url, run):
        client = connect(url)
        try:
            db = client["report_rows"]
            await ensure_indexes(db, facts_indexes())
            facts = FactsReadModel(db[FACTS])
            november = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
            await facts.put_many(
                [(_row(i, november + timedelta(minutes=i), False), 1) for i in range(OPEN)]
            )
            have = 0
            for target in ROWS:
                while have < target:
                    chunk = range(OPEN + have, OPEN + min(target, have + CHUNK))
                    await facts.put_many(
                        [(_row(i, HISTORY_START + timedelta(hours=i), True), 1) for i in chunk]
                    )
                    have += len(chunk)
                    progress(f"report rows: {target} finished", have, target)
                psql(run, "ANALYZE")
                times = []
                for _ in range(20):
                    start = time.perf_counter()
                    summary = await facts.summary(COMMUNE, *PERIOD, AT)
                    times.append(time.perf_counter() - start)
                # The figure is only worth printing for the right answer.
                assert summary.open == OPEN and summary.finished == 0, summary
                out[target] = (percentile(times, 0.5), percentile(times, 0.95))
        finally:
            await client.close()
    return out


def print_report(figures: dict[int, tuple[float, float]]) -> None:
    print(
        f"\nThe period report's read model as history grows (ms of 20 reads; {OPEN} open, "
        "the rest finished in earlier years; rows written by the read model's own code)"
    )
    for rows, (p50, p95) in figures.items():
        print(f"  {rows:>7} finished: report query p50 {p50 * 1000:.0f}, p95 {p95 * 1000:.0f}")


if __name__ == "__main__":
    print_report(asyncio.run(main()))
