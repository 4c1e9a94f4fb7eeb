"""The applicant history (what a citizen's earlier dossiers said, for prefill) derives from the
dossiers and is written after them. When that write is lost — the database drops the connection
at that very command — the dossier stands and the history is caught up from it shortly after."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from intake_service import BIRTH, BIRTH_DOCUMENTS, CITIZEN, COMMUNE

from motcua_platform.mongo import connect
from support.faults import DatabaseProxy, command_marker
from support.stack import Stack, auth, eventually


async def test_lost_applicant_history_write_is_caught_up_from_the_dossier(
    stack_factory: Callable[[], Any], mongo_url: str
) -> None:
    stack: Stack = await stack_factory()
    proxy = await DatabaseProxy.in_front_of(mongo_url)
    client = connect(mongo_url)
    try:
        svc = stack.start(
            "intake", MOTCUA_MONGO_URL=proxy.url(), MOTCUA_PROJECTION_INTERVAL_SECONDS="1"
        )
        await asyncio.to_thread(svc.wait_ready, 240)
        db = client[svc.env["MOTCUA_DB_NAME"]]
        # The profile write fails, and so does the first write of the catch-up after it.
        proxy.drop_on(command_marker("update", "applicant_history"), times=2)
        body = {
            "procedure_code": BIRTH,
            "channel": "counter",
            "receiving_unit": COMMUNE,
            "applicant": {"personal_id": CITIZEN},
            "documents": BIRTH_DOCUMENTS,
            "accept": True,
            "at": "2026-03-02T09:00:00+07:00",
        }
        headers = {**auth("receiver", COMMUNE), "Idempotency-Key": uuid.uuid4().hex}
        async with httpx.AsyncClient(timeout=30) as http:
            r = await http.post(f"{svc.url}/dossiers", json=body, headers=headers)
        assert r.status_code == 201, r.text
        code = r.json()["code"]
        assert proxy.dropped >= 1  # the command's own write of the profile was lost

        async def remembered() -> dict[str, Any] | None:
            return await db["applicant_history"].find_one({"last_dossier": code})

        try:
            profile = await eventually(remembered)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{svc.tail(60)}") from exc
        assert profile["applicant"]["full_name"]
        assert proxy.dropped == 2  # a failed catch-up was tried again

        async def lowered() -> bool:
            dossier = await db["dossiers"].find_one({"_id": code}, {"projection_pending": 1})
            return dossier["projection_pending"] is False

        assert await eventually(lowered)
    finally:
        stack.stop_all()
        await proxy.close()
        await client.close()
