"""Mẫu 07 — Sổ theo dõi hồ sơ (tracking book) as CSV and XLSX.

The columns follow the official book (domain §1.3). CSV is UTF-8 with a byte-order mark, without
which Excel opens Vietnamese text as mojibake. Text cells that start like a formula are kept as
text in both formats, so a name typed as ``=HYPERLINK(…)`` cannot run in the officer's Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from motcua_platform.calendar import VN_TZ
from motcua_workflow.domain.case import Case
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.forms._format import short_date, short_datetime, timeliness_label

COLUMNS: tuple[str, ...] = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày, giờ nhận hồ sơ",
    "Ngày, giờ hẹn trả kết quả",
    "Ngày, giờ chuyển hồ sơ đến cơ quan giải quyết",
    "Ngày, giờ nhận kết quả từ cơ quan giải quyết",
    "Ngày, giờ trả kết quả cho cá nhân, tổ chức",
    "Ký nhận",
    "Ghi chú",
)
_WIDTHS = (6, 26, 40, 10, 26, 26, 28, 18, 18, 20, 20, 20, 12, 34)
_DATE_FORMAT = "dd/mm/yyyy hh:mm"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "Sổ theo dõi hồ sơ"


@dataclass(frozen=True)
class TrackingBookRow:
    """One line of the book."""

    code: str
    procedure_name: str
    applicant_name: str
    competent_unit: str
    received_at: datetime
    due_at: datetime
    contact: str = ""
    quantity: int = 1
    transferred_at: datetime | None = None
    result_received_at: datetime | None = None
    returned_at: datetime | None = None
    signature: str = ""
    note: str = ""

    @classmethod
    def from_case(
        cls, case: Case, *, unit_names: Mapping[str, str] | None = None
    ) -> TrackingBookRow:
        """The book line of a case.

        Transferred = the first hand-over out of the first step; result received = the last
        hand-over back to the receiving unit, or the decision time when no step returned it.
        """
        completions = [row for row in case.control_sheet if row.kind == "complete"]
        back = [row for row in completions if row.to_unit == case.receiving_unit]
        names = unit_names or {}
        return cls(
            code=case.code,
            procedure_name=case.procedure_name or case.procedure_code,
            applicant_name=case.applicant_name,
            contact=case.applicant_phone or "",
            competent_unit=names.get(case.unit, case.unit),
            received_at=case.accepted_at,
            due_at=case.due_at,
            transferred_at=completions[0].at if completions else None,
            result_received_at=back[-1].at if back else case.resolved_at,
            returned_at=case.returned_at,
            note=_note(case),
        )

    def values(self, number: int) -> list[object]:
        """The cells in column order; ``number`` is the STT."""
        return [
            number,
            self.code,
            self.procedure_name,
            self.quantity,
            self.applicant_name,
            self.contact,
            self.competent_unit,
            self.received_at,
            self.due_at,
            self.transferred_at,
            self.result_received_at,
            self.returned_at,
            self.signature,
            self.note,
        ]


def _note(case: Case) -> str:
    parts: list[str] = []
    if case.imported:
        parts.append("Nhập từ sổ theo dõi trước đây")
    if case.on_the_spot:
        parts.append("Giải quyết ngay")
    if case.timeliness is not None:
        parts.append(timeliness_label(case.timeliness))
    if case.extended:
        parts.append(f"Gia hạn đến {short_date(case.due_at)}")
    if case.supplement_count:
        parts.append(f"Bổ sung {case.supplement_count} lần")
    if case.status is CaseStatus.STOPPED:
        parts.append("Dừng giải quyết")
    if case.receiving_unit != case.unit:
        parts.append("Tiếp nhận phi địa giới")
    return "; ".join(parts)


def _as_text(value: str) -> str:
    # Spreadsheet programs run cells starting with these characters as formulas.
    return "'" + value if value.startswith(_FORMULA_START) else value


def tracking_book_csv(rows: Iterable[TrackingBookRow]) -> bytes:
    """The book as CSV: UTF-8 with BOM, comma-separated, CRLF lines, times as dd/mm/yyyy hh:mm."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row.values(number)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(value: object) -> object:
    if isinstance(value, datetime):
        return short_datetime(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return _as_text(value)
    return value


def tracking_book_xlsx(rows: Iterable[TrackingBookRow]) -> bytes:
    """The book as an Excel workbook: header in row 1 (frozen, repeated on every printed page),
    times as real date cells in Vietnam time, landscape A4 fitted to the page width."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(rows, start=1):
        _append_row(sheet, row.values(number))
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _append_row(sheet: Worksheet, values: Sequence[object]) -> None:
    cells: list[object] = []
    for value in values:
        if isinstance(value, datetime):
            # Excel has no time zones: write the Vietnamese wall-clock time.
            cells.append(value.astimezone(VN_TZ).replace(tzinfo=None))
        else:
            cells.append(value)
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        if cell.is_date:
            cell.number_format = _DATE_FORMAT
        elif isinstance(cell.value, str):
            # openpyxl would store a string starting with "=" as a formula; force plain text.
            cell.data_type = "s"
        cell.alignment = Alignment(vertical="top", wrap_text=True)
