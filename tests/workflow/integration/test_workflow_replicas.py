"""Two workflow replicas on one topic and one database: every case is opened once, and every
deadline warning and overdue event is emitted once per dossier although both replicas scan.

Both replicas run their own outbox relay, and a tick goes to both at once, so they scan the same
cases simultaneously: the version-guarded save lets one write each case, the other reloads, sees
the flag already set and emits nothing."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from workflow_helpers import (
    CAL,
    MARITAL,
    IntakeFeed,
    Workflow,
    accepted,
    gather_limited,
    outbox_drained,
    vn,
    workflow_events,
)

from support.stack import ServiceProcess, Stack, free_port

COMMUNE = "H15.50.05.51"
DOSSIERS = 12
ACCEPTED_AT = vn(4, 1, 9)  # Mon 01/04/2024; three working days → due Thu 04/04 09:00


@pytest.fixture(scope="module")
async def replicas(stack: Stack) -> AsyncIterator[tuple[ServiceProcess, ServiceProcess]]:
    first = stack.start("workflow")
    port = free_port()
    second = ServiceProcess(
        "workflow",
        port,
        {**first.env, "MOTCUA_HTTP_PORT": str(port)},
        stack.log_dir / f"workflow-replica-{port}.log",
    )
    second.start()
    try:
        first.wait_ready()
        second.wait_ready()
        yield first, second
    finally:
        second.stop()


async def test_each_case_opens_once_and_each_deadline_event_is_emitted_once(
    stack: Stack, replicas: tuple[ServiceProcess, ServiceProcess]
) -> None:
    codes = [f"{COMMUNE}-240401-{n:04d}" for n in range(1, DOSSIERS + 1)]
    async with IntakeFeed(stack) as feed:
        for code in codes:
            await feed.publish(code, (accepted(MARITAL, ACCEPTED_AT, COMMUNE), ACCEPTED_AT))
    due = CAL.due_at(ACCEPTED_AT, MARITAL.hours)
    assert due == vn(4, 4, 9)

    async with httpx.AsyncClient(timeout=30) as http:
        first, second = (Workflow.of(http, svc, COMMUNE) for svc in replicas)
        await gather_limited(DOSSIERS, *(first.wait_for_case(code, 2) for code in codes))
        await outbox_drained(stack)
        # Within the last working day before the due time: a warning, once.
        warned = await asyncio.gather(first.tick(vn(4, 3, 10)), second.tick(vn(4, 3, 10)))
        again = [await wf.tick(vn(4, 3, 11)) for wf in (second, first)]
        # Past the due time: overdue, once.
        overdue = await asyncio.gather(second.tick(vn(4, 4, 10)), first.tick(vn(4, 4, 10)))
        await outbox_drained(stack)

    assert sum(t["warnings"] for t in warned) == DOSSIERS
    assert sum(t["warnings"] + t["overdues"] for t in again) == 0
    assert sum(t["overdues"] for t in overdue) == DOSSIERS
    assert sum(t["warnings"] for t in overdue) == 0

    events = [e for e in await workflow_events(stack) if e["subject"] in codes]
    # Count events, not deliveries: an outbox relay may deliver an event again (same id and
    # seq; consumers drop it), e.g. after a crash between publishing and recording it.
    by_id = {e["id"]: e for e in events}
    assert all(e == by_id[e["id"]] for e in events), "a re-delivery is the same event"
    emitted = Counter((e["subject"], e["type"], e["data"].get("step")) for e in by_id.values())
    for code in codes:
        assert emitted[(code, "case.step_started", 0)] == 1
        assert emitted[(code, "case.deadline_warning", None)] == 1
        assert emitted[(code, "case.overdue", None)] == 1
    numbered = Counter((e["subject"], e["seq"]) for e in by_id.values())
    assert max(numbered.values()) == 1, "one event per seq of each dossier"
