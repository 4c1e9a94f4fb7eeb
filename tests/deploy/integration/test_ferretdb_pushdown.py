"""The local FerretDB's pushdown patch (deploy/local/ferretdb/postgresql-pushdown.patch) changes
what PostgreSQL is asked, never what a query answers: for every filter shape it pushes down, the
documents found are those MongoDB's rules match, over values of every type the field may hold —
dates, numbers, strings, booleans, null, a missing field, arrays and sub-documents.

The expected matches are MongoDB's (type bracketing: a bound on a date matches only dates, or an
array holding one; ``{field: null}`` matches null, a missing field and an array holding null).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import MongoClient, UpdateOne
from pymongo.collection import Collection

from support.ferretdb import private_infra, psql

pytestmark = pytest.mark.integration

EARLY = datetime(2024, 3, 4, 1, 0, tzinfo=UTC)
MIDDLE = datetime(2024, 3, 5, 1, 0, tzinfo=UTC)
LATE = datetime(2024, 3, 6, 1, 0, tzinfo=UTC)

DOCUMENTS: dict[str, Any] = {
    "early": EARLY,
    "middle": MIDDLE,
    "late": LATE,
    "number below": 5,
    "number above": 10**15,
    "string": "2024-03-05",
    "true": True,
    "null": None,
    "dates array": [EARLY, LATE],
    "null array": [None, 1],
    "document": {"at": MIDDLE},
}


@pytest.fixture(scope="module")
def values() -> Iterator[Collection[dict[str, Any]]]:
    with private_infra("postgresql") as (url, _):
        client: MongoClient[dict[str, Any]] = MongoClient(url)
        coll = client["pushdown"]["values"]
        coll.insert_many([{"_id": k, "v": v, "unit": "A"} for k, v in DOCUMENTS.items()])
        coll.insert_one({"_id": "missing", "unit": "A"})
        coll.insert_one({"_id": "other unit", "unit": "B", "v": MIDDLE})
        coll.create_index([("unit", 1), ("v", 1)])  # brings the collection's GIN index
        try:
            yield coll
        finally:
            client.close()


CASES = [
    ({"v": {"$lt": MIDDLE}}, {"early", "dates array"}),
    ({"v": {"$lte": MIDDLE}}, {"early", "middle", "other unit", "dates array"}),
    ({"v": {"$gt": MIDDLE}}, {"late", "dates array"}),
    ({"v": {"$gte": MIDDLE}}, {"middle", "other unit", "late", "dates array"}),
    ({"v": {"$gt": EARLY, "$lt": LATE}}, {"middle", "other unit", "dates array"}),
    ({"v": None}, {"null", "missing", "null array"}),
    ({"unit": "A", "v": None}, {"null", "missing", "null array"}),
    ({"unit": "A", "v": {"$gte": MIDDLE}}, {"middle", "late", "dates array"}),
    ({"v": MIDDLE}, {"middle", "other unit"}),
    ({"_id": {"$in": ["early", "late", "absent"]}}, {"early", "late"}),
    ({"_id": {"$in": ["middle"]}, "unit": "A"}, {"middle"}),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[str(q) for q, _ in CASES])
def test_a_pushed_down_filter_finds_what_mongodb_matches(
    values: Collection[dict[str, Any]], query: dict[str, Any], expected: set[str]
) -> None:
    assert {doc["_id"] for doc in values.find(query)} == expected
    assert values.count_documents(query) == len(expected)


@pytest.mark.parametrize("query", [{"v": {"$lt": MIDDLE}}, {"v": None}], ids=["bound", "null"])
def test_date_bounds_and_null_equalities_reach_postgresql(
    values: Collection[dict[str, Any]], query: dict[str, Any]
) -> None:
    explained = values.database.command("explain", {"find": values.name, "filter": query})
    assert explained["filterPushdown"] is True


def test_a_list_of_ids_is_one_condition_on_the_id_index(values: Collection[dict[str, Any]]) -> None:
    """``_id $in`` (a consumer's batch, an import's wait) is one ``= ANY`` that the unique index
    answers: as one equality per id, PostgreSQL would decompress a document again for each id
    wherever it tests documents one by one (minutes for thousands of ids)."""
    query = {"_id": {"$in": ["early", "late", "absent"]}}
    explained = values.database.command("explain", {"find": values.name, "filter": query})
    plan = json.dumps(explained["queryPlanner"])
    assert "= ANY" in plan and " OR " not in plan


def test_an_update_and_a_delete_by_a_bound_change_only_what_matches(
    values: Collection[dict[str, Any]],
) -> None:
    coll = values.database["bounded_writes"]
    coll.insert_many([{"_id": k, "v": v} for k, v in DOCUMENTS.items()])
    coll.create_index([("v", 1)])
    assert coll.update_many({"v": {"$lt": MIDDLE}}, {"$set": {"hit": True}}).modified_count == 2
    assert {d["_id"] for d in coll.find({"hit": True})} == {"early", "dates array"}
    assert coll.delete_many({"v": {"$gte": LATE}}).deleted_count == 2
    assert coll.find_one({"_id": "late"}) is None and coll.find_one({"_id": "middle"}) is not None


def test_an_update_command_of_many_statements_completes(
    values: Collection[dict[str, Any]],
) -> None:
    """deploy/local/ferretdb/update-statements.patch: a bulk write of version-guarded updates
    (a consumer's batch) is one ``update`` command of many statements. Upstream kept every
    statement's query open to the end of the command, one pooled PostgreSQL connection each,
    and a command of more statements than the pool stalled until the write gate gave up."""
    batch = values.database["batch"]
    batch.insert_many([{"_id": f"d{i}", "version": 1} for i in range(300)])
    result = batch.bulk_write(
        [
            UpdateOne({"_id": f"d{i}", "version": 1}, {"$inc": {"version": 1}, "$set": {"n": i}})
            for i in range(300)
        ],
        ordered=False,
    )
    assert result.matched_count == 300
    assert batch.count_documents({"version": 2}) == 300


def test_the_limit_of_a_find_by_one_flag_goes_to_postgresql_with_its_filter(
    values: Collection[dict[str, Any]],
) -> None:
    """deploy/local/ferretdb/find-limit.patch: the outbox relay and the read-model catch-up ask
    for a batch of flagged documents (``{outbox_pending: true}`` with a limit). Upstream sends
    the limit to PostgreSQL only for a query without a filter, so each poll fetched and decoded
    every flagged document — thousands after an import, seconds per poll, over and over while
    the backlog drained. The limit now goes with a filter of one boolean equality, which the
    indexed containment matches exactly; the answers are still MongoDB's."""
    flags = values.database["flags"]
    flags.insert_many(
        [{"_id": f"p{i:03d}", "pending": True} for i in range(30)]
        + [{"_id": f"d{i:03d}", "pending": False} for i in range(30)]
        + [{"_id": "in array", "pending": [False, True]}, {"_id": "no flag"}]
    )
    flags.create_index([("pending", 1)])  # brings the collection's GIN index
    explained = flags.database.command(
        "explain", {"find": flags.name, "filter": {"pending": True}, "limit": 5}
    )
    assert explained["limitPushdown"] is True and explained["filterPushdown"] is True
    other = {"find": flags.name, "filter": {"pending": True, "_id": {"$gt": "p"}}, "limit": 5}
    assert flags.database.command("explain", other)["limitPushdown"] is False

    found = list(flags.find({"pending": True}).limit(5))
    assert len(found) == 5 and all(doc["pending"] is True for doc in found)
    everything = {doc["_id"] for doc in flags.find({"pending": True}).limit(100)}
    assert everything == {f"p{i:03d}" for i in range(30)} | {"in array"}
    assert len(list(flags.find({"pending": False}).limit(40))) == 31


def test_a_date_bound_is_answered_from_the_fields_btree_index() -> None:
    """postgresql-pushdown.patch writes a date bound's key into the statement: PostgreSQL matches
    the collection's btree index on ``((_jsonb->'at'))`` only with that same expression, so the
    period report's "finished since" is read through its index, not by testing every row of the
    unit's history (30,000 rows read to keep 800 before). A key holding a quote stays a literal."""
    with private_infra("postgresql") as (url, run):
        client: MongoClient[dict[str, Any]] = MongoClient(url, tz_aware=True)
        coll = client["bounds"]["rows"]
        coll.insert_many(
            [{"_id": i, "at": EARLY + timedelta(hours=i), "unit": "A"} for i in range(3000)]
        )
        coll.create_index([("at", 1)], name="at")
        psql(run, "ANALYZE")
        since = EARLY + timedelta(hours=2990)
        explained = coll.database.command(
            "explain", {"find": coll.name, "filter": {"at": {"$gte": since}}}
        )
        plan = json.dumps(explained["queryPlanner"])
        assert "Index Scan" in plan and "_at_" in plan, plan
        assert [d["_id"] for d in coll.find({"at": {"$gte": since}}).sort("_id", 1)] == list(
            range(2990, 3000)
        )
        assert list(coll.find({"it's": {"$gte": since}})) == []
        client.close()
