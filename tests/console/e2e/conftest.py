"""The browser of the console's tests, and fresh browsers signed in as demo officials."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page

from support.browser import chromium
from support.console import SignIn, sign_in_official
from support.stack import Stack


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


@pytest.fixture
async def sign_in(browser: Browser, console_stack: Stack) -> AsyncIterator[SignIn]:
    """A fresh browser (no cookies) signed in as a demo official through Keycloak's page."""
    contexts: list[BrowserContext] = []

    async def open_as(username: str) -> Page:
        context = await browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
        contexts.append(context)
        context.set_default_timeout(60_000)
        page = await context.new_page()
        await sign_in_official(page, console_stack.url("console"), username)
        return page

    yield open_as
    for context in contexts:
        await context.close()
