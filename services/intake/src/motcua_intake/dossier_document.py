"""The stored shape of a :class:`~motcua_intake.domain.dossier.Dossier` (persistence, kept out
of the pure domain).

BSON-friendly on purpose: only str/int/float/bool/None, lists, dicts and timezone-aware
datetimes; no key contains ``.`` or starts with ``$``; no list directly inside a list. Times read
back go through :func:`stored_instant` (MongoDB returns UTC).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.dossier_records import (
    Acceptance,
    SupplementHandIn,
    SupplementRequest,
    Withdrawal,
)
from motcua_intake.domain.fees import FeeLine
from motcua_intake.domain.procedures import ProcedureVersion
from motcua_intake.domain.status import DossierStatus
from motcua_platform.contracts.events import Channel, StepPlan
from motcua_platform.instants import stored_instant


def dossier_to_document(dossier: Dossier) -> dict[str, Any]:
    acceptance = dossier.acceptance
    return {
        "code": dossier.code,
        "seq": dossier.seq,
        "status": int(dossier.status),
        "status_name": dossier.status.api_name,
        "lookup_secret": dossier.lookup_secret,
        "procedure_code": dossier.procedure_code,
        "procedure_version": dossier.procedure_version,
        "procedure_name": dossier.procedure_name,
        # The rules the dossier was received under, so a later catalogue edit cannot change it.
        "rules": dossier.rules.model_dump(mode="json"),
        "channel": dossier.channel.value,
        "receiving_unit": dossier.receiving_unit,
        "competent_unit": dossier.competent_unit,
        "applicant": dict(dossier.applicant),
        "applicant_key": dossier.applicant_key,
        "applicant_in_registry": dossier.applicant_in_registry,
        "prefilled_fields": list(dossier.prefilled_fields),
        # Derived, kept for the unit's list: "công dân không viết" without reading the applicant.
        "citizen_wrote_nothing": dossier.citizen_wrote_nothing,
        "documents": [d.to_dict() for d in dossier.documents],
        "result_delivery": dossier.result_delivery,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "accepted_at": acceptance.accepted_at if acceptance else None,
        "due_at": acceptance.due_at if acceptance else None,
        "original_due_at": acceptance.original_due_at if acceptance else None,
        "allotted_hours": acceptance.allotted_hours if acceptance else None,
        "same_day": acceptance.same_day if acceptance else dossier.rules.same_day,
        "on_the_spot": acceptance.on_the_spot if acceptance else False,
        "steps": [s.model_dump() for s in acceptance.steps] if acceptance else [],
        "fee_lines": [f.model_dump() for f in acceptance.fee_lines] if acceptance else [],
        "fee_total": acceptance.fee_total if acceptance else 0,
        "fee_exemptions": list(acceptance.fee_exemptions) if acceptance else [],
        "return_counter": acceptance.return_counter if acceptance else None,
        "received_by": acceptance.received_by if acceptance else None,
        "supplement_requests": [
            {
                "stage": r.stage,
                "at": r.at,
                "reasons": list(r.reasons),
                "missing_components": list(r.missing_components),
                "answered_at": r.answered_at,
            }
            for r in dossier.supplement_requests
        ],
        "supplements": [
            {"stage": s.stage, "at": s.at, "documents": [d.to_dict() for d in s.documents]}
            for s in dossier.supplements
        ],
        "refusal_reasons": list(dossier.refusal_reasons),
        "refused_at": dossier.refused_at,
        "withdrawal": (
            {
                "reason": dossier.withdrawal.reason,
                "at": dossier.withdrawal.at,
                "status_before": int(dossier.withdrawal.status_before),
            }
            if dossier.withdrawal
            else None
        ),
        "workflow_status": int(dossier.workflow_status) if dossier.workflow_status else None,
        "last_event_at": dossier.last_event_at,
        "imported": dossier.imported,
    }


def dossier_from_document(doc: Mapping[str, Any]) -> Dossier:
    dossier = Dossier(
        code=doc["code"],
        rules=ProcedureVersion.model_validate(doc["rules"]),
        applicant=doc["applicant"],
        lookup_secret=doc["lookup_secret"],
        applicant_in_registry=bool(doc.get("applicant_in_registry", False)),
    )
    dossier.seq = int(doc["seq"])
    dossier.status = DossierStatus(doc["status"])
    dossier.procedure_code = doc["procedure_code"]
    dossier.procedure_version = doc["procedure_version"]
    dossier.procedure_name = doc["procedure_name"]
    dossier.channel = Channel(doc["channel"])
    dossier.receiving_unit = doc["receiving_unit"]
    dossier.competent_unit = doc["competent_unit"]
    dossier.applicant_key = doc["applicant_key"]
    dossier.prefilled_fields = list(doc.get("prefilled_fields") or [])
    dossier.documents = [Document.from_data(d) for d in doc.get("documents") or []]
    dossier.result_delivery = doc.get("result_delivery") or "counter"
    dossier.submitted_at = stored_instant(doc.get("submitted_at"))
    dossier.received_at = stored_instant(doc.get("received_at"))
    accepted_at = stored_instant(doc.get("accepted_at"))
    if accepted_at is not None:
        dossier.acceptance = Acceptance(
            accepted_at=accepted_at,
            due_at=_required_time(doc, "due_at"),
            original_due_at=_required_time(doc, "original_due_at"),
            allotted_hours=float(doc["allotted_hours"]),
            same_day=bool(doc["same_day"]),
            on_the_spot=bool(doc["on_the_spot"]),
            steps=[StepPlan.model_validate(s) for s in doc.get("steps") or []],
            fee_lines=[FeeLine.model_validate(f) for f in doc.get("fee_lines") or []],
            fee_total=int(doc.get("fee_total") or 0),
            fee_exemptions=list(doc.get("fee_exemptions") or []),
            return_counter=doc.get("return_counter"),
            received_by=doc.get("received_by"),
        )
    dossier.supplement_requests = [
        SupplementRequest(
            stage=r["stage"],
            at=stored_instant(r.get("at")),
            reasons=tuple(r.get("reasons") or ()),
            missing_components=tuple(r.get("missing_components") or ()),
            answered_at=stored_instant(r.get("answered_at")),
        )
        for r in doc.get("supplement_requests") or []
    ]
    dossier.supplements = [
        SupplementHandIn(
            stage=s["stage"],
            at=_required_time(s, "at"),
            documents=tuple(Document.from_data(d) for d in s.get("documents") or []),
        )
        for s in doc.get("supplements") or []
    ]
    dossier.refusal_reasons = list(doc.get("refusal_reasons") or [])
    dossier.refused_at = stored_instant(doc.get("refused_at"))
    withdrawal = doc.get("withdrawal")
    if withdrawal:
        dossier.withdrawal = Withdrawal(
            reason=withdrawal["reason"],
            at=_required_time(withdrawal, "at"),
            status_before=DossierStatus(withdrawal["status_before"]),
        )
    workflow_status = doc.get("workflow_status")
    dossier.workflow_status = DossierStatus(workflow_status) if workflow_status else None
    dossier.last_event_at = stored_instant(doc.get("last_event_at"))
    dossier.imported = bool(doc.get("imported", False))
    return dossier


def _required_time(doc: Mapping[str, Any], key: str) -> datetime:
    value = stored_instant(doc.get(key))
    if value is None:
        raise ValueError(f"stored dossier lacks {key}")
    return value
