"""Printed forms (Mẫu 01 with its QR code, as HTML and PDF) and the business metrics."""

from __future__ import annotations

from intake_service import ONLINE_BIRTH_DOCUMENTS, Days, Intake, official

UNIT = "H15.01.70"  # Xã Ea Kar: the metrics below count only this test module's dossiers
CITIZEN_OF_UNIT = "054176903807"  # Nguyễn Thị Hoa, lives in H15.01.70


async def test_receipt_carries_code_secret_and_qr_code(intake: Intake, days: Days) -> None:
    submitted = (await intake.submit(days.next())).json()
    code = submitted["code"]
    r = await intake.http.get(f"/dossiers/{code}/receipt", headers=official())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert code in html
    assert "<svg" in html  # the QR code to the public lookup
    secret = submitted["lookup_secret"]
    assert f"{secret[:4]}-{secret[4:]}" in html
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html.upper()
    assert "Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột" in html
    assert "0792******34" in html  # the personal ID number is masked on paper

    r = await intake.http.get(f"/dossiers/{code}/receipt?format=pdf", headers=official())
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")

    entries = await intake.db["access_log"].count_documents(
        {"dossier_code": code, "purpose": "receipt"}
    )
    assert entries == 2


async def test_no_receipt_before_acceptance(intake: Intake, days: Days) -> None:
    r = await intake.submit(
        days.next(), channel="online", accept=False, documents=ONLINE_BIRTH_DOCUMENTS
    )
    code = r.json()["code"]
    r = await intake.http.get(f"/dossiers/{code}/receipt", headers=official())
    assert r.status_code == 409


async def test_business_metrics_move(intake: Intake, days: Days) -> None:
    day = days.next()
    counter = {"unit": UNIT, "channel": "counter"}
    online = {**counter, "channel": "online"}
    per_unit = {"unit": UNIT}
    before = {
        "received": await intake.metric("motcua_dossiers_received_total", counter),
        "accepted": await intake.metric("motcua_dossiers_accepted_total", counter),
        "prefilled": await intake.metric("motcua_dossiers_prefilled_total", per_unit),
        "on_the_spot": await intake.metric("motcua_dossiers_on_the_spot_total", per_unit),
        "refused": await intake.metric("motcua_dossiers_refused_total", online),
        "supplements": await intake.metric(
            "motcua_supplements_requested_total", {"unit": UNIT, "stage": "intake"}
        ),
    }
    applicant = {"personal_id": CITIZEN_OF_UNIT}
    r = await intake.submit(day, unit=UNIT, applicant=applicant, resolve_on_the_spot=True)
    assert r.status_code == 201, r.text
    for _ in range(2):
        r = await intake.submit(
            day,
            unit=UNIT,
            applicant=applicant,
            channel="online",
            accept=False,
            documents=[{"component": "to_khai", "form": "electronic"}],
        )
        code = r.json()["code"]
    r = await intake.command(code, "request-supplement", {"at": f"{day}T10:00:00+07:00"}, unit=UNIT)
    assert r.status_code == 200, r.text
    r = await intake.command(
        code, "refuse", {"reason": "Không đủ điều kiện", "at": f"{day}T10:00:00+07:00"}, unit=UNIT
    )
    assert r.status_code == 200, r.text  # refused after Mẫu 02 instead of supplementing

    after = {
        "received": await intake.metric("motcua_dossiers_received_total", counter),
        "accepted": await intake.metric("motcua_dossiers_accepted_total", counter),
        "prefilled": await intake.metric("motcua_dossiers_prefilled_total", per_unit),
        "on_the_spot": await intake.metric("motcua_dossiers_on_the_spot_total", per_unit),
        "refused": await intake.metric("motcua_dossiers_refused_total", online),
        "supplements": await intake.metric(
            "motcua_supplements_requested_total", {"unit": UNIT, "stage": "intake"}
        ),
    }
    moved = {name: after[name] - before[name] for name in before}
    assert moved == {
        "received": 1,
        "accepted": 1,
        "prefilled": 3,
        "on_the_spot": 1,
        "refused": 1,
        "supplements": 1,
    }
    online_received = await intake.metric("motcua_dossiers_received_total", online)
    assert online_received >= 2

    text = (await intake.http.get("/metrics")).text
    assert code not in text and CITIZEN_OF_UNIT not in text


async def test_refusal_is_counted(intake: Intake, days: Days) -> None:
    day = days.next()
    online = {"unit": UNIT, "channel": "online"}
    before = await intake.metric("motcua_dossiers_refused_total", online)
    r = await intake.submit(
        day,
        unit=UNIT,
        applicant={"personal_id": CITIZEN_OF_UNIT},
        channel="online",
        accept=False,
        documents=ONLINE_BIRTH_DOCUMENTS,
    )
    r = await intake.command(
        r.json()["code"],
        "refuse",
        {"reason": "Trùng hồ sơ", "at": f"{day}T11:00:00+07:00"},
        unit=UNIT,
    )
    assert r.status_code == 200, r.text
    assert await intake.metric("motcua_dossiers_refused_total", online) == before + 1
