"""JSON views of cases and work-queue items: plain JSON values only (times as ISO 8601 with the
Vietnam offset), so an ``Idempotency-Key`` answer can be stored and replayed as it was."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any

from motcua_platform.instants import at_rest as instant
from motcua_platform.timeliness import (
    OpenTimeliness,
    Timeliness,
    finish_timeliness,
    open_timeliness,
)
from motcua_workflow.domain import Case, codec
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.store import in_warning_window, task_of


def plain(value: Any) -> Any:
    """Datetimes, enums and records as JSON values."""
    if isinstance(value, datetime):
        return instant(value).isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in codec.stored_fields(type(value))}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def case_view(subject: Case | KnownDossier, at: datetime) -> dict[str, Any]:
    """``GET /cases/{code}`` and the answer of every command."""
    if isinstance(subject, KnownDossier):
        return known_view(subject)
    case = subject
    view = plain(case)
    open_state = case.open_timeliness(at)
    step = case.current_step
    task = task_of(case)
    links = {"control_sheet": f"/cases/{case.code}/control-sheet"}
    if case.extended:
        links["apology_letter"] = f"/cases/{case.code}/apology-letter"
    if case.stopped_at is not None:
        links["stop_notice"] = f"/cases/{case.code}/stop-notice"
    view.update(
        # The two instants ``due_at`` / ``original_due_at`` stand for, by name (additive).
        appointment_at=plain(case.due_at),
        legal_due_at=plain(case.original_due_at),
        status=int(case.status),
        status_name=case.status.label,
        state=None if open_state is None else open_state.value,
        current_step=None if step is None else plain(step),
        next_action=None if task is None else task.action,
        forms=links,
    )
    return view


def known_view(dossier: KnownDossier) -> dict[str, Any]:
    view = plain(dossier)
    view.update(
        status=int(dossier.status),
        status_name=dossier.status.label,
        due_at=None,
        original_due_at=None,
        appointment_at=None,
        legal_due_at=None,
        timeliness=None,
        state=None,
        steps=[],
        control_sheet=[],
        current_step=None,
        next_action=None,
        forms={},
    )
    return view


def task_item(case: Case, at: datetime) -> dict[str, Any]:
    """One line of ``GET /tasks``."""
    task = task_of(case)
    step = case.current_step
    if case.finished_at is not None:
        # Resolved, waiting to be handed over: its timeliness was fixed at the decision.
        late = (
            finish_timeliness(
                case.finished_at,
                case.original_due_at,
                supplement_count=case.supplement_count,
                decided=case.timeliness,
            )
            is Timeliness.LATE
        )
        state = OpenTimeliness.OVERDUE if late else OpenTimeliness.WITHIN
    else:
        state = case.open_timeliness(at) or OpenTimeliness.WITHIN
    return {
        "code": case.code,
        "procedure_code": case.procedure_code,
        "procedure_name": case.procedure_name,
        "status": int(case.status),
        "status_name": case.status.label,
        "action": None if task is None else task.action,
        "unit": None if task is None else task.unit,
        "role": None if task is None else task.role,
        "step": None if step is None else step.index,
        "step_name": None if step is None else step.name,
        "assignee": None if task is None else task.assignee,
        "due_at": plain(case.due_at),
        "original_due_at": plain(case.original_due_at),
        "appointment_at": plain(case.due_at),
        "legal_due_at": plain(case.original_due_at),
        "step_due_at": None if step is None else plain(step.due_at),
        "state": state.value,
        "extended": case.extended,
        "accepted_at": plain(case.accepted_at),
    }


# What a work-queue line reads of a case document: the case's own fields and the store's derived
# ones, not the whole aggregate (its events and history are most of the document).
QUEUE_LINE_FIELDS = {
    name: 1
    for name in (
        "procedure_code",
        "procedure_name",
        "status",
        "status_name",
        "task_action",
        "task_unit_path",
        "task_role",
        "task_assignee",
        "steps",
        "due_at",
        "original_due_at",
        "extended",
        "accepted_at",
        "finished_at",
        "timeliness",
        "supplement_count",
        "paused_since",
        "warn_at",
    )
}


def queue_line(doc: dict[str, Any], at: datetime) -> dict[str, Any]:
    """One line of ``GET /tasks`` from a case document projected to :data:`QUEUE_LINE_FIELDS`,
    equal to :func:`task_item` of the case with its ``due_soon`` (the store writes the derived
    fields from the same case in the same update), without decoding the whole aggregate."""
    when = lambda name: instant(doc[name]) if doc.get(name) else None  # noqa: E731
    original_due = instant(doc["original_due_at"])
    paused_since = when("paused_since")
    supplements = int(doc.get("supplement_count") or 0)
    finished_at = when("finished_at")
    if finished_at is not None:
        decided = Timeliness(doc["timeliness"]) if doc.get("timeliness") else None
        late = (
            finish_timeliness(
                finished_at, original_due, supplement_count=supplements, decided=decided
            )
            is Timeliness.LATE
        )
        state = OpenTimeliness.OVERDUE if late else OpenTimeliness.WITHIN
    elif CaseStatus(doc["status"]).is_open:
        state = open_timeliness(
            original_due, at, paused_since=paused_since, supplement_count=supplements
        )
    else:
        state = OpenTimeliness.WITHIN
    step = next(  # the current step: started, not completed (``Step.is_current``)
        (s for s in doc.get("steps") or [] if s.get("started_at") and not s.get("completed_at")),
        None,
    )
    task = doc.get("task_action")
    due_soon = (
        state is OpenTimeliness.WITHIN
        and CaseStatus(doc["status"]).is_open
        and in_warning_window(
            when("warn_at"),
            at,
            paused=paused_since is not None,
            extended=bool(doc.get("extended")),
        )
    )
    return {
        "code": doc["_id"],
        "procedure_code": doc["procedure_code"],
        "procedure_name": doc.get("procedure_name"),
        "status": int(doc["status"]),
        "status_name": doc.get("status_name"),
        "action": task,
        "unit": (doc.get("task_unit_path") or [None])[-1] if task else None,
        "role": doc.get("task_role") if task else None,
        "step": None if step is None else step["index"],
        "step_name": None if step is None else step["name"],
        "assignee": doc.get("task_assignee") if task else None,
        "due_at": plain(when("due_at")),
        "original_due_at": plain(original_due),
        "appointment_at": plain(when("due_at")),
        "legal_due_at": plain(original_due),
        "step_due_at": None if step is None else plain(when_of(step, "due_at")),
        "state": state.value,
        "extended": bool(doc.get("extended")),
        "accepted_at": plain(when("accepted_at")),
        "due_soon": due_soon,
    }


def when_of(record: dict[str, Any], name: str) -> datetime | None:
    value = record.get(name)
    return instant(value) if isinstance(value, datetime) else None
