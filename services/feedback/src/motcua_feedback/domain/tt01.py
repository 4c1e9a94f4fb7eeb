"""The nine indicators of Thông tư 01/2018/TT-VPCP, Điều 13 (chỉ số đánh giá), each scored 0–2.

A complete rating sheet (phiếu đánh giá) therefore scores at most 18 points. The classification
bands used on reports are Thanh Hóa's local practice, not law (domain.md §2.1): keep them
configurable and labelled as such wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from motcua_feedback.domain.errors import ScoreOutOfRange, UnknownIndicator

MAX_SCORE_PER_INDICATOR = 2
MAX_TOTAL_SCORE = 18


@dataclass(frozen=True)
class Indicator:
    """One chỉ số: its key ("1".."9"), Vietnamese label and the meaning of 2, 1 and 0 points."""

    key: str
    label: str
    choices: tuple[tuple[int, str], ...]


_TIME_CHOICES = ((2, "Sớm hơn quy định"), (1, "Đúng hạn"), (0, "Trễ hạn"))
# Bands for indicators 4–9 are not certain in our sources (domain.md §2.1 [M]); a neutral scale
# keeps the kiosk from promising a meaning the law may not give.
_QUALITY_CHOICES = ((2, "Tốt"), (1, "Đạt"), (0, "Chưa đạt"))

INDICATORS: tuple[Indicator, ...] = (
    Indicator("1", "Thời gian giải quyết hồ sơ so với quy định", _TIME_CHOICES),
    Indicator("2", "Thời gian xử lý của từng cơ quan, đơn vị tham gia", _TIME_CHOICES),
    Indicator(
        "3",
        "Số lần phải liên hệ để hoàn thiện hồ sơ",
        ((2, "Không lần nào"), (1, "Một lần"), (0, "Nhiều hơn một lần")),
    ),
    Indicator("4", "Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ", _QUALITY_CHOICES),
    Indicator("5", "Tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa", _QUALITY_CHOICES),
    Indicator("6", "Công khai thủ tục hành chính", _QUALITY_CHOICES),
    Indicator("7", "Thái độ của cán bộ, công chức khi tiếp nhận, giải quyết", _QUALITY_CHOICES),
    Indicator("8", "Tiếp thu, giải trình phản ánh, kiến nghị", _QUALITY_CHOICES),
    Indicator("9", "Tiến độ, chất lượng dịch vụ công trực tuyến", _QUALITY_CHOICES),
)
INDICATOR_KEYS: tuple[str, ...] = tuple(indicator.key for indicator in INDICATORS)


def validate_indicators(scores: Mapping[str, object] | None) -> dict[str, int]:
    """The indicator scores as a plain dict, refusing unknown keys and scores outside 0–2.

    Indicators are optional (a citizen may skip them), so any subset of the nine is accepted.
    ``bool`` is refused although it is an ``int``: ``True`` as "2 points" is a client bug.
    """
    if not scores:
        return {}
    checked: dict[str, int] = {}
    for key, score in scores.items():
        key = str(key)
        if key not in INDICATOR_KEYS:
            raise UnknownIndicator(key)
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not 0 <= score <= MAX_SCORE_PER_INDICATOR
        ):
            raise ScoreOutOfRange(key, score)
        checked[key] = score
    # Stored in indicator order so documents and events read the same way every time.
    return {key: checked[key] for key in INDICATOR_KEYS if key in checked}


def is_complete(scores: Mapping[str, int]) -> bool:
    """Whether all nine indicators were scored, i.e. the sheet counts on the 18-point scale."""
    return all(key in scores for key in INDICATOR_KEYS)


def total_score(scores: Mapping[str, int]) -> int | None:
    """Points of a complete sheet (0–18); ``None`` when some indicator was skipped, because a
    partial sum would read as a low score."""
    if not is_complete(scores):
        return None
    return sum(scores[key] for key in INDICATOR_KEYS)


# Thanh Hóa's report (local practice): Xuất sắc > 15; Tốt 12–<15; Khá 9–<12; Trung bình 6–<9;
# Yếu < 6. The source leaves exactly 15 points in no band; it is put in "Tốt" so the top band
# still needs strictly more than 15, as written.
BAND_BASIS = "local_practice_thanh_hoa"
BANDS: tuple[tuple[float, str], ...] = (
    (12.0, "Tốt"),
    (9.0, "Khá"),
    (6.0, "Trung bình"),
)


def band(average_score: float) -> str:
    """Xếp loại of an 18-point average under Thanh Hóa's local bands (see :data:`BAND_BASIS`)."""
    if average_score > 15:
        return "Xuất sắc"
    for floor, name in BANDS:
        if average_score >= floor:
            return name
    return "Yếu"
