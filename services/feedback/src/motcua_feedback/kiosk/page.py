"""Render the kiosk page: one HTML document with its CSS and JavaScript inline.

The tablet at the counter may sit on a network with no internet, so the page loads nothing
from elsewhere: styles, script, icons and the texts of the nine TT 01/2018 indicators are all in
the document.

The page is opened through the counter's device link, ``/kiosk/{counter}?device=<token>``; the
script reads ``device`` from its own address and sends it as ``X-Kiosk-Device`` with every call
(a ``401`` on polling shows a notice for the staff). It talks to two endpoints, relative to
``api_base``:

- ``GET /kiosk/{counter}/current`` every 2 s → ``200 {"dossier_code", "procedure_name",
  "applicant_name", "session"}`` for the dossier just returned at this counter, or ``204`` when
  nothing waits;
- ``POST /ratings`` with ``{"dossier_code", "overall", "indicators", "channel": "kiosk",
  "kiosk_session"}`` and an ``Idempotency-Key`` header; a 4xx answer's
  ``{"error": {"message"}}`` is shown to the citizen as it is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from motcua_feedback.domain.tt01 import INDICATORS

_HERE = Path(__file__).parent

# Timings of the page, in milliseconds. The idle limit submits what the citizen already chose
# when they walk away during the optional indicators, so their overall answer is not lost.
POLL_MS = 2_000
THANKS_MS = 5_000
ERROR_MS = 10_000
IDLE_MS = 60_000


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_HERE),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=2)
def _asset(name: str) -> Markup:
    # Inlined as raw text rather than included as a template: JavaScript may contain
    # sequences that Jinja would read as its own syntax.
    return Markup((_HERE / name).read_text(encoding="utf-8"))


def render_kiosk_page(counter: str, api_base: str = "") -> str:
    """The touch page for the kiosk of ``counter`` (quầy trả kết quả).

    ``api_base`` prefixes the two JSON endpoints (empty: same origin as the page). The counter
    reaches the page only through autoescaped HTML and a JSON block, never as raw markup.
    """
    if not counter or not counter.strip():
        raise ValueError("counter must not be empty")
    config = {
        "counter": counter,
        "api_base": api_base.rstrip("/"),
        "poll_ms": POLL_MS,
        "thanks_ms": THANKS_MS,
        "error_ms": ERROR_MS,
        "idle_ms": IDLE_MS,
    }
    template = _environment().get_template("kiosk.html")
    return template.render(
        counter=counter,
        config=config,
        indicators=INDICATORS,
        css=_asset("kiosk.css"),
        js=_asset("kiosk.js"),
    )
