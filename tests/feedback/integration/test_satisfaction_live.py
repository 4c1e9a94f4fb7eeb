"""The issue's figures on the real broker and database: 100 returned dossiers rated 60 / 39 / 1
give a 99 % satisfaction rate, and QĐ 766 indicator 5.4 counts the dossiers workflow reported
overdue."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from motcua_platform.calendar import VN_TZ
from support.stack import auth, eventually

UNIT = "H15.03.07"
RETURNED_AT = datetime(2026, 11, 30, 9, 0, tzinfo=VN_TZ)
OVERDUE = 5  # the first five dossiers: case.overdue, then returned late


async def test_hundred_dossiers_rated_60_39_1_are_99_percent_satisfied_and_5_4_sees_overdue(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient, metric: Any
) -> None:
    run = uuid.uuid4().hex[:4]
    codes = [f"{UNIT}-261130-{run}{n:04d}" for n in range(100)]
    levels = ["very_satisfied"] * 60 + ["satisfied"] * 39 + ["dissatisfied"]
    for n, code in enumerate(codes):
        at = RETURNED_AT + timedelta(minutes=n)
        await workflow.return_dossier(code, UNIT, None, at, overdue=n < OVERDUE)
    receiver = auth("receiver", UNIT, "cb-01")

    pending = set(codes)

    async def all_known() -> bool:
        # Dossiers spread over partitions: each is applied in its own time.
        for code in sorted(pending):
            r = await http.get(f"{feedback_url}/ratings/requests/{code}", headers=receiver)
            if r.status_code != 200:
                return False
            pending.discard(code)
        return True

    await eventually(all_known, timeout=60)

    async def rate(code: str, overall: str) -> int:
        at = (RETURNED_AT + timedelta(hours=2)).isoformat()
        body = {"dossier_code": code, "overall": overall, "channel": "paper", "at": at}
        return (await http.post(f"{feedback_url}/ratings", json=body, headers=receiver)).status_code

    # The one dissatisfied rating is for a dossier that was on time, so the parts of 5.4 add up.
    statuses = await asyncio.gather(*(rate(c, lvl) for c, lvl in zip(codes, levels, strict=True)))
    assert set(statuses) == {201}

    r = await http.get(
        f"{feedback_url}/ratings/summary",
        params={"unit": UNIT, "from": "2026-11-30", "to": "2026-12-31"},
        headers=auth("leader", UNIT),
    )
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["count"] == 100
    assert (summary["very_satisfied"], summary["satisfied"], summary["dissatisfied"]) == (60, 39, 1)
    assert summary["satisfaction_rate"] == 0.99
    qd766 = summary["qd766_5_4"]
    assert (qd766["total"], qd766["overdue"], qd766["dissatisfied"]) == (100, OVERDUE, 1)
    assert qd766["overdue_rate"] == 0.05
    assert qd766["dissatisfied_or_complained_rate"] == 0.01
    assert abs(qd766["rate"] - 0.94) < 1e-9
    assert qd766["points"] == qd766["max_points"]  # at least 90 %: full points

    for level, expected in (("very_satisfied", 60), ("satisfied", 39), ("dissatisfied", 1)):
        assert await metric("motcua_ratings_total", unit=UNIT, level=level) == expected

    before = await http.get(
        f"{feedback_url}/ratings/summary",
        params={"unit": UNIT, "to": "2026-11-29"},
        headers=auth("leader", UNIT),
    )
    assert before.json()["count"] == 0  # the period bounds are honoured
    by_official = await http.get(
        f"{feedback_url}/ratings/summary",
        params={"unit": UNIT, "official": "cb-07", "procedure": "1.001193"},
        headers=auth("leader", UNIT),
    )
    assert by_official.json()["count"] == 100  # cb-07 worked every step
