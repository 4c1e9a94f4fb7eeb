"""Shared fixtures: the real broker and MongoDB-wire server started by `make test`.

Each test session gets its own topic namespace and database names, so a session never sees
another's events or documents, even with `make run` going on the same broker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from motcua_platform.mongo import connect
from motcua_platform.provision import create_topics

KAFKA = os.environ.get("MOTCUA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MONGO = os.environ.get("MOTCUA_MONGO_URL", "mongodb://127.0.0.1:27017")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath)
        if "/integration/" in path:
            item.add_marker(pytest.mark.integration)
        if "/e2e/" in path:
            item.add_marker(pytest.mark.e2e)
        if "stack_factory" in getattr(item, "fixturenames", ()):
            # Its services read a simulated clock pinned to MOTCUA_TEST_NOW: time-sensitive.
            item.add_marker(pytest.mark.clock)


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return KAFKA


@pytest.fixture(scope="session")
def mongo_url() -> str:
    return MONGO


@pytest.fixture(scope="session")
async def topic_namespace(run_id: str, kafka_bootstrap: str) -> str:
    namespace = f"test{run_id}."
    await create_topics(kafka_bootstrap, partitions=3, replication=1, namespace=namespace)
    return namespace


@pytest.fixture
async def mongo_db(mongo_url: str, run_id: str) -> AsyncIterator[object]:
    client = connect(mongo_url)
    name = f"test_{run_id}_{uuid.uuid4().hex[:6]}"
    yield client[name]
    await client.drop_database(name)
    await client.close()


@pytest.fixture(scope="session")
def stack_factory(run_id: str, tmp_path_factory: pytest.TempPathFactory):
    """Build a `Stack` of service processes with its own topics and databases; every process is
    stopped at the end of the session."""
    from support.stack import Stack

    stacks: list[Stack] = []

    async def make() -> Stack:
        stack_id = f"{run_id}{len(stacks)}"
        namespace = f"test{stack_id}."
        await create_topics(KAFKA, partitions=3, replication=1, namespace=namespace)
        stack = Stack(namespace, stack_id, tmp_path_factory.mktemp("logs"), KAFKA, MONGO)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop_all()
