"""The citizen's own dossiers (``/me``), for the citizens' portal: the personal ID number comes
from the citizen's token (the national e-ID in production), never from the request.

A citizen sees and changes only dossiers whose applicant they are; uploads are theirs alone.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, ConfigDict, Field

from motcua_intake import handlers, queries
from motcua_intake.api import answers
from motcua_intake.api.deps import IDEMPOTENCY_KEY_DOC, intake_of, runtime_of
from motcua_intake.api.files import files_of, link_answer, store_upload
from motcua_intake.commands import ApplicantIn, DocumentIn, HandInSupplement, SubmitDossier
from motcua_intake.context import IntakeContext
from motcua_intake.domain.dossier import Dossier
from motcua_intake.dossier_document import dossier_from_document
from motcua_intake.files import dossier_files
from motcua_platform.auth import Principal
from motcua_platform.auth.citizen import Citizen
from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import Channel, FileRef
from motcua_platform.errors import ApiError
from motcua_platform.http.citizen import signed_in_citizen
from motcua_platform.http.inputs import RequestBody
from motcua_platform.http.pagination import cursor_query, position_page
from motcua_platform.personal_id import parse_personal_id, pseudonymous_key

router = APIRouter(prefix="/me", tags=["citizen"])
IdempotencyKey = Header(default=None, alias="Idempotency-Key", description=IDEMPOTENCY_KEY_DOC)


def applicant_key(intake: IntakeContext, citizen: Citizen, request: Request) -> str:
    today = runtime_of(request).time.now().astimezone(VN_TZ).date()
    parsed = parse_personal_id(citizen.personal_id, today=today, field="token")
    return pseudonymous_key(parsed.value, intake.pseudonym_secret)


def acting_for_themselves(citizen: Citizen, unit: str) -> Principal:
    """The citizen files for themselves: a principal with no official role, scoped to the
    unit the dossier is filed at, so the shared submission handler checks nothing more."""
    return Principal(subject=citizen.subject, unit=unit, roles=frozenset(), name=citizen.name)


class NotYourDossier(ApiError):
    def __init__(self, code: str) -> None:
        super().__init__(
            403,
            "not_your_dossier",
            "Hồ sơ này không phải của bạn.",
            {"field": "code", "reason": "the signed-in citizen is not the dossier's applicant"},
        )


async def own_dossier(intake: IntakeContext, code: str, key: str) -> tuple[Dossier, dict[str, Any]]:
    dossier, loaded = await intake.store.load(code)
    if dossier.applicant_key != key:
        raise NotYourDossier(code)
    return dossier, loaded.state


class DocumentUpload(RequestBody):
    model_config = ConfigDict(extra="forbid")

    component: str = Field(min_length=1)
    file_key: str = Field(min_length=1, max_length=200, description="From POST /me/uploads")


class OnlineSubmission(RequestBody):
    """Nộp hồ sơ trực tuyến: the procedure, where, the files; the applicant comes from the token
    and the registry (công dân không viết). Phone and e-mail may be corrected."""

    model_config = ConfigDict(extra="forbid")

    procedure_code: str = Field(min_length=1)
    receiving_unit: str = Field(min_length=1)
    documents: list[DocumentUpload] = Field(default_factory=list, max_length=50)
    result_delivery: str = Field(default="online", pattern="^(online|postal|counter)$")
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=200)
    at: AwareDatetime | None = None


class OnlineSupplement(RequestBody):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentUpload] = Field(min_length=1, max_length=50)
    at: AwareDatetime | None = None


async def _earlier_files(intake: IntakeContext, key: str) -> list[str]:
    cursor = intake.store.aggregates.collection.find(
        {"applicant_key": key}, {"documents": 1, "supplements": 1}
    )
    keys: list[str] = []
    async for doc in cursor:
        for d in doc.get("documents") or []:
            if d.get("file"):
                keys.append(d["file"]["key"])
    return keys


@router.get(
    "",
    response_model=answers.Me,
    response_model_exclude_unset=True,
    summary="The signed-in citizen as the forms would be prefilled",
)
async def me(
    request: Request,
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    key = applicant_key(intake, citizen, request)
    record = await intake.registry.find(citizen.personal_id)
    earlier = await intake.history.latest(key)
    applicant: dict[str, Any] = {}
    for data in [*earlier, *([record.to_applicant()] if record else [])][::-1]:
        applicant.update({k: v for k, v in data.items() if v not in (None, "")})
    applicant.pop("personal_id", None)
    return {"in_registry": record is not None, "applicant": applicant, "name": citizen.name}


@router.post(
    "/uploads",
    status_code=201,
    response_model=FileRef,
    summary="Upload a scanned document (PDF, JPEG, PNG)",
)
async def upload(
    request: Request,
    file: UploadFile = File(...),
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    key = applicant_key(intake, citizen, request)
    at = runtime_of(request).time.now()
    return await store_upload(request, file, owner_kind="citizen", owner=key, at=at)


@router.get(
    "/documents",
    response_model=answers.MyDocuments,
    summary="Files of the citizen's earlier dossiers, to reuse",
)
async def documents(
    request: Request,
    limit: int = Query(100, ge=1, le=500),
    cursor: str | None = cursor_query(),
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    key = applicant_key(intake, citizen, request)
    items = []
    async for doc in intake.store.aggregates.collection.find(
        {"applicant_key": key}, {"documents": 1, "procedure_name": 1}
    ):
        for d in doc.get("documents") or []:
            if d.get("file"):
                items.append({**d["file"], "dossier": doc["_id"], "component": d["component"]})
    page, next_cursor = position_page(items, cursor, limit)
    return {"items": page, "next_cursor": next_cursor}


@router.post(
    "/dossiers",
    status_code=201,
    response_model=answers.SubmittedDossier,
    response_model_exclude_unset=True,
    summary="Submit a dossier online (kênh trực tuyến)",
)
async def submit(
    body: OnlineSubmission,
    request: Request,
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    key = applicant_key(intake, citizen, request)
    typed = {k: v for k, v in {"phone": body.phone, "email": body.email}.items() if v}
    command = SubmitDossier(
        procedure_code=body.procedure_code,
        channel=Channel.ONLINE,
        receiving_unit=body.receiving_unit,
        applicant=ApplicantIn(personal_id=citizen.personal_id, **typed),
        documents=[DocumentIn(component=d.component, file_key=d.file_key) for d in body.documents],
        result_delivery=body.result_delivery,  # type: ignore[arg-type]
        at=body.at,
    )
    principal = acting_for_themselves(citizen, body.receiving_unit)

    async def run() -> tuple[int, dict[str, Any]]:
        at = runtime_of(request).time.resolve(body.at)
        dossier = await handlers.submit(
            intake,
            command,
            at=at,
            official=principal,
            file_owner=("citizen", key),
            earlier_files=await _earlier_files(intake, key),
        )
        return 201, queries.submitted(intake, dossier)

    payload = body.model_dump(mode="json")
    return await runtime_of(request).idempotency.run(
        key=idempotency_key,
        scope=f"{citizen.subject}:POST /me/dossiers",
        body=payload,
        command=run,
    )


@router.get(
    "/dossiers", response_model=answers.MyDossiers, summary="The citizen's dossiers, newest first"
)
async def my_dossiers(
    request: Request,
    limit: int = Query(100, ge=1, le=500),
    cursor: str | None = cursor_query(),
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    key = applicant_key(intake, citizen, request)
    items = []
    async for doc in intake.store.aggregates.collection.find({"applicant_key": key}):
        items.append(dossier_from_document(doc).public_view())
    items.sort(key=lambda d: d["submitted_at"] or 0, reverse=True)
    page, next_cursor = position_page(items, cursor, limit)
    return {"items": [queries.queue_item(item) for item in page], "next_cursor": next_cursor}


@router.get(
    "/dossiers/{code}",
    response_model=answers.MyDossierView,
    response_model_exclude_unset=True,
    summary="One of the citizen's dossiers, with its history",
)
async def my_dossier(
    code: str,
    request: Request,
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    key = applicant_key(intake, citizen, request)
    dossier, state = await own_dossier(intake, code, key)
    view = queries.dossier_view(intake, dossier)
    view["applicant"].pop("personal_id", None)
    refs = dossier_files(state, dossier.documents, [s.documents for s in dossier.supplements])
    return {
        **view,
        "lookup_secret": dossier.lookup_secret,
        "files": [r.model_dump() for r in refs],
        "result_file": state.get("result_file"),
        "history": history(dossier, state),
    }


def history(dossier: Dossier, state: dict[str, Any]) -> list[dict[str, Any]]:
    """What happened to the dossier, oldest first, in the citizen's words."""
    steps: list[tuple[Any, str]] = [
        (
            dossier.submitted_at,
            "Nộp hồ sơ trực tuyến" if dossier.channel is Channel.ONLINE else "Nộp hồ sơ",
        )
    ]
    steps += [
        (r.at, "Yêu cầu bổ sung hồ sơ: " + "; ".join(r.reasons))
        for r in dossier.supplement_requests
    ]
    steps += [(s.at, "Đã bổ sung hồ sơ") for s in dossier.supplements]
    if dossier.accepted_at:
        steps.append((dossier.accepted_at, "Hồ sơ được tiếp nhận"))
    if dossier.refused_at:
        steps.append(
            (dossier.refused_at, "Từ chối tiếp nhận: " + "; ".join(dossier.refusal_reasons))
        )
    if state.get("workflow_event_at") and dossier.workflow_status is not None:
        steps.append((state["workflow_event_at"], dossier.status.label))
    ordered = sorted((s for s in steps if s[0] is not None), key=lambda s: s[0])
    return [{"at": queries.iso(at), "what": what} for at, what in ordered]


@router.post(
    "/dossiers/{code}/supplement",
    response_model=answers.DossierSummary,
    response_model_exclude_unset=True,
    summary="Hand in the missing documents online",
)
async def supplement(
    code: str,
    body: OnlineSupplement,
    request: Request,
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
    idempotency_key: str | None = IdempotencyKey,
) -> JSONResponse:
    key = applicant_key(intake, citizen, request)
    dossier, _ = await own_dossier(intake, code, key)
    principal = acting_for_themselves(citizen, dossier.receiving_unit)
    command = HandInSupplement(
        documents=[DocumentIn(component=d.component, file_key=d.file_key) for d in body.documents],
        at=body.at,
    )

    async def run() -> tuple[int, dict[str, Any]]:
        at = runtime_of(request).time.resolve(body.at)
        changed = await handlers.hand_in_supplement(
            intake, code, command, at=at, official=principal, file_owner=("citizen", key)
        )
        return 200, queries.summary(intake, changed)

    payload = {"code": code, **body.model_dump(mode="json")}
    return await runtime_of(request).idempotency.run(
        key=idempotency_key,
        scope=f"{citizen.subject}:POST /me/dossiers/{{code}}/supplement",
        body=payload,
        command=run,
    )


@router.get(
    "/dossiers/{code}/files/{file_key:path}/link",
    response_model=answers.FileLink,
    summary="A short-lived download link for a file of the citizen's dossier",
)
async def my_file_link(
    code: str,
    file_key: str,
    request: Request,
    at: AwareDatetime | None = Query(None, description="Honoured only with MOTCUA_SIMULATION=1"),
    citizen: Citizen = Depends(signed_in_citizen),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    key = applicant_key(intake, citizen, request)
    dossier, state = await own_dossier(intake, code, key)
    now = runtime_of(request).time.resolve(at)
    return link_answer(request, files_of(request), code, file_key, state, dossier, now)
