"""A citizen's PAKN filed by a process killed between storing the complaint and recording its
Idempotency-Key: the retry answers with the same complaint (never a second one, never
``request_in_progress`` for a minute) and a fresh secret that opens it, on the real database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from motcua_platform.mongo import connect
from support.stack import eventually
from support.workflow_feed import WorkflowFeed

CRASH = {"MOTCUA_FAULT_CRASH_AFTER_EFFECT": "1"}
UNIT = "H15.04.03"


async def test_a_retried_filing_after_a_crash_returns_the_same_complaint_with_a_new_secret(
    stack_factory: Any,
) -> None:
    stack = await stack_factory()
    stack.start("feedback").wait_ready()
    feed = WorkflowFeed(stack)
    await feed.producer.start()
    code = f"{UNIT}-261128-{uuid.uuid4().int % 10**8:08d}"
    client = connect(stack.mongo)
    complaints = client[stack.services["feedback"].env["MOTCUA_DB_NAME"]]["complaints"]
    try:
        await feed.return_dossier(code, UNIT, None, feed.now())
        # The unit is known to feedback once the returned dossier is applied.
        assert await eventually(lambda: _dossier_applied(stack, code))
        async with httpx.AsyncClient(timeout=30) as http:
            process = stack.restart("feedback", **CRASH)
            filing = {
                "topic": "Trễ hẹn trả kết quả",
                "content": "Hẹn trả kết quả nhưng đến nơi chưa có.",
                "contact": {"full_name": "Trần Văn Bình", "phone": "0912345678"},
                "dossier_code": code,
            }
            key = {"Idempotency-Key": uuid.uuid4().hex}
            with pytest.raises(httpx.HTTPError):
                await http.post(f"{process.url}/complaints", json=filing, headers=key)
            assert process.proc is not None and process.proc.wait(10) is not None
            [stored] = await complaints.find({}).to_list(None)

            process = stack.restart("feedback", without=CRASH)
            retry = await http.post(f"{process.url}/complaints", json=filing, headers=key)
            assert retry.status_code == 201, retry.text
            answer = retry.json()
            assert answer["id"] == stored["_id"]
            assert await complaints.count_documents({}) == 1
            opened = await http.get(
                f"{process.url}/complaints/{answer['id']}", params={"secret": answer["secret"]}
            )
            assert opened.status_code == 200, opened.text
            assert opened.json()["content"] == filing["content"]
            # The recorded answer is the one a further retry gets: the same secret again.
            again = await http.post(f"{process.url}/complaints", json=filing, headers=key)
            assert again.status_code == 201 and again.json()["secret"] == answer["secret"]
            assert again.headers.get("Idempotent-Replay") == "true"
    finally:
        await feed.producer.stop()
        await client.close()


async def _dossier_applied(stack: Any, code: str) -> bool:
    client = connect(stack.mongo)
    try:
        db = client[stack.services["feedback"].env["MOTCUA_DB_NAME"]]
        return await db["dossiers"].find_one({"_id": code}, {"_id": 1}) is not None
    finally:
        await client.close()
