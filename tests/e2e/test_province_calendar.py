"""A day off the province announces (``MOTCUA_CALENDAR_DAYS_OFF``) moves every working-day
instant the same way in all three services: the appointment on the receipt, the due time that
timeliness is measured against, and the answer due time of a complaint."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from support.stack import Stack, auth, eventually, opened_case

COMMUNE = "H15.01.36"
MARRIAGE_STATUS = "1.004873"  # Xác nhận tình trạng hôn nhân: 3 working days
CITIZEN = "079203001234"
ACCEPTED = "2027-02-01T09:00:00+07:00"  # Mon; Wed 03/02 off by the province, Tết 04–10/02
DUE = datetime.fromisoformat("2027-02-12T09:00:00+07:00")

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def stack(stack_factory: Any) -> Stack:
    stack: Stack = await stack_factory()
    for name in ("intake", "workflow", "feedback"):
        stack.start(name, MOTCUA_CALENDAR_DAYS_OFF="2027-02-03")
    for name in ("intake", "workflow", "feedback"):
        stack.services[name].wait_ready()
    return stack


async def test_the_province_day_off_counts_in_intake_workflow_and_feedback(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await _check_every_service(stack, http)


async def _check_every_service(stack: Stack, http: httpx.AsyncClient) -> None:
    intake, workflow = stack.url("intake"), stack.url("workflow")
    detail = (
        await http.get(f"{intake}/procedures/{MARRIAGE_STATUS}", params={"on": ACCEPTED[:10]})
    ).json()
    version = detail.get("current") or detail
    documents = [
        {"component": c["code"], "form": (c.get("forms") or ["original"])[0], "digitized": True}
        for c in version["components"]
        if c.get("required", True)
    ]
    r = await http.post(
        f"{intake}/dossiers",
        json={
            "procedure_code": MARRIAGE_STATUS,
            "channel": "counter",
            "receiving_unit": COMMUNE,
            "applicant": {"personal_id": CITIZEN},
            "documents": documents,
            "accept": True,
            "at": ACCEPTED,
        },
        headers={**auth("receiver", COMMUNE), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    dossier = r.json()
    assert datetime.fromisoformat(dossier["due_at"]) == DUE

    receipt = await http.get(
        f"{intake}/dossiers/{dossier['code']}/receipt", headers=auth("receiver", COMMUNE)
    )
    assert receipt.status_code == 200
    assert "12/02/2027" in receipt.text and "11/02/2027" not in receipt.text

    specialist = auth("specialist", COMMUNE)
    opened = await eventually(lambda: opened_case(http, workflow, dossier["code"], specialist))
    assert datetime.fromisoformat(opened["original_due_at"]) == DUE

    async def filed() -> dict[str, Any] | None:
        # Feedback learns of the unit from the case's first event.
        r = await http.post(
            f"{stack.url('feedback')}/complaints",
            json={
                "topic": "Hỏi tiến độ",
                "content": "Khi nào có kết quả?",
                "contact": {"full_name": "Nguyễn Văn An", "phone": "0912345678"},
                "unit": COMMUNE,
                "at": ACCEPTED,
            },
        )
        return r.json() if r.status_code == 201 else None

    complaint = await eventually(filed)
    # 15 working days from Mon 01/02: Tue 02, Thu 11, Fri 12, then 15–19, 22–26, Mon 01/03 and
    # Tue 02/03 (01/03 without the province's day off).
    assert datetime.fromisoformat(complaint["due_at"]) == datetime.fromisoformat(
        "2027-03-02T09:00:00+07:00"
    )
