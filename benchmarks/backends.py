"""The local MongoDB-wire server over SQLite and over PostgreSQL, side by side, for the query shapes
of Motcua's hot paths, at growing numbers of stored documents.

Each backend runs as a private FerretDB (and PostgreSQL) started by ``deploy/local/infra.sh`` on
free ports and in a run folder of its own, so the shared servers are never touched. Figures are
the median milliseconds of one call, from one client, on documents shaped like workflow cases
(~2 KB).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, MongoClient

from support.ferretdb import private_infra

UNITS = [f"H15.01.{i:02d}" for i in range(20)]
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def case(i: int) -> dict[str, Any]:
    unit = UNITS[i % len(UNITS)]
    return {
        "_id": f"{unit}-260302-{i:06d}",
        "version": 1,
        "unit": unit,
        "unit_path": unit,
        "task_unit_path": unit,
        "task_due": T0 + timedelta(minutes=i),
        "accepted_at": T0 + timedelta(minutes=i),
        "open": i % 10 != 0,
        "outbox_pending": i % 500 == 0,
        "state": {"steps": [{"name": f"step {k}", "note": "x" * 300} for k in range(5)]},
    }


def median_ms(call: Callable[[int], object], runs: int = 30) -> float:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def shapes(db: Any, stored: int) -> dict[str, float]:
    coll = db["cases"]
    ids = [case(i)["_id"] for i in range(0, stored, max(1, stored // 30))]
    month = {"$gte": T0, "$lt": T0 + timedelta(days=31)}
    return {
        "insert_one": median_ms(lambda i: coll.insert_one(case(stored + 1_000_000 + i))),
        "find_one by _id": median_ms(lambda i: coll.find_one({"_id": ids[i % len(ids)]})),
        "guarded update (_id + version)": median_ms(
            lambda i: coll.update_one(
                {"_id": ids[i % len(ids)], "version": 1 + i // len(ids)},
                {"$set": {"note": i}, "$inc": {"version": 1}},
            )
        ),
        "work queue (unit, sort due, limit 50)": median_ms(
            lambda i: list(
                coll.find({"task_unit_path": UNITS[i % len(UNITS)]})
                .sort([("task_due", 1), ("_id", 1)])
                .limit(50)
            )
        ),
        "report count (unit, month)": median_ms(
            lambda i: coll.count_documents(
                {"unit_path": UNITS[i % len(UNITS)], "accepted_at": month}
            )
        ),
        "relay poll (outbox_pending, limit 100)": median_ms(
            lambda i: list(coll.find({"outbox_pending": True}, {"_id": 1}).limit(100))
        ),
    }


def load(db: Any, upto: int, already: int) -> None:
    coll = db["cases"]
    for start in range(already, upto, 500):
        coll.insert_many([case(i) for i in range(start, min(upto, start + 500))], ordered=False)


def compare(sizes: tuple[int, ...] = (1_000, 10_000)) -> dict[tuple[str, int], dict[str, float]]:
    results: dict[tuple[str, int], dict[str, float]] = {}
    for backend in ("sqlite", "postgresql"):
        with private_infra(backend) as (url, _):
            client: MongoClient[dict[str, Any]] = MongoClient(url)
            db = client["bench"]
            db["cases"].create_index([("task_unit_path", ASCENDING), ("task_due", ASCENDING)])
            db["cases"].create_index([("unit_path", ASCENDING), ("accepted_at", ASCENDING)])
            db["cases"].create_index([("outbox_pending", ASCENDING)])
            stored = 0
            for size in sizes:
                load(db, size, stored)
                stored = size
                results[(backend, size)] = shapes(db, size)
                print(f"  measured {backend} with {size} stored", flush=True)
            client.close()
    return results


def print_table(results: dict[tuple[str, int], dict[str, float]]) -> None:
    columns = list(results)
    print(f"{'median ms per call':<42}" + "".join(f"{b[:6]:>9} {n:<7}" for b, n in columns))
    for shape in next(iter(results.values())):
        print(f"{shape:<42}" + "".join(f"{results[c][shape]:>9.1f}{'':8}" for c in columns))


if __name__ == "__main__":
    print_table(compare())
