"""The citizens' portal on a phone-sized screen (390×844) in Debian's Chromium, against the real
services, the real object server and the citizens' realm of the real identity provider: a demo
citizen signs in, files online with two scanned documents without typing personal data, hands in
a missing document, and downloads the electronic result. The commune's receiver, signed in to the
officials' console through the officials' realm in a desktop-sized browser, asks for the
supplement (Mẫu 02) and accepts the dossier on the console's review screen; the rest of the
officials' side is driven through the services' APIs with development tokens. Time is moved
explicitly (simulation)."""

from __future__ import annotations

import re
import secrets
import shutil
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from support.browser import CHROMIUM, chromium
from support.console import KEYCLOAK, oidc_env, sign_in_official
from support.stack import ServiceProcess, Stack, auth, eventually, free_port, opened_case

REALM = f"{KEYCLOAK}/realms/citizens"  # started by `make test` (deploy/local/keycloak.sh)
COMMUNE = "H15.01.36"
RECEIVER = "tiepnhan.bmt"  # the demo receiver of the citizen's commune (officials' realm)
BIRTH = "1.001193"
CITIZEN = "079203001234"  # Nguyễn Văn An: a demo citizen of the registry and of the realm
OFFICIALS = ["receiver", "specialist", "leader"]
# A Monday morning, moved to explicitly: nothing below depends on the day the test runs.
T0 = "2030-03-04T08:00:00+07:00"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RESULT_PDF = b"%PDF-1.7\n% Trich luc khai sinh (ban dien tu)\n%%EOF\n"
PNG = (
    bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\0" * 32
)

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (make browser)"
)


def at(hours: float) -> str:
    from datetime import datetime, timedelta

    return (datetime.fromisoformat(T0) + timedelta(hours=hours)).isoformat()


@pytest.fixture(scope="module")
async def stack(stack_factory: Any) -> Stack:
    async with httpx.AsyncClient(timeout=5) as http:
        r = await http.get(f"{REALM}/.well-known/openid-configuration")
    assert r.status_code == 200, f"the citizens' realm does not answer at {REALM} (make keycloak)"
    stack = await stack_factory()
    citizen_oidc = {
        "MOTCUA_CITIZEN_OIDC_JWKS_URL": f"{REALM}/protocol/openid-connect/certs",
        "MOTCUA_CITIZEN_OIDC_ISSUER": REALM,
        "MOTCUA_CITIZEN_OIDC_AUDIENCE": "motcua-citizen-api",
    }
    for name in ("intake", "workflow", "feedback"):
        stack.start(name, **oidc_env(), **(citizen_oidc if name in ("intake", "feedback") else {}))
    for name in ("intake", "workflow", "feedback"):
        stack.services[name].wait_ready(timeout=180)
    stack.start(
        "console",
        **oidc_env(),
        MOTCUA_INTAKE_URL=stack.url("intake"),
        MOTCUA_WORKFLOW_URL=stack.url("workflow"),
        MOTCUA_FEEDBACK_URL=stack.url("feedback"),
        MOTCUA_OIDC_CLIENT_SECRET="motcua-console-local-secret",
        MOTCUA_SESSION_SECRET=secrets.token_urlsafe(32),
    )
    stack.services["console"].wait_ready(timeout=180)
    port = free_port()
    env = stack.env_for("portal", port)
    env.update(
        MOTCUA_PORTAL_HTTP_PORT=str(port),
        MOTCUA_PORTAL_INTAKE_URL=stack.url("intake"),
        MOTCUA_PORTAL_FEEDBACK_URL=stack.url("feedback"),
        MOTCUA_PORTAL_OIDC_ISSUER=REALM,
        MOTCUA_PORTAL_SESSION_SECRET=secrets.token_urlsafe(32),
    )
    portal = ServiceProcess("portal", port, env, stack.log_dir / f"portal-{port}.log")
    portal.start()
    stack.services["portal"] = portal
    stack.started.append(portal)
    portal.wait_ready(timeout=180)
    return stack


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


@pytest.fixture
async def phone(browser: Browser, tmp_path: Any) -> AsyncIterator[Page]:
    context = await browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page = await context.new_page()
    yield page
    await context.close()


@pytest.fixture
async def desk(browser: Browser) -> AsyncIterator[Page]:
    """The official's desktop browser, a context of its own: the sessions never mix."""
    context: BrowserContext = await browser.new_context(
        locale="vi-VN", viewport={"width": 1366, "height": 768}
    )
    context.set_default_timeout(60_000)
    page = await context.new_page()
    yield page
    await context.close()


async def tick(http: httpx.AsyncClient, service: str, instant: str) -> None:
    """Move one service's simulated clock (the console sends its own instant with a decision)."""
    r = await http.post(
        f"{service}/admin/tick", json={"at": instant}, headers=auth("admin", COMMUNE)
    )
    assert r.status_code == 200, r.text


async def open_for_review(desk: Page, console: str, code: str) -> None:
    """From the navigation to the dossier's review page, as the receiver would."""
    await desk.goto(f"{console}/")
    await desk.click("#nav-review")
    await desk.click(f'tr[data-code="{code}"] a')
    await expect(desk.locator("#dossier-code")).to_have_text(code)
    assert CITIZEN not in desk.url


def official(role: str | list[str] = OFFICIALS) -> dict[str, str]:
    return {**auth(role, COMMUNE, subject="can-bo-1"), "Idempotency-Key": uuid.uuid4().hex}


async def ratings_count(http: httpx.AsyncClient, feedback: str) -> int:
    r = await http.get(
        f"{feedback}/ratings/summary", params={"unit": COMMUNE}, headers=auth("leader", COMMUNE)
    )
    assert r.status_code == 200, r.text
    return int(r.json()["count"])


async def online_received(http: httpx.AsyncClient, intake: str) -> float:
    text = (await http.get(f"{intake}/metrics")).text
    total = 0.0
    for line in text.splitlines():
        if line.startswith("motcua_dossiers_received_total{") and 'channel="online"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


async def test_citizen_files_online_supplements_and_downloads_the_result_on_a_phone(
    stack: Stack, phone: Page, desk: Page, tmp_path: Any
) -> None:
    intake, workflow, portal = stack.url("intake"), stack.url("workflow"), stack.url("portal")
    console = stack.url("console")
    files = {}
    for name, data in {
        "to_khai.pdf": PDF,
        "giay_chung_sinh.png": PNG,
        "ban_ro.png": PNG + b"1",
    }.items():
        files[name] = tmp_path / name
        files[name].write_bytes(data)
    async with httpx.AsyncClient(timeout=30) as http:
        for service in (intake, workflow, stack.url("feedback"), console):
            await tick(http, service, T0)
        online_before = await online_received(http, intake)
        ratings_before = await ratings_count(http, stack.url("feedback"))

        # Sign in with the (stand-in) national e-ID: the personal ID is typed on the identity
        # provider's page, never on the portal's.
        await phone.goto(f"{portal}/dang-nhap")
        await phone.fill("#username", CITIZEN)
        await phone.fill("#password", "motcua-demo")
        await phone.click("#kc-login")
        await expect(phone.get_by_role("heading", name="Hồ sơ của tôi")).to_be_visible()
        await expect(phone.get_by_text("Xin chào, Nguyễn Văn An")).to_be_visible()

        # Find the procedure in the catalogue and file it online.
        await phone.goto(f"{portal}/thu-tuc")
        await phone.fill("#q", "khai sinh")
        await phone.get_by_role("button", name="Tìm").click()
        await phone.get_by_role("link", name="Đăng ký khai sinh", exact=False).first.click()
        await expect(phone.get_by_text("Trực tuyến toàn trình", exact=False)).to_be_visible()
        await phone.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
        # Công dân không viết: the applicant comes prefilled; there is no personal ID field.
        await expect(phone.locator("#nguoi-nop")).to_contain_text("Nguyễn Văn An")
        await expect(phone.locator("#nguoi-nop")).to_contain_text("14/03/2003")
        assert await phone.locator("input[name*=personal]").count() == 0
        await phone.set_input_files("#file_to_khai", str(files["to_khai.pdf"]))
        await phone.set_input_files("#file_giay_chung_sinh", str(files["giay_chung_sinh.png"]))
        await phone.get_by_role("button", name="Nộp hồ sơ").click()
        await expect(phone.get_by_text("Đã nộp hồ sơ.")).to_be_visible()
        code = (await phone.locator("h1").inner_text()).removeprefix("Hồ sơ ").strip()
        assert code.startswith(f"{COMMUNE}-300304-")
        assert CITIZEN not in phone.url
        handed_in = phone.locator("section[aria-labelledby=giay-to] li")
        await expect(handed_in).to_have_count(2)
        await expect(handed_in.first).to_contain_text("Tờ khai đăng ký khai sinh")

        # The commune's receiver finds it waiting in the console, opens the scans and asks for
        # a clearer birth certificate (Mẫu 02).
        await sign_in_official(desk, console, RECEIVER)
        await tick(http, console, at(1))
        await expect(desk.locator("#review-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
        await open_for_review(desk, console, code)
        await expect(desk.locator("#applicant-table")).to_contain_text("Nguyễn Văn An")
        scan = desk.locator('tr[data-component="giay_chung_sinh"] a.file-link')
        await expect(scan).to_have_count(1)
        opened = await desk.request.get(console + str(await scan.get_attribute("href")))
        assert opened.status == 200 and await opened.body() == PNG
        await desk.check("#missing_giay_chung_sinh")
        await desk.fill("#reasons", "Ảnh giấy chứng sinh bị mờ, cần ảnh chụp rõ nét")
        await desk.click("#supplement")
        await expect(desk.locator("h1")).to_have_text("Đã yêu cầu bổ sung")
        await expect(desk.locator("#print-supplement")).to_be_visible()

        await phone.reload()
        request = phone.locator("section[aria-labelledby=bo-sung]")
        await expect(request.get_by_role("heading")).to_have_text("Cần bổ sung hồ sơ (Mẫu 02)")
        await expect(request).to_contain_text("Ảnh giấy chứng sinh bị mờ, cần ảnh chụp rõ nét")
        await phone.set_input_files("#file_giay_chung_sinh", str(files["ban_ro.png"]))
        await phone.get_by_role("button", name="Gửi bổ sung").click()
        await expect(phone.get_by_text("Đã bổ sung hồ sơ")).to_be_visible()

        # Back in the list with the clearer scan: the receiver accepts (Mẫu 01).
        await tick(http, console, at(2))
        await open_for_review(desk, console, code)
        await expect(desk.locator('tr[data-component="giay_chung_sinh"]')).to_contain_text(
            "(bổ sung)"
        )
        await desk.click("#accept")
        await expect(desk.locator("h1")).to_have_text("Đã tiếp nhận hồ sơ")
        await expect(desk.locator("#print-receipt")).to_be_visible()

        case = await eventually(lambda: opened_case(http, workflow, code, official()))
        for _ in case["steps"]:
            r = await http.post(
                f"{workflow}/cases/{code}/complete-step", json={"at": at(3)}, headers=official()
            )
            assert r.status_code == 200, r.text
        # The electronic result goes to object storage through intake; the case names it.
        r = await http.post(
            f"{intake}/uploads",
            files={"file": ("trich_luc.pdf", RESULT_PDF, "application/pdf")},
            headers=official("specialist"),
        )
        assert r.status_code == 201, r.text
        result = r.json()
        r = await http.post(
            f"{workflow}/cases/{code}/resolve",
            json={"outcome": "approved", "result_file": result, "at": at(4)},
            headers=official(),
        )
        assert r.status_code == 200, r.text
        r = await http.post(
            f"{workflow}/cases/{code}/return",
            json={"channel": "online", "at": at(5)},
            headers=official(),
        )
        assert r.status_code == 200, r.text

        async def returned() -> bool:
            await phone.reload()
            return (await phone.locator("#trang-thai").inner_text()).strip() == "Đã trả kết quả"

        assert await eventually(returned)
        async with phone.expect_download() as download_info:
            await phone.locator("#tai-ket-qua").click()
        download = await download_info.value
        await download.save_as(tmp_path / "kq.pdf")
        assert (tmp_path / "kq.pdf").read_bytes() == RESULT_PDF

        assert await online_received(http, intake) == online_before + 1

        # Rate online with the token issued at return, in plain words.
        await phone.get_by_role("link", name="Đánh giá việc giải quyết").click()

        async def rating_form_shown() -> bool:
            # Feedback learns of the return from its own subscription, maybe after intake did.
            if await phone.get_by_label("Rất hài lòng").count():
                return True
            await phone.reload()
            return False

        assert await eventually(rating_form_shown)
        await phone.get_by_label("Rất hài lòng").check()
        await phone.locator("input[name=q1][value='2']").check()
        await phone.locator("input[name=q7][value='2']").check()
        await phone.get_by_role("button", name="Gửi đánh giá").click()
        await expect(phone.get_by_role("heading", name="Cảm ơn bạn đã đánh giá")).to_be_visible()

        async def one_more_rating() -> bool:
            return await ratings_count(http, stack.url("feedback")) == ratings_before + 1

        assert await eventually(one_more_rating)
        await phone.goto(f"{portal}/ho-so/{code}/danh-gia")
        await expect(phone.get_by_text("Hồ sơ này đã được đánh giá.")).to_be_visible()

        # A complaint (PAKN) about the dossier, its deadline, and later its answer.
        await phone.goto(f"{portal}/ho-so/{code}")
        await phone.get_by_role("link", name="Phản ánh, kiến nghị về hồ sơ này").click()
        await phone.select_option("#topic", label="Thái độ của cán bộ")
        await phone.fill("#content", "Cán bộ hướng dẫn rất tận tình, đề nghị biểu dương.")
        await phone.get_by_role("button", name="Gửi phản ánh").click()
        await expect(phone.locator("#han-tra-loi")).to_have_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
        complaint_id = phone.url.rsplit("/", 1)[1]
        r = await http.post(
            f"{stack.url('feedback')}/complaints/{complaint_id}/answer",
            json={"text": "Cảm ơn ông đã ghi nhận; đơn vị đã biểu dương cán bộ.", "at": at(30)},
            headers=official(["receiver", "leader"]),
        )
        assert r.status_code == 200, r.text
        await phone.reload()
        await expect(phone.locator("#noi-dung-tra-loi")).to_have_text(
            "Cảm ơn ông đã ghi nhận; đơn vị đã biểu dương cán bộ."
        )
