"""Golden tests of the deadline clock: supplementation (pause vs restart) across a weekend and the
30/4–1/5 holidays of 2024, and the 15:00 cut-off of same-day procedures.

The 2024 calendar around the example (checked against the calendar in the first test):
Sat 27/04, Sun 28/04 weekend; Mon 29/04 off (swapped with Sat 04/05); Tue 30/04 and Wed 01/05
public holidays; Sat 04/05 a working day; Sun 05/05 weekend. Office hours 07:30–11:30, 13:00–17:00.

The dossier: 3 working days (24 h), accepted Thu 25/04/2024 09:00. Its due time:
Thu 09:00–11:30 + 13:00–17:00 = 6.5 h; Fri 26/04 = 8 h (14.5); Thu 02/05 = 8 h (22.5);
Fri 03/05 07:30 + 1.5 h → due Fri 03/05/2024 09:00.

Supplement requested Fri 26/04 10:00, back Thu 02/05 09:00. Working hours spent waiting:
Fri 10:00–11:30 (1.5) + 13:00–17:00 (4) + Thu 02/05 07:30–09:00 (1.5) = 7 h.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.contracts.events import CaseResumed, SupplementPolicy, Timeliness
from motcua_workflow.domain import Actor, Case, CaseStatus, InvalidTransition

MakeCase = Callable[..., Case]


def vn(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2024) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def supplemented(make_case: MakeCase, receiver: Actor, policy: SupplementPolicy) -> Case:
    """The example dossier, handed to the specialist at 10:00 and sent back for a supplement."""
    case = make_case(supplement_policy=policy)
    case.complete_step(receiver, vn(4, 25, 10), handed_to="specialist.minh")
    case.request_supplement("Thiếu bản sao giấy khai sinh", vn(4, 26, 10))
    case.resume(vn(5, 2, 9))
    return case


def test_the_example_relies_on_the_2024_swap_and_holidays(cal: WorkingCalendar) -> None:
    for day in (date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1)):
        assert not cal.is_working_day(day)
    assert cal.is_working_day(date(2024, 5, 4))
    assert cal.due_at(vn(4, 25, 9), 24) == vn(5, 3, 9)
    assert cal.working_hours_between(vn(4, 26, 10), vn(5, 2, 9)) == 7.0


def test_pause_policy_adds_the_waiting_working_hours_to_the_due_time(
    make_case: MakeCase, receiver: Actor
) -> None:
    # Fri 03/05 09:00 + 7 h: Fri 09:00–11:30 (2.5) + 13:00–17:00 (4) = 6.5; the last 0.5 h falls
    # on the swapped working Saturday → Sat 04/05/2024 08:00. (Same as the 15 h left at the
    # request counted from Thu 02/05 09:00: 6.5 + 8 + 0.5.)
    case = supplemented(make_case, receiver, SupplementPolicy.PAUSE)

    assert case.original_due_at == vn(5, 4, 8)
    assert case.due_at == vn(5, 4, 8)
    assert case.status is CaseStatus.PROCESSING
    (pause,) = case.pauses
    assert (pause.started_at, pause.ended_at, pause.working_hours) == (
        vn(4, 26, 10),
        vn(5, 2, 9),
        7.0,
    )
    resumed = case.pending_events[-1]
    assert isinstance(resumed, CaseResumed)
    assert resumed.new_due_at == vn(5, 4, 8)


def test_restart_policy_recounts_the_full_time_from_the_supplement(
    make_case: MakeCase, receiver: Actor
) -> None:
    # NĐ 61 Art. 21: 24 h again from Thu 02/05 09:00: Thu 6.5 + Fri 8 + Sat 04/05 8 = 22.5;
    # Sun off; Mon 06/05 07:30 + 1.5 h → Mon 06/05/2024 09:00.
    case = supplemented(make_case, receiver, SupplementPolicy.RESTART)

    assert case.original_due_at == vn(5, 6, 9)
    assert case.due_at == vn(5, 6, 9)
    assert case.pauses[0].working_hours == 7.0  # stored for the record under both policies


def test_the_current_step_due_moves_with_the_policy(make_case: MakeCase, receiver: Actor) -> None:
    # Thẩm định (16 h) started Thu 25/04 10:00: 5.5 + 8 (Fri) + 2.5 → Thu 02/05 10:00.
    # Pause: + 7 h → Thu 10:00–17:00 is 5.5, Fri 03/05 07:30 + 1.5 → Fri 03/05 09:00.
    # Restart: 16 h from Thu 02/05 09:00 → 6.5 + 8 + 1.5 → Sat 04/05 09:00.
    paused = supplemented(make_case, receiver, SupplementPolicy.PAUSE)
    restarted = supplemented(make_case, receiver, SupplementPolicy.RESTART)

    assert paused.steps[1].due_at == vn(5, 3, 9)
    assert restarted.steps[1].due_at == vn(5, 4, 9)


def test_processing_hours_subtract_the_pause_only_under_the_pause_policy(
    make_case: MakeCase, receiver: Actor
) -> None:
    # Thu 25/04 09:00 → Sat 04/05 07:45: 6.5 + 8 + 8 (Thu 02/05) + 8 (Fri 03/05) + 0.25 = 30.75 h.
    paused = supplemented(make_case, receiver, SupplementPolicy.PAUSE)
    restarted = supplemented(make_case, receiver, SupplementPolicy.RESTART)
    for case in (paused, restarted):
        case.resolve("approved", vn(5, 4, 7, 45))

    assert paused.processing_hours == 23.75  # 30.75 − 7
    assert paused.timeliness is Timeliness.ON_TIME  # the due date (Sat 04/05), before 08:00
    assert restarted.processing_hours == 30.75
    assert restarted.timeliness is Timeliness.EARLY  # two days before Mon 06/05


def test_every_pause_is_stored_and_a_second_request_counts_late_for_qd766(
    make_case: MakeCase, receiver: Actor
) -> None:
    case = supplemented(make_case, receiver, SupplementPolicy.PAUSE)
    assert not case.counted_late_qd766

    # Second wait: Fri 03/05 08:00 → 10:00 = 2 working hours; due Sat 08:00 + 2 h → Sat 10:00.
    case.request_supplement("Thiếu xác nhận cư trú", vn(5, 3, 8))
    case.resume(vn(5, 3, 10))

    assert case.supplement_count == 2
    assert case.counted_late_qd766
    assert [p.working_hours for p in case.pauses] == [7.0, 2.0]
    assert case.original_due_at == vn(5, 4, 10)


def test_a_pause_does_not_rescue_a_dossier_already_late(make_case: MakeCase) -> None:
    # Requested Fri 03/05 10:00, one hour after the due time; back Mon 06/05 08:00.
    # Wait = 1.5 + 4 (Fri) + 8 (Sat 04/05) + 0.5 (Mon) = 14 h; Fri 03/05 09:00 + 14 h =
    # 6.5 (Fri) + 7.5 on Sat → Sat 04/05 16:30, already behind the resume time.
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(5, 3, 10))
    case.resume(vn(5, 6, 8))
    case.resolve("approved", vn(5, 6, 9))

    assert case.original_due_at == vn(5, 4, 16, 30)
    assert case.timeliness is Timeliness.LATE


def test_resume_without_a_pending_request_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(InvalidTransition):
        case.resume(vn(4, 26, 9))


def test_same_day_dossier_received_after_1500_is_due_at_the_end_of_the_next_working_day(
    make_case: MakeCase,
) -> None:
    # Fri 05/04/2024 15:10 is after the cut-off; Sat and Sun are off → Mon 08/04 17:00.
    late_afternoon = make_case(accepted_at=vn(4, 5, 15, 10), allotted_hours=8, same_day=True)
    before_cutoff = make_case(accepted_at=vn(4, 5, 14, 50), allotted_hours=8, same_day=True)

    assert late_afternoon.due_at == vn(4, 8, 17)
    assert before_cutoff.due_at == vn(4, 5, 17)

    # Resolved the same Friday anyway: a date before the appointment, so trước hạn.
    late_afternoon.resolve("approved", vn(4, 5, 16, 30))
    before_cutoff.resolve("approved", vn(4, 5, 16, 30))
    assert late_afternoon.timeliness is Timeliness.EARLY
    assert before_cutoff.timeliness is Timeliness.ON_TIME


def test_same_day_restart_applies_the_cutoff_to_the_supplement_time(make_case: MakeCase) -> None:
    # Accepted Mon 08/04 08:00 (due 17:00); supplement back at 15:30, after the cut-off →
    # the recounted "same day" is the next working day, Tue 09/04 17:00.
    case = make_case(
        accepted_at=vn(4, 8, 8),
        allotted_hours=8,
        same_day=True,
        supplement_policy="restart",
    )
    case.request_supplement("Thiếu bản chính để đối chiếu", vn(4, 8, 10))
    case.resume(vn(4, 8, 15, 30))

    assert case.due_at == vn(4, 9, 17)


def test_internal_step_due_never_exceeds_the_appointment(make_case: MakeCase) -> None:
    # Same-day procedure accepted at 14:00, due 17:00; its first step is planned at 8 h but
    # cannot be allowed beyond the citizen's appointment.
    case = make_case(
        accepted_at=vn(4, 8, 14),
        allotted_hours=8,
        same_day=True,
        steps=[{"name": "Chứng thực", "role": "specialist", "hours": 8}],
    )

    assert case.steps[0].due_at == vn(4, 8, 17)
