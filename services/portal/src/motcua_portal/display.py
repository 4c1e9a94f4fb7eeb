"""How the portal writes things for citizens: Vietnamese, NFC, dd/mm/yyyy in Vietnam time."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

import motcua_platform.form_text as form_text
from motcua_platform.calendar import VN_TZ

ONLINE_LEVELS = {
    "toan_trinh": "Trực tuyến toàn trình — nộp, xử lý và nhận kết quả hoàn toàn trên mạng",
    "mot_phan": "Trực tuyến một phần — có bước phải đến nộp bản chính hoặc nhận kết quả giấy",
}
COMPETENT_LEVELS = {"commune": "UBND cấp xã", "province": "Cơ quan cấp tỉnh"}


def nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", str(text)) if text is not None else ""


def date_vn(value: str | datetime | None) -> str:
    if not value:
        return ""
    return form_text.short_date(datetime.fromisoformat(value) if isinstance(value, str) else value)


def datetime_vn(value: str | datetime | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(VN_TZ).strftime("%H:%M %d/%m/%Y")


def money_vn(amount: int | float | None) -> str:
    if not amount:
        return "Không thu phí"
    return form_text.money(int(amount))


def days_vn(days: float | None) -> str:
    if days is None:
        return ""
    if days <= 1:
        return "Trong ngày làm việc" if days == 1 else f"{days:g} ngày làm việc"
    return f"{days:g} ngày làm việc"


def size_vn(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
