"""Printable forms of one case (TT 03/2025/TT-VPCP): Mẫu 04, 05 and 06 as HTML."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from motcua_platform.auth import Principal
from motcua_platform.errors import Conflict
from motcua_platform.http.roles import readers as officials
from motcua_workflow import handlers
from motcua_workflow.api.deps import context, handling_scope
from motcua_workflow.domain import Case
from motcua_workflow.forms import render_apology_letter, render_control_sheet, render_stop_notice

router = APIRouter(tags=["forms"])


async def _case(request: Request, code: str, principal: Principal) -> Case:
    subject = await handlers.load(context(request), code)
    handling_scope(principal)(subject)
    if not isinstance(subject, Case):
        raise Conflict(
            "form_not_available",
            f"dossier {code} was never accepted, so it has no processing forms",
            {"field": "code", "reason": "not accepted"},
        )
    return subject


def _unit_names(case: Case) -> dict[str, str]:
    names = {case.unit: case.unit_name, case.receiving_unit: case.receiving_unit_name}
    return {code: name for code, name in names.items() if name}


@router.get("/cases/{code}/apology-letter", response_class=HTMLResponse, summary="Mẫu 04")
async def apology_letter(
    code: str, request: Request, principal: Principal = Depends(officials)
) -> HTMLResponse:
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết — only for an extended case."""
    case = await _case(request, code, principal)
    return HTMLResponse(render_apology_letter(case, case.unit_name or case.unit))


@router.get("/cases/{code}/stop-notice", response_class=HTMLResponse, summary="Mẫu 05")
async def stop_notice(
    code: str, request: Request, principal: Principal = Depends(officials)
) -> HTMLResponse:
    """Thông báo dừng giải quyết hồ sơ — only for a stopped case."""
    case = await _case(request, code, principal)
    return HTMLResponse(render_stop_notice(case, case.unit_name or case.unit))


@router.get("/cases/{code}/control-sheet", response_class=HTMLResponse, summary="Mẫu 06")
async def control_sheet(
    code: str, request: Request, principal: Principal = Depends(officials)
) -> HTMLResponse:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: every hand-over with its timeliness."""
    case = await _case(request, code, principal)
    return HTMLResponse(render_control_sheet(case, unit_names=_unit_names(case)))
