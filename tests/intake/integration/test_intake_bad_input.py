"""Bad input gets a clear 4xx with the field and the reason — never a 500 — and idempotency keys
replay or refuse as the contract says."""

from __future__ import annotations

import uuid

from intake_service import COMMUNE, OTHER_COMMUNE, Days, Intake, official


async def test_unknown_procedure_is_404_naming_the_field(intake: Intake, days: Days) -> None:
    r = await intake.submit(days.next(), procedure_code="9.999999")
    assert r.status_code == 404
    error = r.json()["error"]
    assert error["code"] == "unknown_procedure"
    assert error["details"]["field"] == "procedure_code"


async def test_invalid_personal_id_is_422_naming_field_and_reason(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    r = await intake.submit(day, applicant={"personal_id": "07920300123"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_personal_id"
    assert error["details"]["field"] == "applicant.personal_id"
    assert "12 digits" in error["details"]["reason"]

    r = await intake.submit(day, applicant={"personal_id": "999203001234"})
    assert r.status_code == 422
    assert r.json()["error"]["details"]["problem"] == "province_code"


async def test_century_digit_8_is_the_2300s_not_a_man_born_in_1891(
    intake: Intake, days: Days
) -> None:
    r = await intake.submit(days.next(), applicant={"personal_id": "079891001234"})
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_personal_id"
    assert error["details"]["field"] == "applicant.personal_id"
    assert error["details"]["problem"] == "century_digit"
    assert "2391" in error["details"]["reason"]


async def test_missing_components_are_listed(intake: Intake, days: Days) -> None:
    r = await intake.submit(days.next(), documents=[])
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "incomplete_dossier"
    assert error["details"]["field"] == "documents"
    missing = {item["component"] for item in error["details"]["missing"]}
    assert missing == {"to_khai", "giay_chung_sinh"}
    assert all(item["reason"] for item in error["details"]["missing"])


async def test_unknown_component_and_unknown_unit(intake: Intake, days: Days) -> None:
    day = days.next()
    r = await intake.submit(day, documents=[{"component": "not_a_component"}])
    assert r.status_code == 422
    assert r.json()["error"]["details"]["field"] == "documents[0]"
    r = await intake.submit(day, competent_unit="H15.99.99")
    assert r.status_code == 404
    assert r.json()["error"]["details"]["field"] == "competent_unit"


async def test_another_units_official_gets_403(intake: Intake, days: Days) -> None:
    day = days.next()
    body = {
        "procedure_code": "1.001193",
        "receiving_unit": COMMUNE,
        "applicant": {"personal_id": "079203001234"},
        "at": f"{day}T09:00:00+07:00",
    }
    r = await intake.http.post(
        "/dossiers", json=body, headers={**official(OTHER_COMMUNE), "Idempotency-Key": "x"}
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "out_of_scope"

    code = (await intake.submit(day)).json()["code"]
    r = await intake.http.get(f"/dossiers/{code}", headers=official(OTHER_COMMUNE))
    assert r.status_code == 403
    r = await intake.command(code, "withdraw", {"reason": "x"}, unit=OTHER_COMMUNE)
    assert r.status_code == 403
    # The province supervises its communes.
    r = await intake.http.get(f"/dossiers/{code}", headers=official("H15", role="auditor"))
    assert r.status_code == 200


async def test_only_receivers_submit(intake: Intake, days: Days) -> None:
    r = await intake.submit(days.next(), role="specialist")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden_role"


async def test_replayed_idempotency_key_returns_the_first_answer_or_409(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    key, subject = uuid.uuid4().hex, f"receiver-{uuid.uuid4().hex[:6]}"
    first = await intake.submit(day, key=key, subject=subject)
    assert first.status_code == 201
    again = await intake.submit(day, key=key, subject=subject)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replay") == "true"

    other_body = await intake.submit(day, key=key, subject=subject, resolve_on_the_spot=True)
    assert other_body.status_code == 409
    assert other_body.json()["error"]["code"] == "idempotency_key_reused"

    # Only one dossier was created for the key.
    later = await intake.submit(day, subject=subject)
    assert later.json()["code"].endswith("-0002")


async def test_naive_time_and_unknown_fields_are_422(intake: Intake, days: Days) -> None:
    day = days.next()
    r = await intake.submit(day, at=f"{day}T09:00:00")
    assert r.status_code == 422
    r = await intake.submit(day, colour="blue")
    assert r.status_code == 422


async def test_commands_on_unknown_dossier_are_404(intake: Intake) -> None:
    r = await intake.command("H15.01.36-260101-9999", "accept", {})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "unknown_dossier"
