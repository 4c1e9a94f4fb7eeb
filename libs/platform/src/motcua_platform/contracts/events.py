"""Typed data of every published event type (architecture §4).

Personal data stays in the intake database: events carry the applicant's pseudonymous key (a keyed
hash of the personal ID number), the name printed on the forms and a contact channel — never the
personal ID number itself.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Channel(StrEnum):
    """Kênh thực hiện: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích."""

    COUNTER = "counter"
    ONLINE = "online"
    POSTAL = "postal"

    @property
    def portal_code(self) -> int:
        """KenhThucHien as synced to the national portal."""
        return {"counter": 1, "online": 2, "postal": 3}[self.value]


class Timeliness(StrEnum):
    """Trước hạn / đúng hạn / quá hạn (finished) and đang trong hạn / quá hạn (open)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class SupplementPolicy(StrEnum):
    """How supplementation during processing affects the clock (domain §1.6)."""

    RESTART = "restart"  # NĐ 61 Art. 21: recounted from the start once complete
    PAUSE = "pause"  # QĐ 766 computation: the waiting interval is subtracted


class EventData(BaseModel):
    """Base of all event payloads. Unknown fields are kept so additive changes pass through."""

    model_config = ConfigDict(extra="allow", frozen=True)
    event_type: ClassVar[str]


class ApplicantRef(BaseModel):
    """What other services may know of the applicant."""

    model_config = ConfigDict(extra="allow", frozen=True)

    key: str = Field(min_length=8, description="Keyed hash of the personal ID number")
    full_name: str
    phone: str | None = None
    email: str | None = None


class DocumentRef(BaseModel):
    """One component handed in (thành phần hồ sơ)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    component: str
    form: Literal["original", "certified_copy", "photocopy", "electronic"] = "original"
    digitized: bool = False
    reused: bool = False


class StepPlan(BaseModel):
    """One internal step of the procedure's processing (quy trình nội bộ)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    role: str
    hours: float = Field(ge=0)
    unit: str | None = None


# ---------------------------------------------------------------- intake (motcua.intake.v1)


class DossierSubmitted(EventData):
    event_type: ClassVar[str] = "dossier.submitted"

    procedure_code: str
    procedure_version: str
    procedure_name: str = ""
    channel: Channel
    receiving_unit: str
    competent_unit: str
    submitted_at: AwareDatetime
    applicant: ApplicantRef


class ImportedFinish(BaseModel):
    """How a dossier entered from an earlier system's tracking book (Mẫu 07) ended there."""

    model_config = ConfigDict(extra="allow", frozen=True)

    finished_at: AwareDatetime
    outcome: Literal["approved", "denied"] = "approved"


class DossierAccepted(DossierSubmitted):
    event_type: ClassVar[str] = "dossier.accepted"

    accepted_at: AwareDatetime
    due_at: AwareDatetime
    allotted_hours: float = Field(ge=0)
    same_day: bool = False
    prefilled_fields: list[str] = Field(default_factory=list)
    on_the_spot: bool = False
    documents: list[DocumentRef] = Field(default_factory=list)
    steps: list[StepPlan] = Field(default_factory=list)
    supplement_policy: SupplementPolicy = SupplementPolicy.PAUSE
    fee_total: int = 0
    return_counter: str | None = None
    # Entered from an earlier system's tracking book, not received live; the finish, if the
    # book records one, is replayed by the workflow as the case's decision and return.
    imported: bool = False
    imported_finish: ImportedFinish | None = None


class DossierSupplementRequestedAtIntake(EventData):
    event_type: ClassVar[str] = "dossier.supplement_requested_at_intake"

    procedure_code: str
    receiving_unit: str
    competent_unit: str
    reasons: list[str]
    missing_components: list[str] = Field(default_factory=list)
    at: AwareDatetime


class DossierRefused(EventData):
    event_type: ClassVar[str] = "dossier.refused"

    procedure_code: str
    receiving_unit: str
    competent_unit: str
    channel: Channel
    reasons: list[str] = Field(min_length=1)
    at: AwareDatetime


class DossierSupplementSubmitted(EventData):
    event_type: ClassVar[str] = "dossier.supplement_submitted"

    documents: list[DocumentRef]
    at: AwareDatetime


class DossierWithdrawalRequested(EventData):
    event_type: ClassVar[str] = "dossier.withdrawal_requested"

    reason: str
    at: AwareDatetime


# ---------------------------------------------------------- workflow (motcua.workflow.v1)


class CaseEventData(EventData):
    """Every workflow event says which unit and procedure it belongs to, so consumers can count
    per unit without a lookup."""

    unit: str
    procedure_code: str
    at: AwareDatetime


class CaseStepStarted(CaseEventData):
    event_type: ClassVar[str] = "case.step_started"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str | None = None
    allotted_hours: float = Field(ge=0)
    due_at: AwareDatetime


class CaseStepCompleted(CaseEventData):
    event_type: ClassVar[str] = "case.step_completed"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str | None = None
    allotted_hours: float = Field(ge=0)
    timeliness: Timeliness


class CaseSupplementRequested(CaseEventData):
    event_type: ClassVar[str] = "case.supplement_requested"

    reason: str
    policy: SupplementPolicy
    count: int = Field(ge=1)


class CaseResumed(CaseEventData):
    event_type: ClassVar[str] = "case.resumed"

    policy: SupplementPolicy
    new_due_at: AwareDatetime


class CaseExtended(CaseEventData):
    event_type: ClassVar[str] = "case.extended"

    reason: str
    original_due_at: AwareDatetime
    new_due_at: AwareDatetime


class CaseDeadlineWarning(CaseEventData):
    event_type: ClassVar[str] = "case.deadline_warning"

    due_at: AwareDatetime


class CaseOverdue(CaseEventData):
    event_type: ClassVar[str] = "case.overdue"

    due_at: AwareDatetime


class CaseResolved(CaseEventData):
    event_type: ClassVar[str] = "case.resolved"

    outcome: Literal["approved", "denied"]
    result_reference: str | None = None
    electronic_result: bool = False


class CaseReturned(CaseEventData):
    event_type: ClassVar[str] = "case.returned"

    returned_at: AwareDatetime
    channel: Channel
    timeliness: Timeliness
    due_at: AwareDatetime
    applicant_name: str | None = None
    counter: str | None = None
    procedure_name: str | None = None
    returned_by: str | None = None


class CaseStopped(CaseEventData):
    event_type: ClassVar[str] = "case.stopped"

    reason: str
    stage: str
    fee_settlement: str | None = None
    timeliness: Timeliness | None = None


class CaseStepAssigned(CaseEventData):
    """Phân công: a leader gives the current step to an official (or one claims it)."""

    event_type: ClassVar[str] = "case.step_assigned"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str
    assigned_by: str
    due_at: AwareDatetime


class CasePaymentRequested(CaseEventData):
    """Yêu cầu thực hiện nghĩa vụ tài chính (status 6)."""

    event_type: ClassVar[str] = "case.payment_requested"

    amount: int | None = Field(default=None, ge=0)
    note: str = ""


class CasePaymentReceived(CaseEventData):
    """The fee or tax was paid; processing continues (back to status 4)."""

    event_type: ClassVar[str] = "case.payment_received"


class CaseWithdrawalRequested(CaseEventData):
    """Công dân yêu cầu rút hồ sơ (status 7), from intake's ``dossier.withdrawal_requested``."""

    event_type: ClassVar[str] = "case.withdrawal_requested"

    reason: str


# ---------------------------------------------------------- feedback (motcua.feedback.v1)

RatingLevel = Literal["very_satisfied", "satisfied", "dissatisfied"]


class RatingSubmitted(EventData):
    event_type: ClassVar[str] = "rating.submitted"

    dossier_code: str | None = None
    counter: str | None = None
    entered_by: str | None = None
    unit: str
    procedure_code: str
    overall: RatingLevel
    indicators: dict[str, int] = Field(default_factory=dict)
    channel: Literal["kiosk", "online", "paper"]
    at: AwareDatetime


class ComplaintFiled(EventData):
    event_type: ClassVar[str] = "complaint.filed"

    complaint_id: str | None = None
    classified: bool = False
    procedure_code: str | None = None
    repeat_of: str | None = None
    unit: str
    topic: str
    category: Literal["procedure", "conduct"] = "procedure"
    dossier_code: str | None = None
    due_at: AwareDatetime
    at: AwareDatetime


class ComplaintAnswered(EventData):
    event_type: ClassVar[str] = "complaint.answered"

    complaint_id: str | None = None
    unit: str
    dossier_code: str | None = None
    due_at: AwareDatetime
    timeliness: Timeliness
    at: AwareDatetime


class ComplaintClassified(EventData):
    """Phân loại PAKN (QĐ 766 5.1): procedure/policy vs officials' conduct."""

    event_type: ClassVar[str] = "complaint.classified"

    complaint_id: str
    unit: str
    category: Literal["procedure", "conduct"]
    concerns_official: str | None = None
    at: AwareDatetime


class ComplaintAnswerRated(EventData):
    """The citizen's satisfaction with the answer (QĐ 766 5.3)."""

    event_type: ClassVar[str] = "complaint.answer_rated"

    complaint_id: str
    unit: str
    satisfied: bool
    at: AwareDatetime


EVENT_TYPES: dict[str, type[EventData]] = {
    model.event_type: model
    for model in (
        DossierSubmitted,
        DossierAccepted,
        DossierSupplementRequestedAtIntake,
        DossierRefused,
        DossierSupplementSubmitted,
        DossierWithdrawalRequested,
        CaseStepStarted,
        CaseStepCompleted,
        CaseSupplementRequested,
        CaseResumed,
        CaseExtended,
        CaseDeadlineWarning,
        CaseOverdue,
        CaseResolved,
        CaseReturned,
        CaseStopped,
        CaseStepAssigned,
        CasePaymentRequested,
        CasePaymentReceived,
        CaseWithdrawalRequested,
        RatingSubmitted,
        ComplaintFiled,
        ComplaintAnswered,
        ComplaintClassified,
        ComplaintAnswerRated,
    )
}


def data_model_for(event_type: str) -> type[EventData]:
    """The payload model of an event type; ``KeyError`` for a type this version does not know."""
    return EVENT_TYPES[event_type]
