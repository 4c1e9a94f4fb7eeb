"""Why a feedback command was refused.

Each error carries a stable ``code`` and a ``kind`` so the platform's one error mapping answers
with the right status and the JSON error body without parsing messages; the messages are in
Vietnamese because the kiosk and the online form show them to the citizen as they are.
"""

from __future__ import annotations

from typing import ClassVar

from motcua_platform.errors import Refusal, RefusalKind


class FeedbackError(Refusal):
    """Base of every refusal raised by the feedback domain.

    ``field`` names the part of the request at fault (``indicators.7``, ``token``) so the API
    can tell the client what to correct.
    """

    code: str = "feedback_error"
    field: str | None = None

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(type(self).code, message, field=field or type(self).field)


# ------------------------------------------------------------------------------- ratings


class NotRateable(FeedbackError):
    """The dossier is unknown to feedback or its result has not been returned (chưa trả kết quả)."""

    kind: ClassVar[RefusalKind] = "conflict"
    code = "not_rateable"
    field = "dossier_code"

    def __init__(self, dossier_code: str, reason: str) -> None:
        super().__init__(f"Hồ sơ {dossier_code} chưa thể đánh giá: {reason}.")
        self.dossier_code = dossier_code
        self.reason = reason


class AlreadyRated(FeedbackError):
    """One rating per dossier: a second one would count the same service twice."""

    kind: ClassVar[RefusalKind] = "conflict"
    code = "already_rated"
    field = "dossier_code"

    def __init__(self, dossier_code: str) -> None:
        super().__init__(f"Hồ sơ {dossier_code} đã được đánh giá.")
        self.dossier_code = dossier_code


class InvalidToken(FeedbackError):
    """The online rating token is missing, wrong or already used (mã đánh giá dùng một lần)."""

    kind: ClassVar[RefusalKind] = "forbidden"
    code = "invalid_token"
    field = "token"

    def __init__(self, dossier_code: str, reason: str) -> None:
        super().__init__(f"Mã đánh giá của hồ sơ {dossier_code} không hợp lệ: {reason}.")
        self.dossier_code = dossier_code
        self.reason = reason


class TokenAlreadyUsed(InvalidToken):
    """The one-time token has served its rating; a second use is refused, not re-counted."""

    # The token did work once: a conflict with that rating, not a forgery.
    kind: ClassVar[RefusalKind] = "conflict"
    code = "token_used"

    def __init__(self, dossier_code: str) -> None:
        super().__init__(dossier_code, "mã đánh giá đã được sử dụng")


class KioskNotAllowed(FeedbackError):
    """A kiosk may rate only the dossier just returned at its own counter (quầy trả kết quả)."""

    kind: ClassVar[RefusalKind] = "forbidden"
    code = "kiosk_not_allowed"
    field = "kiosk_session"

    def __init__(self, dossier_code: str, counter: str | None) -> None:
        super().__init__(
            f"Thiết bị đánh giá tại quầy {counter or '(không rõ)'} "
            f"không được đánh giá hồ sơ {dossier_code}."
        )
        self.dossier_code = dossier_code
        self.counter = counter


class InvalidKioskDevice(FeedbackError):
    """The caller did not prove it is the counter's own kiosk (thiết bị đánh giá tại quầy): its
    device token is wrong, or was issued for another counter or under an earlier key."""

    # Not (yet) the counter's kiosk: prove it with the device token.
    kind: ClassVar[RefusalKind] = "unauthorized"
    code = "invalid_kiosk_device"
    field = "X-Kiosk-Device"

    def __init__(self, counter: str, reason: str = "mã thiết bị không đúng") -> None:
        super().__init__(
            f"Thiết bị chưa được cấp quyền đánh giá tại quầy {counter}: {reason}. "
            "Mở trang bằng đường liên kết thiết bị do lãnh đạo đơn vị cấp."
        )
        self.counter = counter


class KioskDeviceRequired(InvalidKioskDevice):
    """No device token at all: a page opened without its device link."""

    code = "kiosk_device_required"

    def __init__(self, counter: str) -> None:
        super().__init__(counter, "thiếu mã thiết bị")


class InvalidRating(FeedbackError):
    """The rating itself is malformed (level, channel, indicator key, missing receiver)."""

    code = "invalid_rating"


class ScoreOutOfRange(InvalidRating):
    """A TT 01/2018 indicator (chỉ số) is scored outside 0–2."""

    code = "score_out_of_range"

    def __init__(self, indicator: str, score: object) -> None:
        super().__init__(
            f"Chỉ số {indicator} phải có điểm 0, 1 hoặc 2 (nhận được {score!r}).",
            f"indicators.{indicator}",
        )
        self.indicator = indicator
        self.score = score


class UnknownIndicator(InvalidRating):
    """TT 01/2018 has nine indicators, keyed "1" to "9"."""

    code = "unknown_indicator"

    def __init__(self, indicator: str) -> None:
        super().__init__(
            f"Không có chỉ số {indicator!r}; các chỉ số là 1 đến 9.", f"indicators.{indicator}"
        )
        self.indicator = indicator


# ---------------------------------------------------------------------------- complaints


class InvalidComplaint(FeedbackError):
    """A phản ánh, kiến nghị that cannot be filed or handled as asked."""

    code = "invalid_complaint"


class AlreadyAnswered(FeedbackError):
    """A PAKN is answered once; a correction is a new PAKN."""

    kind: ClassVar[RefusalKind] = "conflict"
    code = "already_answered"

    def __init__(self, complaint_id: str) -> None:
        super().__init__(f"Phản ánh, kiến nghị {complaint_id} đã được trả lời.")
        self.complaint_id = complaint_id


class NotAnswered(FeedbackError):
    """The citizen can only rate an answer that exists."""

    kind: ClassVar[RefusalKind] = "conflict"
    code = "not_answered"

    def __init__(self, complaint_id: str) -> None:
        super().__init__(f"Phản ánh, kiến nghị {complaint_id} chưa được trả lời.")
        self.complaint_id = complaint_id


class AnswerAlreadyRated(FeedbackError):
    """The citizen's satisfaction with an answer is given once (it feeds QĐ 766 indicator 5.3)."""

    kind: ClassVar[RefusalKind] = "conflict"
    code = "answer_already_rated"

    def __init__(self, complaint_id: str) -> None:
        super().__init__(f"Câu trả lời của phản ánh, kiến nghị {complaint_id} đã được đánh giá.")
        self.complaint_id = complaint_id
