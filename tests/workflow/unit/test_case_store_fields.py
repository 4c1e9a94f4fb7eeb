"""The derived fields a case document carries for the work queue, the scanner and the gauges."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import bson
import pytest

from motcua_platform.agency import unit_path
from motcua_platform.calendar import VN_TZ, CalendarProvider
from motcua_workflow.domain import Actor, Case
from motcua_workflow.store import CaseStore, task_of
from motcua_workflow.views import QUEUE_LINE_FIELDS, queue_line, task_item

MakeCase = Callable[..., Case]


def vn(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def store() -> CaseStore:
    return CaseStore(SimpleNamespace(collection=None), CalendarProvider(), 8.0)  # type: ignore[arg-type]


def test_unit_path_lists_the_supervising_units() -> None:
    assert unit_path("H15.50.05.13") == ["H15", "H15.50", "H15.50.05", "H15.50.05.13"]


def test_a_new_case_waits_on_its_first_step_at_the_counter(
    store: CaseStore, make_case: MakeCase
) -> None:
    doc = store.document(make_case())
    assert doc["record"] == "case" and doc["open"] is True
    assert (doc["task_action"], doc["task_role"], doc["task_assignee"]) == (
        "complete_step",
        "receiver",
        None,
    )
    assert doc["task_unit_path"] == ["H15", "H15.50", "H15.50.05"]
    assert doc["task_due"] == vn(5, 3, 9)  # the legal due time orders the queue
    # Warn one working day (8 h) before Fri 03/05 09:00 → Thu 02/05 09:00 (holidays skipped).
    assert doc["warn_at"] == doc["alarm_at"] == vn(5, 2, 9)


def test_the_queue_filters_read_the_procedure_status_and_current_step(
    store: CaseStore, make_case: MakeCase, receiver: Actor
) -> None:
    case = make_case()
    doc = store.document(case)
    assert (doc["procedure_code"], doc["status"], doc["task_step"]) == (
        case.procedure_code,
        int(case.status),
        0,
    )
    case.complete_step(receiver, vn(4, 25, 10))
    doc = store.document(case)
    assert (doc["status"], doc["task_step"]) == (4, 1)
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    assert store.document(case)["task_step"] is None  # no task while the citizen is awaited


def test_the_scanner_alarm_moves_to_the_due_time_after_the_warning_then_stops(
    store: CaseStore, make_case: MakeCase
) -> None:
    case = make_case()
    case.scan(vn(5, 2, 10))
    assert store.document(case)["alarm_at"] == vn(5, 3, 9)
    case.scan(vn(5, 3, 10))
    assert store.document(case)["alarm_at"] is None


def test_waiting_for_the_citizen_is_no_task_and_no_alarm(
    store: CaseStore, make_case: MakeCase
) -> None:
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    doc = store.document(case)
    assert doc["task_action"] is None and doc["task_unit_path"] == []
    assert doc["alarm_at"] is None and doc["paused_since"] == vn(4, 26, 10)


def test_after_the_steps_come_decision_then_return_at_the_counter(
    make_case: MakeCase, leader: Actor
) -> None:
    case = make_case(competent_unit="H15.20")
    dept_leader = Actor("leader.dept", "H15.20", frozenset({"leader"}))
    for hour in (10, 11, 14, 15):
        case.complete_step(dept_leader, vn(4, 25, hour))
    decision = task_of(case)
    assert decision is not None and (decision.action, decision.unit, decision.role) == (
        "resolve",
        "H15.20",
        "leader",
    )
    case.resolve("approved", vn(4, 26, 9))
    handover = task_of(case)
    assert handover is not None and (handover.action, handover.unit) == ("return", "H15.50.05")
    case.return_result("counter", vn(4, 26, 10))
    assert task_of(case) is None


def test_a_withdrawal_request_asks_the_leader_to_stop(make_case: MakeCase) -> None:
    case = make_case()
    case.request_withdrawal("Không cần nữa", vn(4, 26, 9))
    task = task_of(case)
    assert task is not None and (task.action, task.role) == ("stop", "leader")


def _stored(store: CaseStore, case: Case) -> dict[str, Any]:
    """The document as the queue reads it back: BSON dates come back naive UTC."""
    doc = {**store.document(case), "_id": case.code}
    return {
        k: v
        for k, v in bson.decode(bson.encode(doc)).items()
        if k in QUEUE_LINE_FIELDS | {"_id": 1}
    }


def test_a_queue_line_from_the_projected_document_equals_the_one_from_the_case(
    store: CaseStore, make_case: MakeCase, receiver: Actor, leader: Actor
) -> None:
    """The queue reads a few fields instead of decoding whole cases; at every stage and instant
    the line must be the case's own (state, due soon, step, assignee)."""
    stages: list[Case] = []
    fresh = make_case()
    stages.append(copy.deepcopy(fresh))
    fresh.complete_step(receiver, vn(4, 25, 10))
    stages.append(copy.deepcopy(fresh))
    paused = copy.deepcopy(fresh)
    paused.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    stages.append(paused)
    extended = copy.deepcopy(fresh)
    extended.extend("Cần xác minh", vn(5, 9, 17), vn(4, 29, 9))
    stages.append(extended)
    decided = copy.deepcopy(fresh)
    for hour in (11, 14, 15):
        decided.complete_step(leader, vn(4, 25, hour))
    decided.resolve("approved", vn(5, 8, 9))  # after the due time: late, waiting to be returned
    stages.append(decided)
    for case in stages:
        for at in (vn(4, 25, 12), vn(5, 2, 10), vn(5, 3, 10), vn(5, 20, 9)):
            expected = {**task_item(case, at), "due_soon": False}
            expected["due_soon"] = expected["state"] == "within" and store.due_soon(case, at)
            assert queue_line(_stored(store, case), at) == expected, (case.status, at)
