"""How many rows the database writes for one full dossier lifecycle (counter intake → case
visible → every step → resolve → return → rating), counted by the database itself: the services
run against a private local MongoDB-wire server over PostgreSQL, whose statistics count every
row inserted, updated and deleted, whichever code path sent it.

The idempotency-key bound is today's figure: one claim for the creation (a command on an
aggregate that exists writes no row for its key: the aggregate's own write is the record);
recording answers again (one row per command) crosses it. The total is today's figure (about 47,
of which about 6 are relay leases, which follow time rather than dossiers) with a margin for
what timing decides: a change that adds a write to every consumed event (about 14 per lifecycle)
or brings back the catch-up's own write after every command (about 7) crosses it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from motcua_platform.provision import create_topics
from support.ferretdb import STATISTICS_DELAY_SECONDS, private_infra, rows_written
from support.lifecycle import full_lifecycle
from support.stack import Stack

pytestmark = pytest.mark.e2e

KAFKA = "127.0.0.1:9092"
LIFECYCLES = 3
# One claim for the dossier's creation; the six workflow commands and the rating write none.
KEY_ROWS_PER_LIFECYCLE = 1
ROWS_PER_LIFECYCLE = 53
# An official's commands come hours apart: every background writer (relay, read-model catch-up)
# then meets each change on its own. The catch-up looks every second here, and the commands come
# further apart than that, so the count is the one a real counter causes.
CATCH_UP_SECONDS = "1"
PAUSE_SECONDS = 1.5


@pytest.fixture(scope="module")
def counted() -> Iterator[tuple[str, Path]]:
    with private_infra("postgresql") as (url, run):
        yield url, run


async def settled_rows(run: Path, prefix: str) -> dict[str, int]:
    """The counts once the background writers (relays, consumers, catch-up) have finished with
    the last lifecycle and PostgreSQL has published every count: two readings that agree on the
    dossiers' tables, taken further apart than the statistics can lag."""
    before = rows_written(run, prefix)
    for _ in range(10):
        await asyncio.sleep(STATISTICS_DELAY_SECONDS)
        now = rows_written(run, prefix)
        if _without_leases(now) == _without_leases(before):
            return now
        before = now
    return before


def _without_leases(rows: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in rows.items() if not k.endswith(".outbox_leases")}


async def test_a_full_lifecycle_writes_a_bounded_number_of_rows(
    counted: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    url, run = counted
    stack_id = f"wc{uuid.uuid4().hex[:6]}"
    namespace = f"test{stack_id}."
    prefix = f"e2e_{stack_id}"
    await create_topics(KAFKA, partitions=3, replication=1, namespace=namespace)
    stack = Stack(namespace, stack_id, tmp_path_factory.mktemp("logs"), KAFKA, url)
    try:
        stack.start_all(MOTCUA_PROJECTION_INTERVAL_SECONDS=CATCH_UP_SECONDS)
        async with httpx.AsyncClient(timeout=30) as http:
            # The first lifecycle also writes what is written once (counters, citizen records).
            await full_lifecycle(http, stack, "2024-03-04")
            before = await settled_rows(run, prefix)
            for day in ("2024-03-05", "2024-03-06", "2024-03-07")[:LIFECYCLES]:
                await full_lifecycle(http, stack, day, pause=PAUSE_SECONDS)
            after = await settled_rows(run, prefix)
    finally:
        stack.stop_all()
    per_collection = {
        name: (after[name] - before.get(name, 0)) / LIFECYCLES
        for name in after
        if after[name] != before.get(name, 0)
    }
    breakdown = "\n".join(f"{k}: {v:.1f}" for k, v in sorted(per_collection.items()))
    assert per_collection, "PostgreSQL counted no writes: the test would prove nothing"
    keys = sum(v for k, v in per_collection.items() if k.endswith(".idempotency_keys"))
    assert keys <= KEY_ROWS_PER_LIFECYCLE, breakdown
    total = sum(per_collection.values())
    leases = sum(v for k, v in per_collection.items() if k.endswith(".outbox_leases"))
    print(f"{total:.1f} rows per lifecycle ({total - leases:.1f} without leases)\n{breakdown}")
    assert total <= ROWS_PER_LIFECYCLE, f"{total:.1f} rows per lifecycle\n{breakdown}"
