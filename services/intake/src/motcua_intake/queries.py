"""Reads for officials: a citizen for prefill, a dossier, the counter's queue. Every read of
personal data is written to the access log before it is returned."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from motcua_intake.adapters.access_log import Purpose
from motcua_intake.context import IntakeContext
from motcua_intake.domain.citizens import APPLICANT_FIELDS
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import UnknownCitizen
from motcua_intake.domain.status import DossierStatus
from motcua_intake.handlers import require_scope
from motcua_platform.auth import Principal
from motcua_platform.instants import iso
from motcua_platform.personal_id import parse_personal_id, pseudonymous_key


async def citizen(
    intake: IntakeContext, personal_id: str, *, today: date, official: Principal
) -> dict[str, Any]:
    """What a submission would prefill for this citizen, and where each field comes from."""
    parsed = parse_personal_id(personal_id, today=today, field="personal_id")
    key = pseudonymous_key(parsed.value, intake.pseudonym_secret)
    record = await intake.registry.find(parsed.value)
    earlier = await intake.history.latest(key)
    await intake.access_log.record(
        official, purpose="lookup", applicant_key=key, found=bool(record or earlier)
    )
    if record is None and not earlier:
        raise UnknownCitizen()
    sources = [("registry", record.to_applicant())] if record else []
    sources += [("earlier_dossier", data) for data in earlier]
    applicant: dict[str, Any] = {"personal_id": parsed.value}
    source_of: dict[str, str] = {}
    for name in APPLICANT_FIELDS:
        for source, data in sources:
            if data.get(name) not in (None, ""):
                applicant[name], source_of[name] = data[name], source
                break
    return {
        "personal_id": parsed.value,
        "in_registry": record is not None,
        "applicant": applicant,
        "sources": source_of,
        "earlier_dossiers": await earlier_dossiers(intake, key, official),
    }


EARLIER_SHOWN = 10


async def earlier_dossiers(
    intake: IntakeContext, applicant_key: str, official: Principal
) -> list[dict[str, Any]]:
    """The citizen's latest dossiers that the official's units received or decide (another
    commune's stay out of sight, as ``GET /dossiers/{code}`` refuses them), newest first."""
    found = await intake.store.of_applicant(applicant_key, limit=EARLIER_SHOWN * 5)
    shown = [
        doc
        for doc in found
        if official.can_access(doc.get("receiving_unit"))
        or official.can_access(doc.get("competent_unit"))
    ][:EARLIER_SHOWN]
    return [
        {
            "code": doc["code"],
            "procedure_code": doc.get("procedure_code"),
            "procedure_name": doc.get("procedure_name"),
            "status": int(doc["status"]),
            "status_label": DossierStatus(doc["status"]).label,
            "submitted_at": iso(doc.get("submitted_at")),
            "accepted_at": iso(doc.get("accepted_at")),
        }
        for doc in shown
    ]


async def read_dossier(
    intake: IntakeContext, code: str, *, official: Principal, purpose: Purpose
) -> Dossier:
    dossier, _ = await intake.store.load(code)
    require_scope(official, dossier)
    await intake.access_log.record(
        official, purpose=purpose, applicant_key=dossier.applicant_key, dossier_code=code
    )
    return dossier


def links(intake: IntakeContext, dossier: Dossier) -> dict[str, str]:
    """The printable forms that exist for the dossier now."""
    base = f"{intake.public_base_url.rstrip('/')}/dossiers/{quote(dossier.code, safe='')}"
    found = {}
    if dossier.acceptance is not None:
        found["receipt_url"] = f"{base}/receipt"
    if any(r.stage == "intake" for r in dossier.supplement_requests):
        found["supplement_request_url"] = f"{base}/supplement-request"
    if dossier.status is DossierStatus.REFUSED:
        found["refusal_url"] = f"{base}/refusal"
    return found


def summary(intake: IntakeContext, dossier: Dossier) -> dict[str, Any]:
    """What a command answers: where the dossier stands and which forms to print."""
    return {
        "code": dossier.code,
        "status": int(dossier.status),
        "status_name": dossier.status.api_name,
        "status_label": dossier.status.label,
        "due_at": iso(dossier.due_at),  # the appointment; read appointment_at (kept a version)
        "appointment_at": iso(dossier.due_at),
        "prefilled_fields": list(dossier.prefilled_fields),
        "receipt_url": None,
        **links(intake, dossier),
    }


def submitted(intake: IntakeContext, dossier: Dossier) -> dict[str, Any]:
    """The 201 answer of ``POST /dossiers`` (architecture §11): the summary and the secret to
    print on the receipt."""
    return {**summary(intake, dossier), "lookup_secret": dossier.lookup_secret}


def dossier_view(intake: IntakeContext, dossier: Dossier) -> dict[str, Any]:
    """The dossier as officials of its units see it."""
    acceptance = dossier.acceptance
    return {
        **summary(intake, dossier),
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "procedure_name": dossier.procedure_name,
        "channel": dossier.channel.value,
        "receiving_unit": dossier.receiving_unit,
        "competent_unit": dossier.competent_unit,
        "applicant": dict(dossier.applicant),
        "applicant_in_registry": dossier.applicant_in_registry,
        "citizen_wrote_nothing": dossier.citizen_wrote_nothing,
        "documents": [d.to_dict() for d in dossier.documents],
        "result_delivery": dossier.result_delivery,
        "submitted_at": iso(dossier.submitted_at),
        "received_at": iso(dossier.received_at),
        "accepted_at": iso(dossier.accepted_at),
        "original_due_at": iso(acceptance.original_due_at) if acceptance else None,
        "allotted_hours": dossier.allotted_hours,
        "on_the_spot": dossier.on_the_spot,
        "imported": dossier.imported,
        "fee_total": acceptance.fee_total if acceptance else None,
        "fees": [line.model_dump() for line in acceptance.fee_lines] if acceptance else [],
        "return_counter": acceptance.return_counter if acceptance else None,
        "supplement_requests": [
            {
                "stage": r.stage,
                "at": iso(r.at),
                "reasons": list(r.reasons),
                "missing_components": list(r.missing_components),
                "answered_at": iso(r.answered_at),
            }
            for r in dossier.supplement_requests
        ],
        "supplements": [
            {"stage": s.stage, "at": iso(s.at), "documents": [d.to_dict() for d in s.documents]}
            for s in dossier.supplements
        ],
        "refusal_reasons": list(dossier.refusal_reasons),
        "refused_at": iso(dossier.refused_at),
        "withdrawal": (
            {"reason": dossier.withdrawal.reason, "at": iso(dossier.withdrawal.at)}
            if dossier.withdrawal
            else None
        ),
    }


def queue_item(document: dict[str, Any]) -> dict[str, Any]:
    return {
        key: iso(value) if isinstance(value, datetime) else value
        for key, value in document.items()
        if key != "_id"
    }
