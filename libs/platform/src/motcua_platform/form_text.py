"""How dates, times, money and legal times are written on the printed forms (Mẫu 01–07), the same
way in every service: ``09 giờ 05 phút, ngày 25/04/2024``, ``03 ngày làm việc``, ``50.000 đồng``.

Forms are read in Vietnam: a stored UTC instant prints as the Vietnamese wall-clock time. A value
not known yet prints as the dotted blank the paper forms leave for handwriting.
"""

from __future__ import annotations

from datetime import datetime

from motcua_platform.calendar import VN_TZ
from motcua_platform.timeliness import HOURS_PER_WORKING_DAY

__all__ = [
    "BLANK",
    "long_date",
    "money",
    "place_date",
    "short_date",
    "short_datetime",
    "time_and_date",
    "working_time",
]

BLANK = "……"
# Thủ tục giải quyết trong ngày: received after 15:00, returned the next working day.
SAME_DAY_TEXT = "Trong ngày (nhận sau 15 giờ trả trong ngày làm việc tiếp theo)"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(VN_TZ)


def time_and_date(moment: datetime | None) -> str:
    """``09 giờ 05 phút, ngày 25/04/2024`` — the "… giờ … phút, ngày …/…/…" of the forms."""
    if moment is None:
        return f"{BLANK} giờ {BLANK} phút, ngày {BLANK}/{BLANK}/{BLANK}"
    local = _local(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def short_date(moment: datetime | None) -> str:
    """``25/04/2024``."""
    return BLANK if moment is None else f"{_local(moment):%d/%m/%Y}"


def short_datetime(moment: datetime | None) -> str:
    """``25/04/2024 09:05`` — for the cells of the tracking book."""
    return "" if moment is None else f"{_local(moment):%d/%m/%Y %H:%M}"


def long_date(moment: datetime | None) -> str:
    """``ngày 25 tháng 04 năm 2024`` — the date of an official letter."""
    if moment is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    local = _local(moment)
    return f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def place_date(moment: datetime, place: str | None) -> str:
    """``Đắk Lắk, ngày 05 tháng 10 năm 2026`` — the line under the national motto."""
    when = long_date(moment)
    return f"{place}, {when}" if place else when.capitalize()


def money(amount: int) -> str:
    """``50.000 đồng`` — thousands grouped with dots, as Vietnamese amounts are written."""
    return f"{amount:,} đồng".replace(",", ".")


def working_time(hours: float, *, same_day: bool = False) -> str:
    """A legal or spent time as the forms write it: ``03 ngày làm việc`` (two digits, as the
    legal texts write a count of days), ``1,5 ngày làm việc`` (decimal comma), ``04 giờ làm
    việc`` below half a day, or the same-day wording."""
    if same_day:
        return SAME_DAY_TEXT
    if hours < HOURS_PER_WORKING_DAY / 2:
        return f"{_count(hours)} giờ làm việc"
    return f"{_count(hours / HOURS_PER_WORKING_DAY)} ngày làm việc"


def _count(value: float) -> str:
    if value == int(value):
        return f"{int(value):02d}"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
