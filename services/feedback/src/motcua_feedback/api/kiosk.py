"""The counter kiosk: the touch page and the dossier it should offer for rating. Public: the
tablet has no official's token; the kiosk session it receives is its proof when it posts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, JSONResponse, Response

from motcua_feedback.api.deps import context
from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import issue_kiosk_session
from motcua_feedback.kiosk import render_kiosk_page

router = APIRouter(tags=["kiosk"])

Counter = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Counter code, e.g. H15.01.36-Q01")
]

# Everything the page needs is inline; it may talk to this service only.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
)


@router.get("/kiosk/{counter}", response_class=HTMLResponse, summary="Touch page of a counter")
async def kiosk_page(counter: Counter) -> HTMLResponse:
    return HTMLResponse(
        render_kiosk_page(counter),
        headers={"Cache-Control": "no-store", "Content-Security-Policy": _CSP},
    )


@router.get(
    "/kiosk/{counter}/current",
    summary="The dossier just returned at this counter, awaiting its rating (204: none)",
    responses={204: {"description": "Nothing to rate at this counter"}},
)
async def kiosk_current(counter: Counter, ctx: FeedbackContext = Depends(context)) -> Response:
    # Only the latest return at the counter: the citizen in front of the tablet is the one who
    # just got a result; an earlier citizen who left without rating is not offered again.
    record = await ctx.store.latest_returned_at(counter)
    if record is None or not record.awaits_kiosk_rating(counter):
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    body: dict[str, Any] = {
        **record.kiosk_card(),
        "applicant_name": masked_name(record.applicant_name),
        "counter": counter,
        "returned_at": record.returned_at.isoformat() if record.returned_at else None,
        "session": issue_kiosk_session(ctx.kiosk_session_key, counter, record.code),
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def masked_name(full_name: str | None) -> str | None:
    """ "Nguyễn Thị Lan" → "N. T. Lan": enough for the citizen at the counter to recognise their
    dossier, not a full name on an endpoint anyone on the network can read."""
    if not full_name or not full_name.strip():
        return None
    *others, given = full_name.split()
    return " ".join([*(f"{w[0]}." for w in others), given])
