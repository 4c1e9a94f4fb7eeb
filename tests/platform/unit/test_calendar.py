"""Unit tests for the legal working-day calendar (lịch làm việc)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_platform.calendar import VN_TZ, CalendarOverrides, OfficeHours, WorkingCalendar

CAL = WorkingCalendar()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware instant in Vietnam time."""
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


# --------------------------------------------------------------------------- golden days


def test_five_working_days_after_fri_25_04_2025_is_tue_06_05_2025() -> None:
    # Sat 26/04/2025 is a swapped working day; 30/04, 01/05 and 02/05 (nghỉ bù) are off.
    assert CAL.is_working_day(date(2025, 4, 26))
    assert CAL.add_working_days(date(2025, 4, 25), 5) == date(2025, 5, 6)


@pytest.mark.parametrize("day", [date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)])
def test_reunification_and_labour_day_2025_are_off(day: date) -> None:
    assert not CAL.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 2, 16) + timedelta(days=i) for i in range(5)])
def test_tet_2026_mon_16_to_fri_20_february_is_off(day: date) -> None:
    assert not CAL.is_working_day(day)


def test_dossier_accepted_fri_13_02_2026_with_16_hours_is_due_tue_24_02_2026_10h() -> None:
    # Fri 10:00→17:00 = 5.5 h; Tết 16–20/02 and the weekend are skipped; Mon 23/02 = 8 h;
    # the remaining 2.5 h from 07:30 on Tue 24/02 end at 10:00.
    assert CAL.due_at(vn(2026, 2, 13, 10), 16) == vn(2026, 2, 24, 10)


def test_gio_to_hung_vuong_2025_07_04_is_off() -> None:
    assert not CAL.is_working_day(date(2025, 4, 7))


def test_2024_swap_sat_04_05_is_working_and_mon_29_04_is_off() -> None:
    assert CAL.is_working_day(date(2024, 5, 4))
    assert not CAL.is_working_day(date(2024, 4, 29))


def test_vietnam_cultural_day_24_11_2026_is_off() -> None:
    assert not CAL.is_working_day(date(2026, 11, 24))


def test_sat_22_08_2026_is_a_swapped_working_day_and_mon_31_08_is_off() -> None:
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 8, 31))


def test_ordinary_weekend_is_off_and_ordinary_weekday_is_working() -> None:
    assert not CAL.is_working_day(date(2025, 3, 8))  # Saturday
    assert not CAL.is_working_day(date(2025, 3, 9))  # Sunday
    assert CAL.is_working_day(date(2025, 3, 10))  # Monday


def test_swapped_saturday_listed_under_the_following_year_is_working() -> None:
    # Sat 27/12/2014 was worked in exchange for Fri 02/01/2015 (announced with the 2015 days).
    assert CAL.is_working_day(date(2014, 12, 27))
    assert not CAL.is_working_day(date(2015, 1, 2))


def test_next_working_day_is_strictly_after_and_skips_holidays() -> None:
    assert CAL.next_working_day(date(2025, 3, 10)) == date(2025, 3, 11)
    assert CAL.next_working_day(date(2025, 4, 29)) == date(2025, 5, 5)
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_add_zero_working_days_returns_the_day_and_negative_counts_backwards() -> None:
    assert CAL.add_working_days(date(2025, 3, 9), 0) == date(2025, 3, 9)
    assert CAL.add_working_days(date(2025, 5, 6), -5) == date(2025, 4, 25)


def test_end_of_working_day_is_17h_in_vietnam_time() -> None:
    end = CAL.end_of_working_day(date(2025, 3, 10))
    assert end == vn(2025, 3, 10, 17)
    assert end.tzinfo == VN_TZ


# --------------------------------------------------------------------------- 15:00 cut-off


def test_same_day_accepted_at_14_59_is_due_at_17h_that_day() -> None:
    assert CAL.due_at(vn(2025, 3, 11, 14, 59), 0, same_day=True) == vn(2025, 3, 11, 17)


def test_same_day_accepted_exactly_at_15_00_is_due_that_day() -> None:
    assert CAL.due_at(vn(2025, 3, 11, 15, 0), 0, same_day=True) == vn(2025, 3, 11, 17)


def test_same_day_accepted_at_15_01_is_due_at_end_of_next_working_day() -> None:
    assert CAL.due_at(vn(2025, 3, 11, 15, 1), 0, same_day=True) == vn(2025, 3, 12, 17)


def test_same_day_accepted_friday_15_30_is_due_monday_17h() -> None:
    assert CAL.due_at(vn(2025, 3, 14, 15, 30), 0, same_day=True) == vn(2025, 3, 17, 17)


def test_same_day_accepted_on_saturday_is_due_monday_17h() -> None:
    assert CAL.due_at(vn(2025, 3, 15, 9), 0, same_day=True) == vn(2025, 3, 17, 17)


def test_same_day_accepted_before_opening_is_due_that_day() -> None:
    assert CAL.due_at(vn(2025, 3, 11, 6, 0), 0, same_day=True) == vn(2025, 3, 11, 17)


def test_same_day_before_a_holiday_after_cutoff_is_due_after_the_holiday() -> None:
    assert CAL.due_at(vn(2025, 4, 29, 16), 0, same_day=True) == vn(2025, 5, 5, 17)


def test_same_day_cutoff_is_read_in_vietnam_time_whatever_the_input_zone() -> None:
    # 08:30 UTC = 15:30 in Hà Nội: after the cut-off.
    accepted = datetime(2025, 3, 11, 8, 30, tzinfo=UTC)
    assert CAL.due_at(accepted, 0, same_day=True) == vn(2025, 3, 12, 17)


# --------------------------------------------------------------------------- hours


def test_half_day_from_07_30_ends_at_11_30_same_day() -> None:
    assert CAL.add_working_hours(vn(2025, 3, 10, 7, 30), 4) == vn(2025, 3, 10, 11, 30)


def test_four_hours_from_09_00_skip_the_lunch_break_and_end_at_14_30() -> None:
    # 09:00→11:30 = 2.5 h, the remaining 1.5 h run from 13:00.
    assert CAL.add_working_hours(vn(2025, 3, 10, 9), 4) == vn(2025, 3, 10, 14, 30)


def test_result_landing_on_session_end_stays_at_17h_not_next_morning() -> None:
    assert CAL.add_working_hours(vn(2025, 3, 10, 13), 4) == vn(2025, 3, 10, 17)
    assert CAL.add_working_hours(vn(2025, 3, 10, 7, 30), 8) == vn(2025, 3, 10, 17)


def test_eight_hours_from_friday_afternoon_close_end_monday_17h() -> None:
    assert CAL.add_working_hours(vn(2025, 3, 14, 17), 8) == vn(2025, 3, 17, 17)


def test_zero_hours_returns_start_unchanged() -> None:
    start = vn(2025, 3, 9, 22)  # Sunday night
    assert CAL.add_working_hours(start, 0) is start


def test_counting_from_outside_office_hours_starts_at_next_session() -> None:
    assert CAL.add_working_hours(vn(2025, 3, 10, 12), 1) == vn(2025, 3, 10, 14)
    assert CAL.add_working_hours(vn(2025, 3, 10, 22), 1) == vn(2025, 3, 11, 8, 30)
    assert CAL.add_working_hours(vn(2025, 3, 9, 10), 1) == vn(2025, 3, 10, 8, 30)


def test_acceptance_online_at_22h_counts_from_next_morning() -> None:
    assert CAL.due_at(vn(2025, 3, 10, 22), 8) == vn(2025, 3, 11, 17)


def test_acceptance_on_sunday_counts_from_monday_morning() -> None:
    assert CAL.due_at(vn(2025, 3, 9, 10), 4) == vn(2025, 3, 10, 11, 30)


def test_result_is_in_calendar_zone_for_an_input_in_utc() -> None:
    start = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội
    result = CAL.add_working_hours(start, 4)
    assert result == vn(2025, 3, 10, 14, 30)
    assert result.tzinfo == VN_TZ


def test_negative_hours_count_backwards_and_stay_on_session_start() -> None:
    assert CAL.add_working_hours(vn(2025, 3, 10, 14, 30), -4) == vn(2025, 3, 10, 9)
    assert CAL.add_working_hours(vn(2025, 3, 10, 17), -4) == vn(2025, 3, 10, 13)
    assert CAL.add_working_hours(vn(2025, 3, 17, 7, 30), -8) == vn(2025, 3, 14, 7, 30)


def test_working_hours_between_counts_only_office_time() -> None:
    assert CAL.working_hours_between(vn(2025, 3, 10, 9), vn(2025, 3, 10, 14, 30)) == 4
    assert CAL.working_hours_between(vn(2025, 3, 14, 17), vn(2025, 3, 17, 7, 30)) == 0
    assert CAL.working_hours_between(vn(2026, 2, 13, 10), vn(2026, 2, 24, 10)) == 16


def test_working_hours_between_is_negative_when_end_is_before_start() -> None:
    assert CAL.working_hours_between(vn(2025, 3, 10, 14, 30), vn(2025, 3, 10, 9)) == -4


def test_working_hours_between_inverts_add_working_hours_golden() -> None:
    start = vn(2025, 4, 25, 9, 15)
    for hours in (0.25, 4, 8, 16, 37.5, 40, 123.75):
        assert CAL.working_hours_between(start, CAL.add_working_hours(start, hours)) == (
            pytest.approx(hours, abs=1e-6)
        )


def test_hundreds_of_working_days_match_whole_day_arithmetic() -> None:
    # 17:00 + n × 8 h must be 17:00 on the n-th working day: the whole-day walk agrees with
    # add_working_days across many holidays and swaps.
    start_day = date(2024, 1, 2)
    start = CAL.end_of_working_day(start_day)
    for n in (1, 5, 22, 250, 600):
        expected = CAL.end_of_working_day(CAL.add_working_days(start_day, n))
        assert CAL.add_working_hours(start, 8 * n) == expected


def test_due_at_with_hours_uses_working_hours() -> None:
    assert CAL.due_at(vn(2025, 4, 25, 17), 40) == vn(2025, 5, 6, 17)


def test_due_at_refuses_negative_allotted_hours() -> None:
    with pytest.raises(ValueError):
        CAL.due_at(vn(2025, 3, 10, 9), -1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_hours(datetime(2025, 3, 10, 9), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_hours_between(datetime(2025, 3, 10, 9), vn(2025, 3, 10, 10))


def test_datetime_passed_as_day_is_refused() -> None:
    with pytest.raises(TypeError):
        CAL.is_working_day(datetime(2025, 4, 30, 9, tzinfo=VN_TZ))


def test_non_finite_hours_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_hours(vn(2025, 3, 10, 9), float("inf"))


# --------------------------------------------------------------------------- office hours


def test_default_office_hours_are_eight_hours_per_day_with_15h_cutoff() -> None:
    hours = OfficeHours()
    assert hours.hours_per_day == 8.0
    assert hours.cutoff == time(15, 0)


def test_custom_office_hours_change_the_arithmetic() -> None:
    hours = OfficeHours(sessions=((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))))
    cal = WorkingCalendar(office_hours=hours)
    assert cal.add_working_hours(vn(2025, 3, 10, 11), 2) == vn(2025, 3, 10, 14, 30)
    assert cal.end_of_working_day(date(2025, 3, 10)) == vn(2025, 3, 10, 17, 30)


@pytest.mark.parametrize(
    "sessions",
    [
        (),
        ((time(11, 0), time(9, 0)),),
        ((time(7, 30), time(11, 30)), (time(11, 0), time(17, 0))),
        ((time(13, 0), time(17, 0)), (time(7, 30), time(11, 30))),
    ],
)
def test_invalid_office_hours_are_refused(sessions: tuple[tuple[time, time], ...]) -> None:
    with pytest.raises(ValueError):
        OfficeHours(sessions=sessions)


# --------------------------------------------------------------------------- overrides


def test_added_day_off_pushes_the_due_date() -> None:
    cal = WorkingCalendar(overrides=CalendarOverrides(days_off=frozenset({date(2025, 3, 11)})))
    assert not cal.is_working_day(date(2025, 3, 11))
    assert CAL.due_at(vn(2025, 3, 10, 17), 8) == vn(2025, 3, 11, 17)
    assert cal.due_at(vn(2025, 3, 10, 17), 8) == vn(2025, 3, 12, 17)


def test_added_working_saturday_pulls_the_due_date_in() -> None:
    cal = WorkingCalendar(overrides=CalendarOverrides(working_days=frozenset({date(2025, 3, 15)})))
    assert cal.is_working_day(date(2025, 3, 15))
    assert CAL.due_at(vn(2025, 3, 14, 17), 8) == vn(2025, 3, 17, 17)
    assert cal.due_at(vn(2025, 3, 14, 17), 8) == vn(2025, 3, 15, 17)
    assert cal.due_at(vn(2025, 3, 14, 16), 0, same_day=True) == vn(2025, 3, 15, 17)


def test_override_working_day_wins_over_a_public_holiday() -> None:
    cal = WorkingCalendar(overrides=CalendarOverrides(working_days=frozenset({date(2025, 5, 2)})))
    assert cal.is_working_day(date(2025, 5, 2))


def test_from_mapping_parses_iso_strings() -> None:
    overrides = CalendarOverrides.from_mapping(
        {
            "_id": "hcm-2027",
            "days_off": ["2027-02-03", " 2027-02-11 "],
            "working_days": ["2027-02-20"],
        }
    )
    assert overrides.days_off == frozenset({date(2027, 2, 3), date(2027, 2, 11)})
    assert overrides.working_days == frozenset({date(2027, 2, 20)})
    cal = WorkingCalendar(overrides=overrides)
    assert not cal.is_working_day(date(2027, 2, 3))
    assert cal.is_working_day(date(2027, 2, 20))


def test_from_mapping_with_missing_keys_is_empty() -> None:
    assert CalendarOverrides.from_mapping({}) == CalendarOverrides()
    assert CalendarOverrides.from_mapping({"days_off": None}) == CalendarOverrides()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"days_off": "2027-02-03"}, TypeError),
        ({"days_off": ["03/02/2027"]}, ValueError),
        ({"working_days": [datetime(2027, 2, 20, tzinfo=UTC)]}, TypeError),
        ({"days_off": ["2027-02-03"], "working_days": ["2027-02-03"]}, ValueError),
    ],
)
def test_from_mapping_refuses_malformed_data(data: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        CalendarOverrides.from_mapping(data)


def test_overrides_store_frozensets_even_from_plain_sets() -> None:
    overrides = CalendarOverrides(days_off={date(2027, 2, 3)})  # type: ignore[arg-type]
    assert isinstance(overrides.days_off, frozenset)
    assert hash(overrides) == hash(CalendarOverrides(days_off=frozenset({date(2027, 2, 3)})))


# --------------------------------------------------------------------------- properties

PROPERTY_SETTINGS = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 6, 30),
    timezones=st.sampled_from([VN_TZ, UTC, ZoneInfo("Europe/Paris")]),
)
positive_hours = st.floats(min_value=1 / 60, max_value=2000, allow_nan=False)
any_hours = st.floats(min_value=0, max_value=2000, allow_nan=False)


@st.composite
def office_instants(draw: st.DrawFn) -> datetime:
    """An instant inside office hours on a working day."""
    day = draw(
        st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 6, 30)).filter(CAL.is_working_day)
    )
    start, end = draw(st.sampled_from(CAL.office_hours.sessions))
    first = datetime.combine(day, start, tzinfo=VN_TZ)
    length = datetime.combine(day, end) - datetime.combine(day, start)
    offset = draw(st.integers(min_value=0, max_value=int(length.total_seconds())))
    return first + timedelta(seconds=offset)


def in_office_hours(moment: datetime) -> bool:
    local = moment.astimezone(VN_TZ)
    if not CAL.is_working_day(local.date()):
        return False
    wall = local.time()
    return any(start <= wall <= end for start, end in CAL.office_hours.sessions)


@PROPERTY_SETTINGS
@given(start=instants, hours=positive_hours)
def test_adding_working_hours_lands_on_a_working_day_inside_office_hours(
    start: datetime, hours: float
) -> None:
    result = CAL.add_working_hours(start, hours)
    assert result > start
    assert in_office_hours(result)


@PROPERTY_SETTINGS
@given(start=instants, first=any_hours, second=any_hours)
def test_adding_working_hours_is_monotonic_in_hours(
    start: datetime, first: float, second: float
) -> None:
    low, high = sorted((first, second))
    assert CAL.add_working_hours(start, low) <= CAL.add_working_hours(start, high)


@PROPERTY_SETTINGS
@given(first=instants, second=instants, hours=any_hours)
def test_adding_working_hours_is_monotonic_in_start(
    first: datetime, second: datetime, hours: float
) -> None:
    early, late = sorted((first, second))
    assert CAL.add_working_hours(early, hours) <= CAL.add_working_hours(late, hours)


@PROPERTY_SETTINGS
@given(start=office_instants(), hours=any_hours)
def test_working_hours_between_inverts_add_working_hours(start: datetime, hours: float) -> None:
    end = CAL.add_working_hours(start, hours)
    assert CAL.working_hours_between(start, end) == pytest.approx(hours, abs=1e-6)


@PROPERTY_SETTINGS
@given(start=office_instants(), hours=positive_hours)
def test_subtracting_working_hours_inverts_adding_them(start: datetime, hours: float) -> None:
    back = CAL.add_working_hours(start, -hours)
    assert CAL.working_hours_between(back, start) == pytest.approx(hours, abs=1e-6)


@PROPERTY_SETTINGS
@given(first=instants, second=instants)
def test_working_hours_between_is_antisymmetric(first: datetime, second: datetime) -> None:
    assert CAL.working_hours_between(first, second) == -CAL.working_hours_between(second, first)


@PROPERTY_SETTINGS
@given(accepted=instants, hours=any_hours, same_day=st.booleans())
def test_due_time_is_never_before_acceptance(
    accepted: datetime, hours: float, same_day: bool
) -> None:
    assert CAL.due_at(accepted, hours, same_day=same_day) >= accepted
