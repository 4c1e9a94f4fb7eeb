"""Kiosk devices on the real service: only the counter's own tablet, set up with the device link a
leader of the unit gets, sees the dossier to rate; a link opens one counter's kiosk only."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from support.stack import auth, eventually, kiosk_link

UNIT = "H15.08.01"
DEVICE = "X-Kiosk-Device"


def new_counter(unit: str = UNIT) -> str:
    return f"{unit}-Q{uuid.uuid4().hex[:4]}"


def device_of(link: str) -> str:
    [device] = parse_qs(urlsplit(link).query)["device"]
    return device


async def returned_at(workflow: Any, counter: str) -> str:
    code = f"{UNIT}-261130-{uuid.uuid4().int % 10**8:08d}"
    await workflow.return_dossier(code, UNIT, counter, workflow.now())
    return code


def error_code(r: httpx.Response) -> str:
    return str(r.json()["error"]["code"])


async def test_current_needs_the_device_token_of_its_counter(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient
) -> None:
    counter, neighbour = new_counter(), new_counter()
    code = await returned_at(workflow, counter)
    link = await kiosk_link(http, feedback_url, counter)
    device = device_of(link)
    current = f"{feedback_url}/kiosk/{counter}/current"

    async def shown() -> dict[str, Any] | None:
        r = await http.get(current, headers={DEVICE: device})
        return r.json() if r.status_code == 200 else None

    assert (await eventually(shown))["dossier_code"] == code
    # The link's own form works too: the token as the query parameter ``device``.
    assert (await http.get(current, params={"device": device})).status_code == 200

    missing = await http.get(current)
    assert missing.status_code == 401
    assert error_code(missing) == "kiosk_device_required"
    assert missing.json()["error"]["details"]["field"] == DEVICE
    assert "dossier_code" not in missing.text and code not in missing.text
    for wrong in ("nope", device[:-1], device + "A", "ê" * 43):
        refused = await http.get(current, params={"device": wrong})
        assert refused.status_code == 401, wrong
        assert error_code(refused) == "invalid_kiosk_device"

    # A link works for the counter it was issued for, not for another one.
    of_neighbour = device_of(await kiosk_link(http, feedback_url, neighbour))
    assert of_neighbour != device
    other = await http.get(current, headers={DEVICE: of_neighbour})
    assert other.status_code == 401
    assert error_code(other) == "invalid_kiosk_device"
    mine_elsewhere = await http.get(
        f"{feedback_url}/kiosk/{neighbour}/current", headers={DEVICE: device}
    )
    assert mine_elsewhere.status_code == 401
    ok_elsewhere = await http.get(
        f"{feedback_url}/kiosk/{neighbour}/current", headers={DEVICE: of_neighbour}
    )
    assert ok_elsewhere.status_code == 204  # nothing was returned at the neighbour's counter


async def test_link_opens_the_counters_page_and_is_the_same_every_time(
    feedback_url: str, http: httpx.AsyncClient
) -> None:
    counter = new_counter()

    r = await http.get(f"{feedback_url}/kiosk/{counter}/link", headers=auth("leader", UNIT))

    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body["counter"] == counter
    assert body["url"] == f"{feedback_url}/kiosk/{counter}?device={device_of(body['url'])}"
    another_leader = auth("leader", UNIT, subject="another-leader")
    again = await http.get(f"{feedback_url}/kiosk/{counter}/link", headers=another_leader)
    assert again.json() == body  # derived, not drawn: the same link for every leader
    page = await http.get(body["url"])
    assert page.status_code == 200
    assert f"Quầy {counter}" in page.text
    assert "connect-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"  # the address holds the token


async def test_link_is_for_the_counters_own_leaders_and_admins(
    feedback_url: str, http: httpx.AsyncClient
) -> None:
    counter = new_counter()
    link = f"{feedback_url}/kiosk/{counter}/link"

    province_admin = await http.get(link, headers=auth("admin", "H15"))
    assert province_admin.status_code == 200, province_admin.text
    assert (await http.get(link, headers=auth("leader", "H15.08"))).status_code == 200

    other_unit = await http.get(link, headers=auth("leader", "H15.08.02"))
    assert other_unit.status_code == 403
    assert error_code(other_unit) == "out_of_scope"
    lookalike = await http.get(link, headers=auth("leader", "H15.08.0"))  # not a parent unit
    assert lookalike.status_code == 403

    for role in ("receiver", "specialist", "auditor"):
        not_leader = await http.get(link, headers=auth(role, UNIT))
        assert not_leader.status_code == 403, role
        assert error_code(not_leader) == "forbidden_role"

    anonymous = await http.get(link)
    assert anonymous.status_code == 401
    assert error_code(anonymous) == "unauthenticated"

    no_unit = await http.get(f"{feedback_url}/kiosk/Q01/link", headers=auth("admin", "H15"))
    assert no_unit.status_code == 422
    assert no_unit.json()["error"]["details"]["field"] == "counter"
