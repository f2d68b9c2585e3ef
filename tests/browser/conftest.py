"""Fixtures for the real-browser tests.

One headless Chromium (Debian's /usr/bin/chromium, no Playwright browser download) serves the whole
session; every test gets a fresh browser context and page pointed at pytest-django's ``live_server``.
``assert_accessible`` runs the vendored axe-core against the page and fails on serious or critical
WCAG 2.1 A/AA violations; ``sign_in`` types a user name and password into the login form.

Set SIRKEL_BROWSER_SCREENSHOTS to a folder to have ``screenshot`` save full-page PNGs there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from sirkel.demo.data import DEMO_PASSWORD
from sirkel.demo.loader import load_demo

from .support import AxeCheck, Screenshot, SignIn, check_accessible

# Playwright's sync API runs an asyncio loop in this thread, so Django's async-safety check would
# refuse the ORM calls the tests make (loading demo data, looking up cases).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# Web-first assertions wait up to this long (Playwright's default is 5 s): generous for a busy CI box.
expect.set_options(timeout=10_000)

CHROMIUM = os.environ.get("SIRKEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run 'make chromium' or set SIRKEL_CHROMIUM.")
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A fresh page (own cookies) on the live server, asking for Norwegian like a staff browser would.

    Uncaught JavaScript errors on any page fail the test, and so does anything the Content-Security-Policy
    refused (Chromium reports each refusal as a console error).
    """
    context = browser.new_context(
        base_url=live_server.url,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not js_errors, f"JavaScript errors: {js_errors}"
    assert not refused, f"Refused by the Content-Security-Policy: {refused}"


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> dict[str, int]:
    """The demo services, users and cases (the live-server database starts empty).

    Passwords are hashed with a fast hasher here: Argon2 would spend seconds on the seven demo users
    and every sign-in, and the hash algorithm is not what these tests are about.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo()


@pytest.fixture
def assert_accessible() -> AxeCheck:
    return check_accessible


@pytest.fixture
def sign_in() -> SignIn:
    def _sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(reverse("accounts:login"))
        page.locator("#id_username").press_sequentially(username)
        page.locator("#id_password").press_sequentially(password)
        page.locator("#id_password").press("Enter")
        # Signed in: the header has a sign-out button and we have left the login page.
        expect(page.locator(f"form[action='{reverse('accounts:logout')}'] button")).to_be_visible()
        expect(page).not_to_have_url(re.compile(re.escape(reverse("accounts:login"))))

    return _sign_in


@pytest.fixture
def screenshot() -> Screenshot:
    folder = os.environ.get("SIRKEL_BROWSER_SCREENSHOTS")

    def _screenshot(page: Page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return _screenshot
