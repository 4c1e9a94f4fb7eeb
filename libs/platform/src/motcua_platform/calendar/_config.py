"""Configuration values of a working calendar: time zone, office hours and day overrides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class OfficeHours:
    """Giờ làm việc of a receiving unit, as wall-clock times in the calendar's time zone.

    The default is the common 07:30–11:30, 13:00–17:00 (8 working hours, so 1 ngày làm việc =
    8 giờ and 0.5 ngày = one session). ``cutoff`` is the 15:00 rule for thủ tục giải quyết trong
    ngày: a dossier received after it gets its result on the next working day.
    """

    sessions: tuple[tuple[time, time], ...] = (
        (time(7, 30), time(11, 30)),
        (time(13, 0), time(17, 0)),
    )
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        # Validated here because a bad configuration would otherwise surface much later as
        # wrong due dates (or, with no office time at all, as a calculation that never ends).
        if not self.sessions:
            raise ValueError("OfficeHours needs at least one session")
        previous_end: time | None = None
        for session in self.sessions:
            if len(session) != 2:
                raise ValueError(f"a session is a (start, end) pair, got {session!r}")
            start, end = session
            for value in (start, end):
                if not isinstance(value, time) or value.tzinfo is not None:
                    raise ValueError(f"session times must be naive datetime.time, got {value!r}")
            if start >= end:
                raise ValueError(f"session {start}–{end} must start before it ends")
            if previous_end is not None and start < previous_end:
                raise ValueError("sessions must be in order and must not overlap")
            previous_end = end
        if not isinstance(self.cutoff, time) or self.cutoff.tzinfo is not None:
            raise ValueError(f"cutoff must be a naive datetime.time, got {self.cutoff!r}")

    @property
    def hours_per_day(self) -> float:
        """Working hours in one full working day (8.0 for the default sessions)."""
        return sum(_seconds(end) - _seconds(start) for start, end in self.sessions) / 3600


def _seconds(value: time) -> float:
    """Seconds since midnight of a wall-clock time."""
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


@dataclass(frozen=True)
class CalendarOverrides:
    """Days added or removed without a release, per year and per unit (e.g. a newly announced swap,
    Saturday-morning reception at Công an xã).

    ``days_off`` become non-working even if the law says otherwise (a late-announced nghỉ bù);
    ``working_days`` become working even on a weekend or holiday (a hoán đổi Saturday the
    ``holidays`` package does not know yet). A date may not be in both.
    """

    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable of dates but store frozensets, so the value stays hashable and
        # immutable whatever the caller passed.
        object.__setattr__(self, "days_off", _date_set(self.days_off, "days_off"))
        object.__setattr__(self, "working_days", _date_set(self.working_days, "working_days"))
        both = self.days_off & self.working_days
        if both:
            listed = ", ".join(sorted(day.isoformat() for day in both))
            raise ValueError(f"dates both off and working: {listed}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CalendarOverrides:
        """Build overrides from stored data.

        Shape: ``{"days_off": ["2027-02-03", ...], "working_days": ["2027-02-20", ...]}``.
        Values are ISO dates (``YYYY-MM-DD``) or ``datetime.date``; a missing or ``None`` key
        means no dates. Other keys (``_id``, ``unit``, ``year`` of a stored document) are ignored.
        """
        return cls(
            days_off=_parse_dates(data.get("days_off"), "days_off"),
            working_days=_parse_dates(data.get("working_days"), "working_days"),
        )


def _date_set(values: Iterable[date], field: str) -> frozenset[date]:
    """``values`` as a frozenset, refusing anything that is not a plain date."""
    result = frozenset(values)
    for value in result:
        # datetime is a subclass of date but never equal to one, so it would silently not match.
        if not isinstance(value, date) or isinstance(value, datetime):
            raise TypeError(f"{field} must contain datetime.date values, got {value!r}")
    return result


def _parse_dates(raw: Any, field: str) -> frozenset[date]:
    """Parse a list of ISO date strings (or dates) from a mapping value."""
    if raw is None:
        return frozenset()
    # A bare string is iterable too; iterating it would yield characters, not dates.
    if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
        raise TypeError(f"{field} must be a list of ISO dates, got {raw!r}")
    parsed: set[date] = set()
    for item in raw:
        if isinstance(item, str):
            try:
                parsed.add(date.fromisoformat(item.strip()))
            except ValueError as exc:
                raise ValueError(f"{field}: {item!r} is not an ISO date (YYYY-MM-DD)") from exc
        elif isinstance(item, date) and not isinstance(item, datetime):
            parsed.add(item)
        else:
            raise TypeError(f"{field} must contain ISO date strings, got {item!r}")
    return frozenset(parsed)
