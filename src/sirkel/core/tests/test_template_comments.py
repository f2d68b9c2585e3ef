"""Django's `{# … #}` comment ends on the line it starts: one left open shows its text on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import sirkel

ROOT = Path(sirkel.__file__).resolve().parent


def test_every_short_template_comment_closes_on_its_own_line() -> None:
    templates = [p for p in ROOT.rglob("*.html") if "templates" in p.parts]
    assert len(templates) > 50  # the search found the templates
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == [], "use {% comment %} for a comment over several lines"


@pytest.mark.django_db
def test_the_sign_in_page_built_on_the_base_template_shows_no_template_comment(client: Client) -> None:
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'name="htmx-config"' in page  # from base.html
    assert "{#" not in page and "#}" not in page and "Settle at once" not in page
