"""The report's read model writes a row only when it changes: a command that changes nothing a
report reads (a middle step, an assignment) costs no row write, and the catch-up does not count
such a row as behind; an older version still never overwrites a newer one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from motcua_workflow.reports import FactsReadModel

ACCEPTED = datetime(2024, 3, 4, 1, 15, tzinfo=UTC)
FINISHED = datetime(2024, 3, 6, 7, 30, tzinfo=UTC)
ROW = {
    "_id": "H15.01.36-240304-0001",
    "unit_path": ["H15", "H15.01", "H15.01.36"],
    "accepted_at": ACCEPTED,
    "finished_at": None,
    "status": 4,
    "book": {"code": "H15.01.36-240304-0001", "note": ""},
}


async def _version(mongo_db: Any) -> int:
    return int((await mongo_db["case_facts"].find_one({"_id": ROW["_id"]}))["version"])


async def test_a_row_that_says_the_same_is_not_written_again(mongo_db: Any) -> None:
    facts = FactsReadModel(mongo_db["case_facts"])
    await facts.put(dict(ROW), 1)
    await facts.put(dict(ROW), 2)  # the case moved on; its row did not
    assert await _version(mongo_db) == 1

    finished = {**ROW, "finished_at": FINISHED, "status": 10}
    await facts.put(finished, 3)
    assert await _version(mongo_db) == 3
    assert (await mongo_db["case_facts"].find_one({"_id": ROW["_id"]}))["finished_at"] == FINISHED


async def test_the_catch_up_rewrites_only_rows_that_differ(mongo_db: Any) -> None:
    facts = FactsReadModel(mongo_db["case_facts"])
    await facts.put(dict(ROW), 1)
    assert await facts.catch_up([(dict(ROW), 4)]) == 0
    assert await _version(mongo_db) == 1

    finished = {**ROW, "finished_at": FINISHED, "status": 10}
    assert await facts.catch_up([(finished, 5)]) == 1
    assert await _version(mongo_db) == 5
    # A replica still holding the older state never takes the row back.
    assert await facts.catch_up([(dict(ROW), 2)]) == 0
    await facts.put(dict(ROW), 2)
    assert (await mongo_db["case_facts"].find_one({"_id": ROW["_id"]}))["status"] == 10
