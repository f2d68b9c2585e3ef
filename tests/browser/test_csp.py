"""The Content-Security-Policy as Chromium enforces it: a script put into a Sirkel page inline does not
run, and the browser reports the refusal; Sirkel's own scripts (htmx, sirkel.js) do run."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def test_an_injected_inline_script_is_refused_and_sirkels_own_run(browser: Browser, live_server: Any) -> None:
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(reverse("accounts:login"))
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("() => typeof window.htmx") == "object"  # Sirkel's own script ran
    violations = page.evaluate(
        """() => new Promise((resolve) => {
            const seen = [];
            document.addEventListener("securitypolicyviolation", (e) => seen.push(e.violatedDirective));
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
            const styled = document.createElement("div");
            styled.innerHTML =
                '<span style="color: red">x</span><img src="x" onerror="window.handler = true">';
            document.body.appendChild(styled);
            const done = () => resolve(
                {seen, injected: window.injected === true, handler: window.handler === true});
            setTimeout(done, 300);
        })"""
    )
    assert violations["injected"] is False and violations["handler"] is False
    assert any(d.startswith("script-src") for d in violations["seen"])
    assert any(d.startswith("style-src") for d in violations["seen"])
    assert refused  # and Chromium says so on the console, which the `page` fixture fails tests on
    context.close()
