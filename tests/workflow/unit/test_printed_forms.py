"""Mẫu 04, 05, 06 as printable HTML and Mẫu 07 as CSV / XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

import pytest
from openpyxl import load_workbook

from motcua_platform.calendar import VN_TZ
from motcua_workflow.domain import Actor, Case, FormNotAvailable
from motcua_workflow.forms import (
    COLUMNS,
    TrackingBookRow,
    render_apology_letter,
    render_control_sheet,
    render_stop_notice,
    tracking_book_csv,
    tracking_book_xlsx,
)

MakeCase = Callable[..., Case]
CODE = "H15.50.05-240425-0001"


def vn(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def extended(make_case: MakeCase) -> Case:
    case = make_case(CODE)
    case.extend("Cần xác minh tại nơi cư trú trước đây.", vn(5, 8, 17), vn(5, 2, 16))
    return case


def test_apology_letter_carries_the_code_dates_reason_and_apology(extended: Case) -> None:
    html = render_apology_letter(extended, "Ủy ban nhân dân xã Ea Kao", signer_name="Trần Văn Bình")

    assert CODE in html
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT".lower() in html.lower()
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hoa" in html
    assert "09 giờ 00 phút, ngày 25/04/2024" in html  # received
    assert "09 giờ 00 phút, ngày 03/05/2024" in html  # original appointment
    assert "17 giờ 00 phút, ngày 08/05/2024" in html  # new appointment
    assert "Lý do: Cần xác minh tại nơi cư trú trước đây." in html
    assert "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức" in html
    assert "Thủ trưởng cơ quan" in html and "Trần Văn Bình" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert '<html lang="vi">' in html and "@page" in html


def test_apology_letter_escapes_what_people_typed(make_case: MakeCase) -> None:
    case = make_case(applicant={"key": "k3y-0f-applicant", "full_name": "<script>x</script>"})
    case.extend("Lý do <b>đậm</b>", vn(5, 8, 17), vn(5, 2, 16))
    html = render_apology_letter(case, "UBND xã")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>đậm</b>" not in html


def test_apology_letter_needs_an_extension(make_case: MakeCase) -> None:
    with pytest.raises(FormNotAvailable):
        render_apology_letter(make_case(), "UBND xã")


def test_stop_notice_states_request_stage_decision_and_fees(make_case: MakeCase) -> None:
    case = make_case(CODE, fee_total=50000)
    case.request_withdrawal("Không còn nhu cầu", vn(4, 26, 9))
    case.stop("Công dân rút hồ sơ", vn(4, 26, 10), "hoàn trả toàn bộ cho Ông/Bà")

    html = render_stop_notice(case, "Ủy ban nhân dân xã Ea Kao")

    assert CODE in html
    assert "THÔNG BÁO" in html.upper() and "Dừng giải quyết hồ sơ".lower() in html.lower()
    assert "Không còn nhu cầu" in html
    assert "Giai đoạn giải quyết khi dừng" in html and "Tiếp nhận, chuyển hồ sơ" in html
    assert "10 giờ 00 phút, ngày 26/04/2024" in html
    assert "50.000 đồng" in html and "hoàn trả toàn bộ cho Ông/Bà" in html
    with pytest.raises(FormNotAvailable):
        render_stop_notice(make_case(), "UBND xã")


def test_control_sheet_lists_each_hand_over_with_time_and_timeliness(
    make_case: MakeCase, receiver: Actor, specialist: Actor
) -> None:
    case = make_case(CODE)
    case.complete_step(receiver, vn(4, 25, 10, 5), handed_to=specialist.id)
    case.complete_step(specialist, vn(5, 2, 10, 30), handed_to="leader.hung")

    html = render_control_sheet(
        case,
        unit_names={"H15.50.05": "UBND xã Ea Kao"},
        person_names={"receiver.lan": "Lê Thị Lan"},
    )

    assert CODE in html
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ".lower() in html.lower()
    assert "Kèm theo hồ sơ của: Nguyễn Thị Hoa" in html
    assert "1. Giao: UBND xã Ea Kao" in html and "2. Giao: UBND xã Ea Kao" in html
    assert "10 giờ 05 phút, ngày 25/04/2024" in html
    assert "Người giao: Lê Thị Lan" in html
    assert "Đúng hạn" in html  # step 1 at 10:05, due 11:00 the same day
    assert "Quá hạn" in html  # Thẩm định due Thu 02/05 10:00, handed over 10:30
    assert "3 ngày làm việc" in html


def test_control_sheet_and_steps_name_the_official_as_the_token_named_them(
    make_case: MakeCase, specialist: Actor
) -> None:
    case = make_case(CODE)
    named = Actor("8d1c0f5e-receiver", "H15.50.05", frozenset({"receiver"}), "Lê Thị Thu")
    case.complete_step(named, vn(4, 25, 10, 5), handed_to=specialist.id)
    case.complete_step(specialist, vn(4, 26, 10), handed_to="leader.hung")  # no name given
    assert case.steps[0].completed_by == "8d1c0f5e-receiver"
    assert case.steps[0].completed_by_name == "Lê Thị Thu"
    assert case.steps[1].completed_by_name is None
    reloaded = Case.from_document(case.to_document(), case.calendar)
    assert reloaded.control_sheet[0].from_person_name == "Lê Thị Thu"
    html = render_control_sheet(reloaded)
    assert "Người giao: Lê Thị Thu" in html and "8d1c0f5e" not in html
    assert f"Người giao: {specialist.id}" in html  # without a name, the identifier


def test_control_sheet_of_a_fresh_case_says_nothing_was_handed_over(make_case: MakeCase) -> None:
    assert "Chưa có lần giao, nhận hồ sơ nào" in render_control_sheet(make_case())


def book_rows(make_case: MakeCase, receiver: Actor) -> list[TrackingBookRow]:
    done = make_case(CODE, applicant={"key": "k3y-0f-applicant", "full_name": "=HYPERLINK(1)"})
    done.complete_step(receiver, vn(4, 25, 10))
    done.resolve("approved", vn(4, 26, 15))
    done.return_result("counter", vn(4, 26, 16))
    waiting = make_case("H15.50.05-240425-0002", competent_unit="H15.20")
    return [
        TrackingBookRow.from_case(c, unit_names={"H15.20": "Sở Tư pháp"}) for c in (done, waiting)
    ]


def test_tracking_book_csv_starts_with_a_bom_and_the_official_columns(
    make_case: MakeCase, receiver: Actor
) -> None:
    data = tracking_book_csv(book_rows(make_case, receiver))

    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(lines[0]) == COLUMNS
    assert lines[0][1] == "Mã hồ sơ"
    first, second = lines[1], lines[2]
    assert first[:2] == ["1", CODE]
    assert first[4] == "'=HYPERLINK(1)"  # never a formula in the officer's Excel
    assert first[7] == "25/04/2024 09:00"
    assert first[11] == "26/04/2024 16:00"
    assert "Trước hạn" in first[13]
    assert second[6] == "Sở Tư pháp"
    assert "Tiếp nhận phi địa giới" in second[13]


def test_tracking_book_xlsx_opens_with_the_header_row_and_date_cells(
    make_case: MakeCase, receiver: Actor
) -> None:
    data = tracking_book_xlsx(book_rows(make_case, receiver))

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert tuple(cell.value for cell in sheet[1]) == COLUMNS
    assert sheet["B2"].value == CODE
    assert sheet["E2"].value == "=HYPERLINK(1)" and sheet["E2"].data_type == "s"
    assert sheet["H2"].value == datetime(2024, 4, 25, 9, 0)
    assert sheet.max_row == 3
    assert sheet.freeze_panes == "A2"
