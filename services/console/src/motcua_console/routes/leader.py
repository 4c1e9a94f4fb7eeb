"""The leader's page: the unit's sentence ("50 hồ sơ: 43 trước hạn, …; 99% hài lòng"), charts,
the shares of "02 không, 03 nhất", the dossiers behind each number, the tracking book (Mẫu 07)
and the complaints (PAKN) with their deadlines and an answer form."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from motcua_console import charts, presenting
from motcua_console.session import check_csrf, require_roles
from motcua_console.web import Page, page
from motcua_platform.errors import ApiError

router = APIRouter()
READERS = ("leader", "admin", "auditor")
BUCKETS = (
    ("early", "Trước hạn", "#1b6e3a"),
    ("on_time", "Đúng hạn", "#2b6cb0"),
    ("late", "Quá hạn", "#b42318"),
    ("within", "Đang trong hạn", "#5f6b7a"),
    ("overdue", "Đang quá hạn", "#8a1c12"),
)
CHANNEL_SERIES = (
    ("counter", "Trực tiếp", "#2b6cb0"),
    ("online", "Trực tuyến", "#1b6e3a"),
    ("postal", "Bưu chính", "#8a5a00"),
)
TREND_MONTHS = 6
LEVELS = (
    ("very_satisfied", "Rất hài lòng", "#1b6e3a"),
    ("satisfied", "Hài lòng", "#2b6cb0"),
    ("dissatisfied", "Không hài lòng", "#b42318"),
)


def _period(p: Page, start: date | None, end: date | None) -> tuple[date, date]:
    today = p.backend.now().date()
    start = start or today.replace(day=1)
    end = end or today
    if end < start:
        raise ApiError(422, "validation_failed", "Ngày kết thúc trước ngày bắt đầu.")
    return start, end


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _intake_figures(items: list[dict[str, Any]], start: date, end: date) -> dict[str, Any]:
    """Received per day by channel and the shares, from the unit's dossier list."""
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    counted = online = on_the_spot = wrote_nothing = 0
    for item in items:
        submitted = presenting.parse_instant(item.get("submitted_at"))
        if submitted is None or not start <= submitted.date() <= end:
            continue
        counted += 1
        per_day[submitted.strftime("%d/%m/%Y")][item.get("channel") or "counter"] += 1
        online += item.get("channel") == "online"
        on_the_spot += bool(item.get("on_the_spot"))
        wrote_nothing += bool(item.get("citizen_wrote_nothing"))
    days = sorted(per_day.items(), key=lambda kv: kv[0][6:] + kv[0][3:5] + kv[0][:2])
    return {
        "count": counted,
        "online_share": _share(online, counted),
        "on_the_spot_share": _share(on_the_spot, counted),
        "wrote_nothing_share": _share(wrote_nothing, counted),
        "chart": charts.stacked_bars(
            "Hồ sơ tiếp nhận theo ngày và kênh", [(d, dict(c)) for d, c in days], CHANNEL_SERIES
        ),
    }


def trend_months(end: date, count: int = TREND_MONTHS) -> list[date]:
    """The first days of the ``count`` calendar months ending with ``end``'s month."""
    first = end.year * 12 + end.month - 1 - (count - 1)
    return [date((first + n) // 12, (first + n) % 12 + 1, 1) for n in range(count)]


def online_by_procedure(
    period: list[dict[str, Any]],
    trend: list[dict[str, Any]],
    months: list[date],
    names: dict[str, str | None],
) -> dict[str, Any]:
    """The online share by procedure (QĐ 766 3.3) for the period — a chart of the channels and a
    table — and each procedure's monthly share over the trend months, from workflow's
    ``/reports/channels`` (which computes the shares; nothing is recounted here)."""
    label = lambda code: f"{code} {names.get(code) or ''}".strip()  # noqa: E731
    by_month = {row["procedure_code"]: {m["month"]: m for m in row["months"]} for row in trend}
    keys = [f"{m:%Y-%m}" for m in months]
    rows = []
    for row in sorted(period, key=lambda r: (-r["received"], r["procedure_code"])):
        shares = [
            by_month.get(row["procedure_code"], {}).get(k, {}).get("online_share") for k in keys
        ]
        rows.append(
            {
                **row,
                "name": names.get(row["procedure_code"]) or "",
                "trend": [None if s is None else s / 100 for s in shares],
                "sparkline": charts.sparkline(
                    f"Tỷ lệ nộp trực tuyến theo tháng — {label(row['procedure_code'])}",
                    shares,
                ),
            }
        )
    chart = charts.stacked_bars(
        "Hồ sơ tiếp nhận theo thủ tục và kênh",
        [
            (label(r["procedure_code"]), {k: r.get(k, 0) for k, _, _ in CHANNEL_SERIES})
            for r in rows
        ],
        CHANNEL_SERIES,
    )
    return {"rows": rows, "chart": chart, "months": [f"{m:%m/%Y}" for m in months]}


@router.get("/leader", response_class=HTMLResponse, summary="Trang lãnh đạo")
async def leader_page(
    p: Page = Depends(page),
    unit: str | None = None,
    start: date | None = None,
    end: date | None = None,
    bucket: str | None = None,
) -> Response:
    require_roles(p.official, *READERS)
    unit = unit or p.official.principal.unit
    p.official.principal.require_unit(unit, "unit")
    start, end = _period(p, start, end)
    period = {"unit": unit, "from": start.isoformat(), "to": end.isoformat()}
    at = p.backend.at()
    summary = await p.get("workflow", "/reports/summary", **period, at=at)
    dossiers = (await p.get("workflow", "/reports/dossiers", **period, at=at))["items"]
    ratings = await p.get("feedback", "/ratings/summary", **period)
    listed = await p.get("intake", "/dossiers", unit=unit, limit=500)
    complaints = (await p.get("feedback", "/complaints", unit=unit))["items"]
    months = trend_months(end)
    channels, trend = await asyncio.gather(
        p.get("workflow", "/reports/channels", **period),
        p.get(
            "workflow",
            "/reports/channels",
            unit=unit,
            **{"from": months[0].isoformat(), "to": end.isoformat()},
        ),
    )
    units = await _supervised(p)
    names = {item["procedure_code"]: item.get("procedure_name") for item in listed["items"]}
    by_procedure: dict[str, Counter[str]] = defaultdict(Counter)
    for row in dossiers:
        by_procedure[row["procedure_code"]][row["bucket"]] += 1
        row["procedure_name"] = names.get(row["procedure_code"], "")
    timeliness_chart = charts.stacked_bars(
        "Tiến độ giải quyết theo thủ tục",
        [(f"{code} {names.get(code) or ''}", dict(c)) for code, c in sorted(by_procedure.items())],
        BUCKETS,
    )
    satisfaction_chart = charts.stacked_bars(
        "Mức độ hài lòng",
        [("Phiếu đánh giá", {k: ratings.get(k, 0) for k, _, _ in LEVELS})],
        LEVELS,
    )
    columns = {key: [r for r in dossiers if r["bucket"] == key] for key, _, _ in BUCKETS}
    return p.render(
        "leader.html",
        unit=unit,
        units=units,
        start=start,
        end=end,
        summary=summary,
        ratings=ratings,
        sentence=presenting.commune_sentence(summary, ratings),
        intake=_intake_figures(listed["items"], start, end),
        online=online_by_procedure(channels["procedures"], trend["procedures"], months, names),
        timeliness_chart=timeliness_chart,
        satisfaction_chart=satisfaction_chart,
        buckets=BUCKETS,
        columns=columns,
        bucket=bucket,
        complaints=complaints,
    )


async def _supervised(p: Page) -> list[dict[str, Any]]:
    """The leader's unit and the units under it (a province's communes)."""
    own = p.official.principal.unit
    try:
        children = (await p.get("intake", "/units", parent=own, limit=1000))["items"]
    except ApiError:
        children = []
    return [{"code": own, "name": "Đơn vị của tôi"}, *children]


@router.get("/leader/tracking-book", summary="Sổ theo dõi hồ sơ (Mẫu 07)")
async def tracking_book(
    p: Page = Depends(page),
    unit: str | None = None,
    start: date | None = None,
    end: date | None = None,
    format: str = "xlsx",
) -> Response:
    require_roles(p.official, *READERS)
    unit = unit or p.official.principal.unit
    p.official.principal.require_unit(unit, "unit")
    start, end = _period(p, start, end)
    if format not in ("csv", "xlsx"):
        raise ApiError(422, "validation_failed", "format: csv hoặc xlsx")
    response = await p.backend.request(
        p.token,
        "workflow",
        "GET",
        "/reports/tracking-book",
        params={"unit": unit, "from": start.isoformat(), "to": end.isoformat(), "format": format},
    )
    headers = {k: v for k, v in response.headers.items() if k.lower() in ("content-disposition",)}
    return Response(response.content, media_type=response.headers["content-type"], headers=headers)


@router.post("/complaints/{complaint_id}/answer", dependencies=[Depends(check_csrf)])
async def answer_complaint(
    complaint_id: str, request: Request, p: Page = Depends(page)
) -> Response:
    require_roles(p.official, "leader", "admin")
    form = await request.form()
    text = presenting.nfc(form.get("text", "")).strip()
    if not text:
        raise ApiError(422, "validation_failed", "Nội dung trả lời không được để trống.")
    await p.post(
        "feedback",
        f"/complaints/{complaint_id}/answer",
        {"text": text},
        key=str(form.get("idempotency_key") or "") or None,
    )
    return RedirectResponse("/leader#pakn", status_code=303)
