"""Trước hạn / đúng hạn / quá hạn at finish, đang trong hạn / quá hạn while open (domain §1.10).

Appointments (ngày hẹn trả) are given to citizens as a date and a time, and national practice
reads them that way: finishing on an earlier *date* than the appointment is trước hạn (early);
finishing on the appointment date, not after its time, is đúng hạn (on time); finishing after the
appointment time is quá hạn (late). Dates are Vietnamese calendar dates, whatever zone the
instants arrive in — a dossier finished at 23:30 UTC is finished on the next Vietnamese day.

The same comparison classifies one internal step on the control sheet (Mẫu 06) against that
step's own due time.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from enum import StrEnum

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import Timeliness

__all__ = [
    "OPEN_LABELS",
    "TIMELINESS_LABELS",
    "OpenTimeliness",
    "Timeliness",
    "classify_finish",
    "classify_open",
    "classify_step",
]


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


def classify_step(completed_at: datetime, step_due_at: datetime) -> Timeliness:
    """Per-step timeliness for the control sheet: the same rule against the step's own due."""
    return classify_finish(completed_at, step_due_at)


def classify_open(due_at: datetime, at: datetime) -> OpenTimeliness:
    """An open dossier at instant ``at``: đang trong hạn up to and including the due instant
    (QĐ 766: "trong hạn" if the period end ≤ the due date), quá hạn after it."""
    _require_aware(due_at, "due_at")
    _require_aware(at, "at")
    return OpenTimeliness.OVERDUE if at > due_at else OpenTimeliness.WITHIN
