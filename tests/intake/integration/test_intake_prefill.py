"""Công dân không viết: the applicant is filled from the registry and from earlier dossiers, the
fields are recorded, and the events carry the pseudonymous key — never the personal ID number."""

from __future__ import annotations

import re

from intake_service import BIRTH_DOCUMENTS, CITIZEN, COMMUNE, Days, Intake, official

NEWCOMER = "066190004321"  # structurally valid, not in the demo registry (female, born 1990)
# Outside the registry the ID card cannot be read from it: it is shown at the counter.
NEWCOMER_DOCUMENTS = [*BIRTH_DOCUMENTS, {"component": "giay_to_tuy_than", "form": "original"}]
# Twelve digits, except the last group of a UUID (an event's id), which can be all decimal.
UUID_HEAD = rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
TWELVE_DIGITS = re.compile(rb"(?<!\d)(?<!" + UUID_HEAD + rb")\d{12}(?!\d)")


async def test_citizen_from_the_registry_writes_nothing(intake: Intake, days: Days) -> None:
    r = await intake.submit(days.next(), applicant={"personal_id": CITIZEN})
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body["prefilled_fields"]) >= {"full_name", "date_of_birth", "gender", "address"}

    events = await intake.events.events(body["code"], 2)
    for event in events:
        applicant = event["data"]["applicant"]
        assert re.fullmatch(r"[0-9a-f]{32}", applicant["key"])
        assert applicant["full_name"] == "Nguyễn Văn An"
    assert events[1]["data"]["prefilled_fields"] == body["prefilled_fields"]
    for raw in intake.events.raw[body["code"]]:
        assert CITIZEN.encode() not in raw
        assert not TWELVE_DIGITS.search(raw), "no personal ID number in any event"

    view = (await intake.http.get(f"/dossiers/{body['code']}", headers=official())).json()
    assert view["citizen_wrote_nothing"] is True
    assert view["applicant"]["personal_id"] == CITIZEN  # it stays in intake's database


async def test_same_citizen_gets_the_same_key_in_every_dossier(intake: Intake, days: Days) -> None:
    day = days.next()
    first = (await intake.submit(day, hour="09:00")).json()["code"]
    second = (await intake.submit(day, hour="10:00")).json()["code"]
    keys = {
        (await intake.events.events(code, 1))[0]["data"]["applicant"]["key"]
        for code in (first, second)
    }
    assert len(keys) == 1


async def test_citizen_missing_from_the_registry_is_typed_once_then_prefilled(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    r = await intake.submit(day, applicant={"personal_id": NEWCOMER})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "applicant_incomplete"
    assert set(error["details"]["missing"]) == {"full_name", "date_of_birth", "gender", "address"}

    typed = {
        "personal_id": NEWCOMER,
        "full_name": "Phạm Thị Lan",
        "date_of_birth": "1990-04-02",
        "gender": "female",
        "address": "Số 5 Lê Duẩn, Phường Buôn Ma Thuột, Tỉnh Đắk Lắk",
        "residence_unit": COMMUNE,
    }
    r = await intake.submit(day, hour="09:00", applicant=typed, documents=NEWCOMER_DOCUMENTS)
    assert r.status_code == 201, r.text
    assert r.json()["prefilled_fields"] == []
    first = r.json()["code"]

    # Her next dossier takes the details from the earlier one.
    r = await intake.submit(
        day, hour="10:00", applicant={"personal_id": NEWCOMER}, documents=NEWCOMER_DOCUMENTS
    )
    assert r.status_code == 201, r.text
    assert set(r.json()["prefilled_fields"]) == set(typed) - {"personal_id"}
    second = r.json()["code"]

    r = await intake.http.get(f"/citizens/{NEWCOMER}", headers=official())
    assert r.status_code == 200
    assert r.json()["in_registry"] is False
    assert r.json()["sources"]["full_name"] == "earlier_dossier"
    # The counter sees her earlier dossiers, newest first; another commune's counter does not.
    earlier = r.json()["earlier_dossiers"]
    assert [d["code"] for d in earlier] == [second, first]
    assert earlier[0]["procedure_code"] == "1.001193" and earlier[0]["status"] == 2
    assert earlier[0]["submitted_at"].startswith(day.isoformat())
    elsewhere = await intake.http.get(f"/citizens/{NEWCOMER}", headers=official("H15.01.38"))
    assert elsewhere.status_code == 200 and elsewhere.json()["earlier_dossiers"] == []


async def test_citizen_lookup_is_logged_without_the_personal_id(intake: Intake) -> None:
    headers = official(role="receiver")
    r = await intake.http.get(f"/citizens/{CITIZEN}", headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["in_registry"] is True
    assert body["applicant"]["full_name"] == "Nguyễn Văn An"
    assert body["sources"]["address"] == "registry"

    entries = await intake.db["access_log"].find({"purpose": "lookup"}).to_list(None)
    assert entries, "the lookup was logged"
    for entry in entries:
        assert {"who", "who_unit", "applicant_key", "at"} <= set(entry)
        assert CITIZEN not in str(entry)


async def test_citizen_lookup_rejects_a_malformed_number_naming_field_and_reason(
    intake: Intake,
) -> None:
    r = await intake.http.get("/citizens/07920300123", headers=official())
    assert r.status_code == 422
    details = r.json()["error"]["details"]
    assert details["field"] == "personal_id"
    assert "12 digits" in details["reason"]
    assert details["problem"] == "length"


async def test_unknown_citizen_is_404_and_only_receivers_may_look_up(intake: Intake) -> None:
    r = await intake.http.get(f"/citizens/{NEWCOMER[:-1]}9", headers=official())
    assert r.status_code == 404
    r = await intake.http.get(f"/citizens/{CITIZEN}", headers=official(role="auditor"))
    assert r.status_code == 403
    r = await intake.http.get(f"/citizens/{CITIZEN}")
    assert r.status_code == 401
