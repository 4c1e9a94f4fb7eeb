"""An instant a person types as a deadline or appointment must be office time of a working day;
otherwise the refusal names the field and the next instant that is."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua_platform.appointments import OutsideOfficeHours, require_office_time
from motcua_platform.calendar import VN_TZ, CalendarOverrides, WorkingCalendar

CAL = WorkingCalendar()


def vn(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("moment", "next_valid"),
    [
        (vn(2, 17, 9), vn(2, 23, 7, 30)),  # mùng 1 Tết: after the Tết days off
        (vn(3, 2, 6, 59), vn(3, 2, 7, 30)),  # before the office opens
        (vn(3, 2, 12), vn(3, 2, 13)),  # lunch break
        (vn(3, 2, 17, 1), vn(3, 3, 7, 30)),  # after closing
        (vn(3, 7, 9), vn(3, 9, 7, 30)),  # a Saturday
    ],
)
def test_outside_office_hours_is_refused_with_the_next_valid_instant(
    moment: datetime, next_valid: datetime
) -> None:
    with pytest.raises(OutsideOfficeHours) as refused:
        require_office_time(CAL, moment, "new_due_at")
    assert refused.value.field == "new_due_at"
    assert refused.value.code == "outside_office_hours"
    assert refused.value.next_valid == next_valid
    assert refused.value.details == {"next_valid": next_valid.isoformat()}


@pytest.mark.parametrize(
    "moment",
    [
        vn(3, 2, 7, 30),
        vn(3, 2, 11, 30),
        vn(3, 2, 13),
        vn(3, 2, 17),
        datetime(2026, 3, 2, 2, tzinfo=UTC),
    ],
)
def test_session_bounds_are_office_time(moment: datetime) -> None:
    assert require_office_time(CAL, moment, "new_due_at") is moment
    assert CAL.next_office_time(moment) == moment


def test_the_units_own_day_off_counts() -> None:
    unit = WorkingCalendar(overrides=CalendarOverrides(days_off=frozenset({vn(3, 2, 0).date()})))
    with pytest.raises(OutsideOfficeHours) as refused:
        require_office_time(unit, vn(3, 2, 9), "appointment_at")
    assert refused.value.next_valid == vn(3, 3, 7, 30)
