"""The ``cases`` collection: one document per dossier code, written through the platform's
version-guarded :class:`AggregateStore` (state + outbox + consumed ``seq`` in one update).

A document is either a :class:`KnownDossier` (``record: "intake"``, not accepted) or a
:class:`Case` (``record: "case"``). Next to the state it carries a few derived fields that the
work queue, the deadline scanner and the gauges query, written in the same update so they are
never out of step with the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_platform.agency import unit_path
from motcua_platform.calendar import CalendarProvider
from motcua_platform.contracts.events import CaseEventData
from motcua_platform.instants import at_rest as instant
from motcua_platform.mongo import AggregateStore, IndexSpec, Loaded
from motcua_workflow.domain import Case
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.domain.status import CLOCK_RUNNING_STATUSES, WORKING_STATUSES, CaseStatus

CASES = "cases"
INTAKE_RECORD, CASE_RECORD = "intake", "case"

INDEXES = [
    # Work queue: a unit's tasks (optionally one role's, or one official's), most urgent first.
    IndexSpec(CASES, (("task_unit_path", 1), ("task_due", 1), ("_id", 1)), name="queue_unit"),
    IndexSpec(
        CASES,
        (("task_unit_path", 1), ("task_role", 1), ("task_due", 1), ("_id", 1)),
        name="queue_role",
    ),
    IndexSpec(CASES, (("task_assignee", 1), ("task_due", 1), ("_id", 1)), name="queue_assignee"),
    # The queue's filters: one procedure of a unit (status and step narrow it further).
    IndexSpec(
        CASES,
        (("task_unit_path", 1), ("procedure_code", 1), ("task_due", 1), ("_id", 1)),
        name="queue_procedure",
    ),
    # Deadline scanner: the next warning or overdue instant of open cases. The equality on
    # ``open`` lets the local server (which pushes down equalities, not ranges) use an index too.
    IndexSpec(CASES, (("open", 1), ("alarm_at", 1)), name="scanner_open"),
    # Gauges: open cases per unit.
    IndexSpec(CASES, (("open", 1), ("unit", 1)), name="open_cases"),
]


@dataclass(frozen=True)
class Task:
    """What the case waits for from the officials, and who is expected to do it."""

    action: str  # complete_step | resolve | return | stop
    unit: str
    role: str
    assignee: str | None


def task_of(case: Case) -> Task | None:
    """The next act of an open case; ``None`` while the citizen is awaited (supplement, fee)."""
    if case.status in WORKING_STATUSES:
        step = case.current_step
        if step is not None:
            return Task("complete_step", step.unit, step.role, step.assignee)
        return Task("resolve", case.unit, "leader", None)  # ký duyệt: the decision
    if case.status is CaseStatus.WITHDRAWAL_REQUESTED:
        return Task("stop", case.unit, "leader", None)  # Mẫu 05 after the citizen's request
    if case.status is CaseStatus.RESOLVED:
        return Task("return", case.receiving_unit, "receiver", None)
    return None


class CaseStore:
    """Loads and saves cases and known dossiers with their derived query fields."""

    def __init__(
        self, aggregates: AggregateStore, calendars: CalendarProvider, warn_before_hours: float
    ) -> None:
        self.aggregates = aggregates
        self.collection = aggregates.collection
        self.calendars = calendars
        self.warn_before_hours = warn_before_hours

    async def load(self, code: str) -> Loaded | None:
        return await self.aggregates.load(code)

    def decode(self, loaded: Loaded | None) -> Case | KnownDossier | None:
        """The aggregate in a loaded document; ``None`` for a bare document (only consumed
        ``seq`` numbers of events that concerned nothing here)."""
        return None if loaded is None else self.decode_state(loaded.state)

    def decode_state(self, state: dict[str, Any]) -> Case | KnownDossier | None:
        """The aggregate in a document as read (unknown keys are ignored)."""
        kind = state.get("record")
        if kind == CASE_RECORD:
            return Case.from_document(state, self.calendars.for_unit(state["unit"]))
        if kind == INTAKE_RECORD:
            return KnownDossier.from_document(state)
        return None

    def open_case(self, case: Case) -> Case:
        """Give a case built outside the store its unit's calendar."""
        case.calendar = self.calendars.for_unit(case.unit)
        return case

    def document(self, subject: Case | KnownDossier) -> dict[str, Any]:
        if isinstance(subject, KnownDossier):
            return {
                **subject.to_document(),
                **_no_work(),
                "record": INTAKE_RECORD,
                "unit_path": unit_path(subject.unit),
            }
        return {**subject.to_document(), **self._query_fields(subject), "record": CASE_RECORD}

    async def save(
        self,
        loaded: Loaded | None,
        subject: Case | KnownDossier,
        events: list[CaseEventData],
        at: datetime,
    ) -> int:
        """One version-guarded write of state and events; ``ConcurrencyConflict`` if another
        writer (a replica, the scanner) changed the document since ``loaded``."""
        head = loaded.seq_head if loaded else 0
        envelopes = self.aggregates.envelopes(subject.code, head, events, at)
        version = loaded.version if loaded else 0
        return await self.aggregates.save(subject.code, version, self.document(subject), envelopes)

    def _query_fields(self, case: Case) -> dict[str, Any]:
        task = task_of(case)
        pause = case.open_pause
        return {
            "unit_path": unit_path(case.unit),
            "open": case.status.is_open,
            "paused_since": pause.started_at if pause else None,
            "warn_at": self._warn_at(case),
            "alarm_at": self._alarm_at(case),
            "task_action": task.action if task else None,
            "task_unit_path": unit_path(task.unit) if task else [],
            "task_role": task.role if task else None,
            "task_assignee": task.assignee if task else None,
            "task_step": case.current_step.index if task and case.current_step else None,
            # Ordering by the legal due time puts overdue cases first, then the nearest due.
            "task_due": case.original_due_at if task else None,
        }

    def due_soon(self, case: Case, at: datetime) -> bool:
        """Whether the open case is inside its warning window at ``at`` (see
        :func:`in_warning_window`): the amber line of the work queue and the case page."""
        pause = case.open_pause
        return case.status.is_open and in_warning_window(
            self._warn_at(case), at, paused=pause is not None, extended=case.extended
        )

    def _warn_at(self, case: Case) -> datetime:
        calendar = self.calendars.for_unit(case.unit)
        return instant(calendar.add_working_hours(case.original_due_at, -self.warn_before_hours))

    def _alarm_at(self, case: Case) -> datetime | None:
        """When the scanner must next look at the case (see ``Case.scan``)."""
        if case.status not in CLOCK_RUNNING_STATUSES or case.overdue_emitted:
            return None
        return case.original_due_at if case.warned else self._warn_at(case)


def in_warning_window(
    warn_at: datetime | None, at: datetime, *, paused: bool, extended: bool
) -> bool:
    """Due within the warning window (default one working day, ``warn_before_hours``) before the
    legal due time: the clock runs (not waiting for a supplement), the one extension has not been
    granted, and ``warn_at`` — the due time less the window, in the unit's working hours — has
    passed. The ``motcua_dossiers_due_soon`` gauge and the work queue both count by this rule;
    an overdue case is overdue, not due soon (callers check within/overdue first)."""
    return not paused and not extended and warn_at is not None and instant(warn_at) <= at


def _no_work() -> dict[str, Any]:
    return {
        "open": False,
        "paused_since": None,
        "warn_at": None,
        "alarm_at": None,
        "task_action": None,
        "task_unit_path": [],
        "task_role": None,
        "task_assignee": None,
        "task_step": None,
        "task_due": None,
    }
