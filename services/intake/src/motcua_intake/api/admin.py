"""``POST /admin/tick``: move intake's simulated time (simulation only), as the workflow and
feedback services allow, so that tests drive what citizens submit through pages, which send
no ``at`` of their own, to a chosen instant."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel

from motcua_intake.api import answers
from motcua_intake.api.deps import runtime_of
from motcua_platform.auth import Principal
from motcua_platform.http.security import require_roles

router = APIRouter(prefix="/admin", tags=["simulation"])
admins = require_roles("admin")


class TickBody(BaseModel):
    at: AwareDatetime


@router.post(
    "/tick",
    response_model=answers.Ticked,
    summary="Move simulated time forward (MOTCUA_SIMULATION=1 only)",
)
async def tick(
    body: TickBody, request: Request, principal: Principal = Depends(admins)
) -> dict[str, Any]:
    now = runtime_of(request).time.tick(body.at)  # 403 outside simulation
    return {"at": now.isoformat()}
