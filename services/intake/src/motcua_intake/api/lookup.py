"""Tra cứu hồ sơ: the citizen's public lookup with the secret printed on Mẫu 01.

It shows the status and the due date, nothing else. An unknown code and a wrong secret get the
same answer, so the lookup does not reveal which codes exist; wrong secrets are throttled per
code and per client (state in MongoDB, shared by every replica).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from motcua_intake.adapters.lookup_throttle import Throttled
from motcua_intake.api import answers
from motcua_intake.api.deps import intake_of
from motcua_intake.context import IntakeContext
from motcua_intake.domain.lookup_secret import secrets_match
from motcua_intake.domain.status import DossierStatus
from motcua_intake.forms.receipts import render_lookup_html
from motcua_platform.errors import ApiError
from motcua_platform.http.app import error_response
from motcua_platform.instants import iso

router = APIRouter(tags=["public"])

NOT_FOUND = ApiError(
    404,
    "not_found",
    "no dossier with this code and lookup secret",
    {"field": "secret", "reason": "the code or the lookup secret printed on the receipt is wrong"},
)


@router.get(
    "/lookup/{code}",
    response_model=answers.PublicStatus,
    responses={
        200: {"content": {"text/html": {}}, "description": "JSON, or the page for a browser"}
    },
    summary="Public status and due date of a dossier (no personal data)",
)
async def lookup(
    request: Request,
    code: str = Path(max_length=64),
    secret: str = Query("", max_length=64, description="Mã tra cứu printed on the receipt"),
    intake: IntakeContext = Depends(intake_of),
) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        await intake.throttle.check(code, client)
        doc = await intake.store.public_status(code)
        if doc is None or not secret or not secrets_match(doc["lookup_secret"], secret):
            await intake.throttle.record_failure(code, client)
            return error_response(NOT_FOUND)
    except Throttled as exc:
        error = ApiError(429, "too_many_attempts", str(exc), {"retry_after": exc.retry_after})
        return JSONResponse(
            error.body(), status_code=429, headers={"Retry-After": str(exc.retry_after)}
        )
    status = DossierStatus(doc["status"])
    view: dict[str, Any] = {
        "code": code,
        "status": int(status),
        "status_name": status.api_name,
        "status_label": status.label,
        "due_at": iso(doc.get("due_at")),  # read appointment_at (kept for a version)
        "appointment_at": iso(doc.get("due_at")),
    }
    if _wants_html(request):
        return HTMLResponse(render_lookup_html(view))
    return JSONResponse(view)


def _wants_html(request: Request) -> bool:
    # The QR code on the receipt is opened by a phone's browser; integrators ask for JSON.
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept
