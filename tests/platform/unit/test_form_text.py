"""Golden wording of the printed forms, the same in every service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua_platform.calendar import VN_TZ
from motcua_platform.form_text import (
    BLANK,
    long_date,
    money,
    place_date,
    short_date,
    short_datetime,
    time_and_date,
    working_time,
)

MOMENT = datetime(2024, 4, 25, 2, 5, tzinfo=UTC)  # 09:05 in Vietnam


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (24, "03 ngày làm việc"),
        (120, "15 ngày làm việc"),
        (12, "1,5 ngày làm việc"),
        (4, "0,5 ngày làm việc"),
        (2, "02 giờ làm việc"),
        (1.5, "1,5 giờ làm việc"),
    ],
)
def test_working_time_is_written_as_the_legal_texts_write_it(hours: float, text: str) -> None:
    assert working_time(hours) == text


def test_same_day_procedures_have_their_own_wording() -> None:
    assert working_time(8, same_day=True).startswith("Trong ngày")


def test_times_print_in_vietnam_time() -> None:
    assert time_and_date(MOMENT) == "09 giờ 05 phút, ngày 25/04/2024"
    assert short_date(MOMENT) == "25/04/2024"
    assert short_datetime(MOMENT) == "25/04/2024 09:05"
    assert long_date(MOMENT) == "ngày 25 tháng 04 năm 2024"
    assert place_date(MOMENT, "Đắk Lắk") == "Đắk Lắk, ngày 25 tháng 04 năm 2024"
    assert place_date(MOMENT.astimezone(VN_TZ), None) == "Ngày 25 tháng 04 năm 2024"


def test_unknown_values_leave_the_blank_of_the_paper_form() -> None:
    assert time_and_date(None) == f"{BLANK} giờ {BLANK} phút, ngày {BLANK}/{BLANK}/{BLANK}"
    assert short_date(None) == BLANK and short_datetime(None) == ""


def test_money_groups_thousands_with_dots() -> None:
    assert money(1_250_000) == "1.250.000 đồng"
