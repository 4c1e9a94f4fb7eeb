"""The citizen's own rating request (``/me``), for the citizens' portal: the online rating token
of a returned dossier, given only to the citizen who applied for it (recognised by the keyed
hash of the personal ID number in their token, the same the events carry)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from motcua_feedback.api import answers
from motcua_feedback.api.deps import context
from motcua_feedback.context import FeedbackContext
from motcua_feedback.domain import NotRateable, rating_token
from motcua_platform.auth.citizen import Citizen
from motcua_platform.errors import ApiError, NotFound
from motcua_platform.http.citizen import signed_in_citizen

router = APIRouter(prefix="/me", tags=["citizen"])


@router.get(
    "/ratings/{dossier_code}",
    response_model=answers.MyRatingRequest,
    summary="The online rating token of the signed-in citizen's returned dossier",
)
async def my_rating_request(
    dossier_code: str,
    citizen: Citizen = Depends(signed_in_citizen),
    ctx: FeedbackContext = Depends(context),
) -> dict[str, Any]:
    secret = ctx.settings.pseudonym_key
    if secret is None or not secret.get_secret_value():
        raise ApiError(503, "citizen_ratings_unavailable", "MOTCUA_PSEUDONYM_KEY is not set")
    record = await ctx.store.dossier(dossier_code)
    if record is None:
        raise NotFound("dossier", dossier_code)
    if record.applicant_key != citizen.applicant_key(secret.get_secret_value().encode()):
        raise ApiError(
            403,
            "not_your_dossier",
            "Hồ sơ này không phải của bạn.",
            {"field": "dossier_code", "reason": "the signed-in citizen is not the applicant"},
        )
    if not record.is_returned:
        raise NotRateable(dossier_code, "hồ sơ chưa trả kết quả")
    return {
        "dossier_code": record.code,
        "unit": record.unit,
        "returned_at": record.returned_at.isoformat() if record.returned_at else None,
        "rated": record.rating is not None,
        "token": None if record.token_used else rating_token(ctx.rating_token_key, record.code),
    }
