"""The files of a dossier (scanned documents, the electronic result), opened from the case page:
intake checks the official's scope and issues a short-lived link, which the console follows so
the browser never needs a token for intake."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from motcua_console.web import Page, page

router = APIRouter()


@router.get("/cases/{code}/files/{key:path}", summary="Mở tệp của hồ sơ")
async def open_file(code: str, key: str, p: Page = Depends(page)) -> Response:
    link = await p.backend.get(p.token, "intake", f"/dossiers/{code}/files/{key}/link")
    path = "/files/" + str(link["token"])
    response = await p.backend.request(p.token, "intake", "GET", path)
    return Response(
        response.content,
        media_type=response.headers.get("content-type"),
        headers={
            "Content-Disposition": response.headers.get("content-disposition", "attachment"),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
