"""How figures and instants read on screen: Vietnamese text (NFC), dates ``dd/mm/yyyy`` and times
in Vietnam time, the colour of a deadline, and the commune's sentence of "02 không, 03 nhất"."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

import motcua_platform.form_text as form_text
from motcua_platform.calendar import VN_TZ
from motcua_platform.timeliness import TIMELINESS_LABELS as LEGAL_TIMELINESS_LABELS

GENDERS = {"male": "Nam", "female": "Nữ"}
FORMS = {
    "original": "Bản chính",
    "certified_copy": "Bản sao chứng thực",
    "photocopy": "Bản photo",
    "electronic": "Bản điện tử",
}
CHANNELS = {"counter": "Trực tiếp", "online": "Trực tuyến", "postal": "Bưu chính"}
ROLES = {
    "receiver": "Tiếp nhận và trả kết quả",
    "specialist": "Chuyên viên xử lý",
    "leader": "Lãnh đạo",
    "admin": "Quản trị",
    "auditor": "Kiểm tra",
}
ACTIONS = {
    "complete_step": "Hoàn thành bước",
    "resolve": "Giải quyết xong",
    "return": "Trả kết quả",
    "stop": "Dừng giải quyết",
}
SOURCES = {"registry": "CSDL quốc gia về dân cư", "earlier_dossier": "Hồ sơ trước đây"}
FIELD_LABELS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "gender": "Giới tính",
    "address": "Nơi cư trú",
    "residence_unit": "Mã đơn vị cư trú",
    "phone": "Điện thoại",
    "email": "Thư điện tử",
    "marital_status": "Tình trạng hôn nhân",
}
MARITAL = {"single": "Độc thân", "married": "Đã kết hôn", "divorced": "Ly hôn", "widowed": "Góa"}


def nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def parse_instant(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.astimezone(VN_TZ)


def day(value: str | datetime | None) -> str:
    """``dd/mm/yyyy`` of the Vietnamese date; a bare ``YYYY-MM-DD`` is a date already."""
    if isinstance(value, str) and len(value) == 10:
        return f"{date.fromisoformat(value):%d/%m/%Y}"
    at = parse_instant(value)
    return "" if at is None else form_text.short_date(at)


def moment(value: str | datetime | None) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time, as the tracking book writes it."""
    return form_text.short_datetime(parse_instant(value))


def field_value(name: str, value: Any) -> str:
    if name == "date_of_birth":
        return day(value)
    if name == "gender":
        return GENDERS.get(value, nfc(value))
    if name == "marital_status":
        return MARITAL.get(value, nfc(value))
    return nfc(value)


def money(amount: int | float | None) -> str:
    """``8.000 đồng``, as the printed forms write amounts."""
    return "" if amount is None else form_text.money(int(amount))


def working_time(hours: float, same_day: bool = False) -> str:
    """``03 ngày làm việc``, as the printed forms write a legal time."""
    return form_text.working_time(hours, same_day=same_day)


def deadline_state(state: str | None, due_soon: bool | None) -> str:
    """The colour of a queue line or case: overdue, due within a working day, or within. Both
    judgements are the workflow service's (its unit's working calendar), never the console's."""
    if state == "overdue":
        return "overdue"
    return "due-soon" if due_soon else "within"


STATE_LABELS = {
    "overdue": "Quá hạn",
    "due-soon": "Đến hạn trong 1 ngày làm việc",
    "within": "Trong hạn",
}
TIMELINESS_LABELS = {t.value: label for t, label in LEGAL_TIMELINESS_LABELS.items()}


def percent(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    value = round(ratio * 100, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def commune_sentence(summary: dict[str, Any], ratings: dict[str, Any]) -> str:
    """ "50 hồ sơ: 43 trước hạn, 4 đúng hạn, 3 đang trong hạn; 99% hài lòng" — the dossiers the
    unit dealt with in the period (finished or still open) and the satisfaction rate."""
    finished = summary.get("finished", {})
    still_open = summary.get("open", {})
    early, on_time, late = (
        finished.get("early", 0),
        finished.get("on_time", 0),
        finished.get("late", 0),
    )
    within, overdue = still_open.get("within", 0), still_open.get("overdue", 0)
    total = early + on_time + late + within + overdue
    parts = [f"{early} trước hạn", f"{on_time} đúng hạn"]
    if late:
        parts.append(f"{late} quá hạn")
    parts.append(f"{within} đang trong hạn")
    if overdue:
        parts.append(f"{overdue} đang quá hạn")
    rate = ratings.get("satisfaction_rate")
    satisfied = f"{percent(rate)} hài lòng" if rate is not None else "chưa có đánh giá hài lòng"
    return nfc(f"{total} hồ sơ: {', '.join(parts)}; {satisfied}")
