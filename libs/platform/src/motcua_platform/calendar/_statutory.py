"""Statutory working days in Vietnam, read from the ``holidays`` package and cached per year."""

from __future__ import annotations

import functools
from datetime import MAXYEAR, MINYEAR, date

import holidays

# Thứ Bảy (5) and Chủ nhật (6): the 5-day week for state bodies (QĐ 188/1999/QĐ-TTg).
_WEEKEND = frozenset({5, 6})


@functools.cache
def _year_data(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Days off and swapped working weekend days published for ``year``.

    Built once per year: a ``holidays`` object for a single year costs milliseconds, which is
    far too slow to repeat per looked-up day. The results are copied into frozensets so that the
    cached value cannot be mutated by callers or by the package auto-expanding other years.
    """
    if not MINYEAR <= year <= MAXYEAR:
        return frozenset(), frozenset()
    vn = holidays.country_holidays("VN", years=year)
    return frozenset(vn.keys()), frozenset(vn.weekend_workdays)


def is_statutory_working_day(day: date) -> bool:
    """Whether ``day`` is a working day by law and Government notices, before any override.

    Mon–Fri minus ngày lễ/Tết, nghỉ bù and the weekday side of a hoán đổi; plus the Saturday
    that was swapped into a working day.
    """
    if day.weekday() in _WEEKEND:
        # A swap may move work onto a Saturday of the neighbouring year (e.g. Sat 27/12/2014 was
        # worked for the day off on 02/01/2015, and is listed under 2015), so look at the year
        # before and after too.
        return any(day in _year_data(year)[1] for year in (day.year - 1, day.year, day.year + 1))
    return day not in _year_data(day.year)[0]
