"""Checking a tracking book (Mẫu 07) line by line before importing it as history."""

from __future__ import annotations

from datetime import datetime

import pytest

from motcua_intake.domain.history_import import BookFormatError, CheckedBook, check_book
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import UnitRegistry
from motcua_platform.calendar import VN_TZ, WorkingCalendar

UNIT = "H15.01.36"
HEADER = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên cá nhân, tổ chức",
    "Ngày, giờ nhận hồ sơ",
    "Ngày, giờ hẹn trả kết quả",
    "Ngày, giờ trả kết quả cho cá nhân, tổ chức",
    "Kết quả",
]
MARITAL = "1.004873"  # 03 working days, in force since 2016


def check(*lines: list[object]) -> CheckedBook:
    return check_book(
        [HEADER, *lines],
        unit=UNIT,
        catalogue=Catalogue.load_default(),
        units=UnitRegistry.load_default(),
        calendar=WorkingCalendar(),
    )


def line(code: str = f"{UNIT}-240304-0001", **changes: object) -> list[object]:
    values: dict[str, object] = {
        "procedure": MARITAL,
        "applicant": "Trần Thị Bình",
        "received": "04/03/2024 08:00",
        "due": "07/03/2024 08:00",
        "finished": "05/03/2024 10:00",
        "result": "Đã giải quyết",
        **changes,
    }
    return [code, *values.values()]


def reasons(book: CheckedBook) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in book.rejected]


def test_a_good_line_carries_the_version_of_its_day_and_the_legal_due_time() -> None:
    (dossier,) = check(line()).accepted
    assert dossier.version.version == "2016-01-01"
    assert dossier.received_at == datetime(2024, 3, 4, 8, tzinfo=VN_TZ)
    assert dossier.due_at == datetime(2024, 3, 7, 8, tzinfo=VN_TZ)
    assert (dossier.outcome, dossier.competent_unit) == ("approved", UNIT)


def test_a_procedure_named_as_in_the_book_is_found_by_its_name() -> None:
    (dossier,) = check(line(procedure="Cấp Giấy xác nhận tình trạng hôn nhân")).accepted
    assert dossier.procedure.code == MARITAL


def test_spreadsheet_date_cells_are_read_as_vietnamese_wall_clock_time() -> None:
    book = check(line(received=datetime(2024, 3, 4, 8), due=datetime(2024, 3, 7, 8)))
    assert book.accepted[0].received_at == datetime(2024, 3, 4, 8, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"procedure": "9.999999"}, "unknown procedure"),
        ({"procedure": "2.000720"}, "procedure 2.000720 was not in force on 04/03/2024"),
        ({"due": "08/03/2024 08:00"}, "due date 08/03/2024 differs from the legal due date"),
        ({"finished": "", "result": "Đã giải quyết"}, "a result without a finish date"),
        ({"result": ""}, "finished without a result"),
        ({"result": "có lẽ"}, "unknown result"),
        ({"finished": "03/03/2024 10:00"}, "finished before it was received"),
        ({"received": "32/03/2024"}, "received: not a date"),
        ({"applicant": ""}, "applicant is empty"),
    ],
)
def test_a_malformed_line_is_rejected_with_its_line_and_reason(
    changes: dict[str, object], reason: str
) -> None:
    book = check(line(f"{UNIT}-240304-0009"), line(**changes))
    assert len(book.accepted) == 1
    ((number, stated),) = reasons(book)
    assert number == 3 and stated.startswith(reason), stated


def test_a_code_on_two_lines_rejects_both() -> None:
    book = check(line(), line(f"{UNIT}-240304-0002"), line())
    assert reasons(book) == [
        (2, "duplicate code: also on line 4"),
        (4, "duplicate code: also on line 2"),
    ]
    assert [d.code for d in book.accepted] == [f"{UNIT}-240304-0002"]


def test_a_code_of_another_unit_or_day_is_rejected() -> None:
    book = check(line("H15.01.38-240304-0001"), line(f"{UNIT}-240305-0001"))
    assert reasons(book) == [
        (2, f"the code does not belong to unit {UNIT}"),
        (3, "the code is dated 05/03/2024, received 04/03/2024"),
    ]


def test_a_book_without_the_needed_columns_is_refused_whole() -> None:
    with pytest.raises(BookFormatError, match="code"):
        check_book(
            [["Tên", "Ngày"], ["A", "04/03/2024"]],
            unit=UNIT,
            catalogue=Catalogue.load_default(),
            units=UnitRegistry.load_default(),
            calendar=WorkingCalendar(),
        )
