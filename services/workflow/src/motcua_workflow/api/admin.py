"""``POST /admin/tick``: move simulated time and run one deadline scan at once (simulation only,
so tests can cross a deadline without waiting for it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from motcua_platform.auth import Principal
from motcua_platform.http.inputs import Instant
from motcua_platform.http.roles import admins
from motcua_platform.instants import at_rest as instant
from motcua_workflow.api import answers
from motcua_workflow.api.deps import context
from motcua_workflow.scanner import scan

router = APIRouter(prefix="/admin", tags=["simulation"])


class TickBody(BaseModel):
    at: Instant


@router.post(
    "/tick",
    response_model=answers.Ticked,
    summary="Move simulated time and scan deadlines (simulation only)",
)
async def tick(
    body: TickBody, request: Request, principal: Principal = Depends(admins)
) -> dict[str, Any]:
    ctx = context(request)
    ctx.runtime.time.tick(body.at)  # 403 outside simulation
    # Simulated time never runs backwards; the scan and the gauges use the ticked instant.
    at = instant(body.at)
    now = at if ctx.ticked_at is None else max(ctx.ticked_at, at)
    ctx.ticked_at = now
    result = await scan(ctx, now)
    await ctx.metrics.refresh_gauges(ctx.store.collection, ctx.now)
    return {"at": now.isoformat(), "warnings": result.warnings, "overdues": result.overdues}
