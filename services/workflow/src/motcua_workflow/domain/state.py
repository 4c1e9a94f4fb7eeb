"""The state of a case and the one method that changes it (``apply``).

:class:`~motcua_workflow.domain.case.Case` adds the commands that decide; this module only
evolves the state from recorded events, so the same code runs live and in replay. It needs no
calendar: every computed value (due times, timeliness, processing hours) arrives in the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from motcua_platform.calendar import WorkingCalendar
from motcua_platform.contracts.events import (
    CaseDeadlineWarning,
    CaseEventData,
    CaseExtended,
    CaseOverdue,
    CasePaymentReceived,
    CasePaymentRequested,
    CaseResolved,
    CaseResumed,
    CaseReturned,
    CaseStepAssigned,
    CaseStepCompleted,
    CaseStepStarted,
    CaseStopped,
    CaseSupplementRequested,
    CaseWithdrawalRequested,
    Channel,
    EventData,
    SupplementPolicy,
    Timeliness,
)
from motcua_platform.instants import at_rest as instant
from motcua_platform.timeliness import (
    OpenTimeliness,
    classify_finish,
    counted_late_qd766,
    open_timeliness,
)
from motcua_workflow.domain.records import HandOver, Pause, Step
from motcua_workflow.domain.status import (
    CaseStatus,
)


@dataclass(kw_only=True)
class CaseState:
    """What is known of the processing of one accepted dossier (mã hồ sơ ``code``).

    Two due times are kept: ``due_at`` is the appointment the citizen holds, ``original_due_at``
    the legal due that timeliness is measured against (see :mod:`.case`).
    """

    code: str
    unit: str  # cơ quan có thẩm quyền giải quyết
    receiving_unit: str  # nơi tiếp nhận (may differ: tiếp nhận phi địa giới)
    procedure_code: str
    procedure_version: str = ""
    procedure_name: str = ""
    unit_name: str = ""  # printed on the forms; the unit registry belongs to intake
    receiving_unit_name: str = ""
    applicant_name: str = ""
    applicant_phone: str | None = None
    # Pseudonymous (keyed hash of the personal ID number): lets feedback recognise the citizen
    # who may rate online, without the number itself.
    applicant_key: str = ""
    channel: Channel
    on_the_spot: bool = False
    imported: bool = False  # from an earlier system's tracking book (Mẫu 07), not live
    same_day: bool = False
    supplement_policy: SupplementPolicy = SupplementPolicy.PAUSE
    allotted_hours: float
    fee_total: int = 0
    return_counter: str | None = None
    accepted_at: datetime
    due_at: datetime
    original_due_at: datetime
    status: CaseStatus = CaseStatus.ACCEPTED
    steps: list[Step] = field(default_factory=list)
    control_sheet: list[HandOver] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    supplement_count: int = 0
    counted_late_qd766: bool = False
    extended: bool = False
    extended_at: datetime | None = None
    extended_from: datetime | None = None
    extension_reason: str | None = None
    payment_requested_at: datetime | None = None
    withdrawal_reason: str | None = None
    withdrawal_requested_at: datetime | None = None
    outcome: str | None = None
    result_reference: str | None = None
    electronic_result: bool = False
    resolved_at: datetime | None = None
    returned_at: datetime | None = None
    return_channel: Channel | None = None
    returned_counter: str | None = None
    stopped_at: datetime | None = None
    stop_reason: str | None = None
    stop_stage: str | None = None
    fee_settlement: str | None = None
    finished_at: datetime | None = None
    timeliness: Timeliness | None = None
    processing_hours: float | None = None
    warned: bool = False
    overdue_emitted: bool = False
    updated_at: datetime
    calendar: WorkingCalendar | None = field(default=None, compare=False, repr=False)
    pending_events: list[CaseEventData] = field(default_factory=list, compare=False, repr=False)

    # ------------------------------------------------------------------ queries

    @property
    def current_step(self) -> Step | None:
        """The step being worked on (started, not completed)."""
        return next((step for step in self.steps if step.is_current), None)

    @property
    def open_pause(self) -> Pause | None:
        """The supplementation wait still running, if any."""
        return self.pauses[-1] if self.pauses and self.pauses[-1].ended_at is None else None

    def open_timeliness(self, at: datetime) -> OpenTimeliness | None:
        """Đang trong hạn / quá hạn at ``at`` for an open case; ``None`` once finished."""
        if not self.status.is_open:
            return None
        pause = self.open_pause
        return open_timeliness(
            self.original_due_at,
            at,
            paused_since=None if pause is None else pause.started_at,
            supplement_count=self.supplement_count,
        )

    # ------------------------------------------------------------------ the one state change

    def apply(self, event: EventData) -> None:
        """Change the state by one recorded event — live and in replay alike.

        Events this aggregate has no use for (other intake events) are ignored: their effect on
        the case arrives as a workflow event recorded by a command.
        """
        match event:
            case CaseStepStarted():
                self._on_step_started(event)
            case CaseStepAssigned():
                self._on_step_assigned(event)
            case CaseStepCompleted():
                self._on_step_completed(event)
            case CaseSupplementRequested():
                self._on_supplement_requested(event)
            case CaseResumed():
                self._on_resumed(event)
            case CasePaymentRequested():
                self.status = CaseStatus.AWAITING_PAYMENT
                self.payment_requested_at = instant(event.at)
            case CasePaymentReceived():
                self.status = CaseStatus.PROCESSING
            case CaseExtended():
                self._on_extended(event)
            case CaseDeadlineWarning():
                self.warned = True
            case CaseOverdue():
                self.overdue_emitted = True
            case CaseWithdrawalRequested():
                self.status = CaseStatus.WITHDRAWAL_REQUESTED
                self.withdrawal_reason = event.reason
                self.withdrawal_requested_at = instant(event.at)
            case CaseResolved():
                self._on_resolved(event)
            case CaseReturned():
                self._on_returned(event)
            case CaseStopped():
                self._on_stopped(event)
            case _:
                return
        self.updated_at = max(self.updated_at, instant(event.at))

    def _on_step_started(self, event: CaseStepStarted) -> None:
        step = self.steps[event.step]
        step.started_at = instant(event.at)
        step.due_at = instant(event.due_at)
        step.assignee = event.assignee

    def _on_step_assigned(self, event: CaseStepAssigned) -> None:
        step = self.steps[event.step]
        at = instant(event.at)
        due = instant(event.due_at)
        step.assignee = event.assignee
        self.control_sheet.append(
            HandOver(
                step=step.index,
                kind="assign",
                from_unit=step.unit,
                from_person=event.assigned_by,
                to_unit=step.unit,
                to_person=event.assignee,
                at=at,
                timeliness=classify_finish(at, due),
                step_name=step.name,
            )
        )
        self._leave_intake()

    def _on_step_completed(self, event: CaseStepCompleted) -> None:
        step = self.steps[event.step]
        at = instant(event.at)
        step.completed_at = at
        step.completed_by = event.completed_by
        step.completed_by_name = event.completed_by_name
        # An unassigned step is claimed by whoever completes it (the event names them).
        step.assignee = step.assignee or event.assignee
        step.timeliness = event.timeliness
        following = self.steps[step.index + 1] if step.index + 1 < len(self.steps) else None
        default_to = following.unit if following else self.receiving_unit
        self.control_sheet.append(
            HandOver(
                step=step.index,
                kind="complete",
                from_unit=step.unit,
                from_person=step.completed_by or step.assignee,
                to_unit=event.to_unit or default_to,
                to_person=event.handed_to,
                at=at,
                timeliness=event.timeliness,
                step_name=step.name,
                from_person_name=step.completed_by_name,
            )
        )
        self._leave_intake()

    def _leave_intake(self) -> None:
        # Được tiếp nhận (2) lasts until the first hand-over; from then on the dossier is being
        # processed (4).
        if self.status is CaseStatus.ACCEPTED:
            self.status = CaseStatus.PROCESSING

    def _on_supplement_requested(self, event: CaseSupplementRequested) -> None:
        self.status = CaseStatus.SUPPLEMENT_REQUESTED
        self.supplement_count = event.count
        self.counted_late_qd766 = counted_late_qd766(event.count)
        self.pauses.append(
            Pause(started_at=instant(event.at), reason=event.reason, policy=event.policy)
        )

    def _on_resumed(self, event: CaseResumed) -> None:
        pause = self.open_pause
        if pause is not None:
            pause.ended_at = instant(event.at)
            pause.working_hours = event.pause_hours
        self.due_at = instant(event.appointment_at or event.new_due_at)
        legal = event.legal_due_at or event.original_due_at
        self.original_due_at = instant(legal) if legal is not None else self.due_at
        if event.step is not None and event.step_due_at is not None:
            self.steps[event.step].due_at = instant(event.step_due_at)
        self.status = CaseStatus.PROCESSING

    def _on_extended(self, event: CaseExtended) -> None:
        self.extended = True
        self.extended_at = instant(event.at)
        previous = event.previous_appointment
        self.extended_from = instant(previous) if previous is not None else self.due_at
        self.extension_reason = event.reason
        self.due_at = instant(event.appointment_at or event.new_due_at)

    def _on_resolved(self, event: CaseResolved) -> None:
        at = instant(event.at)
        self.status = CaseStatus.RESOLVED
        self.outcome = event.outcome
        self.result_reference = event.result_reference
        self.electronic_result = event.electronic_result
        self.resolved_at = at
        self._finish(at, event.timeliness, event.processing_hours)

    def _on_returned(self, event: CaseReturned) -> None:
        self.status = CaseStatus.RETURNED
        self.returned_at = instant(event.returned_at)
        self.return_channel = event.channel
        self.returned_counter = event.counter
        self._finish(self.returned_at, event.timeliness, None)

    def _on_stopped(self, event: CaseStopped) -> None:
        at = instant(event.at)
        pause = self.open_pause
        if pause is not None:
            pause.ended_at = at
            pause.working_hours = event.pause_hours
        self.status = CaseStatus.STOPPED
        self.stopped_at = at
        self.stop_reason = event.reason
        self.stop_stage = event.stage
        self.fee_settlement = event.fee_settlement
        self._finish(at, event.timeliness, event.processing_hours)

    def _finish(self, at: datetime, timeliness: Timeliness | None, hours: float | None) -> None:
        # Only the first finish counts (QĐ 766: resolved > returned > stopped).
        if self.finished_at is not None:
            return
        self.finished_at = at
        self.timeliness = timeliness or classify_finish(at, self.original_due_at)
        self.processing_hours = hours
