"""Printed and exported one-stop forms (TT 03/2025/TT-VPCP, Phụ lục I).

- Mẫu 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết — :func:`render_apology_letter`;
- Mẫu 05 Thông báo dừng giải quyết hồ sơ — :func:`render_stop_notice`;
- Mẫu 06 Phiếu kiểm soát quá trình giải quyết hồ sơ — :func:`render_control_sheet`;
- Mẫu 07 Sổ theo dõi hồ sơ — :func:`tracking_book_csv`, :func:`tracking_book_xlsx`.
"""

from motcua_workflow.forms.printed import (
    render_apology_letter,
    render_control_sheet,
    render_stop_notice,
)
from motcua_workflow.forms.tracking_book import (
    COLUMNS,
    TrackingBookRow,
    tracking_book_csv,
    tracking_book_xlsx,
)

__all__ = [
    "COLUMNS",
    "TrackingBookRow",
    "render_apology_letter",
    "render_control_sheet",
    "render_stop_notice",
    "tracking_book_csv",
    "tracking_book_xlsx",
]
