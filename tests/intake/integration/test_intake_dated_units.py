"""Forms and events name a unit as it was on the dossier's date: commune 25270 was Xã Lộc Ninh
until 29/04/2026 and Phường Lộc Ninh from 30/04/2026, under one agency code."""

from __future__ import annotations

from datetime import date

from intake_service import Intake, official

LOC_NINH = "H27.01.13"  # NSO 25270, Đồng Nai (Thành phố Đồng Nai from 30/04/2026)


async def test_a_dossier_prints_the_name_the_commune_had_on_its_date(intake: Intake) -> None:
    names = {}
    for day, name in ((date(2026, 3, 2), "Xã Lộc Ninh"), (date(2026, 5, 4), "Phường Lộc Ninh")):
        r = await intake.submit(day, unit=LOC_NINH, competent_unit=LOC_NINH)
        assert r.status_code == 201, r.text
        code = r.json()["code"]
        assert code.startswith(f"{LOC_NINH}-{day:%y%m%d}-")  # same agency code either side
        receipt = await intake.http.get(f"/dossiers/{code}/receipt", headers=official(LOC_NINH))
        assert receipt.status_code == 200
        assert f"Bộ phận Một cửa {name}" in receipt.text
        assert "Đồng Nai" in receipt.text
        (_, accepted) = await intake.events.events(code, 2)
        assert accepted["type"] == "dossier.accepted"
        names[day] = accepted["data"]["receiving_unit_name"]
        assert accepted["data"]["competent_unit_name"] == name
    assert names == {date(2026, 3, 2): "Xã Lộc Ninh", date(2026, 5, 4): "Phường Lộc Ninh"}
    march = await intake.http.get(
        f"/dossiers/{LOC_NINH}-260302-0001/receipt", headers=official(LOC_NINH)
    )
    assert "Phường Lộc Ninh" not in march.text


async def test_the_unit_list_answers_for_a_given_day(intake: Intake) -> None:
    async def named(day: str) -> list[tuple[str, str, str]]:
        r = await intake.http.get("/units", params={"parent": "H27", "q": "Lộc Ninh", "on": day})
        assert r.status_code == 200, r.text
        return [(u["code"], u["name"], u["division_type"]) for u in r.json()["items"]]

    assert await named("2026-03-02") == [(LOC_NINH, "Xã Lộc Ninh", "xã")]
    assert await named("2026-05-04") == [(LOC_NINH, "Phường Lộc Ninh", "phường")]
