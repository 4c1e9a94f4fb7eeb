"""Printable forms: Mẫu 01 (HTML and PDF), Mẫu 02 and Mẫu 03."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from intake_helpers import dossier_at_counter, vn

from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import InvalidStatus
from motcua_intake.forms.receipts import (
    FontNotFound,
    find_font,
    lookup_url,
    render_receipt_html,
    render_receipt_pdf,
    render_refusal_html,
    render_supplement_request_html,
)
from motcua_platform.calendar import WorkingCalendar

Submission = Callable[..., dict[str, Any]]
UNIT = "Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột"
BASE_URL = "https://motcua.daklak.example"


@pytest.fixture
def accepted(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> Dossier:
    return dossier_at_counter(
        submission,
        calendar,
        "1.001193",
        birth_documents,
        vn(2026, 10, 5, 15, 20),
        received_by="Lê Thị Mai",
    )


def test_receipt_html_has_code_secret_qr_and_vietnamese_text(accepted: Dossier) -> None:
    html = render_receipt_html(accepted, unit_name=UNIT, public_base_url=BASE_URL, place="Đắk Lắk")
    assert accepted.code in html
    assert "2345-6789" in html  # the lookup secret, printed in two groups
    assert "<svg" in html
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in html
    assert "Nguyễn Văn An" in html and "0792******34" in html
    assert "15 giờ 20 phút, ngày 05/10/2026" in html  # received
    assert "17 giờ 00 phút, ngày 06/10/2026" in html  # after 15:00 → next working day
    assert "Đắk Lắk, ngày 05 tháng 10 năm 2026" in html
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in html and "Lê Thị Mai" in html
    assert "Bản chính" in html and "Bản photo" in html
    assert "8.000 đồng" in html
    assert "079203001234" not in html  # the full ID number is not printed


def test_receipt_qr_links_to_the_public_lookup_with_the_secret(accepted: Dossier) -> None:
    url = lookup_url(BASE_URL + "/", accepted.code, accepted.lookup_secret)
    assert url == f"{BASE_URL}/lookup/{accepted.code}?secret={accepted.lookup_secret}"


def test_receipt_is_only_issued_for_an_accepted_dossier(submission: Submission) -> None:
    dossier = Dossier.submit(**submission(documents=[Document("to_khai")]))
    with pytest.raises(InvalidStatus):
        render_receipt_html(dossier, unit_name=UNIT, public_base_url=BASE_URL)


def test_receipt_of_an_on_the_spot_dossier_says_no_appointment(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission,
        calendar,
        "1.001193",
        birth_documents,
        vn(2026, 10, 5, 9, 0),
        resolve_on_the_spot=True,
    )
    html = render_receipt_html(dossier, unit_name=UNIT, public_base_url=BASE_URL)
    assert "không hẹn" in html


def test_receipt_of_a_multi_day_procedure_prints_working_days(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.004873", [Document("to_khai")], vn(2026, 10, 5, 9, 0)
    )
    html = render_receipt_html(dossier, unit_name=UNIT, public_base_url=BASE_URL)
    assert "03 ngày làm việc" in html
    assert "09 giờ 00 phút, ngày 08/10/2026" in html


def test_supplement_request_form_lists_components_and_reasons(submission: Submission) -> None:
    dossier = Dossier.submit(
        **submission(channel="online", documents=[Document("to_khai", "electronic")])
    )
    dossier.request_supplement(at=vn(2026, 10, 5, 9, 30))
    html = render_supplement_request_html(
        dossier, unit_name=UNIT, officer_name="Trần Văn Bảo", officer_phone="0262 3888 999"
    )
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in html
    assert "Giấy chứng sinh" in html and "Chưa nộp." in html
    assert "NGƯỜI HƯỚNG DẪN" in html and "0262 3888 999" in html


def test_refusal_form_states_the_reasons_escaped(submission: Submission) -> None:
    dossier = Dossier.submit(**submission(documents=[Document("to_khai")]))
    dossier.refuse(at=vn(2026, 10, 5, 9, 30), reasons=["Không thuộc thẩm quyền <script>"])
    html = render_refusal_html(dossier, unit_name=UNIT)
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in html
    assert "Không thuộc thẩm quyền &lt;script&gt;" in html
    assert "<script>" not in html


def test_refusal_form_needs_a_refused_dossier(accepted: Dossier) -> None:
    with pytest.raises(InvalidStatus):
        render_refusal_html(accepted, unit_name=UNIT)


def test_receipt_pdf_renders_bytes(accepted: Dossier) -> None:
    pdf = render_receipt_pdf(accepted, unit_name=UNIT, public_base_url=BASE_URL, place="Đắk Lắk")
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5_000


def test_dejavu_font_is_found_in_the_standard_dirs() -> None:
    assert find_font("DejaVuSans.ttf").name == "DejaVuSans.ttf"


def test_missing_font_is_a_clear_error() -> None:
    with pytest.raises(FontNotFound, match="MOTCUA_FONT_DIR"):
        find_font("NoSuchFont-Regular.ttf")


def test_templates_are_unicode_nfc() -> None:
    templates = resources.files("motcua_intake.forms").joinpath("templates")
    for template in templates.iterdir():
        text = template.read_text("utf-8")
        assert unicodedata.normalize("NFC", text) == text, template.name
