"""Fault injection across the services: a few hundred counter dossiers are submitted while the
workflow process is killed (SIGKILL) and restarted twice and the Kafka broker is stopped and
started once. Afterwards every answered dossier has exactly one case; intake, workflow, the work
queue, the report and the tracking book agree; nothing is dead-lettered; and a client retry with
its original Idempotency-Key gets the first answer.

The broker stopped here is the test's own (the session's shared broker is never stopped); the
services run in simulation with explicit instants, so nothing depends on the wall clock."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts import INTAKE_TOPIC, WORKFLOW_TOPIC, dlq_topic
from motcua_platform.mongo import connect
from motcua_platform.provision import create_topics
from support.private_kafka import PrivateKafka
from support.stack import Stack, auth, eventually

pytestmark = pytest.mark.e2e

COMMUNE = "H15.01.36"
BIRTH_REGISTRATION = "1.001193"
CITIZEN = "079203001234"
OFFICIALS = ["receiver", "specialist", "leader"]
DOSSIERS = 200
CONCURRENCY = 6
DAY = datetime(2024, 3, 4, 7, 30, tzinfo=VN_TZ)  # a Monday; one dossier a minute from 07:30
# A process start is slow on a busy machine (imports, indexes, joining the group).
READY_TIMEOUT = 240.0
CATCH_UP = 900.0
REPORT_AT = datetime(2024, 3, 4, 11, 30, tzinfo=VN_TZ)


def at(number: int) -> str:
    return (DAY + timedelta(minutes=number)).isoformat()


@pytest.fixture(scope="module")
def kafka(tmp_path_factory: pytest.TempPathFactory, mongo_url: str) -> Any:
    broker = PrivateKafka(tmp_path_factory.mktemp("private-kafka"), urlsplit(mongo_url).port or 0)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="module")
async def stack(
    kafka: PrivateKafka, run_id: str, mongo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    stack_id = f"{run_id}f"
    namespace = f"test{stack_id}."
    await create_topics(kafka.bootstrap, partitions=3, replication=1, namespace=namespace)
    stack = Stack(namespace, stack_id, tmp_path_factory.mktemp("logs"), kafka.bootstrap, mongo_url)
    try:
        for name in ("intake", "workflow"):
            stack.start(name)
        for name in ("intake", "workflow"):
            await asyncio.to_thread(stack.services[name].wait_ready, READY_TIMEOUT)
        yield stack
    finally:
        stack.stop_all()
        client = connect(mongo_url)
        for name in ("intake", "workflow"):
            await client.drop_database(f"e2e_{stack_id}_{name}")
        await client.close()


class Counter:
    """A receiver at the counter whose client retries with the same key until it is answered."""

    def __init__(self, http: httpx.AsyncClient, intake: Callable[[], str], documents: Any) -> None:
        self.http = http
        self.intake = intake
        self.documents = documents
        self.sent: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # key → body, answer
        self.retries = 0

    async def submit(self, number: int) -> None:
        key = uuid.uuid4().hex
        body = {
            "procedure_code": BIRTH_REGISTRATION,
            "channel": "counter",
            "receiving_unit": COMMUNE,
            "applicant": {"personal_id": CITIZEN},
            "documents": self.documents,
            "accept": True,
            "at": at(number),
        }
        answer = await self.post(key, body)
        self.sent[key] = (body, answer)
        if number % 10 == 0:  # the client did not see the answer and sends it again
            assert await self.post(key, body) == answer

    async def post(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {**auth("receiver", COMMUNE, subject="mot-cua-q01"), "Idempotency-Key": key}
        for _ in range(60):
            try:
                r = await self.http.post(f"{self.intake()}/dossiers", json=body, headers=headers)
            except httpx.HTTPError:
                r = None
            if r is not None and r.status_code == 201:
                return dict(r.json())
            assert r is None or r.status_code in (409, 502, 503, 504), r.text
            self.retries += 1
            await asyncio.sleep(0.5)
        raise AssertionError(f"no answer for key {key}")

    async def batch(self, numbers: range) -> None:
        limit = asyncio.Semaphore(CONCURRENCY)

        async def one(number: int) -> None:
            async with limit:
                await self.submit(number)

        await asyncio.gather(*(one(n) for n in numbers))


async def test_faults_while_submitting_lose_nothing_and_apply_nothing_twice(
    stack: Stack, kafka: PrivateKafka, mongo_url: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        documents = await required_documents(http, stack.url("intake"))
        counter = Counter(http, lambda: stack.url("intake"), documents)

        async def in_background(action: Callable[[], Any]) -> Awaitable[Any]:
            return asyncio.ensure_future(asyncio.to_thread(action))

        await counter.batch(range(0, 50))
        # SIGKILL while workflow consumes the first dossiers; the next ones arrive meanwhile.
        restart = await in_background(lambda: stack.restart("workflow", READY_TIMEOUT))
        await counter.batch(range(50, 90))
        await restart
        await asyncio.to_thread(kafka.stop)
        await counter.batch(range(90, 120))  # accepted at the counter with the broker down
        start = await in_background(kafka.start)
        await counter.batch(range(120, 150))
        await start
        restart = await in_background(lambda: stack.restart("workflow", READY_TIMEOUT))
        await counter.batch(range(150, DOSSIERS))
        await restart

        answers = {answer["code"]: answer for _, answer in counter.sent.values()}
        assert len(counter.sent) == DOSSIERS and len(answers) == DOSSIERS
        codes = set(answers)

        client = connect(mongo_url)
        try:
            intake_db = client[stack.services["intake"].env["MOTCUA_DB_NAME"]]
            workflow_db = client[stack.services["workflow"].env["MOTCUA_DB_NAME"]]
            # Exactly one dossier per answered submission, and one case for each.
            dossiers = await statuses(intake_db["dossiers"], {})
            assert set(dossiers) == codes
            # Generous: on a machine shared with other work the database may be slow, and a
            # batch then holds its records and retries (the outcome is what is checked).
            cases = await eventually(lambda: all_cases(workflow_db, codes), timeout=CATCH_UP)
            # Intake mirrors what workflow says about each dossier.
            await eventually(lambda: mirrors(intake_db, cases), timeout=CATCH_UP)
        finally:
            await client.close()

        queue = await work_queue(http, stack.url("workflow"))
        assert set(queue) == codes
        assert all(queue[code] == cases[code] for code in codes)
        summary = await eventually(lambda: report(http, stack.url("workflow")), timeout=CATCH_UP)
        assert summary["open"] == {"within": DOSSIERS, "overdue": 0}
        book = await tracking_book(http, stack.url("workflow"))
        assert set(book) == codes and len(book) == DOSSIERS

        # A retry with the original key, after all of it, gets the first answer.
        limit = asyncio.Semaphore(CONCURRENCY)

        async def retried(key: str, body: dict[str, Any]) -> dict[str, Any]:
            async with limit:
                return await counter.post(key, body)

        sent = list(counter.sent.items())
        again = await asyncio.gather(*(retried(key, body) for key, (body, _) in sent))
        assert again == [answer for _, (_, answer) in sent]

    assert await dead_letters(kafka.bootstrap, stack.namespace) == 0


async def required_documents(http: httpx.AsyncClient, intake: str) -> list[dict[str, Any]]:
    r = await http.get(f"{intake}/procedures/{BIRTH_REGISTRATION}", params={"on": DAY.date()})
    assert r.status_code == 200, r.text
    version = r.json().get("current") or r.json()
    return [
        {"component": c["code"], "form": (c.get("forms") or ["original"])[0], "digitized": True}
        for c in version["components"]
        if c.get("required", True)
    ]


async def statuses(collection: Any, query: dict[str, Any]) -> dict[str, int]:
    docs = await collection.find(query, {"status": 1}).to_list(None)
    return {doc["_id"]: doc["status"] for doc in docs}


async def all_cases(db: Any, codes: set[str]) -> dict[str, int] | None:
    cases = await statuses(db["cases"], {"record": "case"})
    if set(cases) != codes:
        return None
    return cases


async def mirrors(intake_db: Any, cases: dict[str, int]) -> bool:
    return await statuses(intake_db["dossiers"], {}) == cases


async def work_queue(http: httpx.AsyncClient, workflow: str) -> dict[str, int]:
    """Every task of the unit, page by page: code → status."""
    found: dict[str, int] = {}
    cursor = None
    while True:
        params = {"unit": COMMUNE, "limit": "200", "at": REPORT_AT.isoformat()}
        if cursor:
            params["cursor"] = cursor
        r = await http.get(f"{workflow}/tasks", params=params, headers=auth(OFFICIALS, COMMUNE))
        assert r.status_code == 200, r.text
        for item in r.json()["items"]:
            assert item["code"] not in found
            found[item["code"]] = item["status"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return found


async def report(http: httpx.AsyncClient, workflow: str) -> dict[str, Any] | None:
    params = {"unit": COMMUNE, "from": "2024-03-01", "to": "2024-03-31"}
    r = await http.get(
        f"{workflow}/reports/summary",
        params={**params, "at": REPORT_AT.isoformat()},
        headers=auth("leader", COMMUNE),
    )
    assert r.status_code == 200, r.text
    return r.json() if r.json()["received"] == DOSSIERS else None


async def tracking_book(http: httpx.AsyncClient, workflow: str) -> list[str]:
    """The dossier codes of the book's lines (first column after the line number)."""
    r = await http.get(
        f"{workflow}/reports/tracking-book",
        params={"unit": COMMUNE, "from": "2024-03-01", "to": "2024-03-31"},
        headers=auth("leader", COMMUNE),
    )
    assert r.status_code == 200, r.text
    lines = r.content.decode("utf-8-sig").strip().splitlines()[1:]
    return [line.split(",")[1] for line in lines]


async def dead_letters(bootstrap: str, namespace: str) -> int:
    """Messages on the dead-letter topics of the namespace."""
    names = [dlq_topic(namespace + topic) for topic in (INTAKE_TOPIC, WORKFLOW_TOPIC)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    tps = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    assert {tp.topic for tp in tps} == set(names)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
    finally:
        await consumer.stop()
    return sum(ends[tp] - starts[tp] for tp in tps)
