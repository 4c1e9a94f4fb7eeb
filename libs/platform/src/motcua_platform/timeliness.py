"""Trước hạn / đúng hạn / quá hạn at the finish, đang trong hạn / quá hạn while open — the one home
of the timeliness rules (domain §1.6, §1.10; QĐ 766/QĐ-TTg indicators 2.1, 2.2 and 5.2).

Appointments (ngày hẹn trả) are given to citizens as a date and a time, and national practice
reads them that way: finishing on an earlier *date* than the due time is trước hạn (early);
finishing on the due date, not after its time, is đúng hạn (on time); finishing after the due time
is quá hạn (late). Dates are Vietnamese calendar dates, whatever zone the instants arrive in — a
dossier finished at 23:30 UTC is finished on the next Vietnamese day.

QĐ 766 adds one rule the dates do not show: a dossier asked to supplement more than once counts as
late (finished) or overdue (open). While a dossier waits for the citizen the clock is stopped, so
the request time is what an open dossier is judged at.

The same comparisons classify a step on the control sheet (Mẫu 06), a PAKN answer against its 15
working days, and every report, gauge and work-queue line.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from motcua_platform.calendar import VN_TZ, OfficeHours
from motcua_platform.contracts.events import Timeliness

__all__ = [
    "HOURS_PER_WORKING_DAY",
    "OPEN_LABELS",
    "SUPPLEMENTS_COUNTED_LATE",
    "TIMELINESS_LABELS",
    "OpenTimeliness",
    "Timeliness",
    "classify_finish",
    "classify_open",
    "counted_late_qd766",
    "finish_timeliness",
    "open_timeliness",
    "period_bounds",
    "working_days",
]

# 1 ngày làm việc = 8 giờ làm việc (the default office hours: 07:30–11:30, 13:00–17:00).
HOURS_PER_WORKING_DAY: float = OfficeHours().hours_per_day

# QĐ 766 (indicator 2.1 as the national portal computes it): more than one supplementation
# request counts the dossier as overdue.
SUPPLEMENTS_COUNTED_LATE = 2


class OpenTimeliness(StrEnum):
    """Đang trong hạn / quá hạn — the state of a dossier not yet finished."""

    WITHIN = "within"
    OVERDUE = "overdue"


TIMELINESS_LABELS: dict[Timeliness, str] = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
}

OPEN_LABELS: dict[OpenTimeliness, str] = {
    OpenTimeliness.WITHIN: "Đang trong hạn",
    OpenTimeliness.OVERDUE: "Quá hạn",
}


def _require_aware(moment: datetime, name: str) -> None:
    # A naive instant has no defined Vietnamese date; guessing would move deadlines by 7 hours.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


def working_days(hours: float) -> float:
    """Giờ làm việc as ngày làm việc."""
    return hours / HOURS_PER_WORKING_DAY


def counted_late_qd766(supplement_count: int) -> bool:
    """Asked to supplement more than once: late (or overdue) for QĐ 766 whatever the dates say."""
    return supplement_count >= SUPPLEMENTS_COUNTED_LATE


def classify_finish(finished_at: datetime, due_at: datetime, *, tz: tzinfo = VN_TZ) -> Timeliness:
    """Classify the finish instant (NgayKetThucXuLy) against the due instant (NgayHenTra).

    - quá hạn: ``finished_at`` is after ``due_at``;
    - trước hạn: finished on a date (in ``tz``) before the due date;
    - đúng hạn: otherwise — on the due date, at or before the due time.
    """
    _require_aware(finished_at, "finished_at")
    _require_aware(due_at, "due_at")
    if finished_at > due_at:
        return Timeliness.LATE
    if finished_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def classify_open(due_at: datetime, at: datetime) -> OpenTimeliness:
    """An open item at instant ``at``: đang trong hạn up to and including the due instant
    (QĐ 766: "trong hạn" if the period end ≤ the due date), quá hạn after it."""
    _require_aware(due_at, "due_at")
    _require_aware(at, "at")
    return OpenTimeliness.OVERDUE if at > due_at else OpenTimeliness.WITHIN


def finish_timeliness(
    finished_at: datetime,
    due_at: datetime,
    *,
    supplement_count: int = 0,
    decided: Timeliness | None = None,
) -> Timeliness:
    """The timeliness a finished dossier is counted with: late when asked to supplement more
    than once, else the one ``decided`` at the finish (recorded in the event), else the dates."""
    if counted_late_qd766(supplement_count):
        return Timeliness.LATE
    return decided or classify_finish(finished_at, due_at)


def open_timeliness(
    due_at: datetime,
    at: datetime,
    *,
    paused_since: datetime | None = None,
    supplement_count: int = 0,
) -> OpenTimeliness:
    """Within / overdue of an open dossier at ``at``: overdue when asked to supplement more than
    once; while waiting for the citizen the clock stopped at the request (``paused_since``)."""
    if counted_late_qd766(supplement_count):
        return OpenTimeliness.OVERDUE
    moment = min(paused_since, at) if paused_since is not None else at
    return classify_open(due_at, moment)


def period_bounds(
    period_from: date | datetime, period_to: date | datetime
) -> tuple[datetime, datetime]:
    """A reporting period (kỳ báo cáo) ``[from, to)`` as instants; date bounds are whole
    Vietnamese days, ``to`` inclusive (``to=date(2024, 3, 31)`` includes 31 March)."""
    start = (
        period_from
        if isinstance(period_from, datetime)
        else datetime.combine(period_from, time.min, tzinfo=VN_TZ)
    )
    end = (
        period_to
        if isinstance(period_to, datetime)
        else datetime.combine(period_to + timedelta(days=1), time.min, tzinfo=VN_TZ)
    )
    return start, end
