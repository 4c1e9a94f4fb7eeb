"""Trạng thái hồ sơ (TrangThaiHoSo): the national portal's status codes 1–10 (domain §1.2).

One enum for every service: workflow decides the status of a case and publishes it on every
``case.*`` event; intake mirrors it for the lookup and receipts without re-deriving it. Keeping the
portal's numbers makes synchronisation and the QĐ 766 formulas direct.
"""

from __future__ import annotations

from enum import IntEnum


class NationalStatus(IntEnum):
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
        """The national portal's wording, shown to officials and citizens."""
        return _LABELS[self]

    @property
    def api_name(self) -> str:
        """The name used in API answers (``"accepted"``)."""
        return self.name.lower()

    @property
    def is_open(self) -> bool:
        """Still being handled: accepted, and neither decided nor stopped."""
        return self in _OPEN

    @property
    def is_final(self) -> bool:
        """Nothing more can happen: refused, stopped or handed over."""
        return self in _FINAL


_LABELS = {
    NationalStatus.SUBMITTED: "Mới đăng ký",
    NationalStatus.ACCEPTED: "Được tiếp nhận",
    NationalStatus.REFUSED: "Không được tiếp nhận",
    NationalStatus.PROCESSING: "Đang xử lý",
    NationalStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    NationalStatus.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    NationalStatus.WITHDRAWAL_REQUESTED: "Công dân yêu cầu rút hồ sơ",
    NationalStatus.STOPPED: "Dừng xử lý",
    NationalStatus.RESOLVED: "Đã xử lý xong",
    NationalStatus.RETURNED: "Đã trả kết quả",
}

_OPEN = frozenset(
    {
        NationalStatus.ACCEPTED,
        NationalStatus.PROCESSING,
        NationalStatus.SUPPLEMENT_REQUESTED,
        NationalStatus.AWAITING_PAYMENT,
        NationalStatus.WITHDRAWAL_REQUESTED,
    }
)
_FINAL = frozenset({NationalStatus.REFUSED, NationalStatus.STOPPED, NationalStatus.RETURNED})
