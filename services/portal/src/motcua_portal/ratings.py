"""The online rating form in plain words: the TT 01/2018 indicators a citizen can judge for one
dossier (1, 2, 3, 4, 6, 7; the others are scored per unit), each worth 2, 1 or 0 points."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    choices: tuple[tuple[int, str], ...]


_ON_TIME = ((2, "Sớm hơn ngày hẹn"), (1, "Đúng ngày hẹn"), (0, "Trễ hẹn"))
_QUALITY = ((2, "Tốt"), (1, "Bình thường"), (0, "Chưa tốt"))

QUESTIONS: tuple[Question, ...] = (
    Question("1", "Hồ sơ được giải quyết so với ngày hẹn trả thế nào?", _ON_TIME),
    Question("2", "Các cơ quan cùng xử lý hồ sơ có làm đúng thời gian không?", _ON_TIME),
    Question(
        "3",
        "Bạn phải liên hệ mấy lần để hoàn thiện hồ sơ?",
        ((2, "Không lần nào"), (1, "Một lần"), (0, "Nhiều hơn một lần")),
    ),
    Question(
        "4",
        "Bạn phải đến mấy cơ quan để hoàn thiện hồ sơ?",
        ((2, "Chỉ Bộ phận Một cửa"), (1, "Thêm một cơ quan"), (0, "Nhiều cơ quan")),
    ),
    Question("6", "Thông tin về thủ tục có công khai, dễ tìm không?", _QUALITY),
    Question("7", "Thái độ của cán bộ khi hướng dẫn, tiếp nhận, giải quyết?", _QUALITY),
)
OVERALL = (
    ("very_satisfied", "Rất hài lòng"),
    ("satisfied", "Hài lòng"),
    ("dissatisfied", "Không hài lòng"),
)
COMPLAINT_TOPICS = (
    "Thời gian giải quyết hồ sơ",
    "Thái độ của cán bộ",
    "Giấy tờ, thủ tục phải nộp",
    "Phí, lệ phí",
    "Khác",
)
