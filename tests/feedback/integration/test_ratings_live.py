"""Ratings on the real broker and database: a returned dossier becomes rateable at its counter's
kiosk, online with its one-time token and on paper; one rating per dossier; clear 4xx errors."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts import FEEDBACK_TOPIC
from motcua_platform.contracts.events import CaseStepStarted
from support.stack import auth, eventually, kiosk_device

COMMUNE = "H15.01.36"
OTHER_COMMUNE = "H15.02.11"


def new_code(unit: str) -> str:
    return f"{unit}-261130-{uuid.uuid4().int % 10**8:08d}"


def now() -> datetime:
    return datetime.now(VN_TZ).replace(microsecond=0)


def idem() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def waiting_at(http: httpx.AsyncClient, url: str, counter: str, code: str) -> Any:
    device = await kiosk_device(http, url, counter)

    async def current() -> dict[str, Any] | None:
        r = await http.get(f"{url}/kiosk/{counter}/current", headers=device)
        return r.json() if r.status_code == 200 and r.json()["dossier_code"] == code else None

    return await eventually(current)


async def known(http: httpx.AsyncClient, url: str, code: str, unit: str) -> None:
    """Wait until feedback has applied the dossier's return."""

    async def returned() -> bool:
        r = await http.get(f"{url}/ratings/requests/{code}", headers=auth("receiver", unit))
        return r.status_code == 200

    await eventually(returned)


async def test_returned_dossier_is_rated_once_at_its_counters_kiosk_and_counted(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient, metric: Any
) -> None:
    unit, counter = "H15.01.40", "H15.01.40-Q01"
    code = new_code(unit)
    await workflow.return_dossier(code, unit, counter, now(), applicant_name="Nguyễn Thị Lan")

    current = await waiting_at(http, feedback_url, counter, code)
    assert current["procedure_name"] == "Đăng ký khai sinh"
    assert current["applicant_name"] == "N. T. Lan"  # a public endpoint shows no full name
    rating = {
        "dossier_code": code,
        "overall": "very_satisfied",
        "indicators": {"7": 2, "1": 2},
        "channel": "kiosk",
        "kiosk_session": current["session"],
    }
    first = await http.post(f"{feedback_url}/ratings", json=rating, headers=idem())
    assert first.status_code == 201, first.text
    assert first.json()["indicators"] == {"1": 2, "7": 2}

    second = await http.post(f"{feedback_url}/ratings", json=rating, headers=idem())
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_rated"
    device = await kiosk_device(http, feedback_url, counter)
    after = await http.get(f"{feedback_url}/kiosk/{counter}/current", headers=device)
    assert after.status_code == 204

    summary = await http.get(
        f"{feedback_url}/ratings/summary", params={"unit": unit}, headers=auth("leader", unit)
    )
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert (body["count"], body["very_satisfied"], body["satisfaction_rate"]) == (1, 1, 1.0)
    assert body["by_channel"] == {"kiosk": 1}
    assert await metric("motcua_ratings_total", unit=unit, level="very_satisfied") == 1


async def test_same_idempotency_key_returns_the_first_answer(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    unit, counter = "H15.01.41", "H15.01.41-Q02"
    code = new_code(unit)
    await workflow.return_dossier(code, unit, counter, now())
    current = await waiting_at(http, feedback_url, counter, code)
    rating = {
        "dossier_code": code,
        "overall": "satisfied",
        "channel": "kiosk",
        "kiosk_session": current["session"],
    }
    key = idem()

    first = await http.post(f"{feedback_url}/ratings", json=rating, headers=key)
    again = await http.post(f"{feedback_url}/ratings", json=rating, headers=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replay") == "true"


async def test_kiosk_session_of_another_counter_is_refused(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    unit = "H15.01.42"
    mine, other = new_code(unit), new_code(unit)
    await workflow.return_dossier(mine, unit, f"{unit}-Q01", now())
    await workflow.return_dossier(other, unit, f"{unit}-Q02", now())
    session_of_q02 = (await waiting_at(http, feedback_url, f"{unit}-Q02", other))["session"]
    await waiting_at(http, feedback_url, f"{unit}-Q01", mine)

    r = await http.post(
        f"{feedback_url}/ratings",
        json={
            "dossier_code": mine,
            "overall": "dissatisfied",
            "channel": "kiosk",
            "kiosk_session": session_of_q02,
        },
    )

    assert r.status_code == 403
    assert r.json()["error"]["code"] == "kiosk_not_allowed"


async def test_unknown_or_unreturned_dossier_cannot_be_rated(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    unknown = await http.post(
        f"{feedback_url}/ratings",
        json={"dossier_code": new_code(COMMUNE), "overall": "satisfied", "channel": "paper"},
        headers=auth("receiver", COMMUNE),
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"

    in_progress = new_code(COMMUNE)
    await workflow.emit(
        in_progress,
        CaseStepStarted(
            unit=COMMUNE,
            procedure_code="1.001193",
            at=now(),
            step=0,
            name="Thẩm định",
            step_unit=COMMUNE,
            allotted_hours=8,
            due_at=now(),
        ),
        now(),
    )

    async def refused() -> dict[str, Any] | None:
        r = await http.post(
            f"{feedback_url}/ratings",
            json={"dossier_code": in_progress, "overall": "satisfied", "channel": "paper"},
            headers=auth("receiver", COMMUNE),
        )
        return r.json() if r.status_code == 409 else None

    error = (await eventually(refused))["error"]
    assert error["code"] == "not_rateable"
    assert error["details"]["field"] == "dossier_code"


async def test_score_out_of_range_is_refused_naming_the_indicator(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    code = new_code(COMMUNE)
    await workflow.return_dossier(code, COMMUNE, None, now())
    await known(http, feedback_url, code, COMMUNE)

    r = await http.post(
        f"{feedback_url}/ratings",
        json={
            "dossier_code": code,
            "overall": "satisfied",
            "channel": "paper",
            "indicators": {"1": 2, "7": 3},
        },
        headers=auth("receiver", COMMUNE),
    )

    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "score_out_of_range"
    assert error["details"] == {"field": "indicators.7", "reason": error["message"]}
    assert "Chỉ số 7" in error["message"]


async def test_online_token_rates_once_and_cannot_be_reused(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    code = new_code(COMMUNE)
    await workflow.return_dossier(code, COMMUNE, None, now())
    await known(http, feedback_url, code, COMMUNE)
    request = await http.get(
        f"{feedback_url}/ratings/requests/{code}", headers=auth("receiver", COMMUNE)
    )
    token = request.json()["token"]
    online = {"dossier_code": code, "overall": "satisfied", "channel": "online"}

    wrong = await http.post(f"{feedback_url}/ratings", json={**online, "token": token[:-2] + "xx"})
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "invalid_token"
    first = await http.post(f"{feedback_url}/ratings", json={**online, "token": token})
    assert first.status_code == 201, first.text
    reused = await http.post(
        f"{feedback_url}/ratings", json={**online, "token": token, "overall": "dissatisfied"}
    )
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "token_used"
    after = await http.get(
        f"{feedback_url}/ratings/requests/{code}", headers=auth("receiver", COMMUNE)
    )
    assert after.json()["rated"] is True and after.json()["token"] is None


async def test_paper_rating_needs_a_receiver_of_the_dossiers_unit(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    code = new_code(COMMUNE)
    await workflow.return_dossier(code, COMMUNE, None, now())
    await known(http, feedback_url, code, COMMUNE)
    paper = {"dossier_code": code, "overall": "satisfied", "channel": "paper"}

    no_token = await http.post(f"{feedback_url}/ratings", json=paper)
    other_commune = await http.post(
        f"{feedback_url}/ratings", json=paper, headers=auth("receiver", OTHER_COMMUNE)
    )
    not_a_receiver = await http.post(
        f"{feedback_url}/ratings", json=paper, headers=auth("auditor", COMMUNE)
    )
    entered = await http.post(
        f"{feedback_url}/ratings", json=paper, headers=auth("receiver", COMMUNE, "cb-01")
    )

    assert no_token.status_code == 401
    assert other_commune.status_code == 403
    assert other_commune.json()["error"]["code"] == "out_of_scope"
    assert not_a_receiver.status_code == 403
    assert entered.status_code == 201, entered.text


async def test_summary_is_scoped_to_the_callers_unit(
    feedback_url: str, http: httpx.AsyncClient
) -> None:
    url = f"{feedback_url}/ratings/summary"

    assert (await http.get(url, params={"unit": COMMUNE})).status_code == 401
    other = await http.get(url, params={"unit": COMMUNE}, headers=auth("leader", OTHER_COMMUNE))
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "out_of_scope"
    province = await http.get(url, params={"unit": COMMUNE}, headers=auth("auditor", "H15"))
    assert province.status_code == 200  # the province supervises its communes
    specialist = await http.get(url, headers=auth("specialist", COMMUNE))
    assert specialist.status_code == 403


async def test_rating_is_published_without_personal_data(
    feedback_stack: Any, workflow: Any, http: httpx.AsyncClient
) -> None:
    feedback_url = feedback_stack.url("feedback")
    unit, counter = "H15.01.43", "H15.01.43-Q01"
    code = new_code(unit)
    await workflow.return_dossier(code, unit, counter, now(), applicant_name="Lê Văn Tám")
    current = await waiting_at(http, feedback_url, counter, code)
    r = await http.post(
        f"{feedback_url}/ratings",
        json={
            "dossier_code": code,
            "overall": "satisfied",
            "channel": "kiosk",
            "kiosk_session": current["session"],
        },
    )
    assert r.status_code == 201, r.text

    consumer = AIOKafkaConsumer(
        feedback_stack.namespace + FEEDBACK_TOPIC,
        bootstrap_servers=feedback_stack.kafka,
        group_id=f"check-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:

        async def published() -> dict[str, Any] | None:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    if record.key == code.encode():
                        return json.loads(record.value)
            return None

        event = await eventually(published)
    finally:
        await consumer.stop()
    assert (event["type"], event["source"], event["seq"]) == ("rating.submitted", "feedback", 1)
    assert event["data"]["counter"] == counter and event["data"]["unit"] == unit
    assert "Tám" not in json.dumps(event, ensure_ascii=False)
