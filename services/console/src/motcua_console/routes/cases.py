"""The work queue (most urgent first), the case page with only the actions this official may take
now, and the return counter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from motcua_console import presenting
from motcua_console.routes.intake import component_names, procedure_catalogue
from motcua_console.session import Official, check_csrf, require_roles
from motcua_console.timeline import case_timeline, official_names
from motcua_console.web import Page, page
from motcua_platform.auth.roles import CASE_WORKERS, READERS
from motcua_platform.errors import ApiError

router = APIRouter()
OFFICIALS = READERS
PRINTABLE = {"control-sheet", "apology-letter", "stop-notice"}
QUEUE_PAGE = 50  # most urgent first: the rest is one "next page" away


def _lines(p: Page, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in items:
        item["colour"] = presenting.deadline_state(item.get("state"), item.get("due_soon"))
    return items


async def _tasks(p: Page, *, limit: int, **filters: Any) -> dict[str, Any]:
    """One page of the unit's work queue; workflow applies the filters in its query."""
    answer = await p.get(
        "workflow",
        "/tasks",
        unit=p.official.principal.unit,
        limit=limit,
        at=p.backend.at(),
        **filters,
    )
    _lines(p, answer["items"])
    return dict(answer)


def _number(value: str | None) -> int | None:
    """A filter's number from the form; an empty choice ("Tất cả") is no filter."""
    return int(value) if value and value.strip().isdigit() else None


@router.get("/queue", response_class=HTMLResponse, summary="Danh sách việc cần làm")
async def queue(
    p: Page = Depends(page),
    procedure: str | None = None,
    role: str | None = None,
    assignee: str | None = None,
    status: str | None = None,
    step: str | None = None,
    state: str | None = None,
    cursor: str | None = None,
) -> Response:
    require_roles(p.official, *OFFICIALS)
    if role is None:  # a specialist's or a leader's own work first; "all" shows every line
        own = [r for r in ("specialist", "leader") if p.official.has_any(r)]
        role = own[0] if len(own) == 1 and not p.official.has_any("receiver") else "all"
    filters: dict[str, Any] = {
        "procedure": procedure or None,
        "role": role,
        "assignee": assignee or None,
        "status": _number(status),
        "step": _number(step),
        "state": state or None,
    }
    shown_step = filters["step"]  # numbered from 1 on the screen, from 0 by workflow
    answer = await _tasks(
        p,
        limit=QUEUE_PAGE,
        cursor=cursor or None,
        procedure=filters["procedure"],
        assignee=filters["assignee"],
        status=filters["status"],
        step=shown_step - 1 if shown_step else None,
        role=None if role == "all" else role,
    )
    items = answer["items"]
    if filters["state"]:  # the colour follows the clock, not a stored field: it narrows the page
        items = [item for item in items if item["colour"] == filters["state"]]
    next_url = None
    if answer.get("next_cursor"):
        kept = {k: v for k, v in filters.items() if v is not None}
        next_url = "/queue?" + urlencode({**kept, "cursor": answer["next_cursor"]})
    return p.render(
        "queue.html",
        items=items,
        procedures=await procedure_catalogue(p),
        filters=filters,
        next_url=next_url,
    )


def allowed_actions(official: Official, case: dict[str, Any]) -> list[str]:
    """The actions to offer: what the case waits for and this official's roles permit (the
    workflow service checks again and has the last word)."""
    action = case.get("next_action")
    step = case.get("current_step") or {}
    leader = official.has_any("leader")
    offered: list[str] = []
    if action == "complete_step" and (leader or official.has_any(step.get("role", ""))):
        offered.append("complete_step")
    if action == "resolve" and official.has_any(*CASE_WORKERS):
        offered.append("resolve")
    if action == "return" and official.has_any("receiver"):
        offered.append("return")
    working = case.get("status") == 4
    if working and official.has_any("specialist", "leader"):
        offered += ["request_supplement", "await_payment"]
    if case.get("status") == 6 and official.has_any(*CASE_WORKERS):
        offered.append("payment_received")
    open_case = case.get("status") in (2, 4, 5, 6, 7)
    if open_case and leader:
        if not case.get("extended"):
            offered.append("extend")
        offered.append("stop")
    return offered


@router.get("/cases/{code}", response_class=HTMLResponse, summary="Hồ sơ")
async def case_page(code: str, p: Page = Depends(page)) -> Response:
    require_roles(p.official, *OFFICIALS)
    case = await p.get("workflow", f"/cases/{code}", at=p.backend.at())
    dossier, components = None, {}
    if p.official.has_any("receiver", "specialist", "leader", "admin", "auditor"):
        dossier = await p.get("intake", f"/dossiers/{code}")
        components = await component_names(p, case["procedure_code"])
    return p.render(
        "case.html",
        case=case,
        dossier=dossier,
        components=components,
        actions=allowed_actions(p.official, case),
        timeline=case_timeline(case),
        names=official_names(case),
        colour=presenting.deadline_state(case.get("state"), case.get("due_soon")),
    )


ACTION_PATHS = {
    "complete_step": "complete-step",
    "resolve": "resolve",
    "return": "return",
    "request_supplement": "request-supplement",
    "await_payment": "await-payment",
    "payment_received": "payment-received",
    "extend": "extend",
    "stop": "stop",
}


def _body(action: str, form: Any, official: Official) -> dict[str, Any]:
    text = lambda name: str(form.get(name, "")).strip()  # noqa: E731
    if action == "resolve":
        return {"outcome": text("outcome") or "approved"}
    if action == "return":
        body: dict[str, Any] = {"channel": text("channel") or "counter"}
        if body["channel"] == "counter":
            body["counter"] = text("counter") or official.counter
        return body
    if action == "request_supplement":
        return {"reason": text("reason")}
    if action == "extend":
        due = presenting.parse_instant(text("new_due_at") + "T17:00:00+07:00")
        return {"reason": text("reason"), "new_due_at": due.isoformat() if due else None}
    if action == "stop":
        return {"reason": text("reason")}
    return {}


@router.post("/cases/{code}/{action}", dependencies=[Depends(check_csrf)])
async def act(code: str, action: str, request: Request, p: Page = Depends(page)) -> Response:
    if action not in ACTION_PATHS:
        raise ApiError(404, "not_found", "không có thao tác này")
    require_roles(p.official, *CASE_WORKERS)
    form = await request.form()
    key = str(form.get("idempotency_key") or "") or None
    await p.post(
        "workflow",
        f"/cases/{code}/{ACTION_PATHS[action]}",
        _body(action, form, p.official),
        key=key,
    )
    back = str(form.get("back") or f"/cases/{code}")
    return RedirectResponse(
        back if back.startswith("/") and not back.startswith("//") else "/", status_code=303
    )


@router.get("/cases/{code}/print/{kind}", response_class=HTMLResponse)
async def printable(code: str, kind: str, p: Page = Depends(page)) -> Response:
    """Mẫu 06 control sheet, Mẫu 04 apology letter, Mẫu 05 stop notice from workflow."""
    if kind not in PRINTABLE:
        raise ApiError(404, "not_found", "không có mẫu này")
    response = await p.backend.request(p.token, "workflow", "GET", f"/cases/{code}/{kind}")
    return HTMLResponse(response.text, headers={"Cache-Control": "no-store"})


@router.get("/returns", response_class=HTMLResponse, summary="Quầy trả kết quả")
async def returns(p: Page = Depends(page)) -> Response:
    """Dossiers whose result waits at this unit's counter: decided (to hand over), or at the
    receiver's last step (vào sổ) or waiting for the decision."""
    require_roles(p.official, "receiver")
    items = (await _tasks(p, limit=200))["items"]
    ready = [
        i
        for i in items
        if i["action"] in ("return", "resolve")
        or (i["action"] == "complete_step" and i["role"] == "receiver" and (i["step"] or 0) > 0)
    ]
    return p.render("returns.html", items=ready)
