"""Commands the law or the caller's rights refuse get a clear 4xx JSON error and change nothing:
resolve twice, extend after the due time, complete a step assigned to someone else, act on another
unit's case, no token, and a simulated time on a production process."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from workflow_helpers import (
    MARITAL,
    IntakeFeed,
    Workflow,
    accepted,
    idem,
    iso,
    vn,
    workflow_events,
)

from motcua_platform.calendar import VN_TZ
from motcua_platform.clock import SystemClock
from support.stack import ServiceProcess, Stack, auth

COMMUNE = "H15.50.05.41"
OTHER_COMMUNE = "H15.50.05.42"


@pytest.fixture
async def wf(workflow: ServiceProcess) -> AsyncIterator[Workflow]:
    async with httpx.AsyncClient(timeout=20) as http:
        yield Workflow.of(http, workflow, COMMUNE, subject="lanh-dao-xa")


async def new_case(stack: Stack, wf: Workflow, number: int) -> str:
    code = f"{COMMUNE}-240425-{number:04d}"
    async with IntakeFeed(stack) as feed:
        await feed.publish(code, (accepted(MARITAL, vn(4, 25, 9), COMMUNE), vn(4, 25, 9)))
    await wf.wait_for_case(code, 2)
    return code


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()["error"]


async def test_resolving_twice_is_a_conflict(stack: Stack, wf: Workflow) -> None:
    code = await new_case(stack, wf, 1)
    await wf.ok(code, "resolve", {"outcome": "approved", "at": iso(vn(4, 26, 9))})
    before = (await wf.case(code)).json()

    error = error_of(
        await wf.post(code, "resolve", {"outcome": "denied", "at": iso(vn(4, 26, 10))}), 409
    )

    assert error["code"] == "already_resolved" and error["message"]
    assert (await wf.case(code)).json() == before


async def test_extending_after_the_due_time_is_refused(stack: Stack, wf: Workflow) -> None:
    code = await new_case(stack, wf, 2)
    before = (await wf.case(code)).json()
    body = {"reason": "Chậm", "new_due_at": iso(vn(5, 10, 17)), "at": iso(vn(5, 6, 9))}

    error = error_of(await wf.post(code, "extend", body), 409)

    assert error["code"] == "extension_too_late"
    assert error["details"]["field"] == "at"
    assert (await wf.case(code)).json() == before


async def test_a_new_due_date_on_a_day_the_office_is_closed_is_refused_with_the_next_valid(
    stack: Stack, wf: Workflow
) -> None:
    code = f"{COMMUNE}-260209-0001"
    accepted_at = vn(2, 9, 9, year=2026)  # Mon; due Thu 12/02/2026 09:00, before Tết
    async with IntakeFeed(stack) as feed:
        await feed.publish(code, (accepted(MARITAL, accepted_at, COMMUNE), accepted_at))
    await wf.wait_for_case(code, 2)
    before = (await wf.case(code)).json()
    tet = {  # Tue 17/02/2026 is mùng 1 Tết
        "reason": "Chờ xác minh",
        "new_due_at": "2026-02-17T09:00:00+07:00",
        "at": iso(vn(2, 11, 10, year=2026)),
    }

    error = error_of(await wf.post(code, "extend", tet), 422)

    assert error["code"] == "outside_office_hours"
    assert error["details"]["field"] == "new_due_at"
    assert error["details"]["next_valid"] == "2026-02-23T07:30:00+07:00"  # after the Tết days off
    assert (await wf.case(code)).json() == before
    evening = {**tet, "new_due_at": "2026-02-13T17:30:00+07:00"}
    error = error_of(await wf.post(code, "extend", evening), 422)
    assert error["details"]["next_valid"] == "2026-02-23T07:30:00+07:00"
    in_hours = {**tet, "new_due_at": "2026-02-13T16:00:00+07:00"}
    assert (await wf.ok(code, "extend", in_hours))["due_at"] == "2026-02-13T16:00:00+07:00"


async def test_only_the_assignee_completes_an_assigned_step(
    stack: Stack, wf: Workflow, workflow: ServiceProcess
) -> None:
    code = await new_case(stack, wf, 3)
    assigned = await wf.ok(code, "assign", {"assignee": "can-bo-a", "at": iso(vn(4, 25, 9, 30))})
    assert assigned["steps"][0]["assignee"] == "can-bo-a"
    assert assigned["control_sheet"][0]["kind"] == "assign"
    before = (await wf.case(code)).json()
    other = Workflow.of(wf.http, workflow, COMMUNE, subject="can-bo-b", roles=["receiver"])

    error = error_of(await other.post(code, "complete-step", {"at": iso(vn(4, 25, 10))}), 403)

    assert error["code"] == "not_assignee"
    assert (await wf.case(code)).json() == before
    mine = Workflow.of(wf.http, workflow, COMMUNE, subject="can-bo-a", roles=["receiver"])
    done = await mine.ok(code, "complete-step", {"at": iso(vn(4, 25, 10))})
    assert done["steps"][0]["completed_by"] == "can-bo-a"


async def test_an_unassigned_step_is_claimed_only_by_its_role(
    stack: Stack, wf: Workflow, workflow: ServiceProcess
) -> None:
    code = await new_case(stack, wf, 4)
    before = (await wf.case(code)).json()
    specialist = Workflow.of(wf.http, workflow, COMMUNE, subject="cv-1", roles=["specialist"])

    # Step 0 belongs to the counter (receiver); a specialist may not take it.
    error = error_of(await specialist.post(code, "complete-step", {"at": iso(vn(4, 25, 10))}), 403)
    assert error["code"] == "not_assignee"
    assert (await wf.case(code)).json() == before

    receiver = Workflow.of(wf.http, workflow, COMMUNE, subject="tn-1", roles=["receiver"])
    claimed = await receiver.ok(code, "complete-step", {"at": iso(vn(4, 25, 10))})
    assert claimed["steps"][0]["assignee"] == "tn-1"  # claimed and completed in one call
    done = await specialist.ok(code, "complete-step", {"at": iso(vn(4, 26, 10))})
    assert done["steps"][1]["completed_by"] == "cv-1"


async def test_another_units_case_is_out_of_scope(
    stack: Stack, wf: Workflow, workflow: ServiceProcess
) -> None:
    code = await new_case(stack, wf, 5)
    before = (await wf.case(code)).json()
    stranger = Workflow.of(wf.http, workflow, OTHER_COMMUNE, subject="lanh-dao-khac")

    assert error_of(await stranger.case(code), 403)["code"] == "out_of_scope"
    for action, body in (
        ("complete-step", {"at": iso(vn(4, 25, 10))}),
        ("resolve", {"outcome": "approved", "at": iso(vn(4, 25, 10))}),
        ("stop", {"reason": "x", "at": iso(vn(4, 25, 10))}),
    ):
        assert error_of(await stranger.post(code, action, body), 403)["code"] == "out_of_scope"
    queue = await wf.http.get(f"{wf.url}/tasks", params={"unit": COMMUNE}, headers=stranger.headers)
    assert error_of(queue, 403)["code"] == "out_of_scope"
    province = Workflow.of(wf.http, workflow, "H15", subject="so-noi-vu")
    assert (await province.case(code)).status_code == 200  # the province supervises it
    assert (await wf.case(code)).json() == before


async def test_no_token_is_unauthenticated(stack: Stack, wf: Workflow) -> None:
    code = await new_case(stack, wf, 6)
    before = (await wf.case(code)).json()

    anonymous = await wf.http.post(
        f"{wf.url}/cases/{code}/resolve",
        json={"outcome": "approved", "at": iso(vn(4, 26, 9))},
        headers=idem(),
    )

    assert error_of(anonymous, 401)["code"] == "unauthenticated"
    assert error_of(await wf.http.get(f"{wf.url}/cases/{code}"), 401)
    assert (await wf.case(code)).json() == before


async def test_invalid_input_is_422_and_unknown_case_404(stack: Stack, wf: Workflow) -> None:
    code = await new_case(stack, wf, 7)
    before = (await wf.case(code)).json()

    bad_outcome = await wf.post(code, "resolve", {"outcome": "maybe", "at": iso(vn(4, 26, 9))})
    naive_time = await wf.post(code, "complete-step", {"at": "2024-04-25T10:00:00"})
    earlier = await wf.post(code, "complete-step", {"at": iso(vn(4, 24, 10))})

    assert error_of(bad_outcome, 422)["code"] == "validation_failed"
    assert error_of(naive_time, 422)["code"] == "validation_failed"
    assert error_of(earlier, 422)["code"] == "out_of_order"
    assert error_of(await wf.case(f"{COMMUNE}-000000-0000"), 404)["code"] == "not_found"
    assert (await wf.case(code)).json() == before


async def test_instants_out_of_range_are_422_and_change_nothing(stack: Stack, wf: Workflow) -> None:
    code = await new_case(stack, wf, 9)
    before = (await wf.case(code)).json()
    far = "9999-12-31T00:00:00+07:00"
    extend = {"reason": "Chờ xác minh", "new_due_at": far, "at": iso(vn(4, 25, 10))}
    loose = {"outcome": "approved", "electronic_result": "yes", "at": iso(vn(4, 25, 10))}
    for path, body, field in (
        ("complete-step", {"at": far}, "at"),
        ("extend", extend, "new_due_at"),
        ("resolve", loose, "electronic_result"),
    ):
        error = error_of(await wf.post(code, path, body), 422)
        assert error["details"]["field"] == field and error["details"]["reason"]
    tick = await wf.http.post(
        f"{wf.url}/admin/tick", json={"at": far}, headers=auth("admin", "H15")
    )
    assert error_of(tick, 422)["details"]["field"] == "at"
    report = await wf.http.get(
        f"{wf.url}/reports/summary",
        params={"unit": COMMUNE, "from": "2024-01-01", "to": "2024-01-31", "at": far},
        headers=wf.headers,
    )
    assert error_of(report, 422)["details"]["field"] == "at"
    report = await wf.http.get(
        f"{wf.url}/reports/summary",
        params={"unit": COMMUNE, "from": "2024-01-01", "to": "9999-12-31"},
        headers=wf.headers,
    )
    assert error_of(report, 422)["details"]["field"] == "to"
    assert (await wf.case(code)).json() == before
    # The clock did not move: a command at an ordinary instant still works.
    await wf.ok(code, "complete-step", {"at": iso(vn(4, 25, 10))})


async def test_idempotency_key_returns_the_first_answer(stack: Stack, wf: Workflow) -> None:
    code = await new_case(stack, wf, 8)
    headers = {**wf.headers, **idem()}
    body = {"at": iso(vn(4, 25, 10))}
    url = f"{wf.url}/cases/{code}/complete-step"

    first = await wf.http.post(url, json=body, headers=headers)
    second = await wf.http.post(url, json=body, headers=headers)

    assert first.status_code == second.status_code == 200
    assert second.headers.get("Idempotent-Replay") == "true"
    assert second.json() == first.json()
    completed = [s for s in (await wf.case(code)).json()["steps"] if s["completed_at"]]
    assert len(completed) == 1
    events = [e for e in await workflow_events(stack) if e["subject"] == code]
    assert [e["type"] for e in events].count("case.step_completed") <= 1


async def test_simulated_time_is_refused_by_a_production_process(
    stack_factory: Any,
) -> None:
    stack = await stack_factory()
    svc = stack.start("workflow", MOTCUA_SIMULATION="0")
    try:
        svc.wait_ready()
        now = SystemClock().now().astimezone(VN_TZ).replace(microsecond=0)
        code = f"{COMMUNE}-{now:%y%m%d}-{uuid.uuid4().hex[:4]}"
        data = accepted(MARITAL, now, COMMUNE)
        async with httpx.AsyncClient(timeout=20) as http:
            wf = Workflow.of(http, svc, COMMUNE)
            async with IntakeFeed(stack) as feed:
                await feed.publish(code, (data, now))
            before = await wf.wait_for_case(code, 2)

            error = error_of(await wf.post(code, "complete-step", {"at": iso(now)}), 403)
            assert error["code"] == "simulation_disabled"
            assert (await wf.case(code)).json() == before
            tick = await http.post(
                f"{svc.url}/admin/tick",
                json={"at": iso(now + timedelta(days=1))},
                headers=auth("admin", "H15"),
            )
            assert error_of(tick, 403)["code"] == "simulation_disabled"
            report = await http.get(
                f"{svc.url}/reports/summary",
                params={"unit": COMMUNE, "from": "2024-01-01", "to": "2024-01-31", "at": iso(now)},
                headers=wf.headers,
            )
            assert error_of(report, 403)["code"] == "simulation_disabled"
            # Without ``at`` the command runs at the wall clock.
            done = await wf.ok(code, "complete-step", {})
            assert done["steps"][0]["completed_at"] is not None
    finally:
        stack.stop_all()
