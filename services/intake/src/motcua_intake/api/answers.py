"""The bodies intake's routes answer with, as the OpenAPI document declares them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from motcua_intake.domain.fees import Fee
from motcua_platform.contracts.events import DocumentRef, FeeLineRef, FileRef
from motcua_platform.http.answers import DateText, InstantText, Page, ResponseBody

STATUS = Field(description="Trạng thái hồ sơ: the national status code, 1–10")
STATUS_NAME = Field(description="The status as integrators name it, e.g. accepted")
STATUS_LABEL = Field(description="The status in Vietnamese, as printed")


class Applicant(ResponseBody):
    """Người nộp hồ sơ: only the fields the dossier holds are present."""

    personal_id: str | None = Field(default=None, description="Số định danh cá nhân")
    full_name: str | None = None
    date_of_birth: DateText | None = None
    gender: str | None = Field(default=None, description="male or female")
    address: str | None = None
    residence_unit: str | None = Field(default=None, description="Agency code of residence")
    phone: str | None = None
    email: str | None = None
    marital_status: str | None = None


class DossierSummary(ResponseBody):
    """Where a dossier stands and which forms there are to print (the answer of a command)."""

    code: str = Field(description="Mã hồ sơ")
    status: int = STATUS
    status_name: str = STATUS_NAME
    status_label: str = STATUS_LABEL
    due_at: InstantText | None = Field(description="Kept for a version: read appointment_at")
    appointment_at: InstantText | None = Field(description="Ngày hẹn trả kết quả")
    prefilled_fields: list[str] = Field(
        description="Applicant fields filled from data already held (công dân không viết)"
    )
    receipt_url: str | None = Field(description="Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)")
    supplement_request_url: str | None = Field(
        default=None, description="Phiếu yêu cầu bổ sung (Mẫu 02), when one was issued"
    )
    refusal_url: str | None = Field(
        default=None, description="Phiếu từ chối tiếp nhận (Mẫu 03), when refused"
    )


class SubmittedDossier(DossierSummary):
    """The 201 answer of a submission."""

    lookup_secret: str = Field(description="Mã tra cứu printed on the receipt, shown once here")


class SupplementRequestView(ResponseBody):
    stage: str = Field(description="intake (before acceptance) or processing")
    at: InstantText | None
    reasons: list[str]
    missing_components: list[str]
    answered_at: InstantText | None


class SupplementView(ResponseBody):
    stage: str
    at: InstantText | None
    documents: list[DocumentRef]


class WithdrawalView(ResponseBody):
    reason: str
    at: InstantText | None


class DossierView(DossierSummary):
    """A dossier as officials of its units see it."""

    procedure_code: str = Field(description="Mã TTHC")
    procedure_version: str
    procedure_name: str
    channel: Literal["counter", "online", "postal"]
    receiving_unit: str = Field(description="Agency code of the unit that received it")
    competent_unit: str = Field(description="Agency code of the unit competent to decide")
    applicant: Applicant
    applicant_in_registry: bool
    citizen_wrote_nothing: bool = Field(description="Công dân không viết: every field prefilled")
    documents: list[DocumentRef] = Field(description="Thành phần hồ sơ handed in")
    result_delivery: Literal["counter", "postal", "online"]
    submitted_at: InstantText | None
    received_at: InstantText | None
    accepted_at: InstantText | None
    original_due_at: InstantText | None = Field(description="The legal due at acceptance")
    allotted_hours: float | None = Field(description="Thời hạn giải quyết in working hours")
    on_the_spot: bool = Field(description="Resolved on the spot (cán bộ không hẹn)")
    imported: bool = Field(description="Brought in from an earlier tracking book")
    fee_total: int | None = Field(description="VND")
    fees: list[FeeLineRef]
    return_counter: str | None
    supplement_requests: list[SupplementRequestView]
    supplements: list[SupplementView]
    refusal_reasons: list[str]
    refused_at: InstantText | None
    withdrawal: WithdrawalView | None


class HistoryStep(ResponseBody):
    at: InstantText | None
    what: str = Field(description="What happened, in the citizen's words")


class MyDossierView(DossierView):
    """One of the signed-in citizen's dossiers: the officials' view without the ID number."""

    lookup_secret: str | None
    files: list[FileRef] = Field(description="The files of the dossier, to download")
    result_file: FileRef | None = Field(description="The electronic result, once issued")
    history: list[HistoryStep] = Field(description="What happened, oldest first")


class QueueItem(ResponseBody):
    """One dossier in a unit's list (no personal data)."""

    code: str
    status: int = STATUS
    status_name: str | None = STATUS_NAME
    procedure_code: str
    procedure_name: str | None = None
    channel: str | None = None
    receiving_unit: str | None = None
    competent_unit: str | None = None
    submitted_at: InstantText | None = None
    accepted_at: InstantText | None = None
    due_at: InstantText | None = None
    on_the_spot: bool | None = None
    citizen_wrote_nothing: bool | None = None


class DossierPage(Page):
    items: list[QueueItem] = Field(description="Newest first")
    total: int = Field(description="Dossiers matching the filters, on every page")
    limit: int


class PublicDossier(ResponseBody):
    """A dossier in the citizen's list: no personal data."""

    code: str
    procedure_code: str
    procedure_name: str
    status: int = STATUS
    status_name: str = STATUS_NAME
    status_label: str = STATUS_LABEL
    submitted_at: InstantText | None
    accepted_at: InstantText | None
    due_at: InstantText | None


class MyDossiers(Page):
    items: list[PublicDossier] = Field(description="Newest first")


class PublicStatus(ResponseBody):
    """The public lookup: status and due date only."""

    code: str
    status: int = STATUS
    status_name: str = STATUS_NAME
    status_label: str = STATUS_LABEL
    due_at: InstantText | None = Field(description="Kept for a version: read appointment_at")
    appointment_at: InstantText | None = Field(description="Ngày hẹn trả kết quả")


class EarlierDossier(ResponseBody):
    """One of the citizen's earlier dossiers the official's units received or decide."""

    code: str
    procedure_code: str | None
    procedure_name: str | None
    status: int = STATUS
    status_label: str = STATUS_LABEL
    submitted_at: InstantText | None = Field(description="Nộp")
    accepted_at: InstantText | None = Field(description="Tiếp nhận")


class CitizenPrefill(ResponseBody):
    """What a submission would prefill, and where each field comes from."""

    personal_id: str
    in_registry: bool = Field(description="Found in the population registry")
    applicant: Applicant
    sources: dict[str, Literal["registry", "earlier_dossier"]] = Field(
        description="Field name → where its value comes from"
    )
    earlier_dossiers: list[EarlierDossier] = Field(
        default_factory=list, description="Newest first, at most 10"
    )


class Me(ResponseBody):
    """The signed-in citizen as the forms would be prefilled (without the ID number)."""

    in_registry: bool
    applicant: Applicant
    name: str | None = Field(description="The name the identity provider gives")


class EarlierFile(FileRef):
    """A file of one of the citizen's earlier dossiers, to reuse."""

    dossier: str = Field(description="Code of the dossier it came with")
    component: str | None = Field(description="Component code (thành phần hồ sơ)")


class MyDocuments(Page):
    items: list[EarlierFile]


class FileLink(ResponseBody):
    """A short-lived download link."""

    token: str
    expires_at: InstantText
    media_type: str
    size: int = Field(description="Bytes")
    sha256: str
    url: str = Field(description="Where to download while the link is valid")


class UnitView(ResponseBody):
    """An administrative unit with its agency code (mã định danh)."""

    code: str = Field(description="Agency code, e.g. H15.01.36")
    name: str
    level: Literal["province", "commune"]
    parent: str | None = Field(description="Agency code of the province of a commune")
    nso_code: str = Field(description="Code of the statistics office")
    division_type: str = Field(description="tỉnh, thành phố, xã, phường or đặc khu")
    valid_from: DateText
    valid_to: DateText | None
    confidence: str = Field(description="H, M or L: how sure the source is")


class UnitPage(Page):
    items: list[UnitView]
    total: int = Field(description="Units matching the filters, on every page")
    limit: int


class ProcedureSummary(ResponseBody):
    """A procedure of the catalogue with the figures of a version."""

    code: str = Field(description="Mã TTHC in the national database")
    name: str
    field: str = Field(description="Lĩnh vực")
    competent_level: Literal["commune", "province"]
    agency: str = Field(description="Cơ quan thực hiện")
    version: str
    legal_hours: float = Field(description="Thời hạn giải quyết in working hours")
    legal_days: float = Field(description="The same in working days")
    same_day: bool
    on_the_spot_allowed: bool
    online_level: Literal["toan_trinh", "mot_phan"] | None
    postal_allowed: bool


class ProcedureList(Page):
    items: list[ProcedureSummary]
    total: int = Field(description="Procedures matching the filters, on every page")


class StepView(ResponseBody):
    name: str
    role: Literal["receiver", "specialist", "leader"]
    hours: float
    unit: Literal["receiving", "competent"]


class ComponentView(ResponseBody):
    """Thành phần hồ sơ."""

    code: str
    name: str
    required: bool
    accepted_forms: list[Literal["original", "certified_copy", "photocopy", "electronic"]]
    forms: list[Literal["original", "certified_copy", "photocopy", "electronic"]] = Field(
        description="The same as accepted_forms"
    )
    reusable_from_registry: bool
    copies: int
    note: str | None


class VersionView(ResponseBody):
    version: str
    effective_from: DateText
    decision: str | None = Field(description="Quyết định công bố TTHC")
    legal_hours: float
    legal_days: float
    same_day: bool
    on_the_spot_allowed: bool
    steps: list[StepView] = Field(description="Quy trình nội bộ")
    components: list[ComponentView]
    fees: list[Fee]
    online_level: Literal["toan_trinh", "mot_phan"] | None
    postal_allowed: bool
    supplement_policy: Literal["restart", "pause"]
    confidence: Literal["H", "M", "L"]
    note: str | None


class VersionDates(ResponseBody):
    version: str
    effective_from: DateText
    effective_until: DateText | None
    decision: str | None
    confidence: Literal["H", "M", "L"]


class ProcedureDetail(ProcedureSummary):
    current: VersionView = Field(description="The version asked for (default: the latest)")
    versions: list[VersionDates] = Field(description="Every version, oldest first")


class Ticked(ResponseBody):
    at: InstantText = Field(description="The simulated clock now")
