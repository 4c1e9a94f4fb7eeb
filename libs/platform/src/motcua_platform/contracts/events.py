"""Typed data of every published event type (architecture §4).

Personal data stays in the intake database: events carry the applicant's pseudonymous key (a keyed
hash of the personal ID number), the name printed on the forms and a contact channel — never the
personal ID number itself.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from motcua_platform.contracts.status import NationalStatus


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
    """Base of all event payloads. Every field a producer sends is declared; unknown fields are
    still kept, so that a consumer of an older version passes a newer producer's additions on.

    ``renamed`` maps a field's new name to the old one it replaces: both are published and both
    are read for one version, whichever an event carries.
    """

    model_config = ConfigDict(extra="allow", frozen=True)
    event_type: ClassVar[str]
    renamed: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _both_names(cls, data: Any) -> Any:
        if not cls.renamed or not isinstance(data, dict):
            return data
        data = dict(data)
        for new, old in cls.renamed.items():
            if data.get(new) is None and data.get(old) is not None:
                data[new] = data[old]
            elif data.get(old) is None and data.get(new) is not None:
                data[old] = data[new]
        return data


# The two instants ``due_at`` has meant, named apart (additive; the old names stay for a version).
LEGAL_DUE = Field(
    default=None,
    description="Thời hạn giải quyết theo quy định: the legal due instant timeliness is measured "
    "against; moved by supplementation, never by an extension",
)
APPOINTMENT = Field(
    default=None,
    description="Ngày hẹn trả kết quả: the instant the citizen holds on the receipt; moved by "
    "supplementation and by the one extension",
)


class ApplicantRef(BaseModel):
    """What other services may know of the applicant."""

    model_config = ConfigDict(extra="allow", frozen=True)

    key: str = Field(min_length=8, description="Keyed hash of the personal ID number")
    full_name: str
    phone: str | None = None
    email: str | None = None


class FileRef(BaseModel):
    """A file in object storage, by reference: events and dossiers never carry the bytes, and
    the key never contains personal data."""

    model_config = ConfigDict(extra="allow", frozen=True)

    key: str = Field(min_length=1, max_length=200, description="Object key (random, no names)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the content, hex")
    size: int = Field(ge=1, description="Bytes")
    media_type: str = Field(description="application/pdf, image/jpeg or image/png, by content")
    component: str | None = Field(default=None, description="Component code (thành phần hồ sơ)")


class DocumentRef(BaseModel):
    """One component handed in (thành phần hồ sơ); ``file`` when it was uploaded or scanned."""

    model_config = ConfigDict(extra="allow", frozen=True)

    component: str
    form: Literal["original", "certified_copy", "photocopy", "electronic"] = "original"
    digitized: bool = False
    reused: bool = False
    copies: int = Field(default=1, ge=1, description="Số lượng: copies of the component handed in")
    file: FileRef | None = Field(default=None, description="The stored file, when uploaded")


class FeeLineRef(BaseModel):
    """A fee as assessed on one dossier (phí, lệ phí), as printed on Mẫu 01."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    amount: int = Field(ge=0, description="VND per unit")
    quantity: int = Field(default=1, ge=1, description="Units charged")
    per: str = Field(default="hồ sơ", description="What one unit is (hồ sơ, trang, bản)")
    exemption: str | None = Field(default=None, description="Code of the miễn/giảm applied")


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
    received_at: AwareDatetime | None = Field(
        default=None, description="Postal channel: when the parcel arrived at the unit"
    )
    result_delivery: Literal["counter", "postal", "online"] | None = Field(
        default=None, description="Where the citizen asked to receive the result"
    )
    prefilled_fields: list[str] = Field(
        default_factory=list,
        description="Applicant fields filled from data already held (công dân không viết)",
    )
    documents: list[DocumentRef] = Field(default_factory=list)
    imported: bool = Field(
        default=False, description="From an earlier system's tracking book (Mẫu 07), not live"
    )
    import_source: str | None = Field(
        default=None, description="The imported book's file and line, for tracing it back"
    )


class ImportedFinish(BaseModel):
    """How a dossier entered from an earlier system's tracking book (Mẫu 07) ended there."""

    model_config = ConfigDict(extra="allow", frozen=True)

    finished_at: AwareDatetime
    outcome: Literal["approved", "denied"] = "approved"


class DossierAccepted(DossierSubmitted):
    event_type: ClassVar[str] = "dossier.accepted"
    renamed: ClassVar[dict[str, str]] = {"legal_due_at": "due_at", "appointment_at": "due_at"}

    accepted_at: AwareDatetime
    due_at: AwareDatetime = Field(
        description="Legal due instant, also the first appointment (read legal_due_at or "
        "appointment_at; kept for one version)"
    )
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    appointment_at: AwareDatetime | None = APPOINTMENT
    allotted_hours: float = Field(ge=0, description="Legal processing time in working hours")
    same_day: bool = False
    on_the_spot: bool = False
    steps: list[StepPlan] = Field(default_factory=list)
    supplement_policy: SupplementPolicy = SupplementPolicy.PAUSE
    fee_total: int = Field(default=0, description="VND due for the dossier")
    fees: list[FeeLineRef] = Field(default_factory=list, description="The assessed fee lines")
    fee_exemptions: list[str] = Field(
        default_factory=list, description="Codes of the miễn/giảm cases the officer verified"
    )
    return_counter: str | None = None
    received_by: str | None = Field(default=None, description="The official who accepted it")
    received_by_subject: str | None = Field(
        default=None,
        description="The accepting official as the services identify officials (the token's "
        "subject); received_by is the name printed on the forms",
    )
    competent_unit_name: str | None = Field(default=None, description="Printed on the forms")
    receiving_unit_name: str | None = Field(default=None, description="Printed on the forms")
    # The finish an imported dossier's tracking book records, for the workflow to record as
    # the case's decision and return.
    imported_finish: ImportedFinish | None = None


class DossierSupplementRequestedAtIntake(EventData):
    event_type: ClassVar[str] = "dossier.supplement_requested_at_intake"

    procedure_code: str
    receiving_unit: str
    competent_unit: str
    reasons: list[str]
    missing_components: list[str] = Field(default_factory=list)
    channel: Channel | None = None
    count: int | None = Field(default=None, ge=1, description="Requests so far, this one included")
    guided_by: str | None = Field(default=None, description="The official who wrote Mẫu 02")
    at: AwareDatetime


class DossierRefused(EventData):
    event_type: ClassVar[str] = "dossier.refused"

    procedure_code: str
    receiving_unit: str
    competent_unit: str
    channel: Channel
    reasons: list[str] = Field(min_length=1)
    refused_by: str | None = Field(default=None, description="The official who wrote Mẫu 03")
    at: AwareDatetime


class DossierSupplementSubmitted(EventData):
    event_type: ClassVar[str] = "dossier.supplement_submitted"

    documents: list[DocumentRef]
    stage: Literal["intake", "processing"] | None = Field(
        default=None, description="Whether the request answered was at intake or in processing"
    )
    at: AwareDatetime


class DossierWithdrawalRequested(EventData):
    event_type: ClassVar[str] = "dossier.withdrawal_requested"

    reason: str
    status_before: NationalStatus | None = Field(
        default=None, description="The status the dossier had when the citizen asked"
    )
    at: AwareDatetime


# ---------------------------------------------------------- workflow (motcua.workflow.v1)


class CaseEventData(EventData):
    """Every workflow event says which unit and procedure it belongs to, so consumers can count
    per unit without a lookup."""

    unit: str
    procedure_code: str
    at: AwareDatetime
    status: NationalStatus | None = Field(
        default=None,
        description="TrangThaiHoSo 1–10 of the case after this event (absent before this version)",
    )


class CaseStepStarted(CaseEventData):
    event_type: ClassVar[str] = "case.step_started"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str | None = None
    allotted_hours: float = Field(ge=0, description="Working hours allotted to the step")
    due_at: AwareDatetime = Field(description="Due instant of the step (not of the dossier)")


class CaseStepCompleted(CaseEventData):
    event_type: ClassVar[str] = "case.step_completed"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str | None = None
    allotted_hours: float = Field(ge=0, description="Working hours allotted to the step")
    timeliness: Timeliness = Field(description="The step against its own due instant")
    completed_by: str | None = None
    completed_by_name: str | None = Field(
        default=None, description="Display name of the official, as their token gave it"
    )
    handed_to: str | None = Field(default=None, description="Who receives the dossier next")
    to_unit: str | None = Field(default=None, description="The unit that receives it next")
    step_due_at: AwareDatetime | None = Field(default=None, description="Due instant of the step")


class CaseSupplementRequested(CaseEventData):
    event_type: ClassVar[str] = "case.supplement_requested"

    reason: str
    policy: SupplementPolicy
    count: int = Field(ge=1, description="Requests so far; more than one is late (QĐ 766)")
    stage: Literal["intake", "processing"] = "processing"
    missing_components: list[str] = Field(default_factory=list)


class CaseResumed(CaseEventData):
    event_type: ClassVar[str] = "case.resumed"
    renamed: ClassVar[dict[str, str]] = {
        "appointment_at": "new_due_at",
        "legal_due_at": "original_due_at",
    }

    policy: SupplementPolicy
    new_due_at: AwareDatetime = Field(description="The new appointment (read appointment_at)")
    original_due_at: AwareDatetime | None = Field(
        default=None, description="The new legal due instant (read legal_due_at)"
    )
    appointment_at: AwareDatetime | None = APPOINTMENT
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    paused_at: AwareDatetime | None = Field(default=None, description="When the wait began")
    pause_hours: float | None = Field(default=None, ge=0, description="Working hours waited")
    step: int | None = Field(default=None, ge=0, description="The step the wait interrupted")
    step_due_at: AwareDatetime | None = Field(default=None, description="Its new due instant")


class CaseExtended(CaseEventData):
    event_type: ClassVar[str] = "case.extended"
    renamed: ClassVar[dict[str, str]] = {
        "appointment_at": "new_due_at",
        "legal_due_at": "original_due_at",
    }

    reason: str
    original_due_at: AwareDatetime = Field(description="Legal due, unchanged (read legal_due_at)")
    new_due_at: AwareDatetime = Field(description="The new appointment (read appointment_at)")
    appointment_at: AwareDatetime | None = APPOINTMENT
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    previous_appointment: AwareDatetime | None = Field(
        default=None, description="The appointment the apology letter (Mẫu 04) replaces"
    )
    by: str | None = None


class CaseDeadlineWarning(CaseEventData):
    event_type: ClassVar[str] = "case.deadline_warning"
    renamed: ClassVar[dict[str, str]] = {"legal_due_at": "due_at"}

    due_at: AwareDatetime = Field(description="Legal due instant (read legal_due_at)")
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    remaining_working_hours: float | None = Field(default=None, description="Working hours left")


class CaseOverdue(CaseEventData):
    event_type: ClassVar[str] = "case.overdue"
    renamed: ClassVar[dict[str, str]] = {"legal_due_at": "due_at"}

    due_at: AwareDatetime = Field(description="Legal due instant (read legal_due_at)")
    legal_due_at: AwareDatetime | None = LEGAL_DUE


class CaseResolved(CaseEventData):
    event_type: ClassVar[str] = "case.resolved"
    renamed: ClassVar[dict[str, str]] = {"legal_due_at": "due_at"}

    outcome: Literal["approved", "denied"]
    result_reference: str | None = None
    electronic_result: bool = False
    result_file: FileRef | None = Field(
        default=None, description="The electronic result in object storage (a reference)"
    )
    timeliness: Timeliness | None = Field(
        default=None, description="Fixed at the decision against the legal due instant"
    )
    processing_hours: float | None = Field(
        default=None, ge=0, description="Thời gian giải quyết in working hours (QĐ 766 2.2)"
    )
    due_at: AwareDatetime | None = Field(default=None, description="Read legal_due_at")
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    on_the_spot: bool = Field(default=False, description="Resolved in the same visit")
    imported: bool = Field(
        default=False, description="From an earlier system's tracking book (Mẫu 07), not live"
    )
    by: str | None = None


class CaseReturned(CaseEventData):
    event_type: ClassVar[str] = "case.returned"
    renamed: ClassVar[dict[str, str]] = {
        "legal_due_at": "due_at",
        "appointment_at": "appointment_due_at",
    }

    returned_at: AwareDatetime
    channel: Channel
    timeliness: Timeliness
    due_at: AwareDatetime = Field(description="Legal due instant (read legal_due_at)")
    appointment_due_at: AwareDatetime | None = Field(
        default=None, description="The appointment (read appointment_at)"
    )
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    appointment_at: AwareDatetime | None = APPOINTMENT
    applicant_name: str | None = None
    applicant_key: str | None = Field(
        default=None, description="Keyed hash of the applicant's personal ID number"
    )
    counter: str | None = None
    procedure_name: str | None = None
    returned_by: str | None = None
    on_the_spot: bool = Field(default=False, description="Resolved in the same visit")
    imported: bool = Field(
        default=False, description="From an earlier system's tracking book (Mẫu 07), not live"
    )


class CaseStopped(CaseEventData):
    event_type: ClassVar[str] = "case.stopped"
    renamed: ClassVar[dict[str, str]] = {"legal_due_at": "due_at"}

    reason: str
    stage: str
    fee_settlement: str | None = None
    timeliness: Timeliness | None = None
    processing_hours: float | None = Field(
        default=None, ge=0, description="Working hours spent before the stop"
    )
    pause_hours: float | None = Field(
        default=None, ge=0, description="Working hours of a wait still running at the stop"
    )
    withdrawal: bool = Field(default=False, description="Stopped at the citizen's request")
    due_at: AwareDatetime | None = Field(default=None, description="Read legal_due_at")
    legal_due_at: AwareDatetime | None = LEGAL_DUE
    by: str | None = None


class CaseStepAssigned(CaseEventData):
    """Phân công: a leader gives the current step to an official (or one claims it)."""

    event_type: ClassVar[str] = "case.step_assigned"

    step: int = Field(ge=0)
    name: str
    step_unit: str
    assignee: str
    assigned_by: str
    due_at: AwareDatetime = Field(description="Due instant of the step (not of the dossier)")


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
