"""The working calendar: working days, working-hour arithmetic and legal due times."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from motcua_platform.calendar._config import VN_TZ, CalendarOverrides, OfficeHours
from motcua_platform.calendar._statutory import is_statutory_working_day

_ONE_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)
_US_PER_HOUR = 3_600_000_000
# No real calendar goes this long without a working day; the bound turns a misconfiguration
# into an error instead of an endless loop.
_MAX_DAYS_WITHOUT_WORK = 3660

_DEFAULT_OFFICE_HOURS = OfficeHours()
_NO_OVERRIDES = CalendarOverrides()


def _us(delta: timedelta) -> int:
    """A timedelta in whole microseconds (exact integer arithmetic, no float drift)."""
    return delta // _MICROSECOND


class WorkingCalendar:
    """Lịch làm việc: the working days and office hours against which thời hạn is counted.

    A day is a working day when it is Mon–Fri and not a public holiday or nghỉ bù (from
    ``holidays.country_holidays("VN")``), or a Saturday swapped into a working day (the package's
    ``weekend_workdays``); ``overrides`` are applied last. Working time is the wall-clock time in
    ``tz`` that falls inside ``office_hours`` on working days.

    All instants passed in must be timezone-aware (any zone); instants returned are in ``tz``.
    Naive datetimes are refused because guessing their zone (UTC from the database? local
    from a form?) would shift deadlines by seven hours.
    """

    def __init__(
        self,
        office_hours: OfficeHours = _DEFAULT_OFFICE_HOURS,
        overrides: CalendarOverrides = _NO_OVERRIDES,
        tz: ZoneInfo = VN_TZ,
    ) -> None:
        """Create a calendar for one unit (đơn vị tiếp nhận) with its hours and overrides."""
        self._office_hours = office_hours
        self._overrides = overrides
        self._tz = tz
        self._sessions = office_hours.sessions
        self._day_us = sum(
            _us(datetime.combine(date.min, end) - datetime.combine(date.min, start))
            for start, end in self._sessions
        )
        # Deadline arithmetic asks about the same days over and over; remember the answers.
        self._working_day_cache: dict[date, bool] = {}

    @property
    def office_hours(self) -> OfficeHours:
        """The unit's office hours."""
        return self._office_hours

    @property
    def overrides(self) -> CalendarOverrides:
        """The days added or removed on top of the statutory calendar."""
        return self._overrides

    @property
    def tz(self) -> ZoneInfo:
        """The time zone in which office hours are read and results are returned."""
        return self._tz

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(office_hours={self._office_hours!r}, "
            f"overrides={self._overrides!r}, tz={self._tz!r})"
        )

    # ----------------------------------------------------------------------------- days

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a ngày làm việc for this unit.

        Mon–Fri minus VN public holidays and nghỉ bù, plus officially swapped working Saturdays,
        then ``overrides`` (days off removed, extra working days added).
        """
        _check_day(day)
        cached = self._working_day_cache.get(day)
        if cached is None:
            if day in self._overrides.days_off:
                cached = False
            elif day in self._overrides.working_days:
                cached = True
            else:
                cached = is_statutory_working_day(day)
            self._working_day_cache[day] = cached
        return cached

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self._step_to_working_day(day, _ONE_DAY)

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself need not be a working day).

        E.g. Fri 25/04/2025 + 5 = Tue 06/05/2025: Sat 26/04 was swapped into a working day and
        30/04–02/05 are off. ``n == 0`` returns ``day``; a negative ``n`` counts backwards.
        """
        _check_day(day)
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        for _ in range(abs(n)):
            day = self._step_to_working_day(day, step)
        return day

    def _step_to_working_day(self, day: date, step: timedelta) -> date:
        """The nearest working day strictly after (or before, for a negative step) ``day``."""
        _check_day(day)
        candidate = day
        for _ in range(_MAX_DAYS_WITHOUT_WORK):
            candidate += step
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_DAYS_WITHOUT_WORK} days of {day}")

    def end_of_working_day(self, day: date) -> datetime:
        """Close of the last session of ``day`` (e.g. 17:00), timezone-aware in ``tz``.

        It does not check that ``day`` is a working day.
        """
        _check_day(day)
        return datetime.combine(day, self._sessions[-1][1], tzinfo=self._tz)

    # ----------------------------------------------------------------------------- hours

    def is_office_time(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in a session of a working day (both ends included: a due
        time of 17:00 or 11:30 is the end of a session, still office time)."""
        local = self._to_local(moment)
        if not self.is_working_day(local.date()):
            return False
        return any(start <= local <= end for start, end in self._session_bounds(local.date()))

    def next_office_time(self, moment: datetime) -> datetime:
        """``moment`` itself if it is office time, else the start of the next session of a
        working day — the nearest instant an office can be asked to be open."""
        if self.is_office_time(moment):
            return moment
        local = self._to_local(moment)
        day = local.date()
        if self.is_working_day(day):
            for start, _ in self._session_bounds(day):
                if start > local:
                    return self._from_local(start)
        first = self.next_working_day(day)
        return self._from_local(datetime.combine(first, self._sessions[0][0]))

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant at which ``hours`` giờ làm việc have elapsed counting from ``start``.

        Outside office hours, counting begins at the next session start. A result that lands
        exactly on the end of a session stays there (11:30 or 17:00), it is not moved to the
        next session. ``hours == 0`` returns ``start`` unchanged. A negative ``hours`` counts
        backwards (landing exactly on a session start stays there), so that
        ``working_hours_between(add_working_hours(t, -h), t) == h``.
        """
        local = self._to_local(start)
        if not math.isfinite(hours):
            raise ValueError(f"hours must be finite, got {hours!r}")
        if hours == 0:
            return start
        # Count in integer microseconds so that long sums do not drift.
        amount = round(abs(hours) * _US_PER_HOUR)
        if hours > 0:
            return self._from_local(self._forward(local, amount))
        return self._from_local(self._backward(local, amount))

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Giờ làm việc between two instants; negative if ``end`` is before ``start``."""
        local_start = self._to_local(start)
        local_end = self._to_local(end)
        if end < start:
            return -self._office_us(local_end, local_start) / _US_PER_HOUR
        return self._office_us(local_start, local_end) / _US_PER_HOUR

    def due_at(
        self, accepted_at: datetime, allotted_hours: float, *, same_day: bool = False
    ) -> datetime:
        """Thời hạn (legal due time) of a dossier accepted (tiếp nhận hợp lệ) at ``accepted_at``.

        ``same_day`` procedures (giải quyết "trong ngày"/"ngay"): due at the end of the
        acceptance day if accepted on a working day at or before the cut-off (15:00), otherwise at
        the end of the next working day; ``allotted_hours`` is then ignored. Otherwise the due
        time is ``allotted_hours`` working hours after acceptance; acceptance outside office hours
        (online at 22:00, on Sunday) starts counting at the next working session.
        """
        if same_day:
            local = self._to_local(accepted_at)
            day = local.date()
            if self.is_working_day(day) and local.time() <= self._office_hours.cutoff:
                return self.end_of_working_day(day)
            return self.end_of_working_day(self.next_working_day(day))
        if allotted_hours < 0:
            raise ValueError(f"allotted_hours must not be negative, got {allotted_hours!r}")
        return self.add_working_hours(accepted_at, allotted_hours)

    # ----------------------------------------------------------------------------- internals
    # These work on naive wall-clock datetimes in ``tz``: office hours are wall-clock times,
    # and naive arithmetic keeps a session's length fixed whatever the zone does.

    def _to_local(self, moment: datetime) -> datetime:
        """``moment`` as a naive wall-clock datetime in ``tz``; refuses naive input."""
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {moment!r}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"datetime must be timezone-aware, got naive {moment!r}")
        return moment.astimezone(self._tz).replace(tzinfo=None)

    def _from_local(self, local: datetime) -> datetime:
        """A naive wall-clock datetime in ``tz`` as an aware datetime."""
        return local.replace(tzinfo=self._tz)

    def _session_bounds(self, day: date) -> list[tuple[datetime, datetime]]:
        """The sessions of ``day`` as naive datetimes."""
        return [
            (datetime.combine(day, start), datetime.combine(day, end))
            for start, end in self._sessions
        ]

    def _forward(self, cursor: datetime, remaining: int) -> datetime:
        """Walk forward from ``cursor`` until ``remaining`` µs of office time have elapsed."""
        day = cursor.date()
        first_start = self._sessions[0][0]
        idle_days = 0
        while idle_days < _MAX_DAYS_WITHOUT_WORK:
            idle_days += 1
            if self.is_working_day(day):
                idle_days = 0
                if cursor <= datetime.combine(day, first_start) and remaining > self._day_us:
                    # The whole day is consumed: skip the per-session work.
                    remaining -= self._day_us
                else:
                    for session_start, session_end in self._session_bounds(day):
                        if session_end <= cursor:
                            continue
                        begin = max(session_start, cursor)
                        available = _us(session_end - begin)
                        # ``<=`` keeps a result that lands on a session end at that end.
                        if remaining <= available:
                            return begin + timedelta(microseconds=remaining)
                        remaining -= available
            day += _ONE_DAY
            cursor = datetime.combine(day, time.min)
        raise ValueError("no working time found; check the overrides")

    def _backward(self, cursor: datetime, remaining: int) -> datetime:
        """Walk backward from ``cursor`` until ``remaining`` µs of office time have elapsed."""
        day = cursor.date()
        last_end = self._sessions[-1][1]
        idle_days = 0
        while idle_days < _MAX_DAYS_WITHOUT_WORK:
            idle_days += 1
            if self.is_working_day(day):
                idle_days = 0
                if cursor >= datetime.combine(day, last_end) and remaining > self._day_us:
                    remaining -= self._day_us
                else:
                    for session_start, session_end in reversed(self._session_bounds(day)):
                        if session_start >= cursor:
                            continue
                        end = min(session_end, cursor)
                        available = _us(end - session_start)
                        if remaining <= available:
                            return end - timedelta(microseconds=remaining)
                        remaining -= available
            # The previous day is seen from its following midnight, i.e. after all its sessions.
            cursor = datetime.combine(day, time.min)
            day -= _ONE_DAY
        raise ValueError("no working time found; check the overrides")

    def _office_us(self, start: datetime, end: datetime) -> int:
        """Office time in µs between naive local ``start <= end``."""
        total = 0
        day = start.date()
        first_start, last_end = self._sessions[0][0], self._sessions[-1][1]
        while day <= end.date():
            if self.is_working_day(day):
                if (
                    start <= datetime.combine(day, first_start)
                    and datetime.combine(day, last_end) <= end
                ):
                    total += self._day_us
                else:
                    for session_start, session_end in self._session_bounds(day):
                        overlap = _us(min(session_end, end) - max(session_start, start))
                        if overlap > 0:
                            total += overlap
            day += _ONE_DAY
        return total


def _check_day(day: date) -> None:
    """Refuse datetimes where a date is expected: they hash differently and never match."""
    if not isinstance(day, date) or isinstance(day, datetime):
        raise TypeError(f"expected a datetime.date, got {day!r}")
