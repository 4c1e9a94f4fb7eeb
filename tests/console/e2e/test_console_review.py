"""The review of online and postal dossiers in the console (Chromium, the real Keycloak realm,
the real services): a receiver of the unit sees the dossier waiting and refuses it with reasons
(Mẫu 03), or accepts it and the leader's page counts it in the online share by procedure; a
specialist of the unit and a receiver of another unit are refused the list, the review page and
the decision, and their attempts change nothing."""

from __future__ import annotations

import re
import shutil
import uuid

import httpx
import pytest
from playwright.async_api import expect

from support.browser import CHROMIUM
from support.console import SignIn, scenario_start, tick_all
from support.stack import Stack, auth, eventually

COMMUNE = "H15.01.36"
CITIZEN = "079203001234"  # Nguyễn Văn An, in the demo registry
BIRTH = "1.001193"
START = scenario_start()
ONLINE_DOCUMENTS = [
    {"component": "to_khai", "form": "electronic"},
    {"component": "giay_chung_sinh", "form": "electronic"},
]

expect.set_options(timeout=30_000)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium (make browser)"),
]


async def online_dossier(stack: Stack) -> str:
    """A birth registration filed online at the commune, waiting in status 1."""
    async with httpx.AsyncClient(timeout=60) as http:
        r = await http.post(
            f"{stack.url('intake')}/dossiers",
            json={
                "procedure_code": BIRTH,
                "channel": "online",
                "receiving_unit": COMMUNE,
                "applicant": {"personal_id": CITIZEN},
                "documents": ONLINE_DOCUMENTS,
                "accept": False,
                "at": START,
            },
            headers={**auth("receiver", COMMUNE), "Idempotency-Key": uuid.uuid4().hex},
        )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == 1
    return str(r.json()["code"])


async def status_of(stack: Stack, code: str) -> int:
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(
            f"{stack.url('intake')}/dossiers/{code}", headers=auth("receiver", COMMUNE)
        )
    assert r.status_code == 200, r.text
    return int(r.json()["status"])


async def test_other_units_and_other_roles_are_refused_the_review(
    console_stack: Stack, sign_in: SignIn
) -> None:
    console = console_stack.url("console")
    await tick_all(console_stack, START)
    code = await online_dossier(console_stack)

    for username in ("tiepnhan.tanan", "chuyenvien.bmt"):  # another commune; not a receiver
        page = await sign_in(username)
        await expect(page.locator("#nav-review")).to_have_count(
            1 if username.startswith("tiepnhan") else 0
        )
        response = await page.goto(f"{console}/review/{code}")
        assert response is not None and response.status == 403, username
        await expect(page.locator("#problem")).to_be_visible()
        await expect(page.locator("body")).not_to_contain_text("Nguyễn Văn An")
        if username == "chuyenvien.bmt":
            response = await page.goto(f"{console}/review")
            assert response is not None and response.status == 403
        else:  # the other commune's list does not show it
            await page.goto(f"{console}/review")
            await expect(page.locator(f'tr[data-code="{code}"]')).to_have_count(0)
        # A decision posted with the session's own CSRF token is refused all the same.
        csrf = await page.locator("input[name=csrf_token]").first.get_attribute("value")
        assert csrf
        r = await page.request.post(
            f"{console}/review/{code}",
            form={"csrf_token": csrf, "decision": "refuse", "reasons": "Không thuộc thẩm quyền"},
        )
        assert r.status == 403, (username, await r.text())
    assert await status_of(console_stack, code) == 1  # nothing happened


async def test_the_receiver_refuses_an_online_dossier_with_reasons(
    console_stack: Stack, sign_in: SignIn
) -> None:
    console = console_stack.url("console")
    await tick_all(console_stack, START)
    code = await online_dossier(console_stack)

    receiver = await sign_in("tiepnhan.bmt")
    await expect(receiver.locator("#review-count")).to_have_text(re.compile(r"^\d+$"))
    assert int(await receiver.locator("#review-count").inner_text()) >= 1
    await receiver.click("#nav-review")
    await receiver.click(f'tr[data-code="{code}"] a')
    await expect(receiver.locator("#dossier-code")).to_have_text(code)
    assert CITIZEN not in receiver.url
    await expect(receiver.locator("#applicant-table")).to_contain_text("Nguyễn Văn An")
    await expect(receiver.locator('tr[data-component="to_khai"]')).to_contain_text("Bản điện tử")

    # No reason: refused by the console before intake is asked, the dossier still waits.
    await receiver.click("#refuse")
    await expect(receiver.locator("#problem")).to_contain_text("lý do từ chối")
    assert await status_of(console_stack, code) == 1

    await receiver.go_back()
    await receiver.fill("#reasons", "Thủ tục không thuộc thẩm quyền của phường")
    await receiver.click("#refuse")
    await expect(receiver.locator("h1")).to_have_text("Đã từ chối tiếp nhận")
    await expect(receiver.locator("#print-refusal")).to_be_visible()
    assert await status_of(console_stack, code) == 3
    await receiver.goto(f"{console}/review")
    await expect(receiver.locator(f'tr[data-code="{code}"]')).to_have_count(0)


async def online_received(stack: Stack, procedure: str) -> int:
    """The birth registrations received online this month at the commune, as workflow's report
    counts them (the leader's page shows the same figure)."""
    day = START[:10]
    params = {"unit": COMMUNE, "from": day[:8] + "01", "to": day}
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(
            f"{stack.url('workflow')}/reports/channels",
            params=params,
            headers=auth("leader", COMMUNE),
        )
    assert r.status_code == 200, r.text
    rows = {row["procedure_code"]: row for row in r.json()["procedures"]}
    return int(rows[procedure]["online"]) if procedure in rows else 0


async def test_an_online_dossier_accepted_on_review_counts_in_the_leaders_online_share(
    console_stack: Stack, sign_in: SignIn
) -> None:
    console = console_stack.url("console")
    await tick_all(console_stack, START)
    before = await online_received(console_stack, BIRTH)
    code = await online_dossier(console_stack)

    receiver = await sign_in("tiepnhan.bmt")
    await receiver.goto(f"{console}/review/{code}")
    await receiver.click("#accept")
    await expect(receiver.locator("h1")).to_have_text("Đã tiếp nhận hồ sơ")
    await expect(receiver.locator("#print-receipt")).to_be_visible()
    assert await status_of(console_stack, code) == 2

    async def counted() -> bool:
        return await online_received(console_stack, BIRTH) == before + 1

    assert await eventually(counted)
    leader = await sign_in("lanhdao.bmt")
    await leader.goto(f"{console}/leader")
    row = leader.locator(f'#online-by-procedure tr[data-procedure="{BIRTH}"]')
    await expect(row.locator(".online")).to_have_text(str(before + 1))
    await expect(row.locator("svg")).to_have_count(1)
