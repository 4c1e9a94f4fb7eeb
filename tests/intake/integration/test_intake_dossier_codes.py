"""Dossier codes: unique per receiving unit and day, numbered without gaps, under concurrency."""

from __future__ import annotations

import asyncio
import time

from intake_service import Days, Intake

UNIT = "H15.01.40"  # Xã Hòa Phú: no other test submits here


async def test_forty_parallel_submissions_get_codes_one_to_forty(
    intake: Intake, days: Days
) -> None:
    day = days.next()
    started = time.perf_counter()
    responses = await asyncio.gather(
        *(intake.submit(day, unit=UNIT, hour="09:30") for _ in range(40))
    )
    elapsed = time.perf_counter() - started
    assert [r.status_code for r in responses] == [201] * 40, [r.text for r in responses[:3]]
    codes = [r.json()["code"] for r in responses]
    assert len(set(codes)) == 40
    assert all(code.startswith(f"{UNIT}-{day:%y%m%d}-") for code in codes)
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, 41))
    print(f"\n40 parallel submissions at one unit: {elapsed:.2f} s")

    # The next one continues the sequence; another day starts again at 0001.
    r = await intake.submit(day, unit=UNIT, hour="10:00")
    assert r.json()["code"].endswith("-0041")
    r = await intake.submit(days.next(), unit=UNIT, hour="10:00")
    assert r.json()["code"].endswith("-0001")


async def test_a_refused_submission_takes_no_number(intake: Intake, days: Days) -> None:
    day = days.next()
    first = await intake.submit(day, unit=UNIT)
    bad = await intake.submit(day, unit=UNIT, documents=[{"component": "to_khai"}])
    assert bad.status_code == 422
    second = await intake.submit(day, unit=UNIT)
    numbers = [int(r.json()["code"].rsplit("-", 1)[1]) for r in (first, second)]
    assert numbers == [1, 2]
