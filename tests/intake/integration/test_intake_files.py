"""Documents on dossiers, on the real object server: citizens upload and submit online, files
are held by reference, downloads go through short-lived links checked against the caller."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from intake_service import BIRTH, CITIZEN, COMMUNE, OTHER_COMMUNE, Days, Intake, official

from support.stack import citizen_auth

OTHER_CITIZEN = "066179204778"  # Trần Thị Bích Ngọc, also in the demo registry
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = (
    bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\0" * 32
)
TEN_MIB = 10 * 1024 * 1024


async def upload(
    intake: Intake, data: bytes, name: str, media_type: str, who: dict[str, str]
) -> httpx.Response:
    return await intake.http.post(
        "/me/uploads", files={"file": (name, data, media_type)}, headers=who
    )


async def submit_online(
    intake: Intake, day: Any, files: list[tuple[str, str]], who: dict[str, str]
) -> httpx.Response:
    body = {
        "procedure_code": BIRTH,
        "receiving_unit": COMMUNE,
        "documents": [{"component": c, "file_key": k} for c, k in files],
        "at": f"{day}T09:00:00+07:00",
    }
    headers = {**who, "Idempotency-Key": uuid.uuid4().hex}
    return await intake.http.post("/me/dossiers", json=body, headers=headers)


async def two_files_submitted(
    intake: Intake, day: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    citizen = citizen_auth(CITIZEN)
    form = await upload(intake, PDF, "to_khai.pdf", "application/pdf", citizen)
    certificate = await upload(intake, PNG, "giay_chung_sinh.png", "image/png", citizen)
    assert form.status_code == 201, form.text
    assert certificate.status_code == 201, certificate.text
    refs = [form.json(), certificate.json()]
    r = await submit_online(
        intake, day, [("to_khai", refs[0]["key"]), ("giay_chung_sinh", refs[1]["key"])], citizen
    )
    assert r.status_code == 201, r.text
    return r.json(), refs


async def test_online_submission_holds_references_and_events_carry_no_bytes(
    intake: Intake, days: Days
) -> None:
    submitted, refs = await two_files_submitted(intake, days.next())
    assert refs[0]["media_type"] == "application/pdf"
    assert refs[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert refs[0]["size"] == len(PDF)
    assert refs[1]["media_type"] == "image/png"
    for ref in refs:
        assert CITIZEN not in ref["key"] and ref["key"].startswith("files/")

    mine = await intake.http.get(f"/me/dossiers/{submitted['code']}", headers=citizen_auth(CITIZEN))
    assert mine.status_code == 200, mine.text
    view = mine.json()
    assert view["channel"] == "online" and view["citizen_wrote_nothing"]
    held = {(d["component"], d["file"]["key"]) for d in view["documents"] if d.get("file")}
    assert held == {("to_khai", refs[0]["key"]), ("giay_chung_sinh", refs[1]["key"])}

    [event] = await intake.events.events(submitted["code"], 1)
    assert event["type"] == "dossier.submitted"
    files = [d["file"] for d in event["data"]["documents"] if d.get("file")]
    assert {f["key"] for f in files} == {r["key"] for r in refs}
    assert set(files[0]) == {"key", "sha256", "size", "media_type", "component"}
    assert CITIZEN not in str(event["data"]["documents"])


async def test_a_file_key_holding_a_nul_is_refused_by_field(intake: Intake, days: Days) -> None:
    """Looked up as it came, such a key made the local server fail the lookup (a 503)."""
    citizen = citizen_auth(CITIZEN)
    r = await submit_online(intake, days.next(), [("to_khai", "files/\x00x")], citizen)
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert details["field"] == "documents[0].file_key"
    assert details["reason"] == "contains a NUL character or an unpaired surrogate"


async def test_file_that_is_not_what_its_name_says_is_refused(intake: Intake) -> None:
    citizen = citizen_auth(CITIZEN)
    r = await upload(intake, PNG, "giay_khai_sinh.pdf", "application/pdf", citizen)
    assert r.status_code == 415, r.text
    assert r.json()["error"]["code"] == "file_type_mismatch"
    assert r.json()["error"]["details"]["detected"] == "image/png"

    r = await upload(
        intake, b"MZ\x90\x00 not a document", "to_khai.pdf", "application/pdf", citizen
    )
    assert r.status_code == 415, r.text
    assert r.json()["error"]["code"] == "file_type_not_accepted"


async def test_oversized_file_is_refused(intake: Intake) -> None:
    data = PDF + b"\0" * (TEN_MIB + 1 - len(PDF))
    r = await upload(intake, data, "to_khai.pdf", "application/pdf", citizen_auth(CITIZEN))
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "file_too_large"
    assert r.json()["error"]["details"]["limit"] == TEN_MIB


async def test_another_citizens_dossier_and_file_are_refused(intake: Intake, days: Days) -> None:
    day = days.next()
    submitted, refs = await two_files_submitted(intake, day)
    code = submitted["code"]
    other = citizen_auth(OTHER_CITIZEN)

    r = await intake.http.get(f"/me/dossiers/{code}", headers=other)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_dossier"
    r = await intake.http.get(f"/me/dossiers/{code}/files/{refs[0]['key']}/link", headers=other)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_dossier"
    # Naming someone else's upload on one's own dossier does not make it one's own.
    r = await submit_online(intake, day, [("to_khai", refs[0]["key"])], other)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "file_not_yours"
    # An official outside the dossier's units gets no link either.
    r = await intake.http.get(
        f"/dossiers/{code}/files/{refs[0]['key']}/link", headers=official(OTHER_COMMUNE)
    )
    assert r.status_code == 403, r.text


async def test_download_link_works_until_it_expires(intake: Intake, days: Days) -> None:
    day = days.next()
    submitted, refs = await two_files_submitted(intake, day)
    code, key = submitted["code"], refs[0]["key"]
    issued = datetime.fromisoformat(f"{day}T10:00:00+07:00")
    r = await intake.http.get(
        f"/me/dossiers/{code}/files/{key}/link",
        params={"at": issued.isoformat()},
        headers=citizen_auth(CITIZEN),
    )
    assert r.status_code == 200, r.text
    link = r.json()
    assert datetime.fromisoformat(link["expires_at"]) == issued + timedelta(minutes=5)
    path = httpx.URL(link["url"]).path

    r = await intake.http.get(path, params={"at": (issued + timedelta(minutes=4)).isoformat()})
    assert r.status_code == 200, r.text
    assert r.content == PDF and r.headers["content-type"] == "application/pdf"

    r = await intake.http.get(path, params={"at": (issued + timedelta(minutes=6)).isoformat()})
    assert r.status_code == 410, r.text
    assert r.json()["error"]["code"] == "link_expired"

    r = await intake.http.get(path[:-3] + "AAA")
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "link_invalid"


async def test_official_in_scope_opens_the_citizens_file(intake: Intake, days: Days) -> None:
    submitted, refs = await two_files_submitted(intake, days.next())
    r = await intake.http.get(
        f"/dossiers/{submitted['code']}/files/{refs[1]['key']}/link", headers=official()
    )
    assert r.status_code == 200, r.text
    r = await intake.http.get(httpx.URL(r.json()["url"]).path)
    assert r.status_code == 200 and r.content == PNG
