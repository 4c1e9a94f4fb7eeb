"""Simulation only: move the service clock (architecture §3: tests move time, production
refuses)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from motcua_feedback.api import answers
from motcua_feedback.api.deps import an_admin, context
from motcua_feedback.context import FeedbackContext
from motcua_platform.auth import Principal
from motcua_platform.http.inputs import Instant

router = APIRouter(tags=["admin"])


class Tick(BaseModel):
    at: Instant


@router.post(
    "/admin/tick",
    response_model=answers.Ticked,
    summary="Move simulated time forward (MOTCUA_SIMULATION=1 only)",
)
async def tick(
    body: Tick,
    ctx: FeedbackContext = Depends(context),
    _: Principal = Depends(an_admin),
) -> dict[str, str]:
    now = ctx.runtime.time.tick(body.at)
    # Passing a PAKN's due time is what makes it overdue: recount at once.
    await ctx.refresh_complaints_open()
    return {"now": now.isoformat()}
