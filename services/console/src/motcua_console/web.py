"""What every page needs: the signed-in official with a fresh token, the backend, and templates
with the Vietnamese formatting filters and the CSRF token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from motcua_console import presenting
from motcua_console.backend import Backend
from motcua_console.oidc import Provider
from motcua_console.session import Official, SignInRequired, csrf_token, current_official

templates = Jinja2Templates(directory=str(files("motcua_console") / "templates"))
templates.env.filters.update(
    day=presenting.day,
    moment=presenting.moment,
    money=presenting.money,
    working_time=presenting.working_time,
    percent=presenting.percent,
    nfc=presenting.nfc,
)
templates.env.globals.update(
    CHANNELS=presenting.CHANNELS,
    ROLES=presenting.ROLES,
    ACTIONS=presenting.ACTIONS,
    FORMS=presenting.FORMS,
    SOURCES=presenting.SOURCES,
    FIELD_LABELS=presenting.FIELD_LABELS,
    STATE_LABELS=presenting.STATE_LABELS,
    TIMELINESS_LABELS=presenting.TIMELINESS_LABELS,
    field_value=presenting.field_value,
    new_key=lambda: uuid.uuid4().hex,
)


@dataclass
class Page:
    """One request of a signed-in official."""

    request: Request
    official: Official
    token: str
    backend: Backend

    async def get(self, service: str, path: str, **params: Any) -> Any:
        return await self.backend.get(self.token, service, path, **params)

    async def post(
        self, service: str, path: str, body: dict[str, Any], key: str | None = None
    ) -> Any:
        return await self.backend.post(self.token, service, path, body, key)

    def render(self, template: str, **context: Any) -> HTMLResponse:
        return render(self.request, template, official=self.official, **context)

    @property
    def partial(self) -> bool:
        """An htmx request wants only the fragment it swaps in."""
        return self.request.headers.get("HX-Request") == "true"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {"csrf": csrf_token(request), "now": request.app.state.backend.now(), **context},
        status_code=status_code,
    )


async def page(request: Request) -> Page:
    """The dependency of every page: the official (or a redirect to sign in) and a fresh token."""
    official = current_official(request)
    provider: Provider = request.app.state.provider
    tokens = request.session.get("tokens")
    if not tokens:
        raise SignInRequired()
    fresh = await provider.fresh_tokens(tokens)
    if fresh is not tokens:
        request.session["tokens"] = fresh
    return Page(request, official, fresh["access_token"], request.app.state.backend)
