"""A unit's dossier list pages by cursor: walking the pages gives every dossier once, newest
first, even when a dossier arrives between two pages; a cursor it did not give is a 422."""

from __future__ import annotations

from intake_service import Days, Intake, official

UNIT = "H15.01.38"  # phường Tân An


async def test_walking_the_pages_gives_every_dossier_once_newest_first(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    for hour in ("08:00", "08:30", "09:00", "09:30", "10:00"):
        r = await intake.submit(day, unit=UNIT, hour=hour)
        assert r.status_code == 201, r.text
    whole = await intake.http.get("/dossiers", params={"limit": 500}, headers=official(UNIT))
    everything = [item["code"] for item in whole.json()["items"]]
    assert len(everything) >= 5

    walked: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await intake.http.get("/dossiers", params=params, headers=official(UNIT))
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2 and page["total"] >= len(everything)
        walked += [item["code"] for item in page["items"]]
        if len(walked) == 2:
            # A newer dossier arriving now lands before the cursor: the walk does not shift.
            assert (await intake.submit(day, unit=UNIT, hour="11:00")).status_code == 201
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == everything
    submitted = [item["submitted_at"] for item in whole.json()["items"]]
    assert submitted == sorted(submitted, reverse=True)


async def test_a_cursor_it_did_not_give_is_refused_naming_the_cursor(intake: Intake) -> None:
    r = await intake.http.get(
        "/dossiers", params={"cursor": "bm90IGEgY3Vyc29y"}, headers=official(UNIT)
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"]["field"] == "cursor"
