"""The filters the printed forms' templates use: the platform's one form wording, plus the
timeliness label of the control sheet."""

from __future__ import annotations

from typing import Any

from motcua_platform.form_text import (
    BLANK,
    long_date,
    money,
    short_date,
    short_datetime,
    time_and_date,
    working_time,
)
from motcua_platform.timeliness import TIMELINESS_LABELS, Timeliness

__all__ = ["BLANK", "FILTERS", "short_date", "short_datetime", "timeliness_label"]


def timeliness_label(value: Timeliness | str | None) -> str:
    """Trước hạn / Đúng hạn / Quá hạn."""
    return "" if value is None else TIMELINESS_LABELS[Timeliness(value)]


FILTERS: dict[str, Any] = {
    "time_and_date": time_and_date,
    "short_date": short_date,
    "long_date": long_date,
    "working_duration": working_time,
    "money": money,
    "timeliness_label": timeliness_label,
}
