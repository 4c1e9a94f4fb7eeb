"""Helpers of the console tests: the local Keycloak realm, and the simulated clocks."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

import httpx
from playwright.async_api import Page, expect

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from support.stack import Stack, auth

KEYCLOAK = f"http://127.0.0.1:{os.environ.get('MOTCUA_KEYCLOAK_PORT', '8180')}"
ISSUER = f"{KEYCLOAK}/realms/officials"
PASSWORD = "motcua-demo"
SignIn = Callable[[str], Awaitable[Page]]  # a fresh browser signed in as this demo official


def oidc_env() -> dict[str, str]:
    return {
        "MOTCUA_OIDC_ISSUER": ISSUER,
        "MOTCUA_OIDC_JWKS_URL": f"{ISSUER}/protocol/openid-connect/certs",
        "MOTCUA_OIDC_AUDIENCE": "motcua-api",
    }


async def tick_all(stack: Stack, at: str) -> None:
    """Move the simulated clocks of the console, workflow and feedback to ``at``."""
    async with httpx.AsyncClient(timeout=10) as http:
        for name in ("console", "workflow", "feedback"):
            r = await http.post(
                f"{stack.url(name)}/admin/tick", json={"at": at}, headers=auth("admin", "H15")
            )
            assert r.status_code == 200, (name, r.text)


def scenario_start() -> str:
    """08:00 on a Monday that starts two working days, a week or more ahead.

    Simulated clocks only move forward from the moment a service starts, so the scenario is
    placed after it; every instant after that is set explicitly. The day is chosen so that
    nothing in the outcome depends on which day the tests run (a Sunday, the eve of Tết).
    """
    calendar = WorkingCalendar()
    day = datetime.now(VN_TZ).date() + timedelta(days=7)
    while not (
        day.weekday() == 0
        and calendar.is_working_day(day)
        and calendar.is_working_day(day + timedelta(days=1))
    ):
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 0), tzinfo=VN_TZ).isoformat()


async def sign_in_official(page: Page, console: str, username: str) -> None:
    """Open the console in ``page`` (a fresh browser context) and sign in as the demo official
    ``username`` on Keycloak's own page."""
    await page.goto(console + "/")
    await expect(page.locator("#username")).to_be_visible(timeout=30_000)
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("#kc-login")
    await expect(page.locator("#official-name")).to_be_visible(timeout=30_000)
