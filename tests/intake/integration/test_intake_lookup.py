"""The citizen's public lookup: status and due date only, with the secret from the receipt;
wrong secrets are throttled per code and per client, across replicas."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from intake_service import CITIZEN, Days, Intake

from support.stack import Stack, auth


async def test_lookup_shows_status_and_due_date_only(intake: Intake, days: Days) -> None:
    submitted = (await intake.submit(days.next())).json()
    r = await intake.http.get(
        f"/lookup/{submitted['code']}", params={"secret": submitted["lookup_secret"]}
    )
    assert r.status_code == 200
    assert set(r.json()) == {
        "code",
        "status",
        "status_name",
        "status_label",
        "due_at",
        "appointment_at",  # the same instant by its own name (due_at kept for a version)
    }
    assert r.json()["status"] == 2
    assert r.json()["due_at"] == submitted["due_at"]
    assert CITIZEN not in r.text and "Nguyễn" not in r.text
    # Typed from the paper: lower case and the printed hyphen are fine.
    secret = submitted["lookup_secret"].lower()
    r = await intake.http.get(
        f"/lookup/{submitted['code']}", params={"secret": f"{secret[:4]}-{secret[4:]}"}
    )
    assert r.status_code == 200
    page = await intake.http.get(
        f"/lookup/{submitted['code']}",
        params={"secret": submitted["lookup_secret"]},
        headers={"Accept": "text/html"},
    )
    assert "Được tiếp nhận" in page.text


async def test_wrong_secrets_are_throttled_per_code(intake: Intake, days: Days) -> None:
    submitted = (await intake.submit(days.next())).json()
    url = f"/lookup/{submitted['code']}"
    answers = [(await intake.http.get(url, params={"secret": "WRONGONE"})) for _ in range(5)]
    assert [a.status_code for a in answers] == [404, 404, 404, 404, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    # Blocked means blocked: even the right secret waits for the window to pass.
    r = await intake.http.get(url, params={"secret": submitted["lookup_secret"]})
    assert r.status_code == 429
    # An unknown code answers like a wrong secret, so codes cannot be probed.
    r = await intake.http.get("/lookup/H15.01.36-260101-9999", params={"secret": "ABCDEFGH"})
    assert r.status_code == 404
    assert r.json()["error"]["details"]["field"] == "secret"


@pytest.fixture(scope="module")
async def replicas(stack_factory: Any) -> tuple[Stack, list[str]]:
    """Two replicas of intake on one database, in production mode (no time travel), with a
    small per-client limit."""
    stack = await stack_factory()
    extra = {"MOTCUA_SIMULATION": "0", "MOTCUA_LOOKUP_FAILURES_PER_CLIENT": "3"}
    processes = [stack.start("intake", **extra) for _ in range(2)]
    for process in processes:
        process.wait_ready()
    return stack, [p.url for p in processes]


async def test_client_throttle_is_shared_by_replicas(replicas: tuple[Stack, list[str]]) -> None:
    _, (first, second) = replicas
    async with httpx.AsyncClient(timeout=10) as http:
        codes = [f"H15.01.36-260101-{n:04d}" for n in range(1, 4)]
        statuses = [
            (await http.get(f"{url}/lookup/{code}", params={"secret": "WRONGONE"})).status_code
            for url, code in zip((first, second, first), codes, strict=True)
        ]
        assert statuses == [404, 404, 429]
        r = await http.get(f"{second}/lookup/H15.01.36-260101-0009", params={"secret": "X"})
        assert r.status_code == 429


def headers() -> dict[str, str]:
    return {**auth("receiver", "H15.01.36"), "Idempotency-Key": uuid.uuid4().hex}


async def test_production_refuses_an_explicit_time(replicas: tuple[Stack, list[str]]) -> None:
    _, (url, _) = replicas
    body = {
        "procedure_code": "1.001193",
        "receiving_unit": "H15.01.36",
        "applicant": {"personal_id": CITIZEN},
        "documents": [{"component": "to_khai"}, {"component": "giay_chung_sinh"}],
        "accept": True,
    }
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.post(
            f"{url}/dossiers", json={**body, "at": "2024-03-04T08:15:00+07:00"}, headers=headers()
        )
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "simulation_disabled"
        r = await http.post(f"{url}/dossiers", json=body, headers=headers())
        assert r.status_code == 201, r.text
        assert r.json()["status"] == 2
