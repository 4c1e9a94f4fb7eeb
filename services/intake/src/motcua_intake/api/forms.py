"""The printable forms of intake: Mẫu 01 (HTML or PDF), Mẫu 02 and Mẫu 03. They carry personal
data, so they are unit-scoped and every print is logged."""

from __future__ import annotations

import asyncio
import functools
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from motcua_intake import queries
from motcua_intake.api.deps import intake_of, official
from motcua_intake.context import IntakeContext
from motcua_intake.domain.dossier import Dossier
from motcua_intake.forms.receipts import (
    FontNotFound,
    render_receipt_html,
    render_receipt_pdf,
    render_refusal_html,
    render_supplement_request_html,
)
from motcua_platform.auth import Principal
from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import ApiError

router = APIRouter(tags=["forms"])


@router.get(
    "/dossiers/{code}/receipt",
    summary="Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (HTML, or PDF)",
    response_class=HTMLResponse,
)
async def receipt(
    code: str,
    format: Literal["html", "pdf"] = Query("html"),
    principal: Principal = Depends(official),
    intake: IntakeContext = Depends(intake_of),
) -> Response:
    dossier = await queries.read_dossier(intake, code, official=principal, purpose="receipt")
    unit, day = dossier.receiving_unit, dossier_day(dossier)
    unit_name, place = intake.unit_name(unit, day), intake.place(unit, day)
    base_url = intake.public_base_url
    if format == "html":
        return HTMLResponse(
            render_receipt_html(dossier, unit_name=unit_name, public_base_url=base_url, place=place)
        )
    try:
        # Laying out a PDF takes tens of milliseconds of CPU: a worker thread keeps the counter's
        # other requests and the consumers going meanwhile.
        pdf = await asyncio.to_thread(
            functools.partial(
                render_receipt_pdf,
                dossier,
                unit_name=unit_name,
                public_base_url=base_url,
                place=place,
            )
        )
    except FontNotFound as exc:
        raise ApiError(503, "pdf_unavailable", str(exc)) from exc
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{code}.pdf"'},
    )


@router.get(
    "/dossiers/{code}/supplement-request",
    summary="Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    response_class=HTMLResponse,
)
async def supplement_request(
    code: str,
    principal: Principal = Depends(official),
    intake: IntakeContext = Depends(intake_of),
) -> HTMLResponse:
    dossier = await queries.read_dossier(
        intake, code, official=principal, purpose="supplement_request"
    )
    unit, day = dossier.receiving_unit, dossier_day(dossier)
    return HTMLResponse(
        render_supplement_request_html(
            dossier, unit_name=intake.unit_name(unit, day), place=intake.place(unit, day)
        )
    )


@router.get(
    "/dossiers/{code}/refusal",
    summary="Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    response_class=HTMLResponse,
)
async def refusal(
    code: str,
    principal: Principal = Depends(official),
    intake: IntakeContext = Depends(intake_of),
) -> HTMLResponse:
    dossier = await queries.read_dossier(intake, code, official=principal, purpose="refusal")
    unit, day = dossier.receiving_unit, dossier_day(dossier)
    return HTMLResponse(
        render_refusal_html(
            dossier, unit_name=intake.unit_name(unit, day), place=intake.place(unit, day)
        )
    )


def dossier_day(dossier: Dossier) -> date:
    """The dossier's date for reference data: the day it was received, in Vietnam."""
    assert dossier.submitted_at is not None  # every stored dossier was submitted
    return dossier.submitted_at.astimezone(VN_TZ).date()
