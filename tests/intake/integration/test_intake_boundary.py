"""What the boundary refuses before anything is stored, on the running service: oversized
bodies (413), bodies that are not UTF-8 JSON, loose types, instants out of range — each a 4xx with
field and reason, none changing anything — and text stored in NFC."""

from __future__ import annotations

import unicodedata
import uuid

from intake_service import BIRTH_DOCUMENTS, CITIZEN, COMMUNE, Days, Intake

from support.stack import auth


def error_of(r, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] and error["message"]
    return error


def field_and_reason(error: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    details = error["details"]
    assert details["reason"]
    return details["field"], details["reason"]


def headers() -> dict[str, str]:
    return {
        **auth("receiver", COMMUNE),
        "Idempotency-Key": uuid.uuid4().hex,
        "Content-Type": "application/json",
    }


async def test_a_20_mb_body_is_413_and_the_service_stays_ready(intake: Intake) -> None:
    padding = "x" * (20 * 1024 * 1024)
    body = f'{{"procedure_code": "1.001193", "applicant": {{"address": "{padding}"}}}}'
    r = await intake.http.post("/dossiers", content=body.encode(), headers=headers())
    error = error_of(r, 413)
    assert error["code"] == "payload_too_large"
    assert field_and_reason(error)[0] == "body"

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * (1024 * 1024)

    # Without a Content-Length (chunked), the limit holds as the body streams in.
    r = await intake.http.post("/dossiers", content=chunks(), headers=headers())
    assert error_of(r, 413)["code"] == "payload_too_large"
    assert (await intake.http.get("/readyz")).status_code == 200


async def test_a_long_string_is_refused_by_field_before_storage(intake: Intake, days: Days) -> None:
    r = await intake.submit(
        days.next(), applicant={"personal_id": CITIZEN, "address": "Số " + "9" * 600_000}
    )
    error = error_of(r, 422)
    assert field_and_reason(error)[0] == "applicant.address"


async def test_bodies_that_are_not_utf8_json_name_the_body(intake: Intake) -> None:
    for raw in (b'{"procedure_code": "\xff\xfe"}', b'{"procedure_code": '):
        r = await intake.http.post("/dossiers", content=raw, headers=headers())
        assert r.status_code in (400, 422), r.text
        field, reason = field_and_reason(r.json()["error"])
        assert field == "body" and reason


async def test_loose_types_are_refused(intake: Intake, days: Days) -> None:
    day = days.next()
    for loose in ({"accept": "yes"}, {"accept": 1}, {"resolve_on_the_spot": "true"}):
        r = await intake.submit(day, **loose)
        field, _ = field_and_reason(error_of(r, 422))
        assert field == next(iter(loose))
    r = await intake.submit(day, documents=[{**BIRTH_DOCUMENTS[0], "copies": "2"}])
    assert field_and_reason(error_of(r, 422))[0] == "documents.0.copies"


async def test_an_absurd_instant_is_422_and_changes_nothing(intake: Intake, days: Days) -> None:
    day = days.next()
    for at in ("9999-12-31T00:00:00+07:00", "0001-01-01T00:00:00+07:00", "1900-01-01T08:00:00Z"):
        r = await intake.http.post(
            "/dossiers",
            json={
                "procedure_code": "1.001193",
                "receiving_unit": COMMUNE,
                "applicant": {"personal_id": CITIZEN},
                "documents": BIRTH_DOCUMENTS,
                "accept": True,
                "at": at,
            },
            headers=auth("receiver", COMMUNE),
        )
        error = error_of(r, 422)
        assert field_and_reason(error) == ("at", "must lie between 2000-01-01 and 2100-01-01")
    # The service still works: the simulated clock was not moved to the year 9999.
    r = await intake.submit(day)
    assert r.status_code == 201, r.text
    assert r.json()["due_at"].startswith(str(day.year))
    assert (await intake.http.get("/readyz")).status_code == 200


async def test_text_typed_with_combining_marks_is_stored_in_nfc(intake: Intake, days: Days) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    assert decomposed != "Nguyễn Thị Lan"
    r = await intake.submit(
        days.next(),
        applicant={"personal_id": CITIZEN, "full_name": decomposed},
        receiving_unit=COMMUNE,
    )
    assert r.status_code == 201, r.text
    stored = await intake.db["dossiers"].find_one({"_id": r.json()["code"]})
    assert stored is not None
    names = [v for v in _strings(stored) if "Lan" in v]
    assert names and all(unicodedata.is_normalized("NFC", v) for v in names)
    assert "Nguyễn Thị Lan" in names


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


async def test_unknown_paths_and_methods_name_what_is_wrong(intake: Intake) -> None:
    error = error_of(await intake.http.get("/no-such-page"), 404)
    assert field_and_reason(error)[0] == "path"
    error = error_of(await intake.http.delete("/dossiers"), 405)
    assert field_and_reason(error)[0] == "method"
