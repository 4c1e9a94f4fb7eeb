"""Mẫu 01, 02 and 03 as printable A4 HTML pages (and Mẫu 01 as PDF).

Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả; Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện
hồ sơ; Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (TT 01/2018/TT-VPCP; the same three open
Phụ lục I of TT 03/2025/TT-VPCP). The layout follows the official forms; the QR code and the
lookup secret are what provincial systems add so the citizen can follow the dossier.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from motcua_intake.domain.dossier import Dossier
from motcua_intake.forms.pdf import FontNotFound, find_font, render_receipt_pdf
from motcua_intake.forms.view import lookup_url, receipt_view, refusal_view, supplement_view
from motcua_platform.form_text import time_and_date

__all__ = [
    "FontNotFound",
    "find_font",
    "lookup_url",
    "render_lookup_html",
    "render_receipt_html",
    "render_receipt_pdf",
    "render_refusal_html",
    "render_supplement_request_html",
]


@functools.cache
def _environment() -> Environment:
    # Autoescape: names and reasons are typed by people, and the page is opened in a browser.
    return Environment(
        loader=PackageLoader("motcua_intake.forms", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_receipt_html(
    dossier: Dossier, *, unit_name: str, public_base_url: str, place: str | None = None
) -> str:
    """Mẫu 01 for an accepted dossier, with the QR code to ``{public_base_url}/lookup/{code}``."""
    context = receipt_view(
        dossier, unit_name=unit_name, public_base_url=public_base_url, place=place
    )
    return _environment().get_template("mau_01.html").render(**context.context())


def render_supplement_request_html(
    dossier: Dossier,
    *,
    unit_name: str,
    place: str | None = None,
    request_index: int = -1,
    officer_name: str | None = None,
    officer_phone: str | None = None,
    info_url: str | None = None,
) -> str:
    """Mẫu 02 for an intake-stage supplement request (the latest one by default)."""
    context = supplement_view(
        dossier,
        unit_name=unit_name,
        place=place,
        request_index=request_index,
        officer_name=officer_name,
        officer_phone=officer_phone,
        info_url=info_url,
    )
    return _environment().get_template("mau_02.html").render(**context)


def render_refusal_html(dossier: Dossier, *, unit_name: str, place: str | None = None) -> str:
    """Mẫu 03 for a refused dossier, with its reasons."""
    context = refusal_view(dossier, unit_name=unit_name, place=place)
    return _environment().get_template("mau_03.html").render(**context)


def render_lookup_html(view: dict[str, Any]) -> str:
    """The public lookup as a phone shows it after scanning the receipt's QR code."""
    due = view.get("due_at")
    due_text = (
        time_and_date(datetime.fromisoformat(due)) if due else "Chưa có (hồ sơ chưa được tiếp nhận)"
    )
    return (
        _environment()
        .get_template("lookup.html")
        .render(code=view["code"], status_label=view["status_label"], due_text=due_text)
    )
