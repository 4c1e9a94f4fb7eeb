"""Deadline arithmetic of a case: step dues, supplementation clock policies, processing time.

Everything is counted in giờ làm việc on the unit's :class:`WorkingCalendar` (8 h = 1 ngày làm
việc); the results are stored in events so that replay never depends on today's calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from motcua_platform.calendar import WorkingCalendar
from motcua_platform.contracts.events import SupplementPolicy
from motcua_platform.instants import at_rest as instant
from motcua_workflow.domain.records import Pause


def step_due(
    calendar: WorkingCalendar, started_at: datetime, hours: float, appointment: datetime
) -> datetime:
    """Due time of an internal step started at ``started_at``: its allotted working hours,
    capped at the dossier's appointment (the internal plan must fit inside the legal time)."""
    return instant(min(calendar.add_working_hours(started_at, hours), appointment))


@dataclass(frozen=True)
class ResumedDues:
    """New due times once the citizen's supplement arrives.

    ``due_at`` measures timeliness (lateness is never measured against an extension);
    ``appointment`` is the date the citizen is told (equal to ``due_at`` unless extended).
    """

    due_at: datetime
    appointment: datetime
    pause_hours: float
    step_due_at: datetime | None


def resumed_dues(
    calendar: WorkingCalendar,
    *,
    policy: SupplementPolicy,
    paused_at: datetime,
    resumed_at: datetime,
    due_at: datetime,
    appointment: datetime,
    allotted_hours: float,
    same_day: bool,
    extended: bool,
    step_hours: float | None = None,
    step_due_at: datetime | None = None,
) -> ResumedDues:
    """Apply the procedure's supplementation policy (domain §1.6).

    - ``pause`` (QĐ 766 computation): the working hours spent waiting are added to every due
      time, which is the same as subtracting them from the processing time.
    - ``restart`` (NĐ 61/2018 Art. 21(3), "tính lại từ đầu"): the full allotted time counts again
      from the moment the complete dossier is back — with the 15:00 cut-off for same-day
      procedures. An extension granted earlier is kept if it is later than the recount.

    The current step (if any) is shifted the same way: by the waiting hours, or restarted with
    its full allotment.
    """
    pause_hours = calendar.working_hours_between(paused_at, resumed_at)
    if policy is SupplementPolicy.PAUSE:
        new_due = instant(calendar.add_working_hours(due_at, pause_hours))
        new_appointment = instant(calendar.add_working_hours(appointment, pause_hours))
        new_step_due = (
            None
            if step_due_at is None
            else instant(min(calendar.add_working_hours(step_due_at, pause_hours), new_appointment))
        )
    else:
        new_due = instant(calendar.due_at(resumed_at, allotted_hours, same_day=same_day))
        new_appointment = max(new_due, appointment) if extended else new_due
        new_step_due = (
            None
            if step_hours is None
            else step_due(calendar, resumed_at, step_hours, new_appointment)
        )
    return ResumedDues(
        due_at=new_due,
        appointment=new_appointment,
        pause_hours=round(pause_hours, 6),
        step_due_at=new_step_due,
    )


def processing_hours(
    calendar: WorkingCalendar,
    *,
    accepted_at: datetime,
    finished_at: datetime,
    pauses: Iterable[Pause],
    policy: SupplementPolicy,
) -> float:
    """Thời gian giải quyết in working hours from acceptance to finish (QĐ 766 rule 2.2).

    Under ``pause`` the waiting intervals are subtracted (an interval still open at the finish
    counts up to the finish); under ``restart`` the law recounts the deadline instead, and the
    time spent is reported as it was.
    """
    total = calendar.working_hours_between(accepted_at, finished_at)
    if policy is SupplementPolicy.PAUSE:
        for pause in pauses:
            end = min(pause.ended_at or finished_at, finished_at)
            if end > pause.started_at:
                total -= calendar.working_hours_between(pause.started_at, end)
    return round(max(total, 0.0), 6)
