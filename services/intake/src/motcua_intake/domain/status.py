"""TrangThaiHoSo: the 1–10 dossier status codes synchronised to Cổng Dịch vụ công quốc gia."""

from __future__ import annotations

from enum import IntEnum


class DossierStatus(IntEnum):
    SUBMITTED = 1
    ACCEPTED = 2
    REFUSED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    AWAITING_PAYMENT = 6
    WITHDRAWAL_REQUESTED = 7
    STOPPED = 8
    RESOLVED = 9
    RETURNED = 10

    @property
    def api_name(self) -> str:
        """The name used in API answers (``"accepted"``)."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The national portal's wording."""
        return _LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in (DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.RETURNED)


_LABELS: dict[DossierStatus, str] = {
    DossierStatus.SUBMITTED: "Mới đăng ký",
    DossierStatus.ACCEPTED: "Được tiếp nhận",
    DossierStatus.REFUSED: "Không được tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.AWAITING_PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWAL_REQUESTED: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.RESOLVED: "Đã xử lý xong",
    DossierStatus.RETURNED: "Đã trả kết quả",
}

# Statuses set by the workflow service, which intake mirrors for the public lookup.
WORKFLOW_STATUSES = frozenset(
    {
        DossierStatus.ACCEPTED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
        DossierStatus.STOPPED,
        DossierStatus.RESOLVED,
        DossierStatus.RETURNED,
    }
)
