"""One dossier's full life through the public APIs of a running stack, in simulated time: counter
intake → case in the work queue → every step → resolved → returned → rated at the kiosk; and the
reads users make meanwhile (work queue, report, lookup)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from support.stack import Stack, auth, eventually, kiosk_device

COMMUNE = "H15.01.36"  # Phường Buôn Ma Thuột, demo province Đắk Lắk
COUNTER = "H15.01.36-Q01"
BIRTH_REGISTRATION = "1.001193"
CITIZEN = "079203001234"
OFFICIALS = ["receiver", "specialist", "leader"]


def idem() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def documents_for(http: httpx.AsyncClient, intake: str, on: str) -> list[dict[str, Any]]:
    detail = (await http.get(f"{intake}/procedures/{BIRTH_REGISTRATION}", params={"on": on})).json()
    version = detail.get("current") or detail
    return [
        {"component": c["code"], "form": (c.get("forms") or ["original"])[0], "digitized": True}
        for c in version["components"]
        if c.get("required", True)
    ]


async def in_work_queue(http: httpx.AsyncClient, stack: Stack, code: str) -> bool:
    r = await http.get(
        f"{stack.url('workflow')}/tasks", params={"unit": COMMUNE}, headers=auth(OFFICIALS, COMMUNE)
    )
    assert r.status_code == 200, r.text
    return code in {item["code"] for item in r.json()["items"]}


def counter_intake(
    documents: list[dict[str, Any]], at: str, *, channel: str = "counter", accept: bool = True
) -> dict[str, Any]:
    """The body of ``POST /dossiers`` for the demo citizen's birth registration at ``at``."""
    return {
        "procedure_code": BIRTH_REGISTRATION,
        "channel": channel,
        "receiving_unit": COMMUNE,
        "applicant": {"personal_id": CITIZEN},
        "documents": documents,
        "accept": accept,
        "at": at,
    }


async def at_kiosk(
    http: httpx.AsyncClient, feedback: str, device: dict[str, str], counter: str, code: str
) -> dict[str, Any] | None:
    """What the ``counter``'s kiosk shows, once it asks for the rating of dossier ``code``."""
    r = await http.get(f"{feedback}/kiosk/{counter}/current", headers=device)
    return r.json() if r.status_code == 200 and r.json().get("dossier_code") == code else None


async def full_lifecycle(
    http: httpx.AsyncClient, stack: Stack, day: str, *, pause: float = 0.0
) -> str:
    """Runs one dossier from intake to rating on ``day`` (YYYY-MM-DD, a working day); returns its
    code once the rating is recorded and the citizen's lookup shows it returned. ``pause``:
    real seconds between an official's commands (spread as at a real counter, where hours pass
    between them and background writers meet each change on its own)."""
    intake, workflow, feedback = (stack.url(s) for s in ("intake", "workflow", "feedback"))
    body = counter_intake(await documents_for(http, intake, day), f"{day}T08:15:00+07:00")
    r = await http.post(
        f"{intake}/dossiers", json=body, headers={**auth("receiver", COMMUNE), **idem()}
    )
    assert r.status_code == 201, r.text
    dossier = r.json()
    code = dossier["code"]
    await eventually(lambda: in_work_queue(http, stack, code))

    official = auth(OFFICIALS, COMMUNE, subject="can-bo-1")
    case = (await http.get(f"{workflow}/cases/{code}", headers=official)).json()
    for _ in case["steps"]:
        await asyncio.sleep(pause)
        r = await http.post(
            f"{workflow}/cases/{code}/complete-step",
            json={"at": f"{day}T10:00:00+07:00"},
            headers={**official, **idem()},
        )
        assert r.status_code == 200, r.text
    await asyncio.sleep(pause)
    r = await http.post(
        f"{workflow}/cases/{code}/resolve",
        json={"outcome": "approved", "at": f"{day}T14:00:00+07:00"},
        headers={**official, **idem()},
    )
    assert r.status_code == 200, r.text
    await asyncio.sleep(pause)
    r = await http.post(
        f"{workflow}/cases/{code}/return",
        json={"channel": "counter", "counter": COUNTER, "at": f"{day}T15:00:00+07:00"},
        headers={**official, **idem()},
    )
    assert r.status_code == 200, r.text

    await asyncio.sleep(pause)
    device = await kiosk_device(http, feedback, COUNTER)

    current = await eventually(lambda: at_kiosk(http, feedback, device, COUNTER, code))
    rating = {
        "dossier_code": code,
        "overall": "very_satisfied",
        "channel": "kiosk",
        "kiosk_session": current["session"],
        "indicators": {"7": 2},
    }
    r = await http.post(f"{feedback}/ratings", json=rating, headers=idem())
    assert r.status_code == 201, r.text

    async def returned_on_lookup() -> bool:
        r = await http.get(f"{intake}/lookup/{code}", params={"secret": dossier["lookup_secret"]})
        return r.status_code == 200 and r.json()["status"] == 10

    await eventually(returned_on_lookup)
    return code


async def read_as_users(http: httpx.AsyncClient, stack: Stack, day: str) -> None:
    """The reads behind the officials' screens: work queue, reports, tracking book, the unit's
    dossiers, complaints and satisfaction figures."""
    leader = auth("leader", COMMUNE)
    month = {"unit": COMMUNE, "from": day[:8] + "01", "to": day}
    workflow, intake, feedback = (stack.url(s) for s in ("workflow", "intake", "feedback"))
    reads = [
        (f"{workflow}/tasks", {"unit": COMMUNE}, auth(OFFICIALS, COMMUNE)),
        (
            f"{workflow}/tasks",
            {"unit": COMMUNE, "procedure": BIRTH_REGISTRATION, "status": 4, "step": 1},
            auth(OFFICIALS, COMMUNE),
        ),
        (f"{workflow}/reports/summary", month, leader),
        (f"{workflow}/reports/processing-time", month, leader),
        (f"{workflow}/reports/non-geographic", month, leader),
        (f"{workflow}/reports/tracking-book", month, leader),
        (f"{intake}/dossiers", {"unit": COMMUNE}, leader),
        (f"{feedback}/complaints", {"unit": COMMUNE}, leader),
        (f"{feedback}/ratings/summary", {"unit": COMMUNE}, leader),
    ]
    for url, params, headers in reads:
        r = await http.get(url, params=params, headers=headers)
        assert r.is_success, f"{url}: {r.status_code} {r.text}"
