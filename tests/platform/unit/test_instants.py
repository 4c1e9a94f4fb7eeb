"""One way to take in an instant: aware, Vietnam time, whole milliseconds; naive input typed by a
person is refused naming the field, naive input read from storage is UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import refusal_error
from motcua_platform.instants import InvalidTime, at_rest, instant, iso, stored_instant


def test_a_supplied_instant_is_normalised_to_vietnam_time_and_milliseconds() -> None:
    value = instant(datetime(2026, 3, 2, 2, 0, 0, 123_456, tzinfo=UTC), "new_due_at")
    assert value == datetime(2026, 3, 2, 9, 0, 0, 123_000, tzinfo=VN_TZ)
    assert value.utcoffset() == VN_TZ.utcoffset(value)


def test_a_naive_supplied_instant_is_a_422_naming_the_field() -> None:
    with pytest.raises(InvalidTime) as refused:
        instant(datetime(2026, 3, 2, 9), "new_due_at")
    error = refusal_error(refused.value)
    assert error.status == 422 and error.details["field"] == "new_due_at"
    with pytest.raises(InvalidTime):
        instant(None, "at")


def test_stored_values_are_utc_when_naive() -> None:
    naive_utc = datetime(2026, 3, 2, 2, 0)
    assert at_rest(naive_utc) == datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
    assert stored_instant("2026-03-02T02:00:00+00:00") == at_rest(naive_utc)
    assert stored_instant(None) is None
    assert iso(naive_utc) == "2026-03-02T09:00:00+07:00" and iso(None) is None
