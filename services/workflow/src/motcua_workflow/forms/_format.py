"""How times, durations and results are written on Vietnamese administrative forms."""

from __future__ import annotations

from datetime import datetime

from motcua_platform.calendar import VN_TZ
from motcua_platform.timeliness import TIMELINESS_LABELS, Timeliness

BLANK = "……"


def _local(moment: datetime) -> datetime:
    # Forms are read in Vietnam; a stored UTC instant must print as the local wall-clock time.
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
    """``25/04/2024 09:05`` — for the tracking book's cells."""
    return "" if moment is None else f"{_local(moment):%d/%m/%Y %H:%M}"


def long_date(moment: datetime | None) -> str:
    """``ngày 25 tháng 04 năm 2024`` — the place-and-date line of an official letter."""
    if moment is None:
        return f"ngày {BLANK} tháng {BLANK} năm {BLANK}"
    local = _local(moment)
    return f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def working_duration(hours: float, hours_per_day: float = 8.0) -> str:
    """``3 ngày làm việc``, ``1,5 ngày làm việc`` or ``4 giờ làm việc`` (decimal comma)."""
    if hours >= hours_per_day:
        return f"{_number(hours / hours_per_day)} ngày làm việc"
    return f"{_number(hours)} giờ làm việc"


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def money(amount: int) -> str:
    """``50.000 đồng`` — thousands grouped with dots, as Vietnamese amounts are written."""
    return f"{amount:,} đồng".replace(",", ".")


def timeliness_label(value: Timeliness | str | None) -> str:
    """Trước hạn / Đúng hạn / Quá hạn."""
    return "" if value is None else TIMELINESS_LABELS[Timeliness(value)]


FILTERS = {
    "time_and_date": time_and_date,
    "short_date": short_date,
    "long_date": long_date,
    "working_duration": working_duration,
    "money": money,
    "timeliness_label": timeliness_label,
}
