"""The report's read model after a crash between a case write and its ``case_facts`` row: the
workflow process is killed (SIGKILL) at the moment it sends the row to the database, once while
consuming an intake event and once while answering a command. After a restart the report and
the tracking book catch up with the cases."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from workflow_helpers import MARITAL, IntakeFeed, Workflow, accepted, iso, vn

from motcua_platform.mongo import connect
from support.faults import DatabaseProxy, command_marker
from support.stack import ServiceProcess, Stack, eventually

COMMUNE = "H15.50.05.61"
ACCEPTED_AT = vn(4, 1, 9)  # Mon 01/04/2024
ROW_WRITE = command_marker("update", "case_facts")


async def killed_at_row_write(proxy: DatabaseProxy, svc: ServiceProcess, act: Any) -> None:
    """Run ``act`` and SIGKILL the service once it sends a case_facts row to the database."""
    held = proxy.hold_on(ROW_WRITE)
    task = asyncio.ensure_future(act())
    await asyncio.wait_for(held.wait(), 60)
    svc.kill()
    proxy.release()
    await asyncio.gather(task, return_exceptions=True)


async def test_report_rows_lost_in_a_crash_are_caught_up_after_restart(
    stack_factory: Callable[[], Any], mongo_url: str
) -> None:
    stack: Stack = await stack_factory()
    proxy = await DatabaseProxy.in_front_of(mongo_url)
    client = connect(mongo_url)
    code = f"{COMMUNE}-240401-0001"
    try:
        svc = stack.start(
            "workflow",
            MOTCUA_MONGO_URL=proxy.url(),
            MOTCUA_PROJECTION_INTERVAL_SECONDS="1",
        )
        await asyncio.to_thread(svc.wait_ready, 240)
        db = client[svc.env["MOTCUA_DB_NAME"]]

        # 1. Killed while consuming dossier.accepted: the case is stored, its row is not.
        async def publish() -> None:
            async with IntakeFeed(stack) as feed:
                await feed.publish(code, (accepted(MARITAL, ACCEPTED_AT, COMMUNE), ACCEPTED_AT))

        await killed_at_row_write(proxy, svc, publish)
        assert await db["cases"].find_one({"_id": code}) is not None
        assert await db["case_facts"].find_one({"_id": code}) is None

        svc = await asyncio.to_thread(stack.restart, "workflow", 240)
        async with httpx.AsyncClient(timeout=30) as http:
            wf = Workflow.of(http, svc, COMMUNE)
            summary = await eventually(lambda: _received(wf, 1))
            assert summary["open"] == {"within": 1, "overdue": 0}
            book = await http.get(
                f"{wf.url}/reports/tracking-book",
                params={"unit": COMMUNE, "from": "2024-04-01", "to": "2024-04-30"},
                headers=wf.headers,
            )
            assert code in book.content.decode("utf-8-sig")
            await eventually(lambda: _row_current(db, code))

            # 2. Killed while answering a command: the step is completed, the row is not.
            async def complete() -> None:
                await wf.post(code, "complete-step", {"at": iso(vn(4, 1, 10))})

            await killed_at_row_write(proxy, svc, complete)
            case = await db["cases"].find_one({"_id": code})
            row = await db["case_facts"].find_one({"_id": code})
            assert case["steps"][0]["completed_at"] is not None
            assert row["version"] < case["version"]

            svc = await asyncio.to_thread(stack.restart, "workflow", 240)
            await eventually(lambda: _row_current(db, code))
    finally:
        stack.stop_all()
        await proxy.close()
        await client.close()


async def _received(wf: Workflow, count: int) -> dict[str, Any] | None:
    summary = await wf.summary("2024-04-01", "2024-04-30", at=vn(4, 1, 12))
    return summary if summary["received"] == count else None


async def _row_current(db: Any, code: str) -> bool:
    """The row is at the case's version (the catch-up has run and lowered its flag)."""
    case = await db["cases"].find_one({"_id": code}, {"version": 1, "projection_pending": 1})
    row = await db["case_facts"].find_one({"_id": code}, {"version": 1})
    return (
        row is not None
        and row["version"] == case["version"]
        and case.get("projection_pending") is False
    )
