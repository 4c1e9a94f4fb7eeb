"""Files on dossiers over HTTP: officials upload scans and electronic results, get short-lived
download links for the files of dossiers in their scope; anyone holding a valid link downloads.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime

from motcua_intake.api import answers
from motcua_intake.api.deps import intake_of, official, runtime_of
from motcua_intake.context import IntakeContext
from motcua_intake.domain.errors import DomainError
from motcua_intake.domain.file_links import LinkRefused
from motcua_intake.domain.files import FileRefused
from motcua_intake.files import DossierFiles, FileNotYours, dossier_files
from motcua_intake.handlers import require_scope
from motcua_platform.auth import Principal
from motcua_platform.contracts.events import FileRef
from motcua_platform.errors import ApiError
from motcua_platform.http.app import error_response

router = APIRouter(tags=["files"])

# File refusals have their own statuses: 413 too large, 415 not a PDF/JPEG/PNG or not what its
# name says, 403 someone else's file, 410 an expired link.
_STATUS_OF_REASON = {
    "too_large": 413,
    "unsupported": 415,
    "invalid": 422,
    "forbidden": 403,
    "expired": 410,
}


def file_error(exc: DomainError) -> ApiError:
    status = _STATUS_OF_REASON.get(getattr(exc, "reason", ""), 422)
    details: dict[str, Any] = {"field": exc.field, "reason": exc.message}
    if isinstance(exc.details, dict):
        details.update(exc.details)
    return ApiError(status, exc.code, exc.message, details)


def install_file_error_handlers(app: FastAPI) -> None:
    """File refusals answer with their own status wherever they are raised (an upload, a
    submission naming someone else's file, a link)."""

    async def refused(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return error_response(file_error(exc))

    for kind in (FileRefused, LinkRefused, FileNotYours):
        app.add_exception_handler(kind, refused)


def files_of(request: Request) -> DossierFiles:
    files: DossierFiles | None = intake_of(request).files
    if files is None:
        raise ApiError(503, "files_unavailable", "object storage is not configured")
    return files


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, reading no more than one byte past the limit."""
    return await upload.read(limit + 1)


async def store_upload(
    request: Request, upload: UploadFile, *, owner_kind: str, owner: str, at: Any
) -> dict[str, Any]:
    files = files_of(request)
    data = await read_upload(upload, files.max_bytes)
    try:
        ref = await files.upload(
            data,
            filename=upload.filename,
            declared_type=upload.content_type,
            owner_kind=owner_kind,  # type: ignore[arg-type]
            owner=owner,
            at=at,
        )
    except DomainError as exc:
        raise file_error(exc) from None
    return ref.model_dump()


@router.post(
    "/uploads",
    status_code=201,
    response_model=FileRef,
    summary="Store a scanned document or an electronic result (PDF, JPEG, PNG)",
)
async def upload_file(
    request: Request,
    file: UploadFile = File(...),
    principal: Principal = Depends(official),
) -> dict[str, Any]:
    at = runtime_of(request).time.now()
    return await store_upload(request, file, owner_kind="unit", owner=principal.unit, at=at)


@router.get(
    "/dossiers/{code}/files/{key:path}/link",
    response_model=answers.FileLink,
    summary="A short-lived download link for a file of a dossier in the caller's scope",
)
async def file_link(
    code: str,
    key: str,
    request: Request,
    at: AwareDatetime | None = Query(None, description="Honoured only with MOTCUA_SIMULATION=1"),
    principal: Principal = Depends(official),
    intake: IntakeContext = Depends(intake_of),
) -> dict[str, Any]:
    dossier, loaded = await intake.store.load(code)
    require_scope(principal, dossier)
    await intake.access_log.record(
        principal, purpose="file", applicant_key=dossier.applicant_key, dossier_code=code
    )
    now = runtime_of(request).time.resolve(at)
    return link_answer(request, files_of(request), code, key, loaded.state, dossier, now)


def link_answer(
    request: Request, files: DossierFiles, code: str, key: str, state: Any, dossier: Any, now: Any
) -> dict[str, Any]:
    refs = dossier_files(state, dossier.documents, [s.documents for s in dossier.supplements])
    try:
        answer = files.link(code, key, refs, now)
    except DomainError as exc:
        raise file_error(exc) from None
    base = intake_of(request).public_base_url.rstrip("/")
    return {**answer, "url": f"{base}/files/{answer['token']}"}


@router.get(
    "/files/{token}",
    summary="Download a file through a link issued by /link (no token needed while it is valid)",
    response_class=Response,
)
async def download(
    token: str,
    request: Request,
    at: AwareDatetime | None = Query(None, description="Honoured only with MOTCUA_SIMULATION=1"),
    intake: IntakeContext = Depends(intake_of),
) -> Response:
    files = files_of(request)
    now = runtime_of(request).time.resolve(at)
    try:
        link = files.open(token, now)
        dossier, loaded = await intake.store.load(link.dossier)
        refs = dossier_files(
            loaded.state, dossier.documents, [s.documents for s in dossier.supplements]
        )
        ref = next((r for r in refs if r.key == link.key), None)
        if ref is None:
            raise DomainError("file_not_on_dossier", "Hồ sơ không có tệp này.", field="key")
        data = await files.read(link, ref)
    except DomainError as exc:
        raise file_error(exc) from None
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
    name = f"{ref.component or 'tep'}.{extension.get(ref.media_type, 'bin')}"
    return Response(
        data,
        media_type=ref.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
