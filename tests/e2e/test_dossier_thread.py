"""One dossier through all three services on the real broker and database: counter intake →
workflow case in the work queue → resolved and returned → rating request at the kiosk."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from motcua_platform.contracts import dlq_topic
from support.lifecycle import (
    CITIZEN,
    COMMUNE,
    COUNTER,
    at_kiosk,
    counter_intake,
    documents_for,
    idem,
)
from support.lifecycle import OFFICIALS as OFFICIAL_ROLES
from support.stack import Stack, auth, eventually, kiosk_device
from support.topics import topic_events

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def stack(stack_factory: Any) -> Stack:
    stack = await stack_factory()
    stack.start_all()
    return stack


async def submit_counter_dossier(
    http: httpx.AsyncClient, stack: Stack, at: str, *, accept: bool = True, channel: str = "counter"
) -> dict[str, Any]:
    intake = stack.url("intake")
    documents = await documents_for(http, intake, at[:10])
    body = counter_intake(documents, at, channel=channel, accept=accept)
    r = await http.post(
        f"{intake}/dossiers", json=body, headers={**auth("receiver", COMMUNE), **idem()}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def task_codes(http: httpx.AsyncClient, stack: Stack) -> set[str]:
    r = await http.get(
        f"{stack.url('workflow')}/tasks",
        params={"unit": COMMUNE},
        headers=auth(OFFICIAL_ROLES, COMMUNE),
    )
    assert r.status_code == 200, r.text
    return {item["code"] for item in r.json()["items"]}


async def work_through_steps(http: httpx.AsyncClient, stack: Stack, code: str, at: str) -> None:
    workflow = stack.url("workflow")
    official = auth(OFFICIAL_ROLES, COMMUNE, subject="can-bo-1")
    case = (await http.get(f"{workflow}/cases/{code}", headers=official)).json()
    for _ in case["steps"]:
        r = await http.post(
            f"{workflow}/cases/{code}/complete-step",
            json={"at": at},
            headers={**official, **idem()},
        )
        assert r.status_code == 200, r.text


async def test_counter_dossier_is_processed_returned_and_rated_once(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        dossier = await submit_counter_dossier(http, stack, "2024-03-04T08:15:00+07:00")
        code = dossier["code"]
        assert dossier["status"] == 2
        assert code.startswith(f"{COMMUNE}-240304-")
        assert "full_name" in dossier["prefilled_fields"]

        assert await eventually(lambda: _contains(task_codes(http, stack), code))

        await work_through_steps(http, stack, code, "2024-03-04T10:00:00+07:00")
        workflow = stack.url("workflow")
        official = auth(OFFICIAL_ROLES, COMMUNE, subject="can-bo-1")
        r = await http.post(
            f"{workflow}/cases/{code}/resolve",
            json={"outcome": "approved", "at": "2024-03-04T14:00:00+07:00"},
            headers={**official, **idem()},
        )
        assert r.status_code == 200, r.text
        r = await http.post(
            f"{workflow}/cases/{code}/return",
            json={"channel": "counter", "counter": COUNTER, "at": "2024-03-04T15:00:00+07:00"},
            headers={**official, **idem()},
        )
        assert r.status_code == 200, r.text
        case = (await http.get(f"{workflow}/cases/{code}", headers=official)).json()
        assert case["status"] == 10
        assert case["timeliness"] == "on_time"  # same-day procedure returned on its due day

        feedback = stack.url("feedback")
        device = await kiosk_device(http, feedback, COUNTER)  # the counter's tablet

        current = await eventually(lambda: at_kiosk(http, feedback, device, COUNTER, code))
        rating = {
            "dossier_code": code,
            "overall": "very_satisfied",
            "channel": "kiosk",
            "kiosk_session": current["session"],
            "indicators": {"7": 2},
        }
        first = await http.post(f"{feedback}/ratings", json=rating, headers=idem())
        assert first.status_code == 201, first.text
        second = await http.post(f"{feedback}/ratings", json=rating, headers=idem())
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "already_rated"

        lookup = await http.get(
            f"{stack.url('intake')}/lookup/{code}", params={"secret": dossier["lookup_secret"]}
        )
        assert lookup.status_code == 200
        assert CITIZEN not in lookup.text

        async def returned_on_lookup() -> bool:
            r = await http.get(
                f"{stack.url('intake')}/lookup/{code}", params={"secret": dossier["lookup_secret"]}
            )
            return r.json()["status"] == 10

        assert await eventually(returned_on_lookup)


async def test_restarted_workflow_applies_each_event_exactly_once(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        online = await submit_counter_dossier(
            http, stack, "2024-03-05T08:00:00+07:00", accept=False, channel="online"
        )
        code = online["code"]
        assert online["status"] == 1
        official = auth(OFFICIAL_ROLES, COMMUNE)

        async def known_to_workflow() -> bool:
            r = await http.get(f"{stack.url('workflow')}/cases/{code}", headers=official)
            return r.status_code == 200

        assert await eventually(known_to_workflow)
        stack.services["workflow"].kill()  # a crash, not a graceful stop
        r = await http.post(
            f"{stack.url('intake')}/dossiers/{code}/accept",
            json={"at": "2024-03-05T09:00:00+07:00"},
            headers={**auth("receiver", COMMUNE), **idem()},
        )
        assert r.status_code == 200, r.text
        stack.restart("workflow")
        assert await eventually(lambda: _contains(task_codes(http, stack), code))

    events = await eventually(lambda: workflow_events_for(stack, code))
    started = [e for e in events if e["type"] == "case.step_started"]
    assert len(started) == 1, events
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(set(seqs)), "no workflow event was published twice"


async def test_malformed_intake_message_is_dead_lettered_and_next_one_processed(
    stack: Stack,
) -> None:
    topic = stack.namespace + "motcua.intake.v1"
    key = f"H15.01.36-poison-{uuid.uuid4().hex[:6]}".encode()
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"type": "dossier.accepted", "oops":', key=key)
    finally:
        await producer.stop()
    async with httpx.AsyncClient(timeout=10) as http:
        dossier = await submit_counter_dossier(http, stack, "2024-03-06T08:00:00+07:00")
        assert await eventually(lambda: _contains(task_codes(http, stack), dossier["code"]))

    consumer = AIOKafkaConsumer(
        dlq_topic(topic),
        bootstrap_servers=stack.kafka,
        group_id=f"check-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:

        async def dead_lettered() -> dict[str, bytes] | None:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    if record.key == key:
                        return dict(record.headers)
            return None

        headers = await eventually(dead_lettered)
    finally:
        await consumer.stop()
    assert headers["x-original-topic"] == topic.encode()
    assert b"not a valid envelope" in headers["x-error"]


async def workflow_events_for(stack: Stack, code: str) -> list[dict[str, Any]] | None:
    """The events of ``code`` on the workflow topic once its first step has started, else None."""
    events = await topic_events(stack.kafka, stack.namespace + "motcua.workflow.v1")
    mine = [e for e in events if e["subject"] == code]
    return mine if any(e["type"] == "case.step_started" for e in mine) else None


async def _contains(codes_awaitable: Any, code: str) -> bool:
    return code in await codes_awaitable
