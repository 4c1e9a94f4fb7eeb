"""The commune month of issue 4, driven through the service in simulated time: 50 dossiers of
mixed procedures accepted across March 2024 at one commune — 43 finish early, 4 on their due
date, 3 are still open within their deadline at the end of the month. The summary, the work
queue, the other reports, the metrics and a read model rebuilt from the topics all agree."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from prometheus_client.parser import text_string_to_metric_families
from workflow_helpers import (
    BIRTH,
    CAL,
    COPY,
    MARITAL,
    RESIDENCE,
    IntakeFeed,
    Procedure,
    Workflow,
    accepted,
    database,
    gather_limited,
    iso,
    outbox_drained,
    submitted,
    vn,
)

from support.stack import ServiceProcess, Stack

COMMUNE = "H15.50.05.13"
NEIGHBOUR = "H15.50.05.07"  # receives two dossiers for the commune (non-geographic intake)
REPORT_AT = vn(3, 31, 23)
MARCH = ("2024-03-01", "2024-03-31")
DAYS = [d for d in (date(2024, 3, n) for n in range(1, 30)) if CAL.is_working_day(d)]


@dataclass(frozen=True)
class Plan:
    code: str
    procedure: Procedure
    accepted_at: datetime
    outcome: str  # spot | early | on_time | open
    resolve_at: datetime | None = None
    receiving_unit: str = COMMUNE
    online: bool = False


def at_day(day: date, hour: int, minute: int = 0) -> datetime:
    return vn(day.month, day.day, hour, minute)


def month_plan() -> list[Plan]:
    plans: list[Plan] = []

    def add(procedure: Procedure, accepted_at: datetime, outcome: str, **kw: Any) -> None:
        number = len(plans) + 1
        code = f"{COMMUNE}-{accepted_at:%y%m%d}-{number:04d}"
        plans.append(Plan(code, procedure, accepted_at, outcome, online=number % 3 == 0, **kw))

    for day in DAYS[:5]:  # chứng thực at once: resolved and returned on the spot
        add(COPY, at_day(day, 9), "spot")
    for day in DAYS[5:10]:  # same-day, received after 15:00: due tomorrow, done today
        add(BIRTH, at_day(day, 15, 30), "early", resolve_at=at_day(day, 16, 30))
    for n in range(33):  # multi-day procedures resolved the next working day
        day = DAYS[n % 18]
        add(
            MARITAL if n % 2 else RESIDENCE,
            at_day(day, 8, 15 * (n % 4)),
            "early",
            resolve_at=at_day(CAL.next_working_day(day), 10),
            receiving_unit=NEIGHBOUR if n in (1, 2) else COMMUNE,
        )
    for day in DAYS[3:5]:  # same-day, received in the morning, resolved in the afternoon
        add(BIRTH, at_day(day, 8), "on_time", resolve_at=at_day(day, 14))
    for day in DAYS[6:8]:  # three working days, resolved ten minutes before the due time
        accepted_at = at_day(day, 8, 15)
        due = CAL.due_at(accepted_at, MARITAL.hours)
        add(MARITAL, accepted_at, "on_time", resolve_at=due - timedelta(minutes=10))
    for accepted_at in (vn(3, 28, 9), vn(3, 29, 9), vn(3, 29, 10)):  # still open on 31/03
        add(MARITAL, accepted_at, "open")
    return plans


async def publish(feed: IntakeFeed, plan: Plan) -> None:
    data = accepted(
        plan.procedure,
        plan.accepted_at,
        COMMUNE,
        receiving_unit=plan.receiving_unit,
        channel="online" if plan.online else "counter",
        on_the_spot=plan.outcome == "spot",
    )
    events = [(data, plan.accepted_at)]
    if plan.online:
        events.insert(0, (submitted(data), plan.accepted_at - timedelta(hours=1)))
    await feed.publish(plan.code, *events)


async def drive(wf: Workflow, plan: Plan) -> None:
    await wf.wait_for_case(plan.code, 10 if plan.outcome == "spot" else 2)
    if plan.outcome in ("early", "on_time"):
        assert plan.resolve_at is not None
        await wf.finish(plan.code, plan.resolve_at, return_at=plan.resolve_at)
    elif plan.outcome == "open" and plan.accepted_at.day == 28:
        await wf.ok(plan.code, "complete-step", {"at": iso(plan.accepted_at + timedelta(hours=1))})


@pytest.fixture(scope="module")
async def month(stack: Stack, workflow: ServiceProcess) -> dict[str, Any]:
    """Runs the month once; returns the plans and the live summary."""
    plans = month_plan()
    assert [p.outcome for p in plans].count("open") == 3 and len(plans) == 50
    async with httpx.AsyncClient(timeout=20) as http, IntakeFeed(stack) as feed:
        for plan in plans:
            await publish(feed, plan)
        wf = Workflow.of(http, workflow, COMMUNE)
        await gather_limited(8, *(drive(wf, plan) for plan in plans))
        summary = await wf.summary(*MARCH, at=REPORT_AT)
    return {"plans": plans, "summary": summary}


async def test_the_month_summary_has_exactly_the_communes_numbers(month: dict[str, Any]) -> None:
    summary = month["summary"]
    assert summary["received"] == 50
    assert summary["carried_over"] == 0
    assert summary["finished"] == {"early": 43, "on_time": 4, "late": 0}
    assert summary["open"] == {"within": 3, "overdue": 0}
    assert summary["on_time_rate"] == 1.0
    assert summary["on_time_rate_percent"] == 100.0
    assert summary["counted_late_qd766"] == 0


async def test_each_case_has_the_planned_timeliness(
    month: dict[str, Any], workflow: ServiceProcess
) -> None:
    expected = {"spot": "early", "early": "early", "on_time": "on_time", "open": None}
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        cases = await asyncio.gather(*(wf.case(p.code) for p in month["plans"]))
    for plan, response in zip(month["plans"], cases, strict=True):
        case = response.json()
        assert case["timeliness"] == expected[plan.outcome], plan
        assert case["status"] == (10 if plan.outcome != "open" else case["status"])


async def test_the_work_queue_lists_the_open_cases_most_urgent_first_in_pages(
    month: dict[str, Any], workflow: ServiceProcess
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        params = {"unit": COMMUNE, "limit": "2", "at": iso(REPORT_AT)}
        first = (await http.get(f"{wf.url}/tasks", params=params, headers=wf.headers)).json()
        assert len(first["items"]) == 2 and first["next_cursor"]
        params["cursor"] = first["next_cursor"]
        second = (await http.get(f"{wf.url}/tasks", params=params, headers=wf.headers)).json()
        assert len(second["items"]) == 1 and second["next_cursor"] is None
        by_role = (
            await http.get(
                f"{wf.url}/tasks",
                params={"unit": COMMUNE, "role": "specialist", "at": iso(REPORT_AT)},
                headers=wf.headers,
            )
        ).json()
    items = first["items"] + second["items"]
    open_codes = [p.code for p in month["plans"] if p.outcome == "open"]
    assert [item["code"] for item in items] == open_codes  # nearest due first
    assert {item["state"] for item in items} == {"within"}
    assert [item["due_at"] for item in items] == sorted(item["due_at"] for item in items)
    assert items[0]["step_name"] == "Thẩm định"  # the first one went on to appraisal
    assert [item["code"] for item in by_role["items"]] == open_codes[:1]


async def test_the_work_queue_filters_by_procedure_status_and_step_in_the_query(
    month: dict[str, Any], workflow: ServiceProcess
) -> None:
    open_codes = [p.code for p in month["plans"] if p.outcome == "open"]
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)

        async def codes(**filters: Any) -> list[str]:
            params = {"unit": COMMUNE, "at": iso(REPORT_AT), **filters}
            r = await http.get(f"{wf.url}/tasks", params=params, headers=wf.headers)
            assert r.status_code == 200, r.text
            return [item["code"] for item in r.json()["items"]]

        assert await codes(procedure=MARITAL.code) == open_codes
        assert await codes(procedure=RESIDENCE.code) == []  # all finished: no task left
        assert await codes(step=1) == open_codes[:1]  # the one gone on to appraisal
        assert await codes(step=0, procedure=MARITAL.code) == open_codes[1:]
        assert await codes(status=4) == open_codes[:1]  # đang xử lý after its first step
        assert await codes(status=10) == []
        paged = await http.get(
            f"{wf.url}/tasks",
            params={"unit": COMMUNE, "step": 0, "limit": 1, "at": iso(REPORT_AT)},
            headers=wf.headers,
        )
        assert [i["code"] for i in paged.json()["items"]] == open_codes[1:2]
        assert paged.json()["next_cursor"]
        bad = await http.get(
            f"{wf.url}/tasks", params={"unit": COMMUNE, "status": 0}, headers=wf.headers
        )
        assert bad.status_code == 422 and bad.json()["error"]["details"]["field"] == "query.status"


async def test_reports_per_procedure_non_geographic_and_tracking_book(
    month: dict[str, Any], workflow: ServiceProcess
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        params = {"unit": COMMUNE, "from": MARCH[0], "to": MARCH[1]}
        times = (
            await http.get(f"{wf.url}/reports/processing-time", params=params, headers=wf.headers)
        ).json()
        non_geo = (
            await http.get(
                f"{wf.url}/reports/non-geographic",
                params={**params, "at": iso(REPORT_AT)},
                headers=wf.headers,
            )
        ).json()
        csv = await http.get(f"{wf.url}/reports/tracking-book", params=params, headers=wf.headers)
        xlsx = await http.get(
            f"{wf.url}/reports/tracking-book",
            params={**params, "format": "xlsx"},
            headers=wf.headers,
        )
    counts = {row["procedure_code"]: row["count"] for row in times["procedures"]}
    assert sum(counts.values()) == 47 and counts[COPY.code] == 5
    spot = next(r for r in times["procedures"] if r["procedure_code"] == COPY.code)
    assert spot["average_working_hours"] == 0.0
    (row,) = non_geo["rows"]
    assert (row["receiving_unit"], row["unit"], row["received"]) == (NEIGHBOUR, COMMUNE, 2)
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 51 and lines[0].startswith("STT,Mã hồ sơ")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 51


async def test_online_share_by_procedure_counts_what_the_commune_received(
    month: dict[str, Any], workflow: ServiceProcess
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        params = {"unit": COMMUNE, "from": MARCH[0], "to": MARCH[1]}
        r = await http.get(f"{wf.url}/reports/channels", params=params, headers=wf.headers)
    assert r.status_code == 200, r.text
    expected: dict[str, tuple[int, int]] = {}
    for plan in month["plans"]:
        if plan.receiving_unit == COMMUNE:  # received at the neighbour: its figure, not ours
            received, online = expected.get(plan.procedure.code, (0, 0))
            expected[plan.procedure.code] = (received + 1, online + plan.online)
    rows = {row["procedure_code"]: row for row in r.json()["procedures"]}
    assert {code: (row["received"], row["online"]) for code, row in rows.items()} == expected
    for code, row in rows.items():
        received, online = expected[code]
        assert row["online_share"] == round(100 * online / received, 2)
        assert row["counter"] == received - online and row["postal"] == 0
        assert [(m["month"], m["received"]) for m in row["months"]] == [("2024-03", received)]


async def test_metrics_count_the_finished_and_open_dossiers(
    month: dict[str, Any], workflow: ServiceProcess
) -> None:
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        ticked = await wf.tick(REPORT_AT)
        assert (ticked["warnings"], ticked["overdues"]) == (0, 0)
        at_month_end = await metrics(http, workflow)
        ticked = await wf.tick(vn(4, 1, 10))  # the first open case enters its last working day
        next_morning = await metrics(http, workflow)
    assert (ticked["warnings"], ticked["overdues"]) == (1, 0)
    finished = at_month_end["motcua_dossiers_finished_total"]
    assert sum(v for k, v in finished.items() if ("timeliness", "early") in k) == 43
    assert sum(v for k, v in finished.items() if ("timeliness", "on_time") in k) == 4
    assert not any(("timeliness", "late") in k for k in finished)
    opened = at_month_end["motcua_dossiers_open"]
    assert opened[(("state", "within"), ("unit", COMMUNE))] == 3
    assert opened.get((("state", "overdue"), ("unit", COMMUNE)), 0) == 0
    assert at_month_end.get("motcua_dossiers_due_soon", {}).get((("unit", COMMUNE),), 0) == 0
    assert next_morning["motcua_dossiers_due_soon"][(("unit", COMMUNE),)] == 1
    resolved = next_morning["motcua_dossier_processing_working_hours_count"]
    assert sum(resolved.values()) == 47


async def metrics(
    http: httpx.AsyncClient, svc: ServiceProcess
) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    text = (await http.get(f"{svc.url}/metrics")).text
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[labels] = sample.value
    return samples


async def test_a_read_model_rebuilt_from_the_topics_equals_the_live_one(
    month: dict[str, Any], stack: Stack, workflow: ServiceProcess
) -> None:
    await outbox_drained(stack)
    replay(workflow, "--into", "case_facts_replayed")
    async with database(stack) as db:
        live = await db["case_facts"].find({}, {"version": 0}).sort("_id", 1).to_list(None)
        rebuilt = (
            await db["case_facts_replayed"].find({}, {"version": 0}).sort("_id", 1).to_list(None)
        )
    assert len(live) == 50
    assert rebuilt == live

    replay(workflow)  # rebuild in place
    async with httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        assert await wf.summary(*MARCH, at=REPORT_AT) == month["summary"]


def replay(svc: ServiceProcess, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "motcua_workflow", "replay", *args],
        env=svc.env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]


async def test_readers_see_the_old_read_model_or_the_new_one_never_a_half_built_one(
    month: dict[str, Any], stack: Stack, workflow: ServiceProcess
) -> None:
    """The replay streams the topics with a progress bar on stderr, writes the rebuilt rows one
    by one into a fresh collection while the report is read, and swaps it in by moving the
    read-model pointer: every answer read meanwhile is the month's summary, none a partial one,
    and the new collection holds the live rows."""
    await outbox_drained(stack)
    async with database(stack) as db, httpx.AsyncClient(timeout=20) as http:
        wf = Workflow.of(http, workflow, COMMUNE)
        before = await db["read_models"].find_one({"_id": "case_facts"})
        old = before["collection"] if before else "case_facts"
        live = await db[old].find({}, {"version": 0}).sort("_id", 1).to_list(None)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            # One row at a time with a pause: the rebuild lasts long enough for the reads below
            # to meet it half built, however fast the machine.
            *("-m", "motcua_workflow", "replay", "--batch", "1", "--pause", "0.05"),
            env=workflow.env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        done = asyncio.ensure_future(process.communicate())
        answers, half_built_seen = [], 0
        while not done.done():
            building = [
                name
                for name in await db.list_collection_names()
                if name.startswith("case_facts_") and name != old
            ]
            pointer = await db["read_models"].find_one({"_id": "case_facts"})
            rows = [await db[name].count_documents({}) for name in building]
            answer = await wf.summary(*MARCH, at=REPORT_AT)
            still_old = (pointer["collection"] if pointer else "case_facts") == old
            half_built_seen += still_old and any(0 < n < len(live) for n in rows)
            answers.append(answer)
        _, stderr = await done
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert half_built_seen, "the reads never overlapped the rebuild: the test proves nothing"
        assert all(answer == month["summary"] for answer in answers)

        pointer = await db["read_models"].find_one({"_id": "case_facts"})
        assert pointer["collection"] != old and pointer["previous"] == old
        rebuilt = db[pointer["collection"]].find({}, {"version": 0}).sort("_id", 1)
        assert await rebuilt.to_list(None) == live
    progress = stderr.decode()
    assert "100%" in progress and "motcua.intake.v1" in progress
