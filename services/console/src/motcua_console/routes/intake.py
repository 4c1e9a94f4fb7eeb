"""Tiếp nhận hồ sơ at the counter, keyboard first: the personal ID (typed, or the chip card's QR
text) brings the applicant from the registry; the official picks the procedure, ticks the papers
handed in, and accepts, asks for a supplement (Mẫu 02) or refuses (Mẫu 03). The personal ID
travels only in form bodies, never in a console URL."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from motcua_console.backend import ServiceError
from motcua_console.chip_card import personal_id_from_input
from motcua_console.reference import Recent, most_used_first
from motcua_console.session import check_csrf, require_roles
from motcua_console.web import Page, page
from motcua_platform.errors import ApiError

router = APIRouter()
TYPED_FIELDS = ("full_name", "date_of_birth", "gender", "address", "phone", "email")
PRINTABLE = {
    "receipt": "receipt",
    "supplement-request": "supplement-request",
    "refusal": "refusal",
}


CATALOGUE = Recent(ttl_seconds=300)
COMPONENT_NAMES = Recent(ttl_seconds=300)
ORDER = Recent(ttl_seconds=60)


async def procedure_catalogue(p: Page) -> list[dict[str, Any]]:
    """The procedure catalogue (public), kept for a few minutes."""

    async def catalogue() -> list[dict[str, Any]]:
        return list((await p.get("intake", "/procedures"))["items"])

    return list(await CATALOGUE.get("all", catalogue))


async def component_names(p: Page, procedure_code: str) -> dict[str, str]:
    """Component code → its name (thành phần hồ sơ) in the procedure's current version, kept
    for a few minutes."""

    async def load() -> dict[str, str]:
        procedure = await p.get("intake", f"/procedures/{procedure_code}")
        version = procedure.get("current") or procedure
        return {c["code"]: c["name"] for c in version.get("components") or []}

    return dict(await COMPONENT_NAMES.get(procedure_code, load))


async def _procedures(p: Page) -> list[dict[str, Any]]:
    """The catalogue, those most used at this unit first, then by code."""
    unit = p.official.principal.unit

    async def ordered() -> list[dict[str, Any]]:
        recent = await p.get("intake", "/dossiers", unit=unit, limit=200)
        return most_used_first(await procedure_catalogue(p), recent["items"])

    return list(await ORDER.get(unit, ordered))


@router.get("/intake", response_class=HTMLResponse, summary="Tiếp nhận hồ sơ")
async def intake_page(p: Page = Depends(page)) -> Response:
    require_roles(p.official, "receiver")
    return p.render("intake.html", procedures=await _procedures(p), citizen=None)


@router.post("/intake/citizen", dependencies=[Depends(check_csrf)])
async def find_citizen(request: Request, p: Page = Depends(page)) -> Response:
    require_roles(p.official, "receiver")
    form = await request.form()
    personal_id = personal_id_from_input(str(form.get("id_text", "")))
    citizen: dict[str, Any] | None = None
    problem = None
    if personal_id is None:
        problem = "Số định danh cá nhân phải có đúng 12 chữ số (hoặc quét mã QR trên thẻ Căn cước)."
    else:
        try:
            citizen = await p.get("intake", f"/citizens/{personal_id}")
        except ServiceError as exc:
            if exc.status == 404:
                citizen = {"personal_id": personal_id, "unknown": True, "applicant": {}}
            elif exc.status == 422:
                problem = "Số định danh cá nhân không hợp lệ."
            else:
                raise
    context: dict[str, Any] = {"citizen": citizen, "problem": problem}
    if p.partial:
        return p.render("_applicant.html", **context)
    return p.render("intake.html", procedures=await _procedures(p), **context)


@router.get("/intake/procedure", response_class=HTMLResponse)
async def procedure_checklist(procedure_code: str, p: Page = Depends(page)) -> Response:
    require_roles(p.official, "receiver")
    procedure = await p.get("intake", f"/procedures/{procedure_code}")
    return p.render("_checklist.html", procedure=procedure)


def _documents(form: FormData, components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    handed_in = []
    for component in components:
        code = component["code"]
        if form.get(f"doc_{code}") == "on":
            kind = str(form.get(f"form_{code}") or component["forms"][0])
            handed_in.append({"component": code, "form": kind, "digitized": True})
    return handed_in


@router.post("/intake/submit", dependencies=[Depends(check_csrf)])
async def submit(request: Request, p: Page = Depends(page)) -> Response:
    require_roles(p.official, "receiver")
    form = await request.form()
    personal_id = personal_id_from_input(str(form.get("personal_id", "")))
    code = str(form.get("procedure_code", ""))
    decision = str(form.get("decision", "accept"))
    if personal_id is None or not code:
        raise ApiError(422, "validation_failed", "Chưa có số định danh hoặc thủ tục.")
    procedure = await p.get("intake", f"/procedures/{code}")
    components = procedure["current"]["components"]
    applicant: dict[str, Any] = {"personal_id": personal_id}
    for name in TYPED_FIELDS:  # only for a citizen the registry does not know
        value = str(form.get(f"applicant_{name}", "")).strip()
        if value:
            applicant[name] = value
    key = str(form.get("idempotency_key") or "")
    body: dict[str, Any] = {
        "procedure_code": code,
        "channel": "counter",
        "receiving_unit": p.official.principal.unit,
        "applicant": applicant,
        "documents": _documents(form, components),
        "accept": decision == "accept",
        "resolve_on_the_spot": decision == "accept" and form.get("on_the_spot") == "on",
        "fee_exemptions": [str(v) for v in form.getlist("exemption")],
    }
    if p.official.counter:
        body["return_counter"] = p.official.counter
    dossier = await p.post("intake", "/dossiers", body, key=f"{key}-submit" if key else None)
    reasons = [r for r in str(form.get("reasons", "")).splitlines() if r.strip()]
    if decision == "supplement":
        handed = {d["component"] for d in body["documents"]}
        missing = [c["code"] for c in components if c.get("required") and c["code"] not in handed]
        dossier = await p.post(
            "intake",
            f"/dossiers/{dossier['code']}/request-supplement",
            {"reasons": reasons, "missing_components": missing or None},
            key=f"{key}-supplement" if key else None,
        )
    elif decision == "refuse":
        dossier = await p.post(
            "intake",
            f"/dossiers/{dossier['code']}/refuse",
            {"reasons": reasons},
            key=f"{key}-refuse" if key else None,
        )
    written = [name for name in applicant if name != "personal_id"]
    return p.render(
        "intake_done.html",
        dossier=dossier,
        procedure=procedure,
        decision=decision,
        written=written,
    )


@router.get("/dossiers/{code}/print/{kind}", response_class=HTMLResponse)
async def printable(code: str, kind: str, p: Page = Depends(page)) -> Response:
    """The printable form from intake (Mẫu 01 receipt with its QR, Mẫu 02, Mẫu 03)."""
    if kind not in PRINTABLE:
        raise ApiError(404, "not_found", "không có mẫu này")
    response = await p.backend.request(
        p.token, "intake", "GET", f"/dossiers/{code}/{PRINTABLE[kind]}"
    )
    return HTMLResponse(response.text, headers={"Cache-Control": "no-store"})
