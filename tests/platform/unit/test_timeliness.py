"""Trước hạn / đúng hạn / quá hạn at finish; đang trong hạn / quá hạn while open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import Timeliness
from motcua_platform.timeliness import (
    HOURS_PER_WORKING_DAY,
    OpenTimeliness,
    classify_finish,
    classify_open,
    counted_late_qd766,
    finish_timeliness,
    open_timeliness,
    period_bounds,
    working_days,
)

DUE = datetime(2024, 5, 3, 17, 0, tzinfo=VN_TZ)  # Fri 03/05/2024, 17:00


def vn(day: int, hour: int, minute: int = 0, month: int = 5) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


def test_finished_1659_on_the_due_date_when_due_1700_is_on_time() -> None:
    assert classify_finish(vn(3, 16, 59), DUE) is Timeliness.ON_TIME


def test_finished_exactly_at_the_due_time_is_on_time() -> None:
    assert classify_finish(DUE, DUE) is Timeliness.ON_TIME


def test_finished_1701_on_the_due_date_is_late() -> None:
    assert classify_finish(vn(3, 17, 1), DUE) is Timeliness.LATE


def test_finished_a_day_before_the_due_date_is_early() -> None:
    assert classify_finish(vn(2, 16, 59), DUE) is Timeliness.EARLY


def test_finished_in_the_morning_of_the_due_date_is_on_time_not_early() -> None:
    # Early means an earlier *date*: hours ahead on the same day are still đúng hạn.
    assert classify_finish(vn(3, 7, 45), DUE) is Timeliness.ON_TIME


def test_dates_are_vietnamese_dates_whatever_the_zone_of_the_instants() -> None:
    # 02/05 18:30 UTC is 03/05 01:30 in Vietnam: the due date itself, so on time, not early.
    finished_utc = datetime(2024, 5, 2, 18, 30, tzinfo=UTC)
    assert classify_finish(finished_utc, DUE) is Timeliness.ON_TIME
    assert classify_finish(finished_utc - timedelta(hours=2), DUE) is Timeliness.EARLY


def test_a_step_is_classified_against_its_own_due_time() -> None:
    step_due = vn(26, 11, 0, month=4)
    assert classify_finish(vn(26, 10, 0, month=4), step_due) is Timeliness.ON_TIME
    assert classify_finish(vn(26, 13, 0, month=4), step_due) is Timeliness.LATE
    assert classify_finish(vn(25, 16, 0, month=4), step_due) is Timeliness.EARLY


def test_open_case_is_within_up_to_the_due_time_and_overdue_after() -> None:
    assert classify_open(DUE, vn(3, 17, 0)) is OpenTimeliness.WITHIN
    assert classify_open(DUE, vn(3, 17, 0) + timedelta(milliseconds=1)) is OpenTimeliness.OVERDUE


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        classify_finish(datetime(2024, 5, 3, 16, 0), DUE)


@given(minutes=st.integers(min_value=-60 * 24 * 10, max_value=60 * 24 * 10))
def test_classification_agrees_with_the_order_of_the_instants(minutes: int) -> None:
    finished = DUE + timedelta(minutes=minutes)
    result = classify_finish(finished, DUE)
    assert (result is Timeliness.LATE) == (finished > DUE)
    if result is Timeliness.EARLY:
        assert finished.astimezone(VN_TZ).date() < DUE.date()


def test_asked_to_supplement_twice_is_late_whatever_the_dates_say() -> None:
    early = vn(1, 9)
    assert not counted_late_qd766(1) and counted_late_qd766(2) and counted_late_qd766(3)
    assert finish_timeliness(early, DUE, supplement_count=1) is Timeliness.EARLY
    assert finish_timeliness(early, DUE, supplement_count=2) is Timeliness.LATE
    assert open_timeliness(DUE, early, supplement_count=2) is OpenTimeliness.OVERDUE


def test_the_timeliness_decided_at_the_finish_is_kept() -> None:
    # Recorded in the event (e.g. resolved on the spot: early), not recomputed from the dates.
    decided = finish_timeliness(DUE, DUE, decided=Timeliness.EARLY)
    assert decided is Timeliness.EARLY


def test_a_dossier_waiting_for_the_citizen_is_judged_at_the_request() -> None:
    requested, later = vn(3, 10), vn(6, 9)
    assert open_timeliness(DUE, later, paused_since=requested) is OpenTimeliness.WITHIN
    assert open_timeliness(DUE, later) is OpenTimeliness.OVERDUE


def test_date_bounds_of_a_period_are_whole_vietnamese_days_with_the_end_included() -> None:
    start, end = period_bounds(date(2024, 3, 1), date(2024, 3, 31))
    assert start == datetime(2024, 3, 1, tzinfo=VN_TZ)
    assert end == datetime(2024, 4, 1, tzinfo=VN_TZ)
    assert period_bounds(start, end) == (start, end)


def test_a_working_day_is_eight_working_hours() -> None:
    assert HOURS_PER_WORKING_DAY == 8.0
    assert working_days(24) == 3
