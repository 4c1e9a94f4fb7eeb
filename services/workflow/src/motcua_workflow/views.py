"""JSON views of cases and work-queue items: plain JSON values only (times as ISO 8601 with the
Vietnam offset), so an ``Idempotency-Key`` answer can be stored and replayed as it was."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any

from motcua_platform.instants import at_rest as instant
from motcua_platform.timeliness import OpenTimeliness, Timeliness, finish_timeliness
from motcua_workflow.domain import Case, codec
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.store import task_of


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
