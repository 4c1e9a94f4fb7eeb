"""Trạng thái hồ sơ: the national portal's status codes 1–10 (domain §1.2).

Keeping the portal's numbers makes synchronisation and the QĐ 766 formulas direct.
"""

from __future__ import annotations

from enum import IntEnum


class CaseStatus(IntEnum):
    """TrangThaiHoSo as synchronised to Cổng Dịch vụ công quốc gia."""

    SUBMITTED = 1  # Mới đăng ký
    ACCEPTED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT_REQUESTED = 5  # Yêu cầu bổ sung giấy tờ
    AWAITING_PAYMENT = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWAL_REQUESTED = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    RESOLVED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả

    @property
    def label(self) -> str:
        """The Vietnamese name shown to officials and citizens."""
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still being handled by workflow: not finished by a decision or a stop."""
        return self in OPEN_STATUSES


_LABELS = {
    CaseStatus.SUBMITTED: "Mới đăng ký",
    CaseStatus.ACCEPTED: "Được tiếp nhận",
    CaseStatus.REFUSED: "Không được tiếp nhận",
    CaseStatus.PROCESSING: "Đang xử lý",
    CaseStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    CaseStatus.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    CaseStatus.WITHDRAWAL_REQUESTED: "Công dân yêu cầu rút hồ sơ",
    CaseStatus.STOPPED: "Dừng xử lý",
    CaseStatus.RESOLVED: "Đã xử lý xong",
    CaseStatus.RETURNED: "Đã trả kết quả",
}

OPEN_STATUSES = frozenset(
    {
        CaseStatus.ACCEPTED,
        CaseStatus.PROCESSING,
        CaseStatus.SUPPLEMENT_REQUESTED,
        CaseStatus.AWAITING_PAYMENT,
        CaseStatus.WITHDRAWAL_REQUESTED,
    }
)

# Statuses in which officials work on the dossier: steps, decisions, supplement requests.
WORKING_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.PROCESSING})

# Statuses in which the deadline clock runs and the scanner watches the case. While waiting for
# the citizen's supplement the clock is stopped (pause) or about to restart, so it is left out.
CLOCK_RUNNING_STATUSES = frozenset(
    {
        CaseStatus.ACCEPTED,
        CaseStatus.PROCESSING,
        CaseStatus.AWAITING_PAYMENT,
        CaseStatus.WITHDRAWAL_REQUESTED,
    }
)
