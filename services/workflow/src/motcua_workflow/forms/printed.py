"""Printable one-stop forms of TT 03/2025/TT-VPCP rendered from a case: Mẫu 04, 05 and 06.

Templates are Jinja2 HTML with print CSS (A4, administrative margins); the browser prints them.
Unit and person codes are shown through the optional name mappings, falling back to the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2

from motcua_workflow.domain.case import Case
from motcua_workflow.domain.errors import FormNotAvailable
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.forms._format import BLANK, FILTERS

HEAD_OF_UNIT = "Thủ trưởng cơ quan"
_NO_FEE_SETTLEMENT = "không phát sinh việc hoàn trả phí, lệ phí"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("motcua_workflow.forms", "templates"),
        # Names and reasons come from people; escaping keeps them text, never markup.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(FILTERS)
    return environment


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def _name(names: Mapping[str, str] | None, code: str | None) -> str:
    if code is None:
        return ""
    return (names or {}).get(code, code)


def _sentence(text: str) -> str:
    """A free-text reason without its own final full stop (the template adds one)."""
    return text.strip().rstrip(".")


def render_apology_letter(
    case: Case,
    unit_name: str,
    *,
    signer_title: str = HEAD_OF_UNIT,
    signer_name: str | None = None,
    parent_agency: str | None = None,
    place: str | None = None,
    return_place: str | None = None,
) -> str:
    """Mẫu 04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (TT 03/2025).

    Addressed to the applicant, states the dossier code, the time of receipt, the original
    appointment, the reason, the apology and the new date; signed by the head of the unit
    responsible for the delay. Only for an extended case.
    """
    if not case.extended or case.extended_at is None:
        raise FormNotAvailable(f"case {case.code} has no extension, so no apology letter")
    return _render(
        "mau_04_xin_loi_gia_han.html.j2",
        code=case.code,
        unit_name=unit_name,
        parent_agency=parent_agency,
        number_suffix="XL",
        place=place or BLANK,
        issued_at=case.extended_at,
        applicant_name=case.applicant_name or BLANK,
        applicant_phone=case.applicant_phone,
        procedure_name=case.procedure_name or case.procedure_code,
        accepted_at=case.accepted_at,
        original_due_at=case.extended_from or case.original_due_at,
        reason=_sentence(case.extension_reason or ""),
        new_due_at=case.due_at,
        return_place=return_place,
        signer_title=signer_title,
        signer_name=signer_name,
    )


def render_stop_notice(
    case: Case,
    unit_name: str,
    *,
    signer_title: str = HEAD_OF_UNIT,
    signer_name: str | None = None,
    parent_agency: str | None = None,
    place: str | None = None,
) -> str:
    """Mẫu 05 — Thông báo dừng giải quyết hồ sơ (TT 03/2025): the request to stop, the stage
    reached, the decision and how fees already paid are settled. Only for a stopped case."""
    if case.status is not CaseStatus.STOPPED or case.stopped_at is None:
        raise FormNotAvailable(f"case {case.code} is not stopped, so no stop notice")
    return _render(
        "mau_05_dung_giai_quyet.html.j2",
        code=case.code,
        unit_name=unit_name,
        parent_agency=parent_agency,
        number_suffix="TB",
        place=place or BLANK,
        issued_at=case.stopped_at,
        stopped_at=case.stopped_at,
        applicant_name=case.applicant_name or BLANK,
        procedure_name=case.procedure_name or case.procedure_code,
        accepted_at=case.accepted_at,
        due_at=case.due_at,
        withdrawal=case.withdrawal_requested_at is not None,
        withdrawal_requested_at=case.withdrawal_requested_at,
        withdrawal_reason=_sentence(case.withdrawal_reason or ""),
        stop_reason=_sentence(case.stop_reason or ""),
        stage=case.stop_stage or "",
        fee_total=case.fee_total,
        fee_settlement=_sentence(case.fee_settlement or _NO_FEE_SETTLEMENT),
        signer_title=signer_title,
        signer_name=signer_name,
    )


def render_control_sheet(
    case: Case,
    *,
    unit_names: Mapping[str, str] | None = None,
    person_names: Mapping[str, str] | None = None,
    parent_agency: str | None = None,
) -> str:
    """Mẫu 06 — Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over with the time
    ("… giờ … phút, ngày …/…/…"), giver and receiver, and trước hạn / đúng hạn / quá hạn of the
    step handed over."""
    rows = [
        {
            "from_unit": _name(unit_names, row.from_unit),
            "to_unit": _name(unit_names, row.to_unit),
            "from_person": row.from_person_name or _name(person_names, row.from_person),
            "to_person": _name(person_names, row.to_person),
            "at": row.at,
            "timeliness": row.timeliness,
            "note": ("Phân công: " if row.kind == "assign" else "") + row.step_name,
        }
        for row in case.control_sheet
    ]
    return _render(
        "mau_06_phieu_kiem_soat.html.j2",
        code=case.code,
        unit_name=_name(unit_names, case.receiving_unit),
        parent_agency=parent_agency,
        number_suffix=None,
        applicant_name=case.applicant_name or BLANK,
        procedure_name=case.procedure_name or case.procedure_code,
        accepted_at=case.accepted_at,
        allotted_hours=case.allotted_hours,
        due_at=case.due_at,
        rows=rows,
    )
