"""The counter kiosk in a real browser: Debian's headless Chromium driven by Playwright (never a
browser download of Playwright's own), against the feedback service on the real broker and
database."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page, Request, expect

from support.browser import CHROMIUM, chromium
from support.stack import auth, eventually, kiosk_device, kiosk_link

UNIT = "H15.07.01"

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (make browser)"
)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    yield page
    await context.close()


def new_counter() -> str:
    return f"{UNIT}-Q{uuid.uuid4().hex[:4]}"


async def return_at(workflow: Any, counter: str) -> str:
    code = f"{UNIT}-261130-{uuid.uuid4().int % 10**8:08d}"
    await workflow.return_dossier(code, UNIT, counter, workflow.now())
    return code


async def rating_of(http: httpx.AsyncClient, url: str, code: str) -> dict[str, Any]:
    r = await http.get(f"{url}/ratings/requests/{code}", headers=auth("receiver", UNIT))
    assert r.status_code == 200, r.text
    return r.json()


async def test_citizen_rates_very_satisfied_with_an_indicator_and_sees_thanks(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient, page: Page, metric: Any
) -> None:
    counter = new_counter()
    calls: list[Request] = []

    def to_the_service(request: Request) -> None:
        if request.url.split("?")[0].endswith(("/current", "/ratings")):
            calls.append(request)

    page.on("request", to_the_service)
    # The tablet is set up once with the link a leader of the unit got for this counter.
    link = await kiosk_link(http, feedback_url, counter)
    assert link.startswith(f"{feedback_url}/kiosk/{counter}?device=")
    response = await page.goto(link)
    assert response is not None and response.ok
    assert "connect-src 'self'" in response.headers["content-security-policy"]
    await expect(page.locator("#screen-waiting")).to_be_visible()
    await expect(page.locator("#device-problem")).to_be_hidden()
    await expect(page.locator("#waiting-title")).to_have_text("Mời ông/bà đánh giá mức độ hài lòng")

    # The page polls every 2 s: the dossier returned at this counter appears without a reload.
    code = await return_at(workflow, counter)
    await expect(page.locator("#dossier-code")).to_have_text(code, timeout=30_000)
    await expect(page.locator("#procedure-name")).to_have_text("Đăng ký khai sinh")
    await page.get_by_role("button", name="Rất hài lòng").click()
    await expect(page.locator("#screen-indicators")).to_be_visible()
    await page.locator("#indicator-7-2").click()
    await expect(page.locator("#indicator-7-2")).to_have_attribute("aria-checked", "true")
    await page.get_by_role("button", name="Gửi", exact=True).click()

    await expect(page.locator("#screen-thanks")).to_be_visible()
    await expect(page.locator("#thanks-title")).to_have_text("Cảm ơn ông/bà!")
    assert (await rating_of(http, feedback_url, code))["rated"] is True
    assert await metric("motcua_ratings_total", unit=UNIT, level="very_satisfied") >= 1
    summary = await http.get(
        f"{feedback_url}/ratings/summary",
        params={"unit": UNIT},
        headers=auth("leader", UNIT),
    )
    assert summary.json()["indicator_averages"]["7"] == 2.0
    # After the thank-you screen the kiosk waits for the next citizen, not this dossier again.
    await expect(page.locator("#screen-waiting")).to_be_visible(timeout=15_000)

    # Every call the page made carried the device token of its link: polling and the rating.
    [device] = parse_qs(urlsplit(link).query)["device"]
    posted = [c for c in calls if c.method == "POST"]
    assert posted and len(calls) > len(posted)
    for call in calls:
        assert await call.header_value("x-kiosk-device") == device, call.url


async def test_skipping_the_indicators_stores_the_overall_answer_and_a_second_is_refused(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient, page: Page
) -> None:
    counter = new_counter()
    code = await return_at(workflow, counter)

    device = await kiosk_device(http, feedback_url, counter)

    async def offered() -> dict[str, Any] | None:
        r = await http.get(f"{feedback_url}/kiosk/{counter}/current", headers=device)
        return r.json() if r.status_code == 200 else None

    session = (await eventually(offered))["session"]
    await page.goto(await kiosk_link(http, feedback_url, counter))
    await expect(page.locator("#dossier-code")).to_have_text(code, timeout=30_000)
    await page.get_by_role("button", name="Rất hài lòng").click()
    await page.get_by_role("button", name="Bỏ qua").click()

    await expect(page.locator("#screen-thanks")).to_be_visible()
    rating = await rating_of(http, feedback_url, code)
    assert rating["rated"] is True
    again = await http.post(
        f"{feedback_url}/ratings",
        json={
            "dossier_code": code,
            "overall": "dissatisfied",
            "channel": "kiosk",
            "kiosk_session": session,
        },
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_rated"


async def test_page_opened_without_its_device_link_shows_nothing_and_says_so(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient, page: Page
) -> None:
    counter = new_counter()
    code = await return_at(workflow, counter)
    device = await kiosk_device(http, feedback_url, counter)

    async def offered() -> bool:
        r = await http.get(f"{feedback_url}/kiosk/{counter}/current", headers=device)
        return r.status_code == 200 and r.json()["dossier_code"] == code

    await eventually(offered)  # the counter's own kiosk would show the dossier now
    other_link = await kiosk_link(http, feedback_url, new_counter())
    [of_another_counter] = parse_qs(urlsplit(other_link).query)["device"]

    for query in ("", f"?device={of_another_counter}"):
        await page.goto(f"{feedback_url}/kiosk/{counter}{query}")
        await expect(page.locator("#device-problem")).to_be_visible(timeout=15_000)
        await expect(page.locator("#screen-waiting")).to_be_visible()
        await expect(page.locator("#dossier-code")).to_have_text("")


async def test_a_rating_given_while_the_service_is_unreachable_is_kept_and_sent_later(
    feedback_url: str, workflow: Any, http: httpx.AsyncClient, page: Page
) -> None:
    counter = new_counter()
    code = await return_at(workflow, counter)
    link = await kiosk_link(http, feedback_url, counter)
    await page.goto(link)
    await expect(page.locator("#dossier-code")).to_have_text(code, timeout=30_000)
    await expect(page.locator("#offline")).to_be_hidden()

    # The network between the tablet and the service goes down: no call gets an answer.
    api = "**/{ratings,kiosk/*/current}*"
    await page.route(api, lambda route: route.abort("internetdisconnected"))
    await page.get_by_role("button", name="Hài lòng", exact=True).click()
    await page.get_by_role("button", name="Bỏ qua").click()
    # The citizen is thanked (the answer is kept on the tablet); the staff see the kiosk offline.
    await expect(page.locator("#screen-thanks")).to_be_visible()
    await expect(page.locator("#offline")).to_be_visible()
    await expect(page.locator("#offline-count")).to_contain_text("1 đánh giá chờ gửi")
    assert (await rating_of(http, feedback_url, code))["rated"] is False

    # The tablet is even reloaded while offline: the rating is still on it, with its key.
    await page.reload()
    await expect(page.locator("#offline-count")).to_contain_text("1 đánh giá chờ gửi")
    [kept] = await page.evaluate(
        f"JSON.parse(localStorage.getItem('motcua-kiosk-outbox:{counter}'))"
    )
    assert kept["body"]["dossier_code"] == code and kept["key"]

    # The service is reachable again: the kept rating arrives once, and the banner goes.
    await page.unroute(api)

    async def rated() -> bool:
        return bool((await rating_of(http, feedback_url, code))["rated"])

    await eventually(rated, timeout=30)
    await expect(page.locator("#offline")).to_be_hidden(timeout=15_000)
    assert await page.evaluate(f"localStorage.getItem('motcua-kiosk-outbox:{counter}')") == "[]"
    summary = await http.get(
        f"{feedback_url}/ratings/summary", params={"unit": UNIT}, headers=auth("leader", UNIT)
    )
    assert summary.status_code == 200
    # The same key replays the stored rating instead of creating another.
    again = await http.post(
        f"{feedback_url}/ratings", json=kept["body"], headers={"Idempotency-Key": kept["key"]}
    )
    assert again.status_code == 201 and again.headers.get("Idempotent-Replay") == "true"
