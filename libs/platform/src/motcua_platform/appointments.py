"""Instants a person types that become a deadline or an appointment (ngày hẹn trả, hạn mới khi
gia hạn) must be a time the office is open: within the office hours of a working day of the unit
that keeps the appointment. A citizen told to come back on mùng 1 Tết, or at 22:00, is told
something the office cannot honour.
"""

from __future__ import annotations

from datetime import datetime

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.errors import Refusal


class OutsideOfficeHours(Refusal):
    """The instant is not within the office hours of a working day; ``next_valid`` is the
    nearest instant that is."""

    def __init__(self, field: str, moment: datetime, next_valid: datetime) -> None:
        shown = next_valid.astimezone(VN_TZ)
        super().__init__(
            "outside_office_hours",
            f"{field} ({moment.astimezone(VN_TZ).isoformat()}) is not within the office hours "
            f"of a working day; the next valid instant is {shown.isoformat()}",
            field=field,
            details={"next_valid": shown.isoformat()},
        )
        self.next_valid = shown


def require_office_time(calendar: WorkingCalendar, moment: datetime, field: str) -> datetime:
    """``moment`` if the unit's office is open then; else :class:`OutsideOfficeHours` naming
    ``field`` and the next valid instant."""
    if not calendar.is_office_time(moment):
        raise OutsideOfficeHours(field, moment, calendar.next_office_time(moment))
    return moment
