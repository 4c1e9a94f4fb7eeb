"""Hồ sơ đang giải quyết — the Case aggregate, one per accepted dossier.

Commands check the law and the workflow, then record events through ``_record``; the single
``apply`` method is the only code that changes state, so replaying the stored events (the intake
``dossier.accepted`` followed by this service's ``case.*`` events) runs exactly the code that
ran live. Every calendar computation happens in a command and its result travels in the event,
so replay does not depend on the calendar of the day it runs.

Two due times are kept. ``due_at`` is the appointment (ngày hẹn trả) the citizen holds — moved
by an extension (Mẫu 04) and by supplementation. ``original_due_at`` is the legal due against
which timeliness is measured: supplementation moves it (pause or restart), an extension never
does (domain §1.5: lateness is still reported against the original date).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from motcua_platform.appointments import require_office_time
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
    DossierAccepted,
    EventData,
    FileRef,
    ImportedFinish,
    StepPlan,
    Timeliness,
)
from motcua_platform.instants import at_rest as instant
from motcua_platform.timeliness import (
    HOURS_PER_WORKING_DAY,
    OpenTimeliness,
    classify_finish,
    classify_open,
)
from motcua_workflow.domain import codec
from motcua_workflow.domain.actors import Actor
from motcua_workflow.domain.deadlines import processing_hours, resumed_dues, step_due
from motcua_workflow.domain.errors import (
    AlreadyExtended,
    AlreadyReturned,
    CaseClosed,
    ExtensionTooLate,
    InvalidTransition,
    InvalidValue,
)
from motcua_workflow.domain.guards import (
    aware,
    require_current_step,
    require_in_order,
    require_may_assign,
    require_may_complete,
    require_status,
)
from motcua_workflow.domain.records import Step
from motcua_workflow.domain.state import CaseState
from motcua_workflow.domain.status import (
    CLOCK_RUNNING_STATUSES,
    WORKING_STATUSES,
    CaseStatus,
)

DOCUMENT_VERSION = 1
Outcome = Literal["approved", "denied"]

_EXTENDABLE = WORKING_STATUSES | {CaseStatus.AWAITING_PAYMENT}
_WITHDRAWABLE = WORKING_STATUSES | {CaseStatus.SUPPLEMENT_REQUESTED, CaseStatus.AWAITING_PAYMENT}
_STOPPABLE = _WITHDRAWABLE | {CaseStatus.WITHDRAWAL_REQUESTED}


class Case(CaseState):
    """The processing case of one accepted dossier: commands decide and record events."""

    # ------------------------------------------------------------------ creation and replay

    @classmethod
    def open(cls, accepted: DossierAccepted, code: str, calendar: WorkingCalendar) -> Case:
        """Open the case of a dossier accepted by intake (tiếp nhận hồ sơ hợp lệ).

        The first internal step starts at acceptance. A dossier resolved on the spot (giải quyết
        ngay, "cán bộ không hẹn") is resolved and returned at once, as trước hạn: it has no
        appointment slip (NĐ 61 Art. 19), so there is no appointment date for the "same date ⇒
        đúng hạn" rule to apply to.
        """
        case = cls.from_accepted(accepted, code, calendar)
        if accepted.on_the_spot:
            case._finish_on_the_spot()
        elif accepted.imported_finish is not None:
            case._finish_imported(accepted.imported_finish)
        else:
            first = case.steps[0]
            case._record(
                CaseStepStarted(
                    **case._base(case.accepted_at),
                    step=0,
                    name=first.name,
                    step_unit=first.unit,
                    # The official who received the dossier does the counter's own step.
                    assignee=(_received_by(accepted) if first.role == "receiver" else None),
                    allotted_hours=first.hours,
                    due_at=step_due(calendar, case.accepted_at, first.hours, case.due_at),
                )
            )
        return case

    @classmethod
    def from_accepted(
        cls, accepted: DossierAccepted, code: str, calendar: WorkingCalendar | None = None
    ) -> Case:
        """The state right after acceptance, before any workflow event."""
        accepted_at = instant(accepted.accepted_at)
        due = instant(accepted.legal_due_at or accepted.due_at)
        appointment = instant(accepted.appointment_at or accepted.due_at)
        return cls(
            code=code,
            unit=accepted.competent_unit,
            receiving_unit=accepted.receiving_unit,
            procedure_code=accepted.procedure_code,
            procedure_version=accepted.procedure_version,
            procedure_name=accepted.procedure_name,
            unit_name=accepted.competent_unit_name or "",
            receiving_unit_name=accepted.receiving_unit_name or "",
            applicant_name=accepted.applicant.full_name,
            applicant_phone=accepted.applicant.phone,
            applicant_key=accepted.applicant.key,
            channel=accepted.channel,
            on_the_spot=accepted.on_the_spot,
            imported=accepted.imported,
            same_day=accepted.same_day,
            supplement_policy=accepted.supplement_policy,
            allotted_hours=accepted.allotted_hours,
            fee_total=accepted.fee_total,
            return_counter=accepted.return_counter,
            accepted_at=accepted_at,
            due_at=appointment,
            original_due_at=due,
            steps=_plan_steps(accepted),
            updated_at=accepted_at,
            calendar=calendar,
        )

    @classmethod
    def replay(
        cls,
        accepted: DossierAccepted,
        code: str,
        events: Iterable[EventData],
        calendar: WorkingCalendar | None = None,
    ) -> Case:
        """Rebuild a case from its acceptance and its recorded workflow events."""
        case = cls.from_accepted(accepted, code, calendar)
        for event in events:
            case.apply(event)
        return case

    def pull_events(self) -> list[CaseEventData]:
        """The events recorded since the last pull (for the outbox), clearing the list."""
        events, self.pending_events = self.pending_events, []
        return events

    # ------------------------------------------------------------------ commands: steps

    def assign(self, step: int, assignee: str, by: Actor, at: datetime) -> list[CaseEventData]:
        """Phân công: give the current step to ``assignee``.

        A leader of the step's unit (or of the competent unit) assigns; an official of the
        step's unit and role may also claim an unassigned step for themself.
        """
        at = aware(at)
        require_status(self, WORKING_STATUSES, "assign a step")
        current = require_current_step(self)
        if step != current.index:
            raise InvalidTransition(
                f"step {step} is not the current step ({current.index}: {current.name})",
                field="step",
            )
        if not assignee.strip():
            raise InvalidValue("assignee must not be empty", field="assignee")
        require_may_assign(self, by, current, assignee)
        require_in_order(self, at)
        assert current.due_at is not None  # a current step has started, so it has a due time
        return self._record(
            CaseStepAssigned(
                **self._base(at),
                step=current.index,
                name=current.name,
                step_unit=current.unit,
                assignee=assignee,
                assigned_by=by.id,
                due_at=current.due_at,
            )
        )

    def complete_step(
        self, actor: Actor, at: datetime, handed_to: str | None = None
    ) -> list[CaseEventData]:
        """Finish the current step and hand the dossier over (a row of Mẫu 06).

        Only the step's assignee — or, for an unassigned step, an official of its unit and role —
        or a leader of the unit may complete it. The next step starts at once, assigned to
        ``handed_to`` if given; after the last step the dossier goes back to the receiving unit
        (Bộ phận Một cửa) for the decision to be returned.
        """
        at = aware(at)
        require_status(self, WORKING_STATUSES, "complete a step")
        step = require_current_step(self)
        require_may_complete(self, actor, step)
        require_in_order(self, at)
        assert step.due_at is not None
        following = self.steps[step.index + 1] if step.index + 1 < len(self.steps) else None
        events: list[CaseEventData] = [
            CaseStepCompleted(
                **self._base(at),
                step=step.index,
                name=step.name,
                step_unit=step.unit,
                # Who did the step: its assignee, or whoever took it while unassigned.
                assignee=step.assignee or actor.id,
                allotted_hours=step.hours,
                timeliness=classify_finish(at, step.due_at),
                completed_by=actor.id,
                completed_by_name=actor.name,
                handed_to=handed_to,
                to_unit=following.unit if following else self.receiving_unit,
                step_due_at=step.due_at,
            )
        ]
        if following is not None:
            events.append(
                CaseStepStarted(
                    **self._base(at),
                    step=following.index,
                    name=following.name,
                    step_unit=following.unit,
                    assignee=handed_to,
                    allotted_hours=following.hours,
                    due_at=step_due(self._cal, at, following.hours, self.due_at),
                )
            )
        return self._record(*events)

    # ------------------------------------------------------------------ commands: the clock

    def request_supplement(
        self, reason: str, at: datetime, *, missing_components: Sequence[str] = ()
    ) -> list[CaseEventData]:
        """Yêu cầu bổ sung hồ sơ during processing (status 5); the clock stops until resumed.

        Every request opens a pause interval. QĐ 766 counts a dossier asked more than once as
        late, so the second request sets ``counted_late_qd766``.
        """
        at = aware(at)
        require_status(self, WORKING_STATUSES, "request a supplement")
        if not reason.strip():
            raise InvalidValue("a supplement request needs a reason", field="reason")
        require_in_order(self, at)
        return self._record(
            CaseSupplementRequested(
                **self._base(at),
                reason=reason,
                policy=self.supplement_policy,
                count=self.supplement_count + 1,
                stage="processing",
                missing_components=list(missing_components),
            )
        )

    def resume(self, at: datetime) -> list[CaseEventData]:
        """The citizen's supplement arrived (intake's ``dossier.supplement_submitted``).

        The pause interval closes and the due times follow the procedure's policy (see
        :func:`~motcua_workflow.domain.deadlines.resumed_dues`).
        """
        at = aware(at)
        require_status(self, {CaseStatus.SUPPLEMENT_REQUESTED}, "resume")
        require_in_order(self, at)
        pause = self.open_pause
        assert pause is not None  # status 5 always has an open pause
        step = self.current_step
        dues = resumed_dues(
            self._cal,
            policy=self.supplement_policy,
            paused_at=pause.started_at,
            resumed_at=at,
            due_at=self.original_due_at,
            appointment=self.due_at,
            allotted_hours=self.allotted_hours,
            same_day=self.same_day,
            extended=self.extended,
            step_hours=step.hours if step else None,
            step_due_at=step.due_at if step else None,
        )
        return self._record(
            CaseResumed(
                **self._base(at),
                policy=self.supplement_policy,
                new_due_at=dues.appointment,
                original_due_at=dues.due_at,
                paused_at=pause.started_at,
                pause_hours=dues.pause_hours,
                step=step.index if step else None,
                step_due_at=dues.step_due_at,
            )
        )

    def await_payment(
        self, at: datetime, *, amount: int | None = None, note: str = ""
    ) -> list[CaseEventData]:
        """Yêu cầu thực hiện nghĩa vụ tài chính (status 6): the result waits for a fee or tax."""
        at = aware(at)
        require_status(self, WORKING_STATUSES, "request a payment")
        require_in_order(self, at)
        return self._record(CasePaymentRequested(**self._base(at), amount=amount, note=note))

    def payment_received(self, at: datetime) -> list[CaseEventData]:
        """The obligation was paid: back to Đang xử lý (status 4)."""
        at = aware(at)
        require_status(self, {CaseStatus.AWAITING_PAYMENT}, "record a payment")
        require_in_order(self, at)
        return self._record(CasePaymentReceived(**self._base(at)))

    def extend(
        self, reason: str, new_due_at: datetime, at: datetime, *, by: str | None = None
    ) -> list[CaseEventData]:
        """Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04): the one extension the law allows.

        Refused a second time, after the current due time, with a date not after it, or with a
        date outside the office hours of a working day.
        Timeliness stays measured against the original due date.
        """
        at = aware(at)
        new_due = instant(aware(new_due_at, "new_due_at"))
        require_status(self, _EXTENDABLE, "extend")
        if self.extended:
            raise AlreadyExtended(f"case {self.code} was already extended once")
        if not reason.strip():
            raise InvalidValue("an extension needs a reason", field="reason")
        if at > self.due_at:
            raise ExtensionTooLate(
                f"the extension must be issued by the due time {self.due_at.isoformat()}",
                field="at",
            )
        if new_due <= self.due_at:
            raise InvalidValue(
                f"the new date must be after the current due time {self.due_at.isoformat()}",
                field="new_due_at",
            )
        # The citizen is told to come back then: the office must be open.
        require_office_time(self._cal, new_due, "new_due_at")
        require_in_order(self, at)
        return self._record(
            CaseExtended(
                **self._base(at),
                reason=reason,
                original_due_at=self.original_due_at,
                new_due_at=new_due,
                previous_appointment=self.due_at,
                by=by,
            )
        )

    def scan(
        self, now: datetime, warn_before_hours: float = HOURS_PER_WORKING_DAY
    ) -> list[CaseEventData]:
        """The deadline scanner's look at this case at ``now``.

        Records a warning once when at most ``warn_before_hours`` working hours remain before the
        due time, and an overdue event once after it. The flags live in the state, so with the
        store's version guard each event is emitted exactly once however often and by however
        many replicas the case is scanned. A case first scanned after its due time gets only the
        overdue event: a warning then would warn of nothing. Paused and finished cases are
        skipped — their clock is not running.
        """
        now = aware(now, "now")
        if self.status not in CLOCK_RUNNING_STATUSES or now < self.updated_at:
            return []
        due = self.original_due_at
        if classify_open(due, now) is OpenTimeliness.OVERDUE:
            if self.overdue_emitted:
                return []
            return self._record(CaseOverdue(**self._base(now), due_at=due))
        if self.warned:
            return []
        remaining = self._cal.working_hours_between(now, due)
        if remaining > warn_before_hours:
            return []
        return self._record(
            CaseDeadlineWarning(
                **self._base(now), due_at=due, remaining_working_hours=round(remaining, 2)
            )
        )

    # ------------------------------------------------------------------ commands: the end

    def resolve(
        self,
        outcome: Outcome,
        at: datetime,
        result_reference: str | None = None,
        electronic: bool = False,
        *,
        by: str | None = None,
        result_file: FileRef | None = None,
    ) -> list[CaseEventData]:
        """Đã xử lý xong (status 9): the decision is made. This fixes the timeliness — QĐ 766
        ends processing at the first of resolved > returned > stopped."""
        at = aware(at)
        require_status(self, WORKING_STATUSES, "resolve")
        if outcome not in ("approved", "denied"):
            raise InvalidValue("outcome must be 'approved' or 'denied'", field="outcome")
        require_in_order(self, at)
        return self._record(
            CaseResolved(
                **self._base(at),
                outcome=outcome,
                result_reference=result_reference,
                electronic_result=electronic or result_file is not None,
                result_file=result_file,
                timeliness=classify_finish(at, self.original_due_at),
                processing_hours=self._processing_hours(at),
                due_at=self.original_due_at,
                by=by,
            )
        )

    def return_result(
        self,
        channel: Channel | str,
        at: datetime,
        counter: str | None = None,
        *,
        by: str | None = None,
    ) -> list[CaseEventData]:
        """Đã trả kết quả (status 10): hand the result to the citizen by ``channel``.

        The event repeats the timeliness fixed at the decision; the return time does not change
        it. ``by`` (the returning official) lets the rating be attributed to the officials who
        handled the dossier.
        """
        at = aware(at)
        if self.status is CaseStatus.RETURNED:
            raise AlreadyReturned(f"the result of case {self.code} was already returned")
        if self.status is CaseStatus.STOPPED:
            raise CaseClosed(f"case {self.code} was stopped")
        if self.status is not CaseStatus.RESOLVED:
            raise InvalidTransition("a result can be returned only after the decision (status 9)")
        try:
            channel = Channel(channel)
        except ValueError:
            raise InvalidValue(f"unknown return channel {channel!r}", field="channel") from None
        require_in_order(self, at)
        assert self.timeliness is not None  # fixed when resolved
        return self._record(
            CaseReturned(
                **self._base(at),
                returned_at=at,
                channel=channel,
                timeliness=self.timeliness,
                due_at=self.original_due_at,
                applicant_name=self.applicant_name or None,
                applicant_key=self.applicant_key or None,
                counter=counter or self.return_counter,
                procedure_name=self.procedure_name or None,
                returned_by=by,
                appointment_due_at=self.due_at,
            )
        )

    def request_withdrawal(self, reason: str, at: datetime) -> list[CaseEventData]:
        """Công dân yêu cầu rút hồ sơ (status 7), from intake. Refused once a result decision
        exists (status 9/10) — the law lets the citizen withdraw only what is still pending."""
        at = aware(at)
        require_status(self, _WITHDRAWABLE, "withdraw")
        require_in_order(self, at)
        return self._record(CaseWithdrawalRequested(**self._base(at), reason=reason))

    def stop(
        self, reason: str, at: datetime, fee_settlement: str | None = None, *, by: str | None = None
    ) -> list[CaseEventData]:
        """Dừng xử lý (status 8) with Thông báo dừng giải quyết hồ sơ (Mẫu 05).

        Not possible after a result decision. Stopping is a finish for QĐ 766; a case stopped
        while waiting for the citizen is measured at the request time, as the 766 formula does
        for dossiers still waiting.
        """
        at = aware(at)
        require_status(self, _STOPPABLE, "stop")
        if not reason.strip():
            raise InvalidValue("a stop needs a reason", field="reason")
        require_in_order(self, at)
        pause = self.open_pause
        measured_at = pause.started_at if pause is not None else at
        return self._record(
            CaseStopped(
                **self._base(at),
                reason=reason,
                stage=self._stage(),
                fee_settlement=fee_settlement,
                timeliness=classify_finish(measured_at, self.original_due_at),
                processing_hours=self._processing_hours(at),
                pause_hours=(
                    round(self._cal.working_hours_between(pause.started_at, at), 6)
                    if pause is not None
                    else None
                ),
                withdrawal=self.status is CaseStatus.WITHDRAWAL_REQUESTED,
                due_at=self.original_due_at,
                by=by,
            )
        )

    # ------------------------------------------------------------------ documents

    def to_document(self) -> dict[str, Any]:
        """The state as a BSON-friendly document (see :mod:`motcua_workflow.domain.codec`).

        Pending events are not part of it: the store writes them to its outbox.
        """
        document = codec.encode(self)
        document["status_name"] = self.status.label
        document["doc_version"] = DOCUMENT_VERSION
        return document

    @classmethod
    def from_document(
        cls, document: dict[str, Any], calendar: WorkingCalendar | None = None
    ) -> Case:
        """Rebuild the state stored by :meth:`to_document`; unknown keys (``_id``, the store's
        version and outbox) are ignored."""
        case = codec.decode_record(cls, document)
        case.calendar = calendar
        return case

    # ------------------------------------------------------------------ helpers

    @property
    def _cal(self) -> WorkingCalendar:
        if self.calendar is None:
            raise RuntimeError("a case needs its unit's working calendar to decide commands")
        return self.calendar

    def _base(self, at: datetime) -> dict[str, Any]:
        return {"unit": self.unit, "procedure_code": self.procedure_code, "at": at}

    def _record(self, *events: CaseEventData) -> list[CaseEventData]:
        """Apply and keep for publishing; every decision goes through here."""
        published = []
        for event in events:
            self.apply(event)
            # Every published case event says the national status it leaves the case in, so no
            # consumer has to re-derive it.
            published.append(event.model_copy(update={"status": self.status}))
        self.pending_events.extend(published)
        return published

    def _stage(self) -> str:
        step = self.current_step
        if self.status in WORKING_STATUSES and step is not None:
            return step.name
        if step is not None:
            return f"{self.status.label} — {step.name}"
        return self.status.label

    def _processing_hours(self, finished_at: datetime) -> float:
        return processing_hours(
            self._cal,
            accepted_at=self.accepted_at,
            finished_at=finished_at,
            pauses=self.pauses,
            policy=self.supplement_policy,
        )

    def _finish_imported(self, finish: ImportedFinish) -> None:
        """A dossier of the unit's past whose tracking book records the finish: decided and
        returned then, classified against the legal due time as a live one is. The book has
        no internal steps, so none are recorded."""
        at = instant(aware(finish.finished_at, "finished_at"))
        if at < self.accepted_at:
            raise InvalidValue("the imported finish precedes the receipt", field="finished_at")
        timeliness = classify_finish(at, self.original_due_at)
        self._record(
            CaseResolved(
                **self._base(at),
                outcome=finish.outcome,
                timeliness=timeliness,
                processing_hours=self._processing_hours(at),
                due_at=self.original_due_at,
                imported=True,
            ),
            CaseReturned(
                **self._base(at),
                returned_at=at,
                channel=self.channel,
                timeliness=timeliness,
                due_at=self.original_due_at,
                applicant_name=self.applicant_name or None,
                procedure_name=self.procedure_name or None,
                appointment_due_at=self.due_at,
                imported=True,
            ),
        )

    def _finish_on_the_spot(self) -> None:
        at = self.accepted_at
        self._record(
            CaseResolved(
                **self._base(at),
                outcome="approved",
                timeliness=Timeliness.EARLY,
                processing_hours=0.0,
                due_at=self.original_due_at,
                on_the_spot=True,
            ),
            CaseReturned(
                **self._base(at),
                returned_at=at,
                channel=self.channel,
                timeliness=Timeliness.EARLY,
                due_at=self.original_due_at,
                applicant_name=self.applicant_name or None,
                applicant_key=self.applicant_key or None,
                counter=self.return_counter,
                procedure_name=self.procedure_name or None,
                on_the_spot=True,
            ),
        )


def _plan_steps(accepted: DossierAccepted) -> list[Step]:
    """The internal steps from the procedure version; one whole-time step if none are defined."""
    plans = list(accepted.steps) or [
        StepPlan(
            name="Giải quyết hồ sơ",
            role="specialist",
            hours=accepted.allotted_hours,
            unit=accepted.competent_unit,
        )
    ]
    return [
        Step(
            index=index,
            name=plan.name,
            role=plan.role,
            unit=_step_unit(plan, accepted),
            hours=plan.hours,
        )
        for index, plan in enumerate(plans)
    ]


def _step_unit(plan: StepPlan, accepted: DossierAccepted) -> str:
    """The unit code doing a step. Procedure catalogues name the side ("receiving" /
    "competent") rather than a code, as one version serves every commune; a step without a unit
    is done at the one-stop counter if it is the receiver's, otherwise at the competent unit."""
    if plan.unit == "receiving":
        return accepted.receiving_unit
    if plan.unit == "competent":
        return accepted.competent_unit
    if plan.unit:
        return plan.unit
    return accepted.receiving_unit if plan.role == "receiver" else accepted.competent_unit


def _received_by(accepted: DossierAccepted) -> str | None:
    """The official who received the dossier, as officials are identified (the token subject);
    events from before the subject was recorded carry only the name."""
    return accepted.received_by_subject or accepted.received_by
