"""Satisfaction figures (mức độ hài lòng): pure computations over ratings, dossiers and PAKN.

- Local satisfaction rate, as provinces report it: (rất hài lòng + hài lòng) / phiếu đánh giá.
- TT 01/2018 18-point score over complete rating sheets, with Thanh Hóa's bands (local practice).
- QĐ 766 indicator 5.4, satisfaction in receiving and processing dossiers.
- QĐ 766 indicator 5.3, satisfaction in handling PAKN (and the 5.1/5.2 counts on the way).

Rates are raw fractions (0.99, not 99 or "99,00%"); rounding to two decimals as the national
portal shows them is for the presentation layer. A rate over nothing is ``None`` (N/A), not 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from motcua_feedback.domain import tt01
from motcua_feedback.domain.complaint import Complaint
from motcua_feedback.domain.rating import DossierRecord, Rating
from motcua_feedback.domain.scope import EVERYTHING, Scope
from motcua_platform.contracts.events import Timeliness
from motcua_platform.instants import instant

# QĐ 766 group 6 sub-weights seen in published material (domain.md §3.1, [M]): 5.3 = 2, 5.4 = 6.
# Passed as parameters so a corrected weight is configuration, not a release.
POINTS_5_3 = 2.0
POINTS_5_4 = 6.0
# 5.4 gives full points from 90% (domain.md §2.4). No threshold is published for 5.3, so points
# there are simply proportional (threshold 100%).
THRESHOLD_5_4 = 0.9
THRESHOLD_5_3 = 1.0


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def threshold_points(rate: float | None, max_points: float, threshold: float) -> float | None:
    """QĐ 766 scoring of a threshold indicator: full points at or above the threshold, else
    ``rate × max / threshold``."""
    if rate is None:
        return None
    if rate >= threshold:
        return max_points
    return rate * max_points / threshold


# ----------------------------------------------------------------------------- ratings


@dataclass(frozen=True)
class RatingSummary:
    """Counts per level, the local satisfaction rate and the TT 01/2018 score."""

    count: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int
    satisfaction_rate: float | None
    scored_count: int
    average_score: float | None
    score_band: str | None
    score_band_basis: str = tt01.BAND_BASIS
    indicator_averages: dict[str, float] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``GET /ratings/summary`` body (architecture §11), plus the extra figures."""
        return asdict(self)


def rating_summary(ratings: Iterable[Rating], scope: Scope = EVERYTHING) -> RatingSummary:
    """Summarise the ratings inside ``scope`` (period by the rating's instant).

    The 18-point average counts only sheets that scored all nine indicators: a skipped indicator
    is not a zero, and averaging partial sheets would read as poor service.
    """
    levels: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    totals: list[int] = []
    indicator_sums: Counter[str] = Counter()
    indicator_counts: Counter[str] = Counter()
    for rating in ratings:
        if not scope.covers(
            unit=rating.unit,
            procedure_code=rating.procedure_code,
            officials=rating.officials,
            at=rating.at,
        ):
            continue
        levels[rating.overall] += 1
        channels[rating.channel] += 1
        for key, score in rating.indicators.items():
            indicator_sums[key] += score
            indicator_counts[key] += 1
        if rating.score is not None:
            totals.append(rating.score)
    count = sum(levels.values())
    average = sum(totals) / len(totals) if totals else None
    return RatingSummary(
        count=count,
        very_satisfied=levels["very_satisfied"],
        satisfied=levels["satisfied"],
        dissatisfied=levels["dissatisfied"],
        satisfaction_rate=_rate(levels["very_satisfied"] + levels["satisfied"], count),
        scored_count=len(totals),
        average_score=average,
        score_band=tt01.band(average) if average is not None else None,
        indicator_averages={
            key: indicator_sums[key] / indicator_counts[key]
            for key in tt01.INDICATOR_KEYS
            if indicator_counts[key]
        },
        by_channel=dict(sorted(channels.items())),
    )


# -------------------------------------------------------------------- QĐ 766, indicator 5.4


@dataclass(frozen=True)
class DossierSatisfaction:
    """QĐ 766 5.4 — Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC.

    ``rate = (total − unsatisfactory) / total`` where a dossier is unsatisfactory when it was
    overdue, rated dissatisfied, or the subject of a PAKN — counted once even if several apply.
    Written the portal's way, ``rate = 1 − (overdue_rate + dissatisfied_or_complained_rate)``,
    where the second rate counts only dossiers that were *not* overdue, so the parts add up.
    """

    total: int
    overdue: int
    dissatisfied: int
    complained: int
    unsatisfactory: int
    overdue_rate: float | None
    dissatisfied_or_complained_rate: float | None
    rate: float | None
    points: float | None
    max_points: float
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def reference_time(record: DossierRecord) -> datetime | None:
    """When a dossier belongs to a period: its finish, or for an open dossier the moment it went
    overdue. Open dossiers still within their deadline have nothing to count yet."""
    return record.finished_at or record.overdue_since


def dossier_satisfaction(
    dossiers: Iterable[DossierRecord],
    complaints: Iterable[Complaint] = (),
    scope: Scope = EVERYTHING,
    *,
    max_points: float = POINTS_5_4,
    threshold: float = THRESHOLD_5_4,
) -> DossierSatisfaction:
    """QĐ 766 indicator 5.4 for the dossiers inside ``scope``.

    The population is the dossiers finished (returned or stopped) in the period plus the open
    ones that went overdue in it; PAKN count against a dossier whenever they were filed, since a
    complaint usually comes after the result.
    """
    complained_codes = {c.dossier_code for c in complaints if c.dossier_code}
    total = overdue = dissatisfied = complained = unsatisfactory = other = 0
    for record in dossiers:
        at = reference_time(record)
        if at is None or not scope.covers(
            unit=record.unit,
            procedure_code=record.procedure_code,
            officials=record.officials,
            at=at,
        ):
            continue
        total += 1
        is_dissatisfied = record.rating is not None and record.rating.overall == "dissatisfied"
        is_complained = record.code in complained_codes
        overdue += record.is_overdue
        dissatisfied += is_dissatisfied
        complained += is_complained
        if record.is_overdue:
            unsatisfactory += 1
        elif is_dissatisfied or is_complained:
            unsatisfactory += 1
            other += 1
    rate = _rate(total - unsatisfactory, total)
    return DossierSatisfaction(
        total=total,
        overdue=overdue,
        dissatisfied=dissatisfied,
        complained=complained,
        unsatisfactory=unsatisfactory,
        overdue_rate=_rate(overdue, total),
        dissatisfied_or_complained_rate=_rate(other, total),
        rate=rate,
        points=threshold_points(rate, max_points, threshold),
        max_points=max_points,
        threshold=threshold,
    )


# -------------------------------------------------------------------- QĐ 766, indicator 5.3


@dataclass(frozen=True)
class ComplaintSummary:
    """PAKN figures: classification (5.1), progress (5.2) and satisfaction (5.3).

    ``satisfaction_rate`` (5.3) = (total − unsatisfactory) / total, a PAKN being unsatisfactory
    when the citizen was not satisfied with the answer, it repeats an earlier PAKN about the
    result, or it was handled late (answered late or still open past due) — counted once.
    """

    total: int
    classified: int
    procedure: int
    conduct: int
    answered_early: int
    answered_on_time: int
    answered_late: int
    open_within: int
    open_overdue: int
    satisfied: int
    unsatisfied: int
    repeated: int
    unsatisfactory: int
    satisfaction_rate: float | None
    points: float | None
    max_points: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def complaint_summary(
    complaints: Iterable[Complaint],
    scope: Scope = EVERYTHING,
    *,
    now: datetime,
    max_points: float = POINTS_5_3,
    threshold: float = THRESHOLD_5_3,
) -> ComplaintSummary:
    """PAKN figures for the complaints filed inside ``scope``, judged at ``now``."""
    now = instant(now, "now")
    counts: Counter[str] = Counter()
    for complaint in complaints:
        officials = (complaint.concerns_official,) if complaint.concerns_official else ()
        if not scope.covers(
            unit=complaint.unit,
            procedure_code=complaint.procedure_code,
            officials=officials,
            at=complaint.filed_at,
        ):
            continue
        counts["total"] += 1
        if complaint.category is not None:
            counts["classified"] += 1
            counts[complaint.category] += 1
        if complaint.answer_timeliness is not None:
            counts[f"answered_{complaint.answer_timeliness.value}"] += 1
        else:
            counts[f"open_{complaint.state(now)}"] += 1
        if complaint.satisfied is not None:
            counts["satisfied" if complaint.satisfied else "unsatisfied"] += 1
        counts["repeated"] += complaint.repeat_of is not None
        counts["unsatisfactory"] += (
            complaint.satisfied is False
            or complaint.repeat_of is not None
            or complaint.handled_late(now)
        )
    rate = _rate(counts["total"] - counts["unsatisfactory"], counts["total"])
    return ComplaintSummary(
        total=counts["total"],
        classified=counts["classified"],
        procedure=counts["procedure"],
        conduct=counts["conduct"],
        answered_early=counts[f"answered_{Timeliness.EARLY.value}"],
        answered_on_time=counts[f"answered_{Timeliness.ON_TIME.value}"],
        answered_late=counts[f"answered_{Timeliness.LATE.value}"],
        open_within=counts["open_within"],
        open_overdue=counts["open_overdue"],
        satisfied=counts["satisfied"],
        unsatisfied=counts["unsatisfied"],
        repeated=counts["repeated"],
        unsatisfactory=counts["unsatisfactory"],
        satisfaction_rate=rate,
        points=threshold_points(rate, max_points, threshold),
        max_points=max_points,
    )
