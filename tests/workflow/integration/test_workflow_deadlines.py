"""Golden deadline rules through the running service, with the same numbers as the domain's unit
tests (tests/workflow/unit/test_case_deadlines.py): pause vs restart across the 2024 weekend and
the 30/4–1/5 holidays, the single extension, the 15:00 cut-off, and the QĐ 766 on-time rate with a
dossier asked to supplement twice.

The 2024 calendar around the example: Sat 27/04, Sun 28/04 weekend; Mon 29/04 off (swapped with
Sat 04/05); Tue 30/04, Wed 01/05 holidays; Sat 04/05 a working day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pytest
from workflow_helpers import (
    BIRTH,
    MARITAL,
    IntakeFeed,
    Workflow,
    accepted,
    iso,
    supplement_back,
    vn,
)

from support.stack import ServiceProcess, Stack, auth

COMMUNE = "H15.50.05.21"


@pytest.fixture
async def wf(workflow: ServiceProcess) -> Any:
    async with httpx.AsyncClient(timeout=20) as http:
        yield Workflow.of(http, workflow, COMMUNE)


async def open_case(stack: Stack, wf: Workflow, code: str, data: Any) -> None:
    async with IntakeFeed(stack) as feed:
        await feed.publish(code, (data, data.accepted_at))
    await wf.wait_for_case(code, 2)


async def supplement_and_resume(
    stack: Stack, wf: Workflow, code: str, requested: Any, back: Any, seq: int
) -> dict[str, Any]:
    await wf.ok(code, "request-supplement", {"reason": "Thiếu giấy tờ", "at": iso(requested)})
    async with IntakeFeed(stack) as feed:
        feed.seq[code] = seq - 1  # intake's numbering for this dossier so far
        await feed.publish(code, (supplement_back(back), back))
    return await wf.wait_for_case(code, 4)


@pytest.mark.parametrize(
    ("policy", "due", "step_due", "timeliness", "hours"),
    [
        # Pause: + the 7 working hours waited (Fri 10:00 → Thu 02/05 09:00) → Sat 04/05 08:00.
        ("pause", vn(5, 4, 8), vn(5, 3, 9), "on_time", 23.75),
        # Restart: 24 h again from Thu 02/05 09:00 → Mon 06/05 09:00.
        ("restart", vn(5, 6, 9), vn(5, 4, 9), "early", 30.75),
    ],
)
async def test_supplement_pauses_or_restarts_the_clock_across_weekend_and_holidays(
    stack: Stack, wf: Workflow, policy: str, due: Any, step_due: Any, timeliness: str, hours: float
) -> None:
    code = f"{COMMUNE}-240425-{policy}"
    await open_case(stack, wf, code, accepted(MARITAL, vn(4, 25, 9), COMMUNE, policy=policy))
    await wf.ok(code, "complete-step", {"at": iso(vn(4, 25, 10)), "handed_to": "specialist.minh"})

    case = await supplement_and_resume(stack, wf, code, vn(4, 26, 10), vn(5, 2, 9), seq=2)

    assert case["original_due_at"] == iso(due) and case["due_at"] == iso(due)
    (pause,) = case["pauses"]
    assert (pause["started_at"], pause["ended_at"], pause["working_hours"]) == (
        iso(vn(4, 26, 10)),
        iso(vn(5, 2, 9)),
        7.0,
    )
    assert case["steps"][1]["due_at"] == iso(step_due)
    resolved = await wf.ok(code, "resolve", {"outcome": "approved", "at": iso(vn(5, 4, 7, 45))})
    assert resolved["timeliness"] == timeliness
    assert resolved["processing_hours"] == hours


async def test_one_extension_before_the_due_time_and_lateness_against_the_original(
    stack: Stack, wf: Workflow
) -> None:
    code = f"{COMMUNE}-240425-0010"
    await open_case(stack, wf, code, accepted(MARITAL, vn(4, 25, 9), COMMUNE))
    extension = {"reason": "Chờ xác minh", "new_due_at": iso(vn(5, 7, 17)), "at": iso(vn(5, 2, 10))}

    extended = await wf.ok(code, "extend", extension)
    assert extended["due_at"] == iso(vn(5, 7, 17))
    assert extended["original_due_at"] == iso(vn(5, 3, 9))  # lateness is still measured here
    letter = await wf.http.get(f"{wf.url}/cases/{code}/apology-letter", headers=wf.headers)
    assert letter.status_code == 200
    assert "xin lỗi" in letter.text and code in letter.text and "07/05/2024" in letter.text

    again = await wf.post(code, "extend", {**extension, "at": iso(vn(5, 2, 11))})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_extended"

    resolved = await wf.ok(code, "resolve", {"outcome": "approved", "at": iso(vn(5, 6, 10))})
    assert resolved["timeliness"] == "late"  # within the extension, after the original date


async def test_an_extension_after_the_due_time_is_refused(stack: Stack, wf: Workflow) -> None:
    code = f"{COMMUNE}-240425-0011"
    await open_case(stack, wf, code, accepted(MARITAL, vn(4, 25, 9), COMMUNE))
    r = await wf.post(
        code,
        "extend",
        {"reason": "Quá hạn", "new_due_at": iso(vn(5, 10, 17)), "at": iso(vn(5, 3, 10))},
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "extension_too_late"
    assert (await wf.case(code)).json()["extended"] is False


async def test_same_day_dossier_after_1500_is_due_next_working_day(
    stack: Stack, wf: Workflow
) -> None:
    # Fri 05/04/2024 15:10 is after the cut-off; Sat and Sun are off → Mon 08/04 17:00.
    code = f"{COMMUNE}-240405-0020"
    await open_case(stack, wf, code, accepted(BIRTH, vn(4, 5, 15, 10), COMMUNE))
    case = (await wf.case(code)).json()
    assert case["due_at"] == iso(vn(4, 8, 17))

    returned = await wf.finish(code, vn(4, 5, 16, 30))
    assert returned["timeliness"] == "early"  # resolved on a date before the appointment


async def test_case_and_queue_say_due_soon_within_one_working_day_of_the_due_time(
    stack: Stack, wf: Workflow
) -> None:
    # Received Fri 05/04/2024 15:10, due Mon 08/04 17:00: the warning window is the last
    # working day (8 working hours), Monday's office hours, not the weekend before it.
    code = f"{COMMUNE}-240405-0021"
    await open_case(stack, wf, code, accepted(BIRTH, vn(4, 5, 15, 10), COMMUNE))

    async def line(at: datetime) -> dict[str, Any]:
        r = await wf.http.get(
            f"{wf.url}/tasks", headers=wf.headers, params={"unit": COMMUNE, "at": iso(at)}
        )
        assert r.status_code == 200, r.text
        [item] = [i for i in r.json()["items"] if i["code"] == code]
        return item

    friday, monday, tuesday = vn(4, 5, 16), vn(4, 8, 8), vn(4, 9, 9)
    for at, state, due_soon in [
        (friday, "within", False),  # 9 working hours left
        (monday, "within", True),  # 7.5 working hours left
        (tuesday, "overdue", False),  # overdue, not "due soon"
    ]:
        case = (await wf.case(code, at=iso(at))).json()
        assert (case["state"], case["due_soon"]) == (state, due_soon), at
        item = await line(at)
        assert (item["state"], item["due_soon"]) == (state, due_soon), at


async def test_same_day_restart_applies_the_cutoff_to_the_supplement_time(
    stack: Stack, wf: Workflow
) -> None:
    # Accepted Mon 08/04 08:00 (due 17:00); the supplement is back at 15:30, after the cut-off:
    # the recounted same day is the next working day, Tue 09/04 17:00.
    code = f"{COMMUNE}-240408-0021"
    await open_case(stack, wf, code, accepted(BIRTH, vn(4, 8, 8), COMMUNE, policy="restart"))
    case = await supplement_and_resume(stack, wf, code, vn(4, 8, 10), vn(4, 8, 15, 30), seq=2)
    assert case["due_at"] == iso(vn(4, 9, 17))


async def test_on_time_rate_counts_a_dossier_supplemented_twice_as_late(
    stack: Stack, workflow: ServiceProcess
) -> None:
    unit = "H15.50.05.31"
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, unit)
        early, twice, still_open = (f"{unit}-240610-{n:04d}" for n in (1, 2, 3))
        for code in (early, twice, still_open):
            await open_case(stack, wf, code, accepted(MARITAL, vn(6, 10, 8), unit))
        await wf.finish(early, vn(6, 11, 10))
        await supplement_and_resume(stack, wf, twice, vn(6, 10, 9), vn(6, 10, 10), seq=2)
        await supplement_and_resume(stack, wf, twice, vn(6, 10, 11), vn(6, 10, 14), seq=3)
        finished = await wf.finish(twice, vn(6, 11, 10))
        assert finished["timeliness"] == "early"  # by the dates
        assert finished["counted_late_qd766"] is True

        summary = await wf.summary("2024-06-01", "2024-06-30", at=vn(6, 12, 9))
        metrics = (await http.get(f"{workflow.url}/metrics")).text

    assert summary["finished"] == {"early": 1, "on_time": 0, "late": 1}
    assert summary["open"] == {"within": 1, "overdue": 0}
    assert summary["counted_late_qd766"] == 1
    assert summary["on_time_rate"] == pytest.approx(2 / 3)
    assert summary["on_time_rate_percent"] == 66.67
    assert f'motcua_supplements_requested_total{{stage="processing",unit="{unit}"}} 2.0' in metrics
    assert f'timeliness="late",unit="{unit}"}} 1.0' in metrics


async def test_reports_need_a_reporting_role(wf: Workflow) -> None:
    r = await wf.http.get(
        f"{wf.url}/reports/summary",
        params={"unit": COMMUNE, "from": "2024-04-01", "to": "2024-04-30"},
        headers=auth("specialist", COMMUNE),
    )
    assert r.status_code == 403
