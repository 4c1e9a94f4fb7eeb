"""Every query the services send to the database while a dossier goes through its whole life, and
while officials read their screens, is answered through an index: no hot path reads a collection
from end to end, so its cost does not grow with the dossiers stored.

The services run against a private local MongoDB-wire server (FerretDB over PostgreSQL, as
`make run` starts it) whose PostgreSQL explains every statement it executes (auto_explain) with
sequential scans disabled: the planner then scans a table only when no index can answer the
statement, which is exactly what this test must catch. A query FerretDB cannot push down at all
reaches PostgreSQL without its filter and shows up the same way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua_platform.provision import create_topics
from support.ferretdb import private_infra
from support.lifecycle import full_lifecycle, read_as_users
from support.stack import Stack

pytestmark = pytest.mark.e2e

KAFKA = "127.0.0.1:9092"
EXPLAIN_EVERYTHING = " ".join(
    [
        "-c shared_preload_libraries=auto_explain",
        "-c auto_explain.log_min_duration=0",
        "-c auto_explain.log_format=json",
        "-c auto_explain.log_verbose=on",
        "-c enable_seqscan=off",
    ]
)


@pytest.fixture(scope="module")
def explained() -> Iterator[tuple[str, Path]]:
    with private_infra("postgresql", EXPLAIN_EVERYTHING) as (url, run):
        yield url, run / "postgres" / "postgres.log"


def plans(log: Path, since: int) -> Iterator[dict[str, Any]]:
    """The statements auto_explain logged after byte ``since``, each with its plan."""
    with log.open("rb") as f:
        f.seek(since)
        text = f.read().decode("utf-8", "replace")
    for entry in text.split("  plan:\n")[1:]:
        start = entry.index("{")
        depth = 0
        for end, char in enumerate(entry[start:], start):  # the plan's JSON object, braces matched
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                yield json.loads(entry[start : end + 1])
                break


def full_scans(plan: dict[str, Any], schema_prefix: str) -> list[str]:
    found = []
    stack = [plan["Plan"]]
    while stack:
        node = stack.pop()
        stack.extend(node.get("Plans", []))
        if (
            node["Node Type"] == "Seq Scan"
            and node.get("Schema", "").startswith(schema_prefix)
            and not node.get("Relation Name", "").startswith("_ferretdb")
        ):
            found.append(f"{node['Schema']}.{node['Relation Name']}: {plan['Query Text']}")
    return found


async def test_a_lifecycle_and_the_officials_reads_use_only_indexes(
    explained: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    url, log = explained
    stack_id = f"ix{uuid.uuid4().hex[:6]}"
    namespace = f"test{stack_id}."
    await create_topics(KAFKA, partitions=3, replication=1, namespace=namespace)
    stack = Stack(namespace, stack_id, tmp_path_factory.mktemp("logs"), KAFKA, url)
    try:
        stack.start_all()
        since = log.stat().st_size  # start-up (index creation, catalogue loading) is not a hot path
        async with httpx.AsyncClient(timeout=30) as http:
            await full_lifecycle(http, stack, "2024-03-04")
            await read_as_users(http, stack, "2024-03-04")
    finally:
        stack.stop_all()
    explained_plans = list(plans(log, since))
    assert explained_plans, "auto_explain logged nothing: the test would prove nothing"
    scans = sorted({s for p in explained_plans for s in full_scans(p, f"e2e_{stack_id}")})
    assert scans == [], "\n".join(scans)
