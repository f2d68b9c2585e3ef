"""A caseworker makes an API token on the account page with the keyboard, copies it, and the API docs
open without any network access: every page passes axe."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from sirkel.accounts.models import ApiToken

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("demo")
def test_a_token_is_made_shown_once_and_revoked_on_the_account_page(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, live_server: Any
) -> None:
    sign_in(page, "saksbehandler")
    page.goto(reverse("accounts:account"))
    assert_accessible(page)
    page.locator("#id_name").fill("Fagsystem")
    page.locator("#id_access_1").check()  # read and write
    page.locator("#id_days").select_option("30")
    page.locator(f"form[action='{reverse('accounts:api_token_create')}'] button").press("Enter")
    secret_box = page.locator("#new-token-secret")
    expect(secret_box).to_be_visible()
    secret = secret_box.input_value()
    token = ApiToken.objects.get(user__username="saksbehandler", name="Fagsystem")
    assert secret.startswith(token.prefix) and not token.read_only
    assert_accessible(page)

    api = page.request.get(f"{live_server}/api/v1/cases/", headers={"Authorization": f"Bearer {secret}"})
    assert api.status == 200 and api.json()["count"] > 0

    page.reload()
    expect(page.locator("#new-token-secret")).to_have_count(0)  # shown once
    revoke = page.locator(f"form[action='{reverse('accounts:api_token_revoke', args=[token.pk])}'] button")
    revoke.click()
    expect(revoke).to_have_count(0)
    api = page.request.get(f"{live_server}/api/v1/cases/", headers={"Authorization": f"Bearer {secret}"})
    assert api.status == 401


@pytest.mark.usefixtures("demo")
def test_the_api_docs_load_from_sirkel_alone(
    page: Page, assert_accessible: AxeCheck, live_server: Any
) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(str(live_server)) else None)
    page.goto(f"{live_server}{reverse('api:docs')}")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Sirkel API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert outside == []
