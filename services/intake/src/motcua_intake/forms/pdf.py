"""Mẫu 01 as a PDF (fpdf2), for counters that print without a browser.

fpdf2's built-in fonts are Latin-1 only, so Vietnamese needs a Unicode TrueType font; DejaVu Sans
covers every Vietnamese letter and ships with most Linux distributions.
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from motcua_intake.domain.dossier import Dossier
from motcua_intake.forms.view import ComponentRow, qr_matrix, receipt_view

_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_REGULAR = "DejaVuSans.ttf"
_BOLD = "DejaVuSans-Bold.ttf"


class FontNotFound(RuntimeError):
    """No Unicode font to write Vietnamese with."""


def find_font(name: str = _REGULAR, extra_dirs: tuple[str, ...] = ()) -> Path:
    """Find a font file by name in ``MOTCUA_FONT_DIR``, ``extra_dirs`` and the standard dirs."""
    configured = os.environ.get("MOTCUA_FONT_DIR")
    dirs = ((configured,) if configured else ()) + extra_dirs + _FONT_DIRS
    for directory in dirs:
        root = Path(directory).expanduser()
        if not root.is_dir():
            continue
        direct = root / name
        if direct.is_file():
            return direct
        found = next(root.rglob(name), None)
        if found is not None:
            return found
    raise FontNotFound(
        f"font {name} not found in {', '.join(dirs)}; install the DejaVu fonts "
        "(e.g. the fonts-dejavu-core package) or set MOTCUA_FONT_DIR"
    )


def render_receipt_pdf(
    dossier: Dossier,
    *,
    unit_name: str,
    public_base_url: str,
    place: str | None = None,
    font_path: str | Path | None = None,
) -> bytes:
    """Mẫu 01 of an accepted dossier as PDF bytes (A4)."""
    view = receipt_view(dossier, unit_name=unit_name, public_base_url=public_base_url, place=place)
    form = view.form
    regular = Path(font_path) if font_path else find_font(_REGULAR)
    bold = regular.with_name(_BOLD) if (regular.with_name(_BOLD)).is_file() else regular

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("body", "", str(regular))
    pdf.add_font("body", "B", str(bold))
    pdf.add_page()
    width = pdf.epw

    left, top = pdf.l_margin, pdf.get_y()
    column = width * 0.45
    pdf.set_font("body", "B", 10)
    pdf.multi_cell(column, 5, form.unit_name.upper(), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("body", "", 10)
    pdf.multi_cell(column, 5, f"Số: {form.code}", align="C", new_x="LEFT", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(left + column, top)
    pdf.set_font("body", "B", 10)
    pdf.multi_cell(
        width - column,
        5,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        align="C",
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.multi_cell(
        width - column, 5, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_y(max(pdf.get_y(), left_bottom) + 2)
    pdf.set_font("body", "", 10)
    pdf.cell(width, 6, form.place_date, align="R", new_x="LMARGIN", new_y="NEXT")

    qr_size = 28
    qr_top = pdf.get_y() + 2
    _draw_qr(pdf, qr_matrix(view.lookup_url), x=left + width - qr_size, y=qr_top, size=qr_size)
    text_width = width - qr_size - 4
    pdf.set_y(qr_top + 4)
    pdf.set_font("body", "B", 13)
    title = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    pdf.multi_cell(text_width, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", "B", 11)
    for line in (f"Mã hồ sơ: {form.code}", f"Mã tra cứu: {view.secret}"):
        pdf.multi_cell(text_width, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), qr_top + qr_size) + 3)

    pdf.set_font("body", "", 11)
    lines = [
        f"{form.unit_name} tiếp nhận hồ sơ của:",
        f"Ông/Bà: {form.applicant_name}",
        f"Số định danh cá nhân: {form.applicant_id}",
        f"Địa chỉ: {form.address}",
        f"Số điện thoại: {form.phone}    Email: {form.email}",
        f"Nội dung yêu cầu giải quyết: {form.procedure_name}",
        "1. Thành phần hồ sơ nộp gồm:",
    ]
    for line in lines:
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    _components_table(pdf, view.rows)
    due = (
        f"giải quyết và trả kết quả ngay (không hẹn), chậm nhất {view.due_time}"
        if view.on_the_spot
        else view.due_time
    )
    fees = "; ".join(f"{f.name}: {f.amount}" for f in view.fees) or "Không thu"
    for line in (
        "2. Số lượng hồ sơ: 01 (bộ)",
        f"3. Thời gian giải quyết hồ sơ theo quy định: {view.legal_time}",
        f"4. Thời gian nhận hồ sơ: {view.received_time}",
        f"5. Thời gian trả kết quả giải quyết hồ sơ: {due}",
        f"6. Đăng ký nhận kết quả tại: {view.delivery}",
        f"7. Phí, lệ phí: {fees}. Tổng cộng: {view.fee_total}",
        "Vào Sổ theo dõi hồ sơ, Quyển số: ......, Số thứ tự: ......",
    ):
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")

    pdf.ln(6)
    pdf.set_font("body", "B", 11)
    y = pdf.get_y()
    pdf.cell(width / 2, 6, "NGƯỜI NỘP HỒ SƠ", align="C")
    pdf.cell(width / 2, 6, "NGƯỜI TIẾP NHẬN HỒ SƠ", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("body", "", 9)
    pdf.cell(width / 2, 5, "(Ký và ghi rõ họ tên)", align="C")
    pdf.cell(width / 2, 5, "(Ký và ghi rõ họ tên)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(y + 30)
    pdf.set_font("body", "B", 11)
    pdf.cell(width / 2, 6, form.applicant_name, align="C")  # the applicant signs above
    pdf.cell(width / 2, 6, view.received_by, align="C")
    return bytes(pdf.output())


def _components_table(pdf: FPDF, rows: list[ComponentRow]) -> None:
    with pdf.table(
        col_widths=(10, 80, 20, 25, 20),
        text_align=("CENTER", "LEFT", "CENTER", "CENTER", "CENTER"),
        line_height=5,
        align="LEFT",
    ) as table:
        header = table.row()
        for title in ("STT", "Tên giấy tờ", "Bản chính", "Bản chứng thực", "Bản photo"):
            header.cell(title)
        for index, row in enumerate(rows, start=1):
            cells = table.row()
            cells.cell(str(index))
            cells.cell(row.name + (f" ({row.note})" if row.note else ""))
            for count in (row.original, row.certified_copy, row.photocopy):
                cells.cell(str(count) if count else "")


def _draw_qr(
    pdf: FPDF, matrix: tuple[tuple[int, ...], ...], *, x: float, y: float, size: float
) -> None:
    # Drawing the modules as rectangles avoids rasterising an image for the PDF.
    border = 2
    count = len(matrix) + 2 * border
    module = size / count
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + (col_index + border) * module,
                    y + (row_index + border) * module,
                    module,
                    module,
                    style="F",
                )
