"""Without MOTCUA_SIMULATION the service refuses time travel: no explicit ``at``, no tick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from support.stack import auth


@pytest.fixture(scope="module")
async def production_url(stack_factory: Any) -> AsyncIterator[str]:
    stack = await stack_factory()
    service = stack.start("feedback", MOTCUA_SIMULATION="0")
    service.wait_ready()
    yield service.url
    service.stop()


async def test_explicit_time_and_tick_are_refused_outside_simulation(
    production_url: str, http: httpx.AsyncClient
) -> None:
    tick = await http.post(
        f"{production_url}/admin/tick",
        json={"at": "2030-01-01T08:00:00+07:00"},
        headers=auth("admin", "H15"),
    )
    rating = await http.post(
        f"{production_url}/ratings",
        json={
            "dossier_code": "H15.01.36-261130-0001",
            "overall": "satisfied",
            "channel": "online",
            "token": "t",
            "at": "2026-11-30T09:00:00+07:00",
        },
    )

    assert tick.status_code == 403 and tick.json()["error"]["code"] == "simulation_disabled"
    assert rating.status_code == 403
    assert rating.json()["error"]["details"] == {"field": "at"}
