"""Lịch làm việc — the legal working-day calendar used to compute thời hạn giải quyết.

Deadlines for thủ tục hành chính are counted in *ngày làm việc* / *giờ làm việc*
(8 working hours = 1 working day): weekends (QĐ 188/1999/QĐ-TTg, 5-day week), public holidays
(Bộ luật Lao động 2019, Điều 112, including lunar Tết and Giỗ Tổ Hùng Vương) and the
Government's announced day swaps (hoán đổi ngày làm việc) are excluded; swapped Saturdays count.

The statutory part comes from the ``holidays`` package; :class:`CalendarOverrides` adds or
removes days per year and per unit without a release, and :class:`CalendarProvider` gives each
unit its calendar (the one way every service obtains one). The arithmetic is pure: no I/O
besides reading the ``holidays`` data and the overrides file, no clock reads — callers pass
every instant explicitly.
"""

from motcua_platform.calendar._config import VN_TZ, CalendarOverrides, OfficeHours
from motcua_platform.calendar._provider import CalendarProvider
from motcua_platform.calendar._working import WorkingCalendar

__all__ = ["VN_TZ", "CalendarOverrides", "CalendarProvider", "OfficeHours", "WorkingCalendar"]
