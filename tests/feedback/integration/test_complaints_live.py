"""Phản ánh, kiến nghị on the real broker and database: filed by a citizen, overdue after 15
working days (time moved with /admin/tick) in the list and in the gauge, answered, rated."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts import FEEDBACK_TOPIC
from support.stack import auth, eventually

UNIT = "H15.04.02"
CONTACT = {"full_name": "Trần Văn Bình", "phone": "0912345678"}
CONTENT = "Hẹn trả kết quả ngày 02/12 nhưng đến nơi chưa có."


def idem() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def test_complaint_unanswered_past_15_working_days_is_overdue_then_answered_and_rated(
    feedback_stack: Any, workflow: Any, http: httpx.AsyncClient, metric: Any
) -> None:
    url = feedback_stack.url("feedback")
    official = auth(["receiver", "leader"], UNIT, "cb-lead")
    code = f"{UNIT}-261128-{uuid.uuid4().int % 10**8:08d}"
    unknown_unit = await http.post(
        f"{url}/complaints",
        json={"topic": "Trễ hẹn", "content": CONTENT, "contact": CONTACT, "unit": "H99.99"},
    )
    assert unknown_unit.status_code == 404
    await workflow.return_dossier(code, UNIT, None, datetime.now(VN_TZ))

    async def filed() -> dict[str, Any] | None:
        body = {"topic": "Trễ hẹn trả kết quả", "content": CONTENT, "contact": CONTACT}
        r = await http.post(f"{url}/complaints", json={**body, "dossier_code": code})
        return r.json() if r.status_code == 201 else None

    complaint = await eventually(filed)

    async def returned_dossier_counted() -> bool:
        # Filing needs only the case's first event; the figures below need its return as well.
        r = await http.get(f"{url}/ratings/summary", params={"unit": UNIT}, headers=official)
        return r.status_code == 200 and r.json()["qd766_5_4"]["total"] == 1

    await eventually(returned_dossier_counted)
    cid, secret = complaint["id"], complaint["secret"]
    assert cid.startswith(f"PAKN-{UNIT}-") and complaint["unit"] == UNIT
    assert complaint["state"] == "within" and complaint["dossier_code"] == code
    due_at = datetime.fromisoformat(complaint["due_at"])

    listed = await http.get(f"{url}/complaints", params={"unit": UNIT}, headers=official)
    assert listed.status_code == 200, listed.text
    [item] = [i for i in listed.json()["items"] if i["id"] == cid]
    assert item["state"] == "within" and "content" not in item and "contact" not in item
    assert await metric("motcua_complaints_open", unit=UNIT, state="within") == 1

    later = {"at": (due_at + timedelta(hours=1)).isoformat()}
    assert (await http.post(f"{url}/admin/tick", json=later, headers=official)).status_code == 403
    ticked = await http.post(f"{url}/admin/tick", json=later, headers=auth("admin", UNIT))
    assert ticked.status_code == 200, ticked.text
    overdue = await http.get(
        f"{url}/complaints", params={"unit": UNIT, "state": "overdue"}, headers=official
    )
    assert [i["id"] for i in overdue.json()["items"]] == [cid]
    assert overdue.json()["items"][0]["state"] == "overdue"
    assert await metric("motcua_complaints_open", unit=UNIT, state="overdue") == 1
    assert await metric("motcua_complaints_open", unit=UNIT, state="within") == 0

    classified = await http.post(
        f"{url}/complaints/{cid}/classify", json={"category": "conduct"}, headers=official
    )
    assert classified.status_code == 200 and classified.json()["category"] == "conduct"
    answer = {"text": "Xin lỗi ông, kết quả đã có từ ngày 03/12."}
    assert (await http.post(f"{url}/complaints/{cid}/answer", json=answer)).status_code == 401
    other = await http.post(
        f"{url}/complaints/{cid}/answer", json=answer, headers=auth("leader", "H15.04.03")
    )
    assert other.status_code == 403
    answered = await http.post(
        f"{url}/complaints/{cid}/answer", json=answer, headers={**official, **idem()}
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer_timeliness"] == "late"
    assert answered.json()["state"] == "answered"
    assert await metric("motcua_complaints_open", unit=UNIT, state="overdue") == 0

    rate = f"{url}/complaints/{cid}/rate-answer"
    wrong = await http.post(rate, json={"secret": "guess", "satisfied": True})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "invalid_secret"
    rated = await http.post(rate, json={"secret": secret, "satisfied": False})
    assert rated.status_code == 200 and rated.json()["satisfied"] is False
    again = await http.post(rate, json={"secret": secret, "satisfied": True})
    assert again.status_code == 409 and again.json()["error"]["code"] == "answer_already_rated"

    own = await http.get(f"{url}/complaints/{cid}", params={"secret": secret})
    assert own.status_code == 200 and own.json()["answer"] == answer["text"]
    assert (await http.get(f"{url}/complaints/{cid}")).status_code == 403

    summary = await http.get(f"{url}/ratings/summary", params={"unit": UNIT}, headers=official)
    qd766_5_3 = summary.json()["qd766_5_3"]
    assert (qd766_5_3["total"], qd766_5_3["answered_late"], qd766_5_3["conduct"]) == (1, 1, 1)
    assert qd766_5_3["satisfaction_rate"] == 0.0
    assert summary.json()["qd766_5_4"]["complained"] == 1

    events = await published_events(feedback_stack, cid, until=4)
    assert [e["type"] for e in events] == [
        "complaint.filed",
        "complaint.classified",
        "complaint.answered",
        "complaint.answer_rated",
    ]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    text = json.dumps(events, ensure_ascii=False)
    for personal in ("0912345678", "Trần Văn Bình", "Hẹn trả kết quả", "Xin lỗi", "cb-lead"):
        assert personal not in text


async def test_complaint_list_is_for_officials_of_the_unit(
    feedback_url: str, http: httpx.AsyncClient
) -> None:
    url = f"{feedback_url}/complaints"

    assert (await http.get(url, params={"unit": UNIT})).status_code == 401
    other = await http.get(url, params={"unit": UNIT}, headers=auth("leader", "H15.05.01"))
    assert other.status_code == 403 and other.json()["error"]["code"] == "out_of_scope"
    bad_state = await http.get(url, params={"state": "late"}, headers=auth("leader", UNIT))
    assert bad_state.status_code == 422


async def test_complaint_without_unit_or_contact_is_refused(
    feedback_url: str, http: httpx.AsyncClient
) -> None:
    url = f"{feedback_url}/complaints"
    no_unit = await http.post(url, json={"topic": "Chủ đề", "content": "x", "contact": CONTACT})
    no_way_to_answer = await http.post(
        url,
        json={"topic": "Chủ đề", "content": "x", "contact": {"full_name": "A"}, "unit": UNIT},
    )

    assert no_unit.status_code == 422
    assert no_unit.json()["error"]["details"]["field"] == "unit"
    assert no_way_to_answer.status_code == 422
    assert no_way_to_answer.json()["error"]["details"]["field"] == "contact"


async def published_events(stack: Any, key: str, until: int) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        stack.namespace + FEEDBACK_TOPIC,
        bootstrap_servers=stack.kafka,
        group_id=f"check-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    events: list[dict[str, Any]] = []
    try:

        async def enough() -> bool:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                events.extend(json.loads(r.value) for r in records if r.key == key.encode())
            return len(events) >= until

        await eventually(enough)
    finally:
        await consumer.stop()
    return sorted(events, key=lambda e: e["seq"])
