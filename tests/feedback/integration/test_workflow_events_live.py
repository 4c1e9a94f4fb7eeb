"""Workflow events into feedback on the real broker: poison to the dead-letter topic without
blocking the dossier, duplicates skipped, an event ahead of its predecessor held until it comes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from motcua_platform.contracts import WORKFLOW_TOPIC, Envelope, dlq_topic
from motcua_platform.contracts.events import CaseReturned, CaseStepStarted, Channel, Timeliness
from support.stack import eventually, kiosk_device

UNIT = "H15.06.01"


def new_code() -> str:
    return f"{UNIT}-261130-{uuid.uuid4().int % 10**8:08d}"


async def on_kiosk(http: httpx.AsyncClient, url: str, counter: str, code: str) -> bool:
    device = await kiosk_device(http, url, counter)
    r = await http.get(f"{url}/kiosk/{counter}/current", headers=device)
    return r.status_code == 200 and r.json()["dossier_code"] == code


async def test_malformed_events_are_dead_lettered_and_the_next_one_is_applied(
    feedback_stack: Any, workflow: Any, http: httpx.AsyncClient
) -> None:
    url, code, counter = feedback_stack.url("feedback"), new_code(), f"{UNIT}-Q01"
    topic = feedback_stack.namespace + WORKFLOW_TOPIC
    dlq = AIOKafkaConsumer(
        dlq_topic(topic),
        bootstrap_servers=feedback_stack.kafka,
        group_id=f"check-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await dlq.start()
    try:
        await workflow.send_raw(code.encode(), b'{"type": "case.returned", "oops":')
        bad = Envelope(
            id=str(uuid.uuid4()),
            type="case.returned",
            source="workflow",
            subject=code,
            time=workflow.now(),
            seq=1,
            data={"unit": UNIT, "procedure_code": "1.001193"},  # no returned_at, channel, …
        )
        await workflow.send_raw(code.encode(), bad.to_json())
        await workflow.return_dossier(code, UNIT, counter, workflow.now())

        assert await eventually(lambda: on_kiosk(http, url, counter, code))
        reasons: list[bytes] = []

        async def both_dead_lettered() -> bool:
            for records in (await dlq.getmany(timeout_ms=500)).values():
                reasons.extend(
                    dict(r.headers)["x-error"] for r in records if r.key == code.encode()
                )
            return len(reasons) >= 2

        await eventually(both_dead_lettered)
    finally:
        await dlq.stop()
    assert b"not a valid envelope" in reasons[0]
    assert b"invalid case.returned payload" in reasons[1]


async def test_duplicate_is_skipped_and_an_early_event_waits_for_its_predecessor(
    feedback_stack: Any, workflow: Any, http: httpx.AsyncClient, metric: Any
) -> None:
    url, code, counter = feedback_stack.url("feedback"), new_code(), f"{UNIT}-Q02"
    at = workflow.now()
    base = {"unit": UNIT, "procedure_code": "1.001193", "at": at}
    started = CaseStepStarted(
        **base, step=0, name="Thẩm định", step_unit=UNIT, allotted_hours=4, due_at=at
    )
    returned = CaseReturned(
        **base,
        returned_at=at,
        channel=Channel.COUNTER,
        timeliness=Timeliness.ON_TIME,
        due_at=at + timedelta(hours=1),
        counter=counter,
    )
    first, second = (
        Envelope.wrap(data, source="workflow", subject=code, seq=seq, time=at)
        for seq, data in ((1, started), (2, returned))
    )

    async def returned_events(outcome: str) -> float:
        labels = {"service": "feedback", "type": "case.returned", "outcome": outcome}
        return await metric("motcua_events_consumed_total", **labels)

    async def more(outcome: str, than: float) -> bool:
        return await returned_events(outcome) > than

    duplicates, held = await returned_events("duplicate"), await returned_events("retried")
    await workflow.send_raw(code.encode(), second.to_json())
    await eventually(lambda: more("retried", held))
    assert not await on_kiosk(http, url, counter, code)  # seq 2 waits for seq 1
    await workflow.send_raw(code.encode(), first.to_json())
    assert await eventually(lambda: on_kiosk(http, url, counter, code))

    await workflow.send_raw(code.encode(), second.to_json())  # the relay published it again
    await eventually(lambda: more("duplicate", duplicates))
    assert await on_kiosk(http, url, counter, code)
