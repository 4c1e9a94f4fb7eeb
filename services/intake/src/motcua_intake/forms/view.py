"""What the forms print, computed once from a dossier so templates stay free of logic."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import segno

from motcua_intake.domain.citizens import GENDER_LABELS
from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import InvalidStatus
from motcua_intake.domain.lookup_secret import printable_secret
from motcua_intake.domain.procedures import Component
from motcua_intake.domain.status import DossierStatus
from motcua_platform.form_text import money, place_date, time_and_date, working_time
from motcua_platform.personal_id import mask

DELIVERY_LABELS = {
    "counter": "Bộ phận Một cửa (nhận trực tiếp)",
    "postal": "Qua dịch vụ bưu chính công ích",
    "online": "Trực tuyến (Cổng Dịch vụ công quốc gia / kho dữ liệu của công dân)",
}


@dataclass(frozen=True)
class ComponentRow:
    """One line of the components table: copies per form (bản chính / chứng thực / photo)."""

    name: str
    original: int = 0
    certified_copy: int = 0
    photocopy: int = 0
    electronic: int = 0
    note: str = ""


@dataclass(frozen=True)
class FormView:
    unit_name: str
    place_date: str
    code: str
    procedure_name: str
    applicant_name: str
    applicant_id: str
    applicant_gender: str
    address: str
    phone: str
    email: str
    rows: list[ComponentRow] = field(default_factory=list)


@dataclass(frozen=True)
class FeeRow:
    name: str
    amount: str
    detail: str


@dataclass(frozen=True)
class ReceiptView:
    """Mẫu 01 as printed."""

    form: FormView
    rows: list[ComponentRow]
    secret: str
    lookup_url: str
    lookup_home: str
    qr_svg: str
    legal_time: str
    received_time: str
    due_time: str
    on_the_spot: bool
    delivery: str
    fees: list[FeeRow]
    fee_total: str
    received_by: str
    channel: str

    def context(self) -> dict[str, Any]:
        """Template variables (shallow: nested views keep their attributes)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def lookup_url(public_base_url: str, code: str, secret: str) -> str:
    """The public lookup address printed as a QR code on Mẫu 01."""
    query = urlencode({"secret": secret})
    return f"{public_base_url.rstrip('/')}/lookup/{quote(code, safe='')}?{query}"


def qr_svg(data: str) -> str:
    """An inline ``<svg>`` QR code (medium error correction survives a creased receipt)."""
    return segno.make(data, error="m").svg_inline(scale=3, border=2)


def qr_matrix(data: str) -> tuple[tuple[int, ...], ...]:
    """The QR modules as rows of 0/1, for drawing into a PDF without an image library."""
    return tuple(tuple(row) for row in segno.make(data, error="m").matrix)


def base_view(dossier: Dossier, unit_name: str, place: str | None, when: datetime) -> FormView:
    applicant = dossier.applicant
    return FormView(
        unit_name=unit_name,
        place_date=place_date(when, place),
        code=dossier.code,
        procedure_name=dossier.procedure_name,
        applicant_name=str(applicant.get("full_name", "")),
        # Masked: a lost receipt should not give away the number (the dossier keeps it in full).
        applicant_id=mask(str(applicant.get("personal_id", ""))),
        applicant_gender=GENDER_LABELS.get(str(applicant.get("gender")), ""),
        address=str(applicant.get("address") or ""),
        phone=str(applicant.get("phone") or ""),
        email=str(applicant.get("email") or ""),
    )


def component_rows(dossier: Dossier) -> list[ComponentRow]:
    """Mẫu 01 table: what was handed in, in the catalogue's order, plus reused data."""
    rows: list[ComponentRow] = []
    for component in dossier.rules.components:
        documents = [d for d in dossier.documents if d.component == component.code]
        if documents:
            rows.append(_row(component, documents))
    return rows


def _row(component: Component, documents: list[Document]) -> ComponentRow:
    counts = {form: 0 for form in ("original", "certified_copy", "photocopy", "electronic")}
    for document in documents:
        counts[document.form] += document.copies
    reused = any(d.reused for d in documents)
    note = "Khai thác từ cơ sở dữ liệu, công dân không phải nộp" if reused else ""
    if counts["electronic"] and not reused:
        note = "Bản điện tử"
    return ComponentRow(name=component.name, note=note, **counts)


def receipt_view(
    dossier: Dossier, *, unit_name: str, public_base_url: str, place: str | None
) -> ReceiptView:
    """Everything Mẫu 01 prints."""
    acceptance = dossier.acceptance
    if acceptance is None:
        raise InvalidStatus("print Mẫu 01 for", dossier.status, "once the dossier is accepted")
    url = lookup_url(public_base_url, dossier.code, dossier.lookup_secret)
    exemptions = {e.code: e.description for fee in dossier.rules.fees for e in fee.exemptions}
    return ReceiptView(
        form=base_view(dossier, unit_name, place, acceptance.accepted_at),
        rows=component_rows(dossier),
        secret=printable_secret(dossier.lookup_secret),
        lookup_url=url,
        lookup_home=f"{public_base_url.rstrip('/')}/lookup",
        qr_svg=qr_svg(url),
        legal_time=working_time(acceptance.allotted_hours, same_day=acceptance.same_day),
        received_time=time_and_date(acceptance.accepted_at),
        due_time=time_and_date(acceptance.due_at),
        on_the_spot=acceptance.on_the_spot,
        delivery=DELIVERY_LABELS.get(dossier.result_delivery, dossier.result_delivery),
        fees=[
            FeeRow(
                name=line.name,
                amount=money(line.amount),
                detail=_fee_detail(
                    line.quantity, line.per, exemptions.get(line.exemption or "", line.exemption)
                ),
            )
            for line in acceptance.fee_lines
        ],
        fee_total=money(acceptance.fee_total),
        received_by=acceptance.received_by or "",
        channel=dossier.channel.value,
    )


def supplement_view(
    dossier: Dossier,
    *,
    unit_name: str,
    place: str | None,
    request_index: int = -1,
    officer_name: str | None = None,
    officer_phone: str | None = None,
    info_url: str | None = None,
) -> dict[str, object]:
    """Everything Mẫu 02 prints for one intake-stage supplement request."""
    intake_requests = [r for r in dossier.supplement_requests if r.stage == "intake"]
    if not intake_requests:
        raise InvalidStatus(
            "print Mẫu 02 for", dossier.status, "after a supplement request at intake"
        )
    request = intake_requests[request_index]
    assert request.at is not None  # intake requests always carry their time
    missing = [dossier.rules.component(code) for code in request.missing_components]
    return {
        "form": base_view(dossier, unit_name, place, request.at),
        "items": [
            {
                "name": c.name,
                "original": "original" in c.accepted_forms,
                "certified_copy": "certified_copy" in c.accepted_forms,
                "photocopy": "photocopy" in c.accepted_forms,
            }
            for c in missing
            if c is not None
        ],
        "reasons": list(request.reasons),
        "officer_name": officer_name or "",
        "officer_phone": officer_phone or "",
        "info_url": info_url or "https://dichvucong.gov.vn",
    }


def refusal_view(dossier: Dossier, *, unit_name: str, place: str | None) -> dict[str, object]:
    """Everything Mẫu 03 prints."""
    if dossier.status is not DossierStatus.REFUSED or dossier.refused_at is None:
        raise InvalidStatus("print Mẫu 03 for", dossier.status, "once the dossier is refused")
    return {
        "form": base_view(dossier, unit_name, place, dossier.refused_at),
        "reasons": list(dossier.refusal_reasons),
    }


def _fee_detail(quantity: int, per: str, exemption: str | None) -> str:
    detail = f"{quantity} {per}"
    return f"{detail}; miễn/giảm: {exemption}" if exemption else detail
