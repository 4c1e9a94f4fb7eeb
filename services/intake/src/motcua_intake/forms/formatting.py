"""How dates, times, money and legal times are written on Vietnamese administrative forms."""

from __future__ import annotations

from datetime import datetime

from motcua_platform.calendar import VN_TZ
from motcua_platform.timeliness import HOURS_PER_WORKING_DAY


def time_text(moment: datetime) -> str:
    """``15 giờ 20 phút, ngày 05/10/2026`` — the wording of Mẫu 01, items 4 and 5."""
    local = moment.astimezone(VN_TZ)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {local:%d/%m/%Y}"


def place_date_text(moment: datetime, place: str | None) -> str:
    """``Đắk Lắk, ngày 05 tháng 10 năm 2026`` — the line under the national motto."""
    local = moment.astimezone(VN_TZ)
    when = f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"
    return f"{place}, {when}" if place else when.capitalize()


def money_text(amount: int) -> str:
    """``200.000 đồng``: Vietnamese writes thousands with dots."""
    return f"{amount:,} đồng".replace(",", ".")


def legal_time_text(hours: float, same_day: bool) -> str:
    """Thời gian giải quyết theo quy định: ``Trong ngày`` or ``03 ngày làm việc``/``0,5 ngày``."""
    if same_day:
        return "Trong ngày (nhận sau 15 giờ trả trong ngày làm việc tiếp theo)"
    days = hours / HOURS_PER_WORKING_DAY
    if days == int(days):
        return f"{int(days):02d} ngày làm việc"
    return f"{days:g} ngày làm việc".replace(".", ",")
