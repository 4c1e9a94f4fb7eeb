"""The Dossier aggregate (hồ sơ TTHC) as the one-stop counter sees it, from submission to intake
decision, plus what the citizen hands in or asks for afterwards.

Commands check the rules and record events (the published contracts); :meth:`Dossier.apply` is
the only place an event changes state, so a live command and a replay run the same code. The
applicant's personal data, the lookup secret and the procedure rules are not in the events
(personal data stays in the intake database; the rules are the catalogue's), so they are given
when the aggregate is created and kept in its document.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from motcua_intake.domain.citizens import APPLICANT_FIELDS
from motcua_intake.domain.completeness import (
    check_completeness,
    registry_documents,
    validate_documents,
)
from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier_code import parse_dossier_code
from motcua_intake.domain.dossier_records import (
    Acceptance,
    SupplementHandIn,
    SupplementRequest,
    SupplementStage,
    Withdrawal,
    answered,
)
from motcua_intake.domain.errors import (
    ChannelNotOffered,
    DomainError,
    IncompleteDossier,
    InvalidApplicant,
    InvalidDossierCode,
    InvalidStatus,
    OnTheSpotNotAllowed,
    ProcedureNotInForce,
    ReasonRequired,
    UnknownComponent,
    UnknownExemption,
    WithdrawalNotAllowed,
)
from motcua_intake.domain.fees import FeeLine, assess_fees, unknown_exemptions
from motcua_intake.domain.lookup_secret import new_lookup_secret
from motcua_intake.domain.procedures import Procedure, ProcedureVersion
from motcua_intake.domain.status import WORKFLOW_STATUSES, DossierStatus
from motcua_platform.calendar import WorkingCalendar
from motcua_platform.contracts.events import (
    ApplicantRef,
    Channel,
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementRequestedAtIntake,
    DossierSupplementSubmitted,
    DossierWithdrawalRequested,
    EventData,
    ImportedFinish,
)
from motcua_platform.instants import InvalidTime, instant

ResultDelivery = Literal["counter", "postal", "online"]

_DEFAULT_DELIVERY: dict[Channel, ResultDelivery] = {
    Channel.COUNTER: "counter",
    Channel.ONLINE: "online",
    Channel.POSTAL: "postal",
}
# Once the result exists (9) or was handed over (10) there is nothing left to withdraw from
# (domain §1.7); refused, stopped and already-withdrawn dossiers are over too.
_WITHDRAWABLE = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.ACCEPTED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
    }
)


class Dossier:
    """One dossier at intake. Create it with :meth:`submit`; rebuild it with
    :meth:`from_document` (or :meth:`replay`)."""

    def __init__(
        self,
        *,
        code: str,
        rules: ProcedureVersion,
        applicant: Mapping[str, Any],
        lookup_secret: str,
        applicant_in_registry: bool = False,
    ) -> None:
        self.code = code
        self.rules = rules
        self.applicant: dict[str, Any] = dict(applicant)
        self.lookup_secret = lookup_secret
        self.applicant_in_registry = applicant_in_registry
        # Everything below is set by apply().
        self.seq = 0
        self.status = DossierStatus.SUBMITTED
        self.procedure_code = ""
        self.procedure_version = ""
        self.procedure_name = ""
        self.channel = Channel.COUNTER
        self.receiving_unit = ""
        self.competent_unit = ""
        self.applicant_key = ""
        self.prefilled_fields: list[str] = []
        self.documents: list[Document] = []
        self.result_delivery: ResultDelivery = "counter"
        self.submitted_at: datetime | None = None
        self.received_at: datetime | None = None
        self.acceptance: Acceptance | None = None
        self.supplement_requests: list[SupplementRequest] = []
        self.supplements: list[SupplementHandIn] = []
        self.refusal_reasons: list[str] = []
        self.refused_at: datetime | None = None
        self.withdrawal: Withdrawal | None = None
        self.workflow_status: DossierStatus | None = None
        self.imported = False  # entered from the tracking book of an earlier system
        self.last_event_at: datetime | None = None
        self.pending_events: list[EventData] = []

    # ----------------------------------------------------------------------------- reading

    @property
    def accepted_at(self) -> datetime | None:
        return self.acceptance.accepted_at if self.acceptance else None

    @property
    def due_at(self) -> datetime | None:
        return self.acceptance.due_at if self.acceptance else None

    @property
    def allotted_hours(self) -> float | None:
        return self.acceptance.allotted_hours if self.acceptance else None

    @property
    def on_the_spot(self) -> bool:
        return bool(self.acceptance and self.acceptance.on_the_spot)

    @property
    def supplement_stage(self) -> SupplementStage | None:
        """Which kind of request the dossier waits on, when in status 5."""
        if self.status is not DossierStatus.SUPPLEMENT_REQUESTED or not self.supplement_requests:
            return None
        return self.supplement_requests[-1].stage

    @property
    def citizen_wrote_nothing(self) -> bool:
        """Every applicant field besides the ID number came from data already held."""
        typed = set(self.applicant) - {"personal_id"} - set(self.prefilled_fields)
        return not typed

    def public_view(self) -> dict[str, Any]:
        """What the public lookup may show: no personal data."""
        return {
            "code": self.code,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "status": int(self.status),
            "status_name": self.status.api_name,
            "status_label": self.status.label,
            "submitted_at": self.submitted_at,
            "accepted_at": self.accepted_at,
            "due_at": self.due_at,
        }

    # ----------------------------------------------------------------------------- commands

    @classmethod
    def submit(
        cls,
        *,
        code: str,
        procedure: Procedure,
        version: ProcedureVersion,
        channel: Channel | str,
        receiving_unit: str,
        competent_unit: str,
        applicant: Mapping[str, Any],
        applicant_key: str,
        at: datetime,
        prefilled_fields: Sequence[str] = (),
        applicant_in_registry: bool = False,
        documents: Sequence[Document] = (),
        received_at: datetime | None = None,
        result_delivery: ResultDelivery | None = None,
        lookup_secret: str | None = None,
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> Dossier:
        """Nộp hồ sơ: a dossier enters the system (status 1, Mới đăng ký).

        ``version`` is the procedure version in force on the day of receipt (from the catalogue).
        For the postal channel ``received_at`` is when the parcel arrived (it may precede ``at``,
        the moment it was entered); the deadline still starts only at acceptance.
        """
        at = instant(at, "at")
        channel = Channel(channel)
        _check_code(code, receiving_unit)
        if version not in procedure.versions:
            raise ProcedureNotInForce(procedure.code, "the version is not one of this procedure")
        if version.effective_from > at.date():
            raise ProcedureNotInForce(
                procedure.code, f"version {version.version} is not in force on {at.date()}"
            )
        if not version.accepts_channel(channel):
            raise ChannelNotOffered(procedure.code, channel.value)
        _check_applicant(applicant, applicant_key, prefilled_fields)
        validate_documents(version, documents, procedure.code)
        if received_at is not None and channel is not Channel.POSTAL:
            raise InvalidTime("received_at is recorded for the postal channel only", "received_at")
        arrival = instant(received_at, "received_at") if received_at is not None else at
        if arrival > at:
            raise InvalidTime("the parcel cannot arrive after it was entered", "received_at")

        dossier = cls(
            code=code,
            rules=version,
            applicant=applicant,
            lookup_secret=lookup_secret or new_lookup_secret(random_bytes),
            applicant_in_registry=applicant_in_registry,
        )
        dossier._record(
            DossierSubmitted(
                procedure_code=procedure.code,
                procedure_version=version.version,
                procedure_name=procedure.name,
                channel=channel,
                receiving_unit=receiving_unit,
                competent_unit=competent_unit,
                submitted_at=at,
                applicant=dossier._applicant_ref(applicant_key),
                received_at=arrival,
                documents=[d.to_ref() for d in documents],
                prefilled_fields=list(prefilled_fields),
                result_delivery=result_delivery or _DEFAULT_DELIVERY[channel],
            )
        )
        return dossier

    @classmethod
    def submit_and_accept(
        cls,
        *,
        calendar: WorkingCalendar,
        resolve_on_the_spot: bool = False,
        fee_exemptions: Sequence[str] = (),
        fee_quantity: int = 1,
        return_counter: str | None = None,
        received_by: str | None = None,
        received_by_subject: str | None = None,
        unit_names: Mapping[str, str] | None = None,
        **submission: Any,
    ) -> Dossier:
        """Receive and accept in one visit: the counter (and a complete postal parcel opened by
        the officer). Online dossiers are accepted by an official after review, never on
        submission. Takes the arguments of :meth:`submit`; records both events."""
        channel = Channel(submission.get("channel", Channel.COUNTER))
        if channel is Channel.ONLINE:
            raise DomainError(
                "accept_on_submission_not_allowed",
                "an online dossier is accepted by an official after review, not on submission",
                field="accept",
            )
        dossier = cls.submit(**submission)
        dossier.accept(
            at=dossier.submitted_at or submission["at"],
            calendar=calendar,
            resolve_on_the_spot=resolve_on_the_spot,
            fee_exemptions=fee_exemptions,
            fee_quantity=fee_quantity,
            return_counter=return_counter,
            received_by=received_by,
            received_by_subject=received_by_subject,
            unit_names=unit_names,
        )
        return dossier

    @classmethod
    def import_history(
        cls,
        *,
        code: str,
        procedure: Procedure,
        version: ProcedureVersion,
        receiving_unit: str,
        competent_unit: str,
        applicant_name: str,
        applicant_key: str,
        received_at: datetime,
        due_at: datetime,
        finish: ImportedFinish | None,
        unit_names: Mapping[str, str] | None = None,
        source: str = "",
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> Dossier:
        """A dossier of the unit's past, from a line of its tracking book (Mẫu 07): received and
        accepted at ``received_at`` under the version then in force, due at the legal due time
        (checked against the book by :mod:`~motcua_intake.domain.history_import`). The events
        are the live ones, marked ``imported``; the finish, if any, rides on the acceptance for
        the workflow to record. The book holds no personal ID number, so the applicant is known
        by name only."""
        received_at = instant(received_at, "received_at")
        _check_code(code, receiving_unit)
        if version not in procedure.versions or version.effective_from > received_at.date():
            raise ProcedureNotInForce(
                procedure.code, f"version {version.version} is not in force on {received_at.date()}"
            )
        dossier = cls(
            code=code,
            rules=version,
            applicant={"full_name": applicant_name},
            lookup_secret=new_lookup_secret(random_bytes),
        )
        common: dict[str, Any] = {
            "procedure_code": procedure.code,
            "procedure_version": version.version,
            "procedure_name": procedure.name,
            "channel": Channel.COUNTER,
            "receiving_unit": receiving_unit,
            "competent_unit": competent_unit,
            "submitted_at": received_at,
            "applicant": dossier._applicant_ref(applicant_key),
            "imported": True,
            "import_source": source,
        }
        dossier._record(DossierSubmitted(**common))
        dossier._record(
            DossierAccepted(
                **common,
                accepted_at=received_at,
                due_at=instant(due_at, "due_at"),
                allotted_hours=version.legal_hours,
                same_day=version.same_day,
                steps=[
                    step.plan(receiving_unit=receiving_unit, competent_unit=competent_unit)
                    for step in version.steps
                ],
                supplement_policy=version.supplement_policy,
                imported_finish=finish,
                **_unit_names(unit_names or {}, receiving_unit, competent_unit),
            )
        )
        return dossier

    def accept(
        self,
        *,
        at: datetime,
        calendar: WorkingCalendar,
        resolve_on_the_spot: bool = False,
        fee_exemptions: Sequence[str] = (),
        fee_quantity: int = 1,
        return_counter: str | None = None,
        received_by: str | None = None,
        received_by_subject: str | None = None,
        unit_names: Mapping[str, str] | None = None,
    ) -> None:
        """Tiếp nhận: accept a complete dossier; the legal clock starts now.

        The due time follows the working calendar, with the 15:00 rule for same-day procedures.
        ``unit_names`` are the units' names on the dossier's date, carried in the event for the
        forms the other services print. ``resolve_on_the_spot`` marks a dossier resolved in the
        same visit, without an appointment (cán bộ không hẹn; NĐ 61/2018 Điều 19): only for
        procedures resolved on the same day.
        """
        at = self._command_time(at)
        self._require_intake_decision("accept")
        missing = check_completeness(
            self.rules,
            self.documents,
            channel=self.channel,
            registry_data_available=self.applicant_in_registry,
        )
        if missing:
            raise IncompleteDossier(missing)
        if resolve_on_the_spot and not (self.rules.same_day or self.rules.on_the_spot_allowed):
            raise OnTheSpotNotAllowed(self.procedure_code)
        unknown = unknown_exemptions(self.rules.fees, self.channel, fee_exemptions)
        if unknown:
            raise UnknownExemption(unknown[0], self.procedure_code)
        fee_lines = assess_fees(
            self.rules.fees, self.channel, exemptions=fee_exemptions, quantity=fee_quantity
        )
        due_at = calendar.due_at(at, self.rules.legal_hours, same_day=self.rules.same_day)
        documents = self.documents + registry_documents(
            self.rules, self.documents, self.applicant_in_registry
        )
        assert self.submitted_at is not None  # set by the submitted event
        self._record(
            DossierAccepted(
                procedure_code=self.procedure_code,
                procedure_version=self.procedure_version,
                procedure_name=self.procedure_name,
                channel=self.channel,
                receiving_unit=self.receiving_unit,
                competent_unit=self.competent_unit,
                submitted_at=self.submitted_at,
                applicant=self._applicant_ref(self.applicant_key),
                accepted_at=at,
                due_at=instant(due_at, "due_at"),
                legal_due_at=instant(due_at, "due_at"),
                appointment_at=instant(due_at, "due_at"),
                allotted_hours=self.rules.legal_hours,
                same_day=self.rules.same_day,
                prefilled_fields=list(self.prefilled_fields),
                on_the_spot=resolve_on_the_spot,
                documents=[d.to_ref() for d in documents],
                steps=[
                    step.plan(
                        receiving_unit=self.receiving_unit, competent_unit=self.competent_unit
                    )
                    for step in self.rules.steps
                ],
                supplement_policy=self.rules.supplement_policy,
                fee_total=sum(line.amount for line in fee_lines),
                return_counter=return_counter,
                received_at=self.received_at,
                result_delivery=self.result_delivery,
                fees=[line.model_dump() for line in fee_lines],
                fee_exemptions=sorted(set(fee_exemptions)),
                received_by=received_by,
                # Who, as the services know officials (the token's subject): the counter's own
                # step is theirs. ``received_by`` is the name printed on Mẫu 01.
                received_by_subject=received_by_subject,
                **_unit_names(unit_names or {}, self.receiving_unit, self.competent_unit),
            )
        )

    def request_supplement(
        self,
        *,
        at: datetime,
        reasons: Sequence[str] = (),
        missing_components: Sequence[str] | None = None,
        guided_by: str | None = None,
    ) -> None:
        """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ, before acceptance.

        No clock runs (the dossier is not accepted). Lists every missing component with a
        reason, "một lần, đầy đủ": when not given they are taken from the completeness check.
        """
        at = self._command_time(at)
        if self.status is not DossierStatus.SUBMITTED:
            raise InvalidStatus(
                "request a supplement for", self.status, "in status 1 (Mới đăng ký)"
            )
        problems = check_completeness(
            self.rules,
            self.documents,
            channel=self.channel,
            registry_data_available=self.applicant_in_registry,
        )
        if missing_components is None:
            missing_components = [p.component for p in problems]
        for code in missing_components:
            if self.rules.component(code) is None:
                raise UnknownComponent(code, self.procedure_code, field="missing_components")
        stated = _clean_reasons(reasons) or [
            f"{p.name}: {p.reason}" for p in problems if p.component in missing_components
        ]
        if not stated:
            raise ReasonRequired(what="a supplement request (Mẫu 02)")
        self._record(
            DossierSupplementRequestedAtIntake(
                procedure_code=self.procedure_code,
                receiving_unit=self.receiving_unit,
                competent_unit=self.competent_unit,
                reasons=stated,
                missing_components=list(missing_components),
                at=at,
                channel=self.channel,
                count=len(self.supplement_requests) + 1,
                guided_by=guided_by,
            )
        )

    def refuse(
        self, *, at: datetime, reasons: Sequence[str], refused_by: str | None = None
    ) -> None:
        """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ; a stated reason is mandatory."""
        at = self._command_time(at)
        self._require_intake_decision("refuse")
        stated = _clean_reasons(reasons)
        if not stated:
            raise ReasonRequired(what="a refusal (Mẫu 03)")
        self._record(
            DossierRefused(
                procedure_code=self.procedure_code,
                receiving_unit=self.receiving_unit,
                competent_unit=self.competent_unit,
                channel=self.channel,
                reasons=stated,
                at=at,
                refused_by=refused_by,
            )
        )

    def submit_supplement(self, *, at: datetime, documents: Sequence[Document]) -> None:
        """The citizen hands in what was asked for (at intake or during processing)."""
        at = self._command_time(at)
        stage = self.supplement_stage
        if stage is None:
            raise InvalidStatus(
                "hand in a supplement for", self.status, "in status 5 (Yêu cầu bổ sung giấy tờ)"
            )
        if not documents:
            raise DomainError(
                "documents_required",
                "a supplement hands in at least one document",
                field="documents",
            )
        validate_documents(self.rules, documents, self.procedure_code)
        self._record(
            DossierSupplementSubmitted(
                documents=[d.to_ref() for d in documents], at=at, stage=stage
            )
        )

    def withdraw(self, *, at: datetime, reason: str) -> None:
        """Công dân yêu cầu rút hồ sơ (status 7); not once the result exists (9, 10)."""
        at = self._command_time(at)
        if self.status not in _WITHDRAWABLE:
            raise WithdrawalNotAllowed(self.status)
        if not reason or not reason.strip():
            raise ReasonRequired(field="reason", what="a withdrawal request")
        self._record(
            DossierWithdrawalRequested(reason=reason.strip(), at=at, status_before=self.status)
        )

    def observe_workflow_status(
        self,
        status: int | DossierStatus,
        due_at: datetime | None = None,
        *,
        at: datetime | None = None,
    ) -> bool:
        """Mirror the status the workflow service published, for the lookup and the receipts.

        Not an intake event, so it changes state directly; it never moves a dossier back out of
        a final state, nor out of a withdrawal request except to an end (events of two topics
        can arrive in either order). ``due_at`` is the case's current due time (after a restart
        or an extension). Returns whether anything changed.
        """
        new = DossierStatus(status)
        if new not in WORKFLOW_STATUSES:
            raise ValueError(f"status {int(new)} is not set by the workflow")
        if self.acceptance is None or self.status.is_final:
            return False
        if self.status is DossierStatus.RESOLVED and new is not DossierStatus.RETURNED:
            return False
        ends = (DossierStatus.STOPPED, DossierStatus.RESOLVED, DossierStatus.RETURNED)
        if self.status is DossierStatus.WITHDRAWAL_REQUESTED and new not in ends:
            return False
        changed = False
        if due_at is not None:
            due = instant(due_at, "due_at")
            changed = due != self.acceptance.due_at
            self.acceptance.due_at = due
        if new is DossierStatus.SUPPLEMENT_REQUESTED and self.status is not new:
            when = instant(at, "at") if at is not None else None
            self.supplement_requests.append(SupplementRequest(stage="processing", at=when))
        changed = changed or new is not self.status
        self.status = new
        self.workflow_status = new
        return changed

    # ----------------------------------------------------------------------------- events

    def apply(self, event: EventData) -> None:
        """The one place where an event changes the dossier."""
        self.seq += 1
        match event:
            # DossierAccepted extends DossierSubmitted, so it must be matched first.
            case DossierAccepted():
                self._apply_submitted(event)
                self.status = DossierStatus.ACCEPTED
                self.documents = [Document.from_data(d) for d in event.documents]
                self.acceptance = Acceptance(
                    accepted_at=event.accepted_at,
                    due_at=event.appointment_at or event.due_at,
                    original_due_at=event.legal_due_at or event.due_at,
                    allotted_hours=event.allotted_hours,
                    same_day=event.same_day,
                    on_the_spot=event.on_the_spot,
                    steps=list(event.steps),
                    fee_lines=[FeeLine.model_validate(line.model_dump()) for line in event.fees],
                    fee_total=event.fee_total,
                    fee_exemptions=list(event.fee_exemptions),
                    return_counter=event.return_counter,
                    received_by=event.received_by,
                )
                self.imported = event.imported
                self.last_event_at = event.accepted_at
            case DossierSubmitted():
                self._apply_submitted(event)
                self.status = DossierStatus.SUBMITTED
                self.documents = [Document.from_data(d) for d in event.documents]
                self.last_event_at = event.submitted_at
            case DossierSupplementRequestedAtIntake():
                self.status = DossierStatus.SUPPLEMENT_REQUESTED
                self.supplement_requests.append(
                    SupplementRequest(
                        stage="intake",
                        at=event.at,
                        reasons=tuple(event.reasons),
                        missing_components=tuple(event.missing_components),
                    )
                )
                self.last_event_at = event.at
            case DossierRefused():
                self.status = DossierStatus.REFUSED
                self.refusal_reasons = list(event.reasons)
                self.refused_at = event.at
                self.last_event_at = event.at
            case DossierSupplementSubmitted():
                stage = event.stage or "intake"
                documents = tuple(Document.from_data(d) for d in event.documents)
                self.documents = self.documents + list(documents)
                self.supplements.append(
                    SupplementHandIn(stage=stage, at=event.at, documents=documents)
                )
                if self.supplement_requests and self.supplement_requests[-1].answered_at is None:
                    last = self.supplement_requests[-1]
                    self.supplement_requests[-1] = answered(last, event.at)
                if stage == "intake":
                    # Back to the officer for a new intake decision.
                    self.status = DossierStatus.SUBMITTED
                self.last_event_at = event.at
            case DossierWithdrawalRequested():
                before = event.status_before or self.status
                self.withdrawal = Withdrawal(reason=event.reason, at=event.at, status_before=before)
                self.status = DossierStatus.WITHDRAWAL_REQUESTED
                self.last_event_at = event.at
            case _:
                self.seq -= 1
                raise TypeError(f"a dossier does not apply {type(event).__name__}")

    def _apply_submitted(self, event: DossierSubmitted) -> None:
        self.procedure_code = event.procedure_code
        self.procedure_version = event.procedure_version
        self.procedure_name = event.procedure_name
        self.channel = Channel(event.channel)
        self.receiving_unit = event.receiving_unit
        self.competent_unit = event.competent_unit
        self.submitted_at = event.submitted_at
        self.received_at = event.received_at or event.submitted_at
        self.applicant_key = event.applicant.key
        self.prefilled_fields = list(event.prefilled_fields)
        self.result_delivery = event.result_delivery or _DEFAULT_DELIVERY[self.channel]

    def _record(self, event: EventData) -> None:
        self.apply(event)
        self.pending_events.append(event)

    def pull_events(self) -> list[EventData]:
        """Hand the recorded events to the store (outbox) and forget them."""
        events, self.pending_events = self.pending_events, []
        return events

    @classmethod
    def replay(
        cls,
        events: Iterable[EventData],
        *,
        code: str,
        rules: ProcedureVersion,
        applicant: Mapping[str, Any],
        lookup_secret: str,
        applicant_in_registry: bool = False,
    ) -> Dossier:
        """Rebuild a dossier from its intake events and the data events do not carry."""
        dossier = cls(
            code=code,
            rules=rules,
            applicant=applicant,
            lookup_secret=lookup_secret,
            applicant_in_registry=applicant_in_registry,
        )
        for event in events:
            dossier.apply(event)
        return dossier

    # ----------------------------------------------------------------------------- helpers

    def _applicant_ref(self, key: str) -> ApplicantRef:
        return ApplicantRef(
            key=key,
            full_name=str(self.applicant.get("full_name", "")),
            phone=self.applicant.get("phone"),
            email=self.applicant.get("email"),
        )

    def _command_time(self, at: datetime) -> datetime:
        at = instant(at, "at")
        if self.last_event_at is not None and at < self.last_event_at:
            raise InvalidTime(
                f"{at.isoformat()} is before the dossier's last recorded step "
                f"({self.last_event_at.isoformat()})"
            )
        return at

    def _require_intake_decision(self, command: str) -> None:
        if self.status is DossierStatus.SUBMITTED or self.supplement_stage == "intake":
            return
        raise InvalidStatus(
            command, self.status, "before acceptance (status 1, or 5 at the intake stage)"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dossier):
            return NotImplemented
        return _comparable(self) == _comparable(other)

    __hash__ = None  # type: ignore[assignment]  # mutable aggregate

    def __repr__(self) -> str:
        return f"Dossier(code={self.code!r}, status={int(self.status)}, seq={self.seq})"


def _comparable(dossier: Dossier) -> dict[str, Any]:
    # Equal dossiers have the same state; events waiting for the outbox are not state.
    return {k: v for k, v in vars(dossier).items() if k != "pending_events"}


def _unit_names(names: Mapping[str, str], receiving: str, competent: str) -> dict[str, str]:
    found = {
        "receiving_unit_name": names.get(receiving),
        "competent_unit_name": names.get(competent),
    }
    return {key: name for key, name in found.items() if name}


def _clean_reasons(reasons: Sequence[str] | str) -> list[str]:
    if isinstance(reasons, str):
        reasons = [reasons]
    return [r.strip() for r in reasons if isinstance(r, str) and r.strip()]


def _check_code(code: str, receiving_unit: str) -> None:
    parsed = parse_dossier_code(code)
    if parsed.agency_code != receiving_unit:
        # The code is built from the receiving unit's agency code (mã định danh); one that
        # names another unit would be counted in the wrong unit's tracking book.
        raise InvalidDossierCode(code, f"does not belong to receiving unit {receiving_unit}")


def _check_applicant(
    applicant: Mapping[str, Any], applicant_key: str, prefilled_fields: Sequence[str]
) -> None:
    unknown = set(applicant) - {"personal_id", *APPLICANT_FIELDS}
    if unknown:
        raise InvalidApplicant(f"unknown applicant fields: {', '.join(sorted(unknown))}")
    for required in ("personal_id", "full_name"):
        if not applicant.get(required):
            raise InvalidApplicant(f"the applicant needs {required}", f"applicant.{required}")
    if len(applicant_key) < 8:
        raise InvalidApplicant("the applicant key must be a keyed hash", "applicant_key")
    stray = set(prefilled_fields) - set(APPLICANT_FIELDS)
    if stray:
        raise InvalidApplicant(f"unknown prefilled fields: {', '.join(sorted(stray))}")
