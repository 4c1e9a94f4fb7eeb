"""A process killed between a command's effect and its Idempotency-Key record: the retry with the
same key returns the first answer (never ``request_in_progress`` for ever, never a second
dossier), on the real database."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from intake_service import BIRTH, BIRTH_DOCUMENTS, CITIZEN, COMMUNE

from motcua_platform.mongo import connect
from support.stack import auth

CRASH = {"MOTCUA_FAULT_CRASH_AFTER_EFFECT": "1"}


async def test_a_retry_after_a_crash_between_effect_and_key_returns_the_first_answer(
    stack_factory: Any,
) -> None:
    stack = await stack_factory()
    process = stack.start("intake", **CRASH)
    process.wait_ready()
    headers = {**auth("receiver", COMMUNE, "receiver-crash"), "Idempotency-Key": uuid.uuid4().hex}
    day = stack.working_day_after_start()
    submit = {
        "procedure_code": BIRTH,
        "channel": "counter",
        "receiving_unit": COMMUNE,
        "applicant": {"personal_id": CITIZEN},
        "documents": BIRTH_DOCUMENTS,
        "accept": True,
        "at": f"{day.isoformat()}T09:00:00+07:00",
    }
    client = connect(stack.mongo)
    dossiers = client[process.env["MOTCUA_DB_NAME"]]["dossiers"]
    try:
        async with httpx.AsyncClient(base_url=process.url, timeout=30) as http:
            # The process dies after the dossier is stored, before the key is recorded.
            with pytest.raises(httpx.HTTPError):
                await http.post("/dossiers", json=submit, headers=headers)
            assert process.proc is not None and process.proc.wait(10) is not None
            [stored] = await dossiers.find({}).to_list(None)

            process = stack.restart("intake", without=CRASH)
            retry = await http.post("/dossiers", json=submit, headers=headers)
            assert retry.status_code == 201, retry.text
            assert retry.json()["code"] == stored["_id"]
            assert retry.json()["lookup_secret"] == stored["lookup_secret"]
            assert await dossiers.count_documents({}) == 1

            # A decision on that dossier, killed the same way, then retried.
            process = stack.restart("intake", **CRASH)
            withdraw = {"reason": "Công dân xin rút hồ sơ", "at": f"{day}T09:30:00+07:00"}
            decision = {**headers, "Idempotency-Key": uuid.uuid4().hex}
            code = stored["_id"]
            with pytest.raises(httpx.HTTPError):
                await http.post(f"/dossiers/{code}/withdraw", json=withdraw, headers=decision)
            process = stack.restart("intake", without=CRASH)
            again = await http.post(f"/dossiers/{code}/withdraw", json=withdraw, headers=decision)
            assert again.status_code == 200, again.text
            assert again.json()["code"] == code
            # And the first answer stays the answer.
            third = await http.post(f"/dossiers/{code}/withdraw", json=withdraw, headers=decision)
            assert third.json() == again.json()
    finally:
        await client.close()
