"""The counter kiosk: the touch page, the dossier it should offer for rating, and the device link
that makes a tablet the kiosk of one counter.

The tablet has no official's token. A leader of the unit gives it the counter's device link
once (``GET /kiosk/{counter}/link``); the page reads the device token from its own address and
sends it with every call. The kiosk session it then receives is its proof when it posts a rating.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from motcua_feedback.api import answers
from motcua_feedback.api.deps import a_kiosk_issuer, context
from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import (
    counter_unit,
    issue_kiosk_session,
    kiosk_device_token,
    require_kiosk_device,
)
from motcua_feedback.kiosk import render_kiosk_page
from motcua_platform.auth import Principal
from motcua_platform.errors import ApiError

router = APIRouter(tags=["kiosk"])

Counter = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9._-]{1,64}$", description="Counter code, e.g. H15.01.36-Q01")
]
DEVICE_HEADER = "X-Kiosk-Device"

# Everything the page needs is inline; it may talk to this service only. Its address carries
# the device token, so it is sent to no one as a referrer.
_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}
_NO_STORE = {"Cache-Control": "no-store"}


@router.get(
    "/kiosk/{counter}",
    response_class=HTMLResponse,
    summary="Touch page of a counter (trang đánh giá tại quầy)",
    description="Public and without data: open it through the counter's device link "
    "(`GET /kiosk/{counter}/link`), whose `device` parameter the page sends with every call.",
)
async def kiosk_page(counter: Counter, ctx: FeedbackContext = Depends(context)) -> HTMLResponse:
    # Behind a path prefix (public base URL https://host/feedback) the page calls the service
    # under the same prefix.
    api_base = urlsplit(ctx.settings.public_base_url).path
    return HTMLResponse(render_kiosk_page(counter, api_base), headers=_PAGE_HEADERS)


@router.get(
    "/kiosk/{counter}/link",
    response_model=answers.KioskLink,
    summary="Device link of a counter's kiosk (đường liên kết thiết bị đánh giá tại quầy)",
    description="The address to open on the counter's tablet: the kiosk page with the counter's "
    "device token (mã thiết bị) as `device`. For a leader or an admin whose unit covers the "
    "counter's unit (a counter code is `<agency code>-<counter id>`). The token is derived from "
    "the kiosk key, so the same link is returned every time, and it stops working only when "
    "the key is changed.",
    responses={
        403: {"description": "Not a leader or admin, or the counter's unit is out of scope"},
        422: {"description": "The counter code names no unit"},
    },
)
async def kiosk_link(
    counter: Counter,
    principal: Principal = Depends(a_kiosk_issuer),
    ctx: FeedbackContext = Depends(context),
) -> JSONResponse:
    unit = counter_unit(counter)
    if unit is None:
        reason = "expected <agency code>-<counter id>, e.g. H15.01.36-Q01"
        raise ApiError(
            422, "validation_failed", f"counter: {reason}", {"field": "counter", "reason": reason}
        )
    principal.require_unit(unit, "counter")
    token = kiosk_device_token(ctx.kiosk_device_key, counter)
    url = f"{ctx.settings.base_url.rstrip('/')}/kiosk/{quote(counter, safe='')}?device={token}"
    return JSONResponse({"counter": counter, "url": url}, headers=_NO_STORE)


@router.get(
    "/kiosk/{counter}/current",
    response_model=answers.KioskCard,
    summary="The dossier just returned at this counter, awaiting its rating (204: none)",
    description=f"Only for the counter's own kiosk: send its device token as `{DEVICE_HEADER}` "
    "(or as the query parameter `device`).",
    responses={
        204: {"description": "Nothing to rate at this counter"},
        401: {
            "description": "No device token (kiosk_device_required) or a wrong one "
            "(invalid_kiosk_device)"
        },
    },
)
async def kiosk_current(
    counter: Counter,
    ctx: FeedbackContext = Depends(context),
    device_header: str | None = Header(
        default=None, alias=DEVICE_HEADER, description="The counter's device token"
    ),
    device: str | None = Query(
        default=None, description=f"The device token, if not sent as {DEVICE_HEADER}"
    ),
) -> Response:
    require_kiosk_device(ctx.kiosk_device_key, device_header or device, counter)
    # Only the latest return at the counter: the citizen in front of the tablet is the one who
    # just got a result; an earlier citizen who left without rating is not offered again.
    record = await ctx.store.latest_returned_at(counter)
    if record is None or not record.awaits_kiosk_rating(counter):
        return Response(status_code=204, headers=_NO_STORE)
    body: dict[str, Any] = {
        **record.kiosk_card(),
        "applicant_name": masked_name(record.applicant_name),
        "counter": counter,
        "returned_at": record.returned_at.isoformat() if record.returned_at else None,
        "session": issue_kiosk_session(ctx.kiosk_session_key, counter, record.code),
    }
    return JSONResponse(body, headers=_NO_STORE)


def masked_name(full_name: str | None) -> str | None:
    """ "Nguyễn Thị Lan" → "N. T. Lan": enough for the citizen at the counter to recognise their
    dossier, not a full name on a tablet that stands in the open."""
    if not full_name or not full_name.strip():
        return None
    *others, given = full_name.split()
    return " ".join([*(f"{w[0]}." for w in others), given])
