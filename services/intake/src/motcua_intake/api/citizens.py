"""Công dân không viết: the official types the personal ID number, the rest comes from data the
State already holds. Every lookup is written to the access log."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from motcua_intake import queries
from motcua_intake.api import answers
from motcua_intake.api.deps import intake_of, receiver, runtime_of
from motcua_intake.context import IntakeContext
from motcua_platform.auth import Principal
from motcua_platform.calendar import VN_TZ
from motcua_platform.runtime import ServiceRuntime

router = APIRouter(tags=["citizens"])


@router.get(
    "/citizens/{personal_id}",
    response_model=answers.CitizenPrefill,
    response_model_exclude_unset=True,
    summary="What a submission would prefill for a citizen (registry and earlier dossiers)",
)
async def get_citizen(
    personal_id: str,
    principal: Principal = Depends(receiver),
    intake: IntakeContext = Depends(intake_of),
    runtime: ServiceRuntime = Depends(runtime_of),
) -> dict[str, Any]:
    today = runtime.time.now().astimezone(VN_TZ).date()
    return await queries.citizen(intake, personal_id, today=today, official=principal)
