"""The bodies workflow's routes answer with, as the OpenAPI document declares them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from motcua_platform.http.answers import DateText, InstantText, Page, ResponseBody

Channel = Literal["counter", "online", "postal"]
Timeliness = Literal["early", "on_time", "late"]
STATUS = Field(description="Trạng thái hồ sơ: the national status code, 1–10")
STATUS_NAME = Field(description="The status in Vietnamese, as printed")
STATE = Field(description="Open cases: within (đang trong hạn) or overdue (quá hạn)")


class StepView(ResponseBody):
    """One internal step (bước trong quy trình nội bộ) with its allotted working hours."""

    index: int
    name: str
    role: str = Field(description="receiver, specialist or leader")
    unit: str = Field(description="Agency code of the unit the step belongs to")
    hours: float = Field(description="Working hours allotted")
    assignee: str | None
    started_at: InstantText | None
    due_at: InstantText | None
    completed_at: InstantText | None
    completed_by: str | None
    completed_by_name: str | None = Field(
        default=None, description="The official's name as the sign-in gave it"
    )
    timeliness: Timeliness | None


class PauseView(ResponseBody):
    """A wait for the citizen's supplement (bổ sung hồ sơ) during processing."""

    started_at: InstantText
    reason: str
    policy: Literal["restart", "pause"]
    ended_at: InstantText | None
    working_hours: float | None


class HandOverView(ResponseBody):
    """One row of the Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)."""

    step: int
    kind: Literal["assign", "complete"]
    from_unit: str
    from_person: str | None
    to_unit: str
    to_person: str | None
    at: InstantText
    timeliness: Timeliness
    step_name: str
    from_person_name: str | None = Field(
        default=None, description="The handing official's name as the sign-in gave it"
    )


class CaseForms(ResponseBody):
    """Links to the printable forms that exist for the case."""

    control_sheet: str | None = Field(default=None, description="Mẫu 06")
    apology_letter: str | None = Field(default=None, description="Mẫu 04, once extended")
    stop_notice: str | None = Field(default=None, description="Mẫu 05, once stopped")


class CaseView(ResponseBody):
    """A case: the processing of one accepted dossier, with its steps and control sheet."""

    code: str = Field(description="Mã hồ sơ")
    unit: str = Field(description="Cơ quan có thẩm quyền giải quyết (agency code)")
    receiving_unit: str = Field(description="Nơi tiếp nhận (agency code)")
    procedure_code: str
    procedure_version: str
    procedure_name: str
    unit_name: str
    receiving_unit_name: str
    applicant_name: str
    applicant_phone: str | None
    applicant_key: str = Field(description="Pseudonymous key of the applicant")
    channel: Channel
    on_the_spot: bool
    imported: bool = Field(description="From an earlier system's tracking book (Mẫu 07)")
    same_day: bool
    supplement_policy: Literal["restart", "pause"]
    allotted_hours: float = Field(description="Thời hạn giải quyết in working hours")
    fee_total: int = Field(description="VND")
    return_counter: str | None
    accepted_at: InstantText
    due_at: InstantText = Field(description="Kept for a version: read appointment_at")
    original_due_at: InstantText = Field(description="Kept for a version: read legal_due_at")
    appointment_at: InstantText = Field(description="Ngày hẹn trả kết quả the citizen holds")
    legal_due_at: InstantText = Field(description="The legal due that timeliness is judged by")
    status: int = STATUS
    status_name: str = STATUS_NAME
    steps: list[StepView]
    control_sheet: list[HandOverView] = Field(description="Mẫu 06, oldest first")
    pauses: list[PauseView]
    supplement_count: int
    counted_late_qd766: bool
    extended: bool = Field(description="The one extension was used")
    extended_at: InstantText | None
    extended_from: InstantText | None
    extension_reason: str | None
    payment_requested_at: InstantText | None
    withdrawal_reason: str | None
    withdrawal_requested_at: InstantText | None
    outcome: str | None
    result_reference: str | None
    electronic_result: bool
    resolved_at: InstantText | None
    returned_at: InstantText | None
    return_channel: Channel | None
    returned_counter: str | None
    stopped_at: InstantText | None
    stop_reason: str | None
    stop_stage: str | None
    fee_settlement: str | None
    finished_at: InstantText | None
    timeliness: Timeliness | None = Field(description="Trước hạn / đúng hạn / quá hạn, finished")
    processing_hours: float | None
    warned: bool
    overdue_emitted: bool
    updated_at: InstantText
    state: Literal["within", "overdue"] | None = STATE
    current_step: StepView | None
    next_action: str | None = Field(description="complete_step, resolve, return or stop")
    forms: CaseForms
    due_soon: bool | None = Field(
        default=None, description="Within its deadline and close to it (reads only)"
    )


class KnownDossierView(ResponseBody):
    """A dossier workflow knows of but never processed (submitted, refused or withdrawn at
    intake): no deadline, no steps."""

    code: str
    unit: str
    receiving_unit: str
    procedure_code: str
    procedure_name: str
    channel: Channel
    submitted_at: InstantText
    status: int = STATUS
    status_name: str = STATUS_NAME
    closed_at: InstantText | None
    reasons: list[str]
    due_at: None
    original_due_at: None
    appointment_at: None
    legal_due_at: None
    timeliness: None
    state: None
    steps: list[StepView]
    control_sheet: list[HandOverView]
    current_step: None
    next_action: None
    forms: CaseForms


class TaskItem(ResponseBody):
    """One line of a work queue."""

    code: str
    procedure_code: str
    procedure_name: str
    status: int = STATUS
    status_name: str = STATUS_NAME
    action: str | None = Field(description="What is to be done: complete_step, resolve, …")
    unit: str | None = Field(description="Agency code of the unit that must act")
    role: str | None
    step: int | None = Field(description="Index of the current step")
    step_name: str | None
    assignee: str | None
    due_at: InstantText = Field(description="Kept for a version: read appointment_at")
    original_due_at: InstantText = Field(description="Kept for a version: read legal_due_at")
    appointment_at: InstantText
    legal_due_at: InstantText
    step_due_at: InstantText | None
    state: Literal["within", "overdue"] = STATE
    extended: bool
    accepted_at: InstantText
    due_soon: bool = Field(description="Within its deadline and close to it")


class TaskPage(Page):
    items: list[TaskItem] = Field(description="Overdue first, then the nearest legal due")


class Period(ResponseBody):
    unit: str
    start: DateText = Field(alias="from")
    end: DateText = Field(alias="to", description="Inclusive")


class Finished(ResponseBody):
    early: int = Field(description="Trước hạn")
    on_time: int = Field(description="Đúng hạn")
    late: int = Field(description="Quá hạn")


class Open(ResponseBody):
    within: int = Field(description="Đang trong hạn")
    overdue: int = Field(description="Quá hạn")


class Figures(ResponseBody):
    """QĐ 766 rule 2.1 figures."""

    received: int
    carried_over: int = Field(description="Received before the period, open at its start")
    processed: int = Field(description="Finished + open: the rule 2.1 denominator")
    finished: Finished
    open: Open
    counted_late_qd766: int
    on_time_rate: float | None = Field(description="Exact ratio; null when nothing processed")
    on_time_rate_percent: float | None = Field(description="Rounded half-up, 2 decimals")
    early_rate: float | None
    early_rate_percent: float | None


class SummaryReport(Period, Figures):
    at: InstantText = Field(description="The instant open dossiers are judged at")


class ReportDossier(ResponseBody):
    code: str
    procedure_code: str
    unit: str
    receiving_unit: str
    bucket: Literal["early", "on_time", "late", "within", "overdue"]
    received_in_period: bool
    accepted_at: InstantText
    due_at: InstantText
    finished_at: InstantText | None


class DossiersReport(Period, Page):
    items: list[ReportDossier]
    total: int = Field(description="Dossiers matching the filters, on every page")


class ProcessingTimeRow(ResponseBody):
    procedure_code: str
    count: int = Field(description="Dossiers resolved in the period")
    average_working_hours: float
    average_working_days: float


class ProcessingTimeReport(Period):
    procedures: list[ProcessingTimeRow]


class ChannelCounts(ResponseBody):
    received: int = Field(description="Accepted, or refused at intake")
    counter: int = Field(description="Trực tiếp")
    online: int = Field(description="Trực tuyến")
    postal: int = Field(description="Bưu chính công ích")
    online_share: float | None = Field(description="Percent, 2 decimals; null over nothing")


class MonthChannels(ChannelCounts):
    month: str = Field(description="Vietnamese calendar month, YYYY-MM")


class ProcedureChannels(ChannelCounts):
    procedure_code: str
    months: list[MonthChannels] = Field(description="Oldest first")


class ChannelsReport(Period):
    """Dossiers received per procedure, month and channel (QĐ 766 indicator 3.3)."""

    procedures: list[ProcedureChannels]


class NonGeographicRow(Figures):
    receiving_unit: str
    unit: str = Field(description="The competent unit")


class NonGeographicReport(Period):
    rows: list[NonGeographicRow]


class Ticked(ResponseBody):
    at: InstantText = Field(description="The simulated clock now")
    warnings: int = Field(description="Due-soon warnings the scan emitted")
    overdues: int = Field(description="Overdue events the scan emitted")
