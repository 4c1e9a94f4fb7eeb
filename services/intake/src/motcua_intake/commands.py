"""The commands intake accepts, as the HTTP bodies of architecture §11 carry them.

Shapes only: the rules (which fields must be present, what a personal ID number looks like,
which components a procedure needs) are checked by the domain, so its errors name the field and
the reason in one consistent way.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from motcua_intake.domain.documents import Document
from motcua_platform.contracts.events import Channel
from motcua_platform.http.inputs import Instant, RequestBody

DocumentForm = Literal["original", "certified_copy", "photocopy", "electronic"]


class Command(RequestBody):
    model_config = ConfigDict(extra="forbid")

    at: Instant | None = Field(
        default=None, description="When it happened; honoured only with MOTCUA_SIMULATION=1"
    )


class DocumentIn(RequestBody):
    model_config = ConfigDict(extra="forbid")

    component: str = Field(min_length=1, description="Component code of the procedure")
    form: DocumentForm = "original"
    digitized: StrictBool = False
    copies: StrictInt = Field(default=1, ge=1, le=100)
    file_key: str | None = Field(
        default=None, max_length=200, description="A stored file (POST /uploads) of this component"
    )

    def to_document(self) -> Document:
        return Document(
            component=self.component, form=self.form, digitized=self.digitized, copies=self.copies
        )


class ApplicantIn(RequestBody):
    """The personal ID number is enough; anything omitted is prefilled (công dân không viết).
    A citizen missing from the registry and without earlier dossiers is typed in full."""

    model_config = ConfigDict(extra="forbid")

    personal_id: str = Field(max_length=32)
    full_name: str | None = Field(default=None, max_length=200)
    date_of_birth: str | None = Field(default=None, description="YYYY-MM-DD")
    gender: Literal["male", "female"] | None = None
    address: str | None = Field(default=None, max_length=500)
    residence_unit: str | None = Field(default=None, description="Agency code of the commune")
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    marital_status: Literal["single", "married", "divorced", "widowed"] | None = None

    def typed(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SubmitDossier(Command):
    procedure_code: str = Field(min_length=1)
    channel: Channel = Channel.COUNTER
    receiving_unit: str = Field(min_length=1)
    competent_unit: str | None = Field(default=None, description="Routed when absent")
    applicant: ApplicantIn
    documents: list[DocumentIn] = Field(default_factory=list, max_length=200)
    accept: StrictBool = Field(
        default=False, description="Counter or postal: submit and accept at once"
    )
    resolve_on_the_spot: StrictBool = Field(
        default=False, description="Cán bộ không hẹn: resolved and returned in the same visit"
    )
    received_at: Instant | None = Field(
        default=None, description="Postal channel: when the parcel arrived"
    )
    result_delivery: Literal["counter", "postal", "online"] | None = None
    fee_exemptions: list[str] = Field(default_factory=list, max_length=20)
    fee_quantity: StrictInt = Field(default=1, ge=1, le=10_000)
    return_counter: str | None = Field(default=None, description="Quầy trả kết quả")


class AcceptDossier(Command):
    resolve_on_the_spot: StrictBool = False
    fee_exemptions: list[str] = Field(default_factory=list, max_length=20)
    fee_quantity: StrictInt = Field(default=1, ge=1, le=10_000)
    return_counter: str | None = None


class RequestSupplement(Command):
    """Mẫu 02: every missing component with a reason, "một lần, đầy đủ". Without
    ``missing_components`` the completeness check decides what is missing."""

    reasons: list[str] = Field(default_factory=list, max_length=50)
    missing_components: list[str] | None = Field(default=None, max_length=50)


class RefuseDossier(Command):
    """Mẫu 03: a stated reason is required."""

    reasons: list[str] = Field(default_factory=list, max_length=50)
    reason: str | None = Field(default=None, description="Shorthand for a single reason")

    def all_reasons(self) -> list[str]:
        return [*self.reasons, *([self.reason] if self.reason else [])]


class HandInSupplement(Command):
    documents: list[DocumentIn] = Field(default_factory=list, max_length=200)


class WithdrawDossier(Command):
    reason: str = ""
