"""Each channel and each intake decision, through the HTTP API of the running service, checked
against the events it publishes on the real broker."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from intake_service import (
    ONLINE_BIRTH_DOCUMENTS,
    Days,
    Intake,
    official,
    publish_workflow_event,
    wait_status,
)


def types(events: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in events]


async def test_counter_submit_and_accept_publishes_submitted_then_accepted_with_due_time(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    r = await intake.submit(day, hour="09:00")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == 2 and body["status_name"] == "accepted"
    assert body["code"] == f"H15.01.36-{day:%y%m%d}-0001"
    assert datetime.fromisoformat(body["due_at"]) > datetime.fromisoformat(f"{day}T09:00:00+07:00")
    assert body["receipt_url"].endswith(f"/dossiers/{body['code']}/receipt")
    assert len(body["lookup_secret"]) == 8

    events = await intake.events.events(body["code"], 2)
    assert types(events) == ["dossier.submitted", "dossier.accepted"]
    assert [e["seq"] for e in events] == [1, 2]
    accepted = events[1]["data"]
    assert accepted["channel"] == "counter"
    assert accepted["due_at"] == body["due_at"]
    assert accepted["allotted_hours"] == 8.0
    assert accepted["return_counter"] == "H15.01.36-Q01"  # the centre's civil-status counter
    assert {d["component"] for d in accepted["documents"]} >= {"to_khai", "giay_chung_sinh"}


async def test_online_submission_waits_in_status_1_then_is_accepted(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    r = await intake.submit(day, channel="online", accept=False, documents=ONLINE_BIRTH_DOCUMENTS)
    assert r.status_code == 201, r.text
    submitted = r.json()
    assert submitted["status"] == 1 and submitted["due_at"] is None
    assert submitted["receipt_url"] is None  # no Mẫu 01 before acceptance

    r = await intake.command(submitted["code"], "accept", {"at": f"{day}T10:00:00+07:00"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 2 and r.json()["due_at"]

    events = await intake.events.events(submitted["code"], 2)
    assert types(events) == ["dossier.submitted", "dossier.accepted"]
    assert events[0]["data"]["channel"] == "online"
    assert events[1]["data"]["accepted_at"] == f"{day}T10:00:00+07:00"


async def test_online_submission_can_be_sent_back_for_supplement_with_mau_02(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    incomplete = [{"component": "to_khai", "form": "electronic"}]
    r = await intake.submit(day, channel="online", accept=False, documents=incomplete)
    code = r.json()["code"]

    r = await intake.command(code, "request-supplement", {"at": f"{day}T10:00:00+07:00"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 5
    assert r.json()["supplement_request_url"].endswith(f"/dossiers/{code}/supplement-request")

    events = await intake.events.events(code, 2)
    assert types(events) == ["dossier.submitted", "dossier.supplement_requested_at_intake"]
    requested = events[1]["data"]
    assert requested["missing_components"] == ["giay_chung_sinh"]
    assert requested["reasons"]  # taken from the completeness check when none are typed

    page = await intake.http.get(f"/dossiers/{code}/supplement-request", headers=official())
    assert page.status_code == 200
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ".upper() in page.text.upper()
    assert "Giấy chứng sinh" in page.text

    # The citizen hands the paper in; the officer can then accept.
    r = await intake.command(
        code,
        "supplement",
        {
            "documents": [{"component": "giay_chung_sinh", "form": "electronic"}],
            "at": f"{day}T11:00:00+07:00",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 1
    r = await intake.command(code, "accept", {"at": f"{day}T11:30:00+07:00"})
    assert r.status_code == 200, r.text
    events = await intake.events.events(code, 4)
    assert types(events)[2:] == ["dossier.supplement_submitted", "dossier.accepted"]
    assert events[2]["data"]["stage"] == "intake"


async def test_refusal_needs_a_reason_and_prints_mau_03(intake: Intake, days: Days) -> None:
    day = days.next()
    r = await intake.submit(day, channel="online", accept=False, documents=ONLINE_BIRTH_DOCUMENTS)
    code = r.json()["code"]

    r = await intake.command(code, "refuse", {"reasons": ["  "], "at": f"{day}T10:00:00+07:00"})
    assert r.status_code == 422
    assert r.json()["error"]["details"]["field"] == "reasons"

    reason = "Trẻ đã được đăng ký khai sinh tại nơi khác"
    r = await intake.command(code, "refuse", {"reasons": [reason], "at": f"{day}T10:00:00+07:00"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 3
    events = await intake.events.events(code, 2)
    assert events[1]["type"] == "dossier.refused"
    assert events[1]["data"]["reasons"] == [reason]

    page = await intake.http.get(f"/dossiers/{code}/refusal", headers=official())
    assert page.status_code == 200
    assert reason in page.text

    # A refused dossier is over: accepting it now is a conflict.
    r = await intake.command(code, "accept", {"at": f"{day}T11:00:00+07:00"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "invalid_status"


async def test_postal_submission_records_when_the_parcel_arrived(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    documents = [
        {"component": "to_khai", "form": "original"},
        {"component": "giay_chung_sinh", "form": "original"},
    ]
    r = await intake.submit(
        day,
        hour="14:00",
        channel="postal",
        accept=False,
        documents=documents,
        received_at=f"{day}T08:40:00+07:00",
    )
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    events = await intake.events.events(code, 1)
    submitted = events[0]["data"]
    assert submitted["channel"] == "postal"
    assert submitted["received_at"] == f"{day}T08:40:00+07:00"
    assert submitted["submitted_at"] == f"{day}T14:00:00+07:00"
    assert submitted["result_delivery"] == "postal"

    view = (await intake.http.get(f"/dossiers/{code}", headers=official())).json()
    assert view["received_at"] == f"{day}T08:40:00+07:00"


async def test_postal_parcel_cannot_arrive_after_it_was_entered(intake: Intake, days: Days) -> None:
    day = days.next()
    r = await intake.submit(
        day, hour="08:00", channel="postal", accept=False, received_at=f"{day}T09:00:00+07:00"
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"]["field"] == "received_at"


async def test_counter_dossier_resolved_on_the_spot_is_flagged(intake: Intake, days: Days) -> None:
    day = days.next()
    r = await intake.submit(day, resolve_on_the_spot=True)
    assert r.status_code == 201, r.text
    events = await intake.events.events(r.json()["code"], 2)
    assert events[1]["data"]["on_the_spot"] is True


async def test_withdrawal_and_supplement_during_processing_are_published(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    r = await intake.submit(day, procedure_code="1.004873", documents=[{"component": "to_khai"}])
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    # The specialist asks for a paper during processing (a workflow event).
    await publish_workflow_event(
        intake,
        code,
        1,
        "case.supplement_requested",
        {
            "reason": "Thiếu giấy tờ",
            "policy": "restart",
            "count": 1,
            "at": f"{day}T14:00:00+07:00",
            "status": 5,  # the status workflow publishes with every case event
        },
    )
    await wait_status(intake, code, 5)
    r = await intake.command(
        code,
        "supplement",
        {
            "documents": [{"component": "giay_to_hon_nhan_truoc", "form": "certified_copy"}],
            "at": f"{day}T15:00:00+07:00",
        },
    )
    assert r.status_code == 200, r.text
    r = await intake.command(
        code, "withdraw", {"reason": "Công dân đổi ý", "at": f"{day}T16:00:00+07:00"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == 7
    events = await intake.events.events(code, 4)
    assert types(events)[2:] == ["dossier.supplement_submitted", "dossier.withdrawal_requested"]
    assert events[2]["data"]["stage"] == "processing"
    assert events[3]["data"]["reason"] == "Công dân đổi ý"


async def test_counter_queue_lists_online_submissions_without_personal_data(
    intake: Intake, days: Days
) -> None:
    unit = "H15.01.86"  # Xã Krông Pắc
    day = days.next()
    r = await intake.submit(
        day,
        unit=unit,
        channel="online",
        accept=False,
        documents=ONLINE_BIRTH_DOCUMENTS,
        applicant={"personal_id": "064060205281"},
    )
    code = r.json()["code"]
    r = await intake.http.get(
        "/dossiers", params={"status": 1}, headers=official(unit, role="specialist")
    )
    assert r.status_code == 200
    listed = {item["code"]: item for item in r.json()["items"]}
    assert listed[code]["channel"] == "online"
    assert "applicant" not in listed[code]
    assert "064060205281" not in r.text
    r = await intake.http.get("/dossiers", params={"unit": "H15.01.36"}, headers=official(unit))
    assert r.status_code == 403


async def test_dossiers_waiting_for_a_decision_are_listed_by_channel(
    intake: Intake, days: Days
) -> None:
    """What the console's review list asks for: status 1 of the online and postal channels, not
    a counter dossier left in status 1."""
    unit = "H15.01.86"  # Xã Krông Pắc
    day = days.next()
    person = {"personal_id": "064060205281"}
    online = await intake.submit(
        day,
        unit=unit,
        channel="online",
        accept=False,
        documents=ONLINE_BIRTH_DOCUMENTS,
        applicant=person,
    )
    counter = await intake.submit(day, unit=unit, accept=False, applicant=person)
    assert online.status_code == 201 and counter.status_code == 201, (online.text, counter.text)
    params: list[tuple[str, str | int]] = [
        ("status", 1),
        ("channel", "online"),
        ("channel", "postal"),
        ("limit", 500),
    ]
    r = await intake.http.get("/dossiers", params=params, headers=official(unit))
    assert r.status_code == 200, r.text
    listed = {item["code"]: item for item in r.json()["items"]}
    assert online.json()["code"] in listed
    assert counter.json()["code"] not in listed
    assert {item["channel"] for item in listed.values()} <= {"online", "postal"}
    assert r.json()["total"] == len(listed)
    r = await intake.http.get("/dossiers", params={"channel": "fax"}, headers=official(unit))
    assert r.status_code == 422
    assert "channel" in r.json()["error"]["details"]["field"]
