"""The officials' console in a real browser (Debian's Chromium driven by Playwright): one
dossier's whole thread through the screens, signed in through the real Keycloak realm, and the
refusals (another unit, a wrong role, a post without the CSRF token). Screenshots of each screen
go to test-output/console/ (ignored by git)."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from support.browser import CHROMIUM
from support.console import SignIn, scenario_start, tick_all
from support.stack import Stack, auth, kiosk_link

SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "console"
COMMUNE = "H15.01.36"
COUNTER = "H15.01.36-Q01"
CITIZEN = "079203001234"
START = scenario_start()  # every clock is moved there explicitly

# A shared two-core machine can be slow; waiting longer never makes a wrong page pass.
expect.set_options(timeout=30_000)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium (make browser)"),
]


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def until_listed(page: Page, url: str, code: str, timeout_s: float = 30) -> None:
    """Reload ``url`` until ``code`` is listed (the services apply each other's events
    asynchronously)."""
    for _ in range(int(timeout_s / 0.5)):
        await page.goto(url)
        if await page.locator(f'tr[data-code="{code}"]').count():
            return
        await page.wait_for_timeout(500)
    raise AssertionError(f"{code} not listed at {url}")


async def other_dossier(stack: Stack) -> str:
    """A dossier of the same unit with a later appointment (a 15-day procedure), so that being
    first in a queue means being the most urgent."""
    intake = stack.url("intake")
    async with httpx.AsyncClient(timeout=60) as http:
        detail = (await http.get(f"{intake}/procedures/1.004222")).json()
        documents = [
            {"component": c["code"], "form": c["forms"][0], "digitized": True}
            for c in detail["current"]["components"]
            if c.get("required")
        ]
        r = await http.post(
            f"{intake}/dossiers",
            json={
                "procedure_code": "1.004222",
                "channel": "counter",
                "receiving_unit": COMMUNE,
                "applicant": {"personal_id": CITIZEN},
                "documents": documents,
                "accept": True,
                "at": START,  # the console's clock runs on from START: its commands come after
            },
            headers={**auth("receiver", COMMUNE), "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.text
        return str(r.json()["code"])


async def complete_current_step(page: Page, console: str, code: str, shot_name: str) -> None:
    await page.goto(f"{console}/cases/{code}")
    await expect(page.locator("#do-complete_step")).to_be_visible()
    await shot(page, shot_name)
    await page.click("#do-complete_step")
    await expect(page.locator("#case-code")).to_have_text(code)


async def test_a_dossier_goes_from_counter_to_rating_through_the_console(
    console_stack: Stack, sign_in: SignIn, browser: Browser
) -> None:
    stack = console_stack
    console = stack.url("console")
    await tick_all(stack, START)
    later = await other_dossier(stack)

    # The receiver signs in through Keycloak and lands on counter intake.
    receiver = await sign_in("tiepnhan.bmt")
    await expect(receiver).to_have_url(re.compile(r"/intake$"))
    await expect(receiver.locator("#official-name")).to_have_text("Lê Thị Thu")
    # Only the personal ID is typed (the chip card's QR text works the same way).
    await receiver.fill("#id_text", f"{CITIZEN}|241234567|Nguyễn Văn An|14032003|Nam|x|01012021")
    await receiver.press("#id_text", "Enter")
    await expect(receiver.locator("#applicant-table")).to_contain_text("Nguyễn Văn An")
    await expect(receiver.locator("#applicant-table")).to_contain_text("14/03/2003")
    # The citizen's earlier dossier at this unit is listed (code, procedure, status, date).
    earlier = receiver.locator(f'#earlier-dossiers tr[data-code="{later}"]')
    await expect(earlier).to_contain_text("1.004222")
    await expect(earlier).to_contain_text("Được tiếp nhận")
    await expect(earlier).to_contain_text(f"{START[8:10]}/{START[5:7]}/{START[:4]}")
    assert CITIZEN not in receiver.url
    await receiver.fill("#procedure_filter", "1.001193")
    await receiver.press("#procedure_filter", "Enter")
    await expect(receiver.locator("#components")).to_contain_text("Giấy chứng sinh")
    await shot(receiver, "01-counter-intake")
    await receiver.click("#accept")
    await expect(receiver.locator("#dossier-code")).to_have_text(
        re.compile(rf"H15\.01\.36-{START[2:4]}{START[5:7]}{START[8:10]}-")
    )
    code = (await receiver.locator("#dossier-code").inner_text()).strip()
    await expect(receiver.locator("#fields-written")).to_have_text("0")
    await shot(receiver, "02-accepted")
    async with receiver.context.expect_page() as receipt_opened:
        await receiver.click("#print-receipt")
    receipt = await receipt_opened.value
    await expect(receipt.locator("body")).to_contain_text(code)
    await expect(receipt.locator("body")).to_contain_text("Nguyễn Văn An")
    await shot(receipt, "03-receipt-mau-01")
    await receipt.close()

    # Step 1 is the receiver's (check and hand over); the dossier is the most urgent line.
    await until_listed(receiver, f"{console}/queue?role=all", code)
    first = receiver.locator("#queue tbody tr").first
    await expect(first).to_have_attribute("data-code", code)
    await shot(receiver, "04-queue-receiver")
    await receiver.goto(f"{console}/cases/{code}")
    # The documents are named as the procedure names them, not by their codes.
    await expect(receiver.locator("main")).to_contain_text("Tờ khai đăng ký khai sinh")
    await complete_current_step(receiver, console, code, "05-case-receiver")
    # The step table and the timeline name the official, not the provider's subject id.
    await expect(receiver.locator("#steps tbody tr").first).to_contain_text("Lê Thị Thu")
    await expect(receiver.locator("#timeline")).to_contain_text("— Lê Thị Thu")
    await receiver.click("#logout")
    await expect(receiver.locator("#login")).to_be_visible(timeout=30_000)
    await receiver.goto(console + "/")
    await expect(receiver.locator("#username")).to_be_visible()  # the provider's session ended

    # The specialist and the leader find it at the top of their own queues.
    for username, name in (("chuyenvien.bmt", "specialist"), ("lanhdao.bmt", "leader")):
        official = await sign_in(username)
        await until_listed(official, f"{console}/queue?role={name}", code)
        await expect(official.locator("#queue tbody tr").first).to_have_attribute("data-code", code)
        await shot(official, f"06-queue-{name}")
        await complete_current_step(official, console, code, f"07-case-{name}")
        assert later != code

    # The receiver records it in the book, the decision is entered, and the result handed over.
    receiver = await sign_in("tiepnhan.bmt")
    await until_listed(receiver, f"{console}/returns", code)
    await shot(receiver, "08-return-counter")
    await complete_current_step(receiver, console, code, "09-case-last-step")
    await expect(receiver.locator("#do-resolve")).to_be_visible()
    await receiver.click("#do-resolve")
    await expect(receiver.locator("#do-return")).to_be_visible()
    await expect(receiver.locator("#counter")).to_have_value(COUNTER)
    await shot(receiver, "10-case-return")
    await receiver.click("#do-return")
    await receiver.goto(f"{console}/cases/{code}")
    await expect(receiver.locator("#case-status")).to_contain_text("trả kết quả")
    await expect(receiver.locator("#timeline")).to_contain_text("Đã trả kết quả")

    # The counter's kiosk shows it and takes the rating.
    async with httpx.AsyncClient(timeout=10) as http:
        link = await kiosk_link(http, stack.url("feedback"), COUNTER)
    kiosk = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
    await kiosk.goto(link)
    await expect(kiosk.locator("#dossier-code")).to_have_text(code, timeout=30_000)
    await kiosk.get_by_role("button", name="Rất hài lòng").click()
    await kiosk.get_by_role("button", name="Bỏ qua").click()
    await expect(kiosk.locator("#screen-thanks")).to_be_visible()
    await shot(kiosk, "11-kiosk")
    await kiosk.context.close()

    # The leader's page: the dossier in the "on time" column, the rating in the figure.
    leader = await sign_in("lanhdao.bmt")
    for _ in range(60):
        await leader.goto(f"{console}/leader")
        rated = (await leader.locator("#satisfaction-rate").inner_text()).startswith("100%")
        if rated and await leader.locator(f"#bucket-on_time a:text-is('{code}')").count():
            break
        await leader.wait_for_timeout(500)
    await expect(leader.locator(f"#bucket-on_time a:text-is('{code}')")).to_be_visible()
    await expect(leader.locator("#satisfaction-rate")).to_contain_text("100%")
    sentence = await leader.locator("#sentence").inner_text()
    assert re.match(
        r"^\d+ hồ sơ: \d+ trước hạn, [1-9]\d* đúng hạn, \d+ đang trong hạn; 100% hài lòng$",
        sentence,
    ), sentence
    await expect(leader.locator("#share-wrote-nothing")).to_have_text("100%")
    await shot(leader, "12-leader")
    async with leader.expect_download() as book:
        await leader.click("#book-xlsx")
    assert (await book.value).suggested_filename.endswith(".xlsx")


async def _status_of(page: Page) -> str | None:
    return await page.locator("#problem").get_attribute("data-status")


async def test_console_refuses_another_unit_and_a_wrong_role(
    console_stack: Stack, sign_in: SignIn
) -> None:
    console = console_stack.url("console")
    await tick_all(console_stack, START)
    code = await other_dossier(console_stack)  # a dossier of H15.01.36

    stranger = await sign_in("tiepnhan.tanan")  # receiver of another commune (H15.01.38)
    response = await stranger.goto(f"{console}/cases/{code}")
    assert response is not None and response.status == 403
    await expect(stranger.locator("#problem")).to_be_visible()
    await expect(stranger.locator("body")).not_to_contain_text("Nguyễn Văn An")
    response = await stranger.goto(f"{console}/leader?unit={COMMUNE}")
    assert response is not None and response.status == 403  # a receiver has no leader's page

    other_leader = await sign_in("lanhdao.tanan")
    response = await other_leader.goto(f"{console}/leader?unit={COMMUNE}")
    assert response is not None and response.status == 403
    assert await _status_of(other_leader) == "403"

    specialist = await sign_in("chuyenvien.bmt")
    response = await specialist.goto(f"{console}/intake")
    assert response is not None and response.status == 403
    await shot(specialist, "20-wrong-role")


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    console_stack: Stack, sign_in: SignIn
) -> None:
    console = console_stack.url("console")
    await tick_all(console_stack, START)
    code = await other_dossier(console_stack)
    leader = await sign_in("lanhdao.bmt")  # a leader of the unit may act on any step
    await until_listed(leader, f"{console}/queue?role=all", code)

    # The session cookie is sent (same browser), but no CSRF token, then a wrong one.
    for form in ({}, {"csrf_token": "not-the-token"}):
        r = await leader.request.post(f"{console}/cases/{code}/complete_step", form=form)
        assert r.status == 403, await r.text()
    async with httpx.AsyncClient(timeout=30) as http:
        case = (
            await http.get(
                f"{console_stack.url('workflow')}/cases/{code}", headers=auth("leader", COMMUNE)
            )
        ).json()
    assert case["steps"][0]["completed_at"] is None  # nothing happened
    # The same post from the page's own form (with its token) is carried out.
    await complete_current_step(leader, console, code, "21-csrf-ok")
    async with httpx.AsyncClient(timeout=30) as http:
        case = (
            await http.get(
                f"{console_stack.url('workflow')}/cases/{code}", headers=auth("leader", COMMUNE)
            )
        ).json()
    assert case["steps"][0]["completed_at"] is not None


async def _case(stack: Stack, code: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.get(f"{stack.url('workflow')}/cases/{code}", headers=auth("leader", COMMUNE))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _opened(page: Page, link: str) -> Page:
    async with page.context.expect_page() as opened:
        await page.click(link)
    printed = await opened.value
    await printed.wait_for_load_state()
    return printed


async def test_supplement_extension_stop_refusal_and_a_complaint_answer_through_the_console(
    console_stack: Stack, sign_in: SignIn
) -> None:
    """The leader's other actions on cases, the counter's refusal (Mẫu 03) and the answer to a
    complaint: each leaves what the official must see afterwards."""
    stack = console_stack
    console = stack.url("console")
    await tick_all(stack, START)
    waiting, extended, stopped = [await other_dossier(stack) for _ in range(3)]
    leader = await sign_in("lanhdao.bmt")
    await until_listed(leader, f"{console}/queue?role=all", stopped)

    # Request a supplement while processing: the clock stops, the case says so.
    await complete_current_step(leader, console, waiting, "30-case-before-supplement")
    await expect(leader.locator("#case-status")).to_have_text("Đang xử lý")
    await leader.fill("#supplement-reason", "Thiếu bản sao giấy xác nhận cư trú")
    await leader.click("#do-request_supplement")
    await expect(leader.locator("#case-status")).to_have_text("Yêu cầu bổ sung giấy tờ")
    await expect(leader.locator("#timeline")).to_contain_text(
        "Tạm dừng: Thiếu bản sao giấy xác nhận cư trú"
    )
    await expect(leader.locator("#do-request_supplement")).to_have_count(0)
    await shot(leader, "31-case-supplement-requested")

    # Extend once, with the Mẫu 04 preview; the apology letter prints with the reason.
    due = datetime.fromisoformat((await _case(stack, extended))["due_at"]).astimezone(VN_TZ)
    new_day = WorkingCalendar().next_working_day(due.date())
    await leader.goto(f"{console}/cases/{extended}")
    await leader.click("#form-extend summary")
    preview = leader.locator("#form-extend .preview")
    await expect(preview).to_contain_text(extended)
    await expect(preview).to_contain_text("xin lỗi Ông/Bà Nguyễn Văn An")
    await shot(leader, "32-case-extend-preview")
    await leader.fill("#extend-reason", "Cần xác minh thông tin tại nơi cư trú trước đây")
    await leader.fill("#new_due_at", new_day.isoformat())
    await leader.click("#do-extend")
    facts = leader.locator("#h-facts + dl")
    await expect(facts).to_contain_text(f"{new_day:%d/%m/%Y} 17:00 (đã gia hạn)")
    await expect(leader.locator("#form-extend")).to_have_count(0)  # only one extension
    letter = await _opened(leader, "text=Văn bản xin lỗi, gia hạn (Mẫu 04)")
    await expect(letter.locator("body")).to_contain_text(extended)
    await expect(letter.locator("body")).to_contain_text("xác minh thông tin tại nơi cư trú")
    await shot(letter, "33-mau-04")
    await letter.close()

    # Stop with Mẫu 05: the case is closed, no action left, the notice prints.
    await leader.goto(f"{console}/cases/{stopped}")
    await leader.click("#form-stop summary")
    await leader.fill("#stop-reason", "Công dân đề nghị dừng để bổ sung hồ sơ khác")
    await leader.click("#do-stop")
    await expect(leader.locator("#case-status")).to_have_text("Dừng xử lý")
    await expect(leader.locator("#no-actions")).to_be_visible()
    notice = await _opened(leader, "text=Thông báo dừng (Mẫu 05)")
    await expect(notice.locator("body")).to_contain_text(stopped)
    await expect(notice.locator("body")).to_contain_text("đề nghị dừng để bổ sung hồ sơ khác")
    await shot(notice, "34-mau-05")
    await notice.close()
    await leader.goto(f"{console}/queue?role=all")
    await expect(leader.locator(f'tr[data-code="{stopped}"]')).to_have_count(0)
    await expect(leader.locator(f'tr[data-code="{extended}"]')).to_have_count(1)

    # A complaint (PAKN) filed by a citizen is answered from the leader's page.
    topic = f"Thái độ phục vụ tại quầy {uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(timeout=30) as http:
        r = await http.post(
            f"{stack.url('feedback')}/complaints",
            json={
                "topic": topic,
                "content": "Cán bộ hướng dẫn chưa rõ ràng.",
                "contact": {"full_name": "Trần Văn Bình", "phone": "0905123456"},
                "unit": COMMUNE,
            },
        )
    assert r.status_code == 201, r.text
    await leader.goto(f"{console}/leader")
    row = leader.locator("#complaints tbody tr", has_text=topic)
    await expect(row).to_contain_text("Trong hạn")
    await row.locator("textarea").fill("Đơn vị đã nhắc nhở cán bộ và xin lỗi ông/bà.")
    await row.get_by_role("button", name="Gửi trả lời").click()
    answered = leader.locator("#complaints tbody tr", has_text=topic)
    await expect(answered).to_contain_text("Đã trả lời")
    await expect(answered.locator("textarea")).to_have_count(0)
    await shot(leader, "35-leader-pakn-answered")

    # At the counter: a dossier refused with reasons (Mẫu 03), printed in one click.
    receiver = await sign_in("tiepnhan.bmt")
    await receiver.fill("#id_text", CITIZEN)
    await receiver.press("#id_text", "Enter")
    await expect(receiver.locator("#applicant-table")).to_contain_text("Nguyễn Văn An")
    await receiver.fill("#procedure_filter", "1.001193")
    await receiver.press("#procedure_filter", "Enter")
    await expect(receiver.locator("#components")).to_be_visible()
    await receiver.fill("#reasons", "Thủ tục không thuộc thẩm quyền giải quyết của phường")
    await receiver.click("#refuse")
    await expect(receiver.locator("#dossier-status")).to_have_text("Không được tiếp nhận")
    refusal = await _opened(receiver, "#print-refusal")
    await expect(refusal.locator("body")).to_contain_text("không thuộc thẩm quyền")
    await shot(refusal, "36-mau-03")
    await refusal.close()
