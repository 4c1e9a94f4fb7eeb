"""The workflow's events move the status the public lookup shows; poison and contradicting
messages go to the dead-letter topic without stopping the ones after them."""

from __future__ import annotations

import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer
from intake_service import (
    ONLINE_BIRTH_DOCUMENTS,
    Days,
    Intake,
    publish_raw,
    publish_workflow_event,
)

from motcua_platform.contracts import WORKFLOW_TOPIC, dlq_topic
from support.stack import eventually


async def lookup_status(intake: Intake, submitted: dict[str, Any]) -> dict[str, Any]:
    r = await intake.http.get(
        f"/lookup/{submitted['code']}", params={"secret": submitted["lookup_secret"]}
    )
    return r.json()


async def wait_lookup(intake: Intake, submitted: dict[str, Any], status: int) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        view = await lookup_status(intake, submitted)
        return view if view["status"] == status else None

    return await eventually(reached, timeout=20)


async def dead_letters(intake: Intake, key: str, count: int) -> list[dict[str, bytes]]:
    consumer = AIOKafkaConsumer(
        dlq_topic(intake.stack.namespace + WORKFLOW_TOPIC),
        bootstrap_servers=intake.stack.kafka,
        group_id=f"check-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found: list[dict[str, bytes]] = []
    try:

        async def collected() -> bool:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(dict(r.headers) for r in records if r.key == key.encode())
            return len(found) >= count

        await eventually(collected, timeout=20)
    finally:
        await consumer.stop()
    return found


async def test_malformed_message_is_dead_lettered_and_the_next_event_updates_the_lookup(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    submitted = (
        await intake.submit(day, procedure_code="1.004873", documents=[{"component": "to_khai"}])
    ).json()
    code = submitted["code"]
    await publish_raw(intake, WORKFLOW_TOPIC, code, b'{"type": "case.resolved", "oops":')
    await publish_workflow_event(
        intake,
        code,
        1,
        "case.step_completed",
        {
            "step": 0,
            "name": "Tiếp nhận",
            "step_unit": "H15.01.36",
            "allotted_hours": 2,
            "timeliness": "early",
            "at": f"{day}T10:00:00+07:00",
            "status": 4,  # the status workflow publishes with every case event
        },
    )
    view = await wait_lookup(intake, submitted, 4)
    assert view["status_name"] == "processing"

    headers = (await dead_letters(intake, code, 1))[0]
    assert b"not a valid envelope" in headers["x-error"]
    assert headers["x-original-topic"] == (intake.stack.namespace + WORKFLOW_TOPIC).encode()


async def test_lookup_follows_processing_to_the_returned_result(intake: Intake, days: Days) -> None:
    day = days.next()
    submitted = (
        await intake.submit(day, procedure_code="1.004873", documents=[{"component": "to_khai"}])
    ).json()
    code = submitted["code"]
    at = f"{day}T10:00:00+07:00"
    base = {"at": at}
    # Events the lookup does not show still count in the sequence: no false gap after them.
    await publish_workflow_event(
        intake,
        code,
        1,
        "case.step_started",
        {
            **base,
            "step": 0,
            "name": "Tiếp nhận",
            "step_unit": "H15.01.36",
            "allotted_hours": 2,
            "due_at": at,
            "status": 2,
        },
    )
    warning = {**base, "due_at": at, "status": 2}
    await publish_workflow_event(intake, code, 2, "case.deadline_warning", warning)
    new_due = f"{days.next()}T16:00:00+07:00"
    await publish_workflow_event(
        intake,
        code,
        3,
        "case.extended",
        {
            **base,
            "reason": "Cần xác minh",
            "original_due_at": submitted["due_at"],
            "new_due_at": new_due,
            "status": 2,
        },
    )
    resolved = {**base, "outcome": "approved", "status": 9}
    await publish_workflow_event(intake, code, 4, "case.resolved", resolved)
    view = await wait_lookup(intake, submitted, 9)
    assert view["due_at"] == new_due
    await publish_workflow_event(
        intake,
        code,
        5,
        "case.returned",
        {
            **base,
            "returned_at": at,
            "channel": "counter",
            "timeliness": "early",
            "due_at": new_due,
            "status": 10,
        },
    )
    view = await wait_lookup(intake, submitted, 10)
    assert view["status_label"] == "Đã trả kết quả"


async def test_event_for_a_dossier_intake_never_received_is_rejected(intake: Intake) -> None:
    code = f"H15.01.36-260101-{uuid.uuid4().int % 9000 + 1000}"
    await publish_workflow_event(
        intake,
        code,
        1,
        "case.resolved",
        {"outcome": "approved", "at": "2026-01-05T10:00:00+07:00"},
    )
    headers = (await dead_letters(intake, code, 1))[0]
    assert b"rejected" in headers["x-error"]
    assert await intake.db["dossiers"].find_one({"_id": code}) is None


async def test_a_contradicting_event_is_dead_lettered_and_the_dossier_s_next_event_flows(
    intake: Intake, days: Days
) -> None:
    """A processing event for a dossier intake has not accepted contradicts it: dead-lettered,
    and recorded as consumed, so the dossier's next event (once accepted) is not held as a gap."""
    day = days.next()
    r = await intake.submit(day, channel="online", accept=False, documents=ONLINE_BIRTH_DOCUMENTS)
    assert r.status_code == 201, r.text
    submitted = r.json()
    code = submitted["code"]
    processing = {"step": 0, "name": "Tiếp nhận", "step_unit": "H15.01.36", "allotted_hours": 2}
    at = f"{day}T10:00:00+07:00"
    await publish_workflow_event(
        intake, code, 1, "case.step_started", {**processing, "at": at, "due_at": at, "status": 4}
    )
    headers = (await dead_letters(intake, code, 1))[0]
    assert b"not accepted" in headers["x-error"]

    r = await intake.command(code, "accept", {"at": f"{day}T10:30:00+07:00"})
    assert r.status_code == 200, r.text
    later = {**processing, "at": f"{day}T11:00:00+07:00", "timeliness": "early", "status": 4}
    await publish_workflow_event(intake, code, 2, "case.step_completed", later)
    view = await wait_lookup(intake, submitted, 4)
    assert view["status_name"] == "processing"
