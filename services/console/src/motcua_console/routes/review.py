"""Duyệt hồ sơ nộp trực tuyến và qua bưu chính: the dossiers of the receiver's unit waiting in
status 1 (Mới đăng ký) for an intake decision, and the review page of one of them: the applicant,
the documents handed in (opened as on the case page), the procedure's checklist, and the three
decisions — accept, ask for a supplement (Mẫu 02) or refuse (Mẫu 03). Intake checks again and has
the last word; the dossier code, never a personal ID, names the dossier in every URL."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from motcua_console import presenting
from motcua_console.session import Official, check_csrf, require_roles
from motcua_console.web import Page, page
from motcua_platform.errors import ApiError

router = APIRouter()
REMOTE_CHANNELS = ("online", "postal")
WAITING = 1  # Mới đăng ký
SUPPLEMENT_REQUESTED = 5  # Yêu cầu bổ sung giấy tờ
LISTED = 200


async def _waiting(p: Page, limit: int) -> dict[str, Any]:
    """The unit's online and postal dossiers in status 1, from intake's queue index."""
    answer: dict[str, Any] = await p.get(
        "intake",
        "/dossiers",
        unit=p.official.principal.unit,
        status=WAITING,
        channel=list(REMOTE_CHANNELS),
        limit=limit,
    )
    return answer


def waiting_longest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Intake lists newest first; the counter decides in the order citizens filed."""
    return sorted(items, key=lambda item: (item.get("submitted_at") or "", item["code"]))


def decisions(dossier: dict[str, Any]) -> list[str]:
    """The decisions intake takes now: all three in status 1; while the citizen owes the papers
    of an intake-stage Mẫu 02 (status 5), accepting or refusing still."""
    status = dossier.get("status")
    if status == WAITING:
        return ["accept", "supplement", "refuse"]
    requests = dossier.get("supplement_requests") or []
    if status == SUPPLEMENT_REQUESTED and requests and requests[-1].get("stage") == "intake":
        return ["accept", "refuse"]
    return []


def checklist(procedure: dict[str, Any], dossier: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per component of the procedure: what was handed in for it (with the
    supplements), and whether it counts as missing (required, nothing handed in, not covered by
    the population registry)."""
    handed: dict[str, list[dict[str, Any]]] = {}
    for document in dossier.get("documents") or []:
        handed.setdefault(document["component"], []).append(document)
    for supplement in dossier.get("supplements") or []:
        for document in supplement.get("documents") or []:
            handed.setdefault(document["component"], []).append({**document, "supplement": True})
    in_registry = bool(dossier.get("applicant_in_registry"))
    rows = []
    for component in procedure["current"]["components"]:
        documents = handed.get(component["code"], [])
        covered = bool(component.get("reusable_from_registry")) and in_registry
        rows.append(
            {
                **component,
                "documents": documents,
                "missing": bool(component.get("required")) and not documents and not covered,
            }
        )
    return rows


def _reasons(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


async def _dossier(p: Page, code: str) -> dict[str, Any]:
    """The dossier, for a receiver of its receiving unit (intake checks the scope too)."""
    require_roles(p.official, "receiver")
    dossier: dict[str, Any] = await p.get("intake", f"/dossiers/{code}")
    p.official.principal.require_unit(dossier.get("receiving_unit"), "dossier")
    return dossier


def _remote_only(dossier: dict[str, Any]) -> None:
    if dossier.get("channel") not in REMOTE_CHANNELS:
        raise ApiError(
            404, "not_found", "Hồ sơ này nộp trực tiếp: xử lý tại màn hình tiếp nhận, quầy."
        )


@router.get("/review", response_class=HTMLResponse, summary="Hồ sơ trực tuyến, bưu chính chờ duyệt")
async def review_list(p: Page = Depends(page)) -> Response:
    require_roles(p.official, "receiver")
    answer = await _waiting(p, LISTED)
    return p.render(
        "review_list.html", items=waiting_longest_first(answer["items"]), total=answer["total"]
    )


@router.get("/review/count", response_class=HTMLResponse, include_in_schema=False)
async def review_count(p: Page = Depends(page)) -> Response:
    """The count beside the navigation link, loaded after the page (no delay to any screen)."""
    require_roles(p.official, "receiver")
    answer = await _waiting(p, 1)
    return p.render("_review_count.html", total=answer["total"])


@router.get("/review/{code}", response_class=HTMLResponse, summary="Duyệt một hồ sơ")
async def review_page(code: str, p: Page = Depends(page)) -> Response:
    dossier = await _dossier(p, code)
    _remote_only(dossier)
    on = (presenting.parse_instant(dossier.get("submitted_at")) or p.backend.now()).date()
    procedure = await p.get("intake", f"/procedures/{dossier['procedure_code']}", on=on.isoformat())
    return p.render(
        "review.html",
        dossier=dossier,
        procedure=procedure,
        rows=checklist(procedure, dossier),
        decisions=decisions(dossier),
    )


def _decision_body(decision: str, form: Any, official: Official) -> tuple[str, dict[str, Any]]:
    """The intake command of a decision and its body."""
    reasons = _reasons(str(form.get("reasons", "")))
    if decision == "accept":
        body: dict[str, Any] = {}
        if official.counter:
            body["return_counter"] = official.counter
        return "accept", body
    if decision == "supplement":
        missing = [str(code) for code in form.getlist("missing")]
        if not missing:
            raise ApiError(
                422,
                "validation_failed",
                "Chọn ít nhất một thành phần hồ sơ còn thiếu (Mẫu 02).",
                {"field": "missing", "reason": "required"},
            )
        return "request-supplement", {"missing_components": missing, "reasons": reasons}
    if decision == "refuse":
        if not reasons:
            raise ApiError(
                422,
                "validation_failed",
                "Ghi rõ lý do từ chối tiếp nhận (Mẫu 03).",
                {"field": "reasons", "reason": "required"},
            )
        return "refuse", {"reasons": reasons}
    raise ApiError(422, "validation_failed", "Không có quyết định này.", {"field": "decision"})


@router.post("/review/{code}", dependencies=[Depends(check_csrf)])
async def decide(code: str, request: Request, p: Page = Depends(page)) -> Response:
    dossier = await _dossier(p, code)
    _remote_only(dossier)
    form = await request.form()
    decision = str(form.get("decision", ""))
    action, body = _decision_body(decision, form, p.official)
    key = str(form.get("idempotency_key") or "")
    answer = await p.post(
        "intake", f"/dossiers/{code}/{action}", body, key=f"{key}-{action}" if key else None
    )
    return p.render("review_done.html", dossier=answer, decision=decision)
