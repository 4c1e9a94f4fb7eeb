"""The bodies feedback's routes answer with, as the OpenAPI document declares them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from motcua_feedback.domain.events import ComplainantContact
from motcua_feedback.domain.figures import ComplaintSummary, DossierSatisfaction
from motcua_platform.contracts.events import Timeliness
from motcua_platform.http.answers import InstantText, Page, ResponseBody


class RatingView(ResponseBody):
    """A rating of a returned dossier (đánh giá mức độ hài lòng)."""

    dossier_code: str
    unit: str
    procedure_code: str | None
    overall: Literal["very_satisfied", "satisfied", "dissatisfied"]
    indicators: dict[str, int] = Field(description="TT 01/2018 indicator → points given")
    score: int | None = Field(description="The 18-point score, when all nine were scored")
    channel: Literal["kiosk", "online", "paper"]
    at: InstantText


class SummaryScope(ResponseBody):
    unit: str
    procedure: str | None
    official: str | None
    start: InstantText | None = Field(alias="from")
    end: InstantText | None = Field(alias="to")


class RatingsSummary(ResponseBody):
    """Counts per level and the local satisfaction rate, the TT 01/2018 18-point score, and
    QĐ 766 indicators 5.4 and 5.3. Rates are fractions (0.99), null over nothing."""

    scope: SummaryScope
    count: int = Field(description="Rating sheets")
    very_satisfied: int = Field(description="Rất hài lòng")
    satisfied: int = Field(description="Hài lòng")
    dissatisfied: int = Field(description="Không hài lòng")
    satisfaction_rate: float | None = Field(description="(rất hài lòng + hài lòng) / sheets")
    scored_count: int = Field(description="Sheets that scored all nine indicators")
    average_score: float | None = Field(description="TT 01/2018, out of 18")
    score_band: str | None
    score_band_basis: str
    indicator_averages: dict[str, float]
    by_channel: dict[str, int]
    qd766_5_4: DossierSatisfaction = Field(description="QĐ 766 indicator 5.4")
    qd766_5_3: ComplaintSummary = Field(description="QĐ 766 indicator 5.3 (and 5.1, 5.2)")


class RatingRequest(ResponseBody):
    """A returned dossier's rating request, with the online token to print."""

    dossier_code: str
    unit: str
    counter: str | None = Field(description="The counter where the result was handed over")
    returned_at: InstantText | None
    rated: bool
    token: str | None = Field(description="One-time online rating token; null once used")


class MyRatingRequest(ResponseBody):
    """The signed-in citizen's rating request of a returned dossier."""

    dossier_code: str
    unit: str
    returned_at: InstantText | None
    rated: bool
    token: str | None = Field(description="One-time online rating token; null once used")


class ComplaintView(ResponseBody):
    """A phản ánh, kiến nghị (PAKN). What the citizen wrote and how to reach them only on the
    read of one PAKN."""

    id: str
    unit: str
    topic: str
    category: Literal["procedure", "conduct"] | None = Field(description="QĐ 766 5.1")
    dossier_code: str | None
    procedure_code: str | None
    repeat_of: str | None = Field(description="An earlier PAKN this one repeats")
    filed_at: InstantText | None
    due_at: InstantText | None = Field(description="15 working days after filing")
    state: Literal["within", "overdue", "answered"]
    due_soon: bool
    answered_at: InstantText | None
    answer_timeliness: Timeliness | None
    satisfied: bool | None = Field(description="The citizen's verdict on the answer")
    content: str | None = Field(default=None, description="What the citizen wrote")
    contact: ComplainantContact | None = None
    answer: str | None = None


class FiledComplaint(ComplaintView):
    secret: str = Field(description="Shown once: with it the citizen reads and rates the answer")


class ComplaintList(Page):
    now: InstantText
    count: int = Field(description="PAKN on this page")
    items: list[ComplaintView] = Field(description="Most urgent first (earliest due)")


class KioskLink(ResponseBody):
    counter: str
    url: str = Field(description="The kiosk page with the counter's device token")


class KioskCard(ResponseBody):
    """The dossier just returned at a counter, awaiting its rating."""

    dossier_code: str
    procedure_name: str | None
    applicant_name: str | None = Field(description="Masked: N. T. Lan")
    counter: str
    returned_at: InstantText | None
    session: str = Field(description="Kiosk session to send with the rating")


class Ticked(ResponseBody):
    now: InstantText = Field(description="The simulated clock now")
