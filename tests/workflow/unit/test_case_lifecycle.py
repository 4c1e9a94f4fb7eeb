"""The case from acceptance to return, stop or withdrawal: who may act, what each command records,
the scanner's once-only events and replay.

Default dossier: accepted Thu 25/04/2024 09:00, due Fri 03/05/2024 09:00, four internal steps
(Tiếp nhận 2 h, Thẩm định 16 h, Ký duyệt 4 h, Trả kết quả 2 h).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.contracts.events import (
    CaseResolved,
    CaseReturned,
    CaseStepCompleted,
    CaseStepStarted,
    CaseStopped,
    DossierAccepted,
    Timeliness,
)
from motcua_platform.timeliness import OpenTimeliness
from motcua_workflow.domain import (
    Actor,
    AlreadyResolved,
    AlreadyReturned,
    Case,
    CaseClosed,
    CaseStatus,
    InvalidTransition,
    InvalidValue,
    NotAssignee,
    NotPermitted,
    OutOfOrder,
    event_model_for,
)

MakeCase = Callable[..., Case]


def vn(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


def types(events: list) -> list[str]:
    return [event.event_type for event in events]


# ----------------------------------------------------------------------------- opening


def test_opening_starts_the_first_step_with_its_own_due_time(make_case: MakeCase) -> None:
    case = make_case()

    (started,) = case.pending_events
    assert isinstance(started, CaseStepStarted)
    assert (started.step, started.step_unit, started.due_at) == (0, "H15.50.05", vn(4, 25, 11))
    assert case.status is CaseStatus.ACCEPTED
    assert case.current_step is case.steps[0]
    assert case.due_at == case.original_due_at == vn(5, 3, 9)


def test_on_the_spot_dossier_opens_already_resolved_and_returned_early(
    make_case: MakeCase,
) -> None:
    # Accepted 09:00, legally due 17:00 the same day: no appointment was given, so trước hạn.
    case = make_case(accepted_at=vn(4, 25, 9), allotted_hours=8, same_day=True, on_the_spot=True)

    assert types(case.pending_events) == ["case.resolved", "case.returned"]
    returned = case.pending_events[1]
    assert isinstance(returned, CaseReturned)
    assert returned.timeliness is Timeliness.EARLY
    assert returned.returned_at == vn(4, 25, 9)
    assert case.status is CaseStatus.RETURNED
    assert case.timeliness is Timeliness.EARLY
    assert case.finished_at == case.returned_at == vn(4, 25, 9)
    assert case.processing_hours == 0.0


def test_the_receiving_official_holds_the_counter_step(make_case: MakeCase) -> None:
    case = make_case(received_by="receiver.lan")
    assert case.steps[0].assignee == "receiver.lan"


def test_procedure_without_internal_steps_gets_one_step_with_the_whole_time(
    make_case: MakeCase,
) -> None:
    case = make_case(steps=[])
    (step,) = case.steps
    assert (step.unit, step.hours, step.due_at) == ("H15.50.05", 24.0, vn(5, 3, 9))


# ----------------------------------------------------------------------------- steps


def test_step_completion_by_someone_not_assigned_is_refused_and_changes_nothing(
    make_case: MakeCase, receiver: Actor, other_specialist: Actor
) -> None:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10), handed_to="specialist.minh")
    before = case.to_document()

    with pytest.raises(NotAssignee) as refused:
        case.complete_step(other_specialist, vn(4, 26, 9))

    assert refused.value.kind == "forbidden"
    assert case.to_document() == before


def test_an_official_of_another_unit_cannot_take_an_unassigned_step(make_case: MakeCase) -> None:
    case = make_case()
    stranger = Actor("receiver.x", "H15.50.07", frozenset({"receiver"}))
    with pytest.raises(NotAssignee):
        case.complete_step(stranger, vn(4, 25, 10))


def test_a_leader_of_the_unit_may_complete_a_step_assigned_to_someone_else(
    make_case: MakeCase, receiver: Actor, leader: Actor
) -> None:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10), handed_to="specialist.minh")
    case.complete_step(leader, vn(4, 26, 9), handed_to="leader.hung")
    assert case.steps[1].completed_by == "leader.hung"


def test_completion_records_the_hand_over_on_the_control_sheet(
    make_case: MakeCase, receiver: Actor, specialist: Actor, leader: Actor
) -> None:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10), handed_to="specialist.minh")
    completed, started = case.complete_step(specialist, vn(4, 26, 16), handed_to="leader.hung")

    assert isinstance(completed, CaseStepCompleted)
    # Thẩm định started Thu 10:00, due Thu 02/05 10:00: finished days before → trước hạn.
    assert completed.timeliness is Timeliness.EARLY
    assert isinstance(started, CaseStepStarted)
    assert (started.step, started.assignee) == (2, "leader.hung")
    assert case.status is CaseStatus.PROCESSING

    first, second = case.control_sheet
    assert (first.from_person, first.to_person, first.timeliness) == (
        "receiver.lan",
        "specialist.minh",
        Timeliness.ON_TIME,  # 10:00, step due 11:00 the same day
    )
    assert (second.at, second.from_unit, second.to_unit) == (
        vn(4, 26, 16),
        "H15.50.05",
        "H15.50.05",
    )


def test_the_last_step_hands_the_dossier_back_to_the_receiving_unit(
    make_case: MakeCase, cal: WorkingCalendar
) -> None:
    case = make_case(
        receiving_unit="H15.50.05",
        competent_unit="H15.20",
        steps=[{"name": "Giải quyết", "role": "specialist", "hours": 24}],
    )
    officer = Actor("dept.specialist", "H15.20", frozenset({"specialist"}))
    (completed,) = case.complete_step(officer, vn(4, 26, 15), handed_to="receiver.lan")

    assert completed.to_unit == "H15.50.05"
    assert case.control_sheet[-1].to_unit == "H15.50.05"
    with pytest.raises(InvalidTransition):
        case.complete_step(officer, vn(4, 26, 16))


def test_assignment_is_for_leaders_and_is_recorded_as_a_hand_over(
    make_case: MakeCase, receiver: Actor, specialist: Actor, leader: Actor
) -> None:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10))
    with pytest.raises(NotPermitted):
        case.assign(1, "specialist.tuan", specialist, vn(4, 25, 11))

    (assigned,) = case.assign(1, "specialist.tuan", leader, vn(4, 25, 14))

    assert assigned.event_type == "case.step_assigned"
    assert case.steps[1].assignee == "specialist.tuan"
    row = case.control_sheet[-1]
    assert (row.kind, row.from_person, row.to_person) == (
        "assign",
        "leader.hung",
        "specialist.tuan",
    )


def test_an_official_may_claim_an_unassigned_step_of_their_own_role(
    make_case: MakeCase, receiver: Actor, specialist: Actor
) -> None:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10))
    case.assign(1, specialist.id, specialist, vn(4, 25, 13))
    assert case.steps[1].assignee == specialist.id


# ----------------------------------------------------------------------------- the end


def test_resolving_twice_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    case.resolve("approved", vn(5, 2, 10), result_reference="123/GXN", electronic=True)
    before = case.to_document()

    with pytest.raises(AlreadyResolved) as refused:
        case.resolve("denied", vn(5, 2, 11))

    assert refused.value.code == "already_resolved"
    assert case.to_document() == before


def test_resolution_fixes_the_timeliness_and_the_return_repeats_it(make_case: MakeCase) -> None:
    case = make_case()
    (resolved,) = case.resolve("approved", vn(5, 3, 8, 30))
    # Returned after the due time: the first finish (the decision) counts, per QĐ 766.
    (returned,) = case.return_result("postal", vn(5, 6, 10))

    assert isinstance(resolved, CaseResolved)
    assert resolved.timeliness is Timeliness.ON_TIME
    assert isinstance(returned, CaseReturned)
    assert returned.timeliness is Timeliness.ON_TIME
    assert case.status is CaseStatus.RETURNED
    assert case.finished_at == vn(5, 3, 8, 30)
    with pytest.raises(AlreadyReturned):
        case.return_result("counter", vn(5, 6, 11))


def test_returning_before_a_decision_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(InvalidTransition):
        case.return_result("counter", vn(4, 26, 9))


def test_unknown_outcome_or_channel_is_invalid(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(InvalidValue):
        case.resolve("maybe", vn(4, 26, 9))  # type: ignore[arg-type]
    case.resolve("denied", vn(4, 26, 9))
    with pytest.raises(InvalidValue) as refused:
        case.return_result("pigeon", vn(4, 26, 10))
    assert refused.value.field == "channel"


def test_withdrawal_then_stop_finishes_the_case(make_case: MakeCase) -> None:
    case = make_case(fee_total=30000)
    case.request_withdrawal("Không còn nhu cầu", vn(4, 26, 9))
    assert case.status is CaseStatus.WITHDRAWAL_REQUESTED

    (stopped,) = case.stop("Công dân rút hồ sơ", vn(4, 26, 10), "Hoàn trả 30.000 đồng lệ phí")

    assert isinstance(stopped, CaseStopped)
    assert stopped.timeliness is Timeliness.EARLY
    assert stopped.stage == "Công dân yêu cầu rút hồ sơ — Tiếp nhận, chuyển hồ sơ"
    assert case.status is CaseStatus.STOPPED
    assert case.finished_at == vn(4, 26, 10)
    with pytest.raises(CaseClosed):
        case.resolve("approved", vn(4, 26, 11))


def test_withdrawal_and_stop_are_refused_after_a_decision(make_case: MakeCase) -> None:
    case = make_case()
    case.resolve("approved", vn(5, 2, 9))
    with pytest.raises(AlreadyResolved):
        case.request_withdrawal("Đổi ý", vn(5, 2, 10))
    with pytest.raises(AlreadyResolved):
        case.stop("Dừng", vn(5, 2, 10))


def test_a_case_stopped_while_waiting_is_measured_at_the_request_time(
    make_case: MakeCase,
) -> None:
    # The citizen never brought the supplement; stopped after the due date, but the clock
    # stopped at the request (Fri 26/04), so it is trước hạn and the wait is closed and kept.
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    case.stop("Quá thời hạn bổ sung hồ sơ", vn(5, 6, 10))

    assert case.timeliness is Timeliness.EARLY
    assert case.pauses[0].ended_at == vn(5, 6, 10)
    # Waiting Fri 10:00 → Mon 06/05 10:00: 5.5 + 8 (02/05) + 8 (03/05) + 8 (04/05) + 2.5 = 32 h.
    assert case.pauses[0].working_hours == 32.0
    # Working before the request: Thu 6.5 + Fri 2.5 = 9 h.
    assert case.processing_hours == 9.0


def test_awaiting_payment_holds_the_decision_until_paid(make_case: MakeCase) -> None:
    case = make_case()
    case.await_payment(vn(4, 26, 9), amount=50000)
    assert case.status is CaseStatus.AWAITING_PAYMENT
    with pytest.raises(InvalidTransition):
        case.resolve("approved", vn(4, 26, 10))

    case.payment_received(vn(4, 26, 11))
    assert case.status is CaseStatus.PROCESSING
    case.resolve("approved", vn(4, 26, 14))
    assert case.status is CaseStatus.RESOLVED


def test_commands_dated_before_the_last_event_or_without_zone_are_refused(
    make_case: MakeCase,
) -> None:
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    with pytest.raises(OutOfOrder):
        case.resume(vn(4, 26, 9))
    with pytest.raises(InvalidValue) as refused:
        case.resume(datetime(2024, 5, 2, 9))
    assert refused.value.field == "at"


# ----------------------------------------------------------------------------- scanner


def test_scan_emits_the_warning_once_and_the_overdue_event_once(make_case: MakeCase) -> None:
    case = make_case()
    scans = [
        vn(4, 26, 9),  # 22.5 working hours left: nothing
        vn(5, 2, 9),  # 8 h left (Thu 09:00 → Fri 09:00): warning
        vn(5, 2, 10),
        vn(5, 3, 8),
        vn(5, 3, 9),  # exactly due: still within
        vn(5, 3, 9, 1),  # overdue
        vn(5, 3, 12),
        vn(5, 6, 8),
    ]
    emitted = [types(case.scan(now)) for now in scans]

    assert emitted == [
        [],
        ["case.deadline_warning"],
        [],
        [],
        [],
        ["case.overdue"],
        [],
        [],
    ]
    assert case.warned and case.overdue_emitted
    assert case.open_timeliness(vn(5, 6, 8)) is OpenTimeliness.OVERDUE


def test_a_case_first_scanned_after_its_due_time_only_gets_the_overdue_event(
    make_case: MakeCase,
) -> None:
    case = make_case()
    assert types(case.scan(vn(5, 6, 8))) == ["case.overdue"]
    assert types(case.scan(vn(5, 6, 9))) == []


def test_scan_leaves_paused_and_finished_cases_alone(make_case: MakeCase) -> None:
    paused = make_case()
    paused.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    finished = make_case()
    finished.resolve("approved", vn(4, 26, 10))

    assert paused.scan(vn(5, 6, 8)) == []
    assert finished.scan(vn(5, 6, 8)) == []
    assert paused.open_timeliness(vn(5, 6, 8)) is OpenTimeliness.WITHIN


# ----------------------------------------------------------------------------- replay


def test_replaying_the_published_events_rebuilds_the_same_case(
    make_accepted: Callable[..., DossierAccepted],
    cal: WorkingCalendar,
    receiver: Actor,
    specialist: Actor,
    leader: Actor,
) -> None:
    accepted = make_accepted()
    live = Case.open(accepted, "H15.50.05-240425-0001", cal)
    live.complete_step(receiver, vn(4, 25, 10), handed_to=specialist.id)
    live.request_supplement("Thiếu bản sao giấy khai sinh", vn(4, 26, 10))
    live.resume(vn(5, 2, 9))
    live.scan(vn(5, 3, 9))
    live.extend("Chờ xác minh", vn(5, 8, 17), vn(5, 3, 16))
    live.complete_step(specialist, vn(5, 6, 9), handed_to=leader.id)
    live.resolve("approved", vn(5, 6, 15), result_reference="45/XN")
    live.return_result("counter", vn(5, 7, 8), counter="Quầy 2")

    # As on the topic: JSON payloads (extra fields become plain strings) read back by type.
    published = [
        (e.event_type, e.model_dump(mode="json", exclude_none=True)) for e in live.pull_events()
    ]
    events = [event_model_for(kind).model_validate(data) for kind, data in published]
    rebuilt = Case.replay(accepted, live.code, events, cal)

    assert rebuilt == live
    assert rebuilt.to_document() == live.to_document()
    assert live.pending_events == []


def test_events_name_the_officials_who_did_the_work(
    make_case: MakeCase, receiver: Actor, specialist: Actor
) -> None:
    # The feedback service attributes ratings to these officials.
    case = make_case()
    (completed, _) = case.complete_step(receiver, vn(4, 25, 10), handed_to=specialist.id)
    case.resolve("approved", vn(4, 26, 10))
    (returned,) = case.return_result("counter", vn(4, 26, 11), by="receiver.lan")

    assert isinstance(completed, CaseStepCompleted)
    assert completed.assignee == "receiver.lan"  # the unassigned step's taker
    assert isinstance(returned, CaseReturned)
    assert returned.returned_by == "receiver.lan"
    assert returned.procedure_name == "Cấp Giấy xác nhận tình trạng hôn nhân"
