"""The Content-Security-Policy: on every response, and nothing in Sirkel's templates that it would refuse
(inline scripts, event handler attributes, inline styles), so the policy never needs 'unsafe-inline'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.testing.fixtures import client_for

SRC = Path(__file__).resolve().parents[2]  # src/sirkel
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def _templates() -> list[Path]:
    return sorted([*SRC.rglob("templates/**/*.html"), *SRC.rglob("jinja2/**/*.html")])


def test_no_template_holds_what_the_policy_refuses() -> None:
    templates = _templates()
    assert len(templates) > 100  # the scan sees the templates
    found = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("event handler attribute", HANDLER),
            ("style attribute", STYLE_ATTRIBUTE),
            ("style element", STYLE_ELEMENT),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {name}")
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_looks_for() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert HANDLER.search('<button onclick="x()">') and not HANDLER.search("<button data-print>")
    assert STYLE_ATTRIBUTE.search('<span style="width: 3%">') and STYLE_ELEMENT.search("<style>\n")


POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def _directives(header: str) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.django_db
def test_every_kind_of_response_carries_the_policy(caseworker: User) -> None:
    responses = [
        Client().get("/"),  # a redirect to sign in
        Client().get(reverse("accounts:login")),
        client_for(caseworker).get(reverse("cases:list")),
        client_for(caseworker).get("/no-such-page/"),  # 404
        Client().get(reverse("api:docs")),
        Client().get(reverse("api:docs") + "?script="),
    ]
    for response in responses:
        header = response.headers.get("Content-Security-Policy", "")
        directives = _directives(header)
        for name, value in POLICY.items():
            assert directives.get(name) == value, (response.status_code, name, header)
        assert "unsafe" not in header
    script = responses[-1]
    assert script.status_code == 200 and script.headers["Content-Type"].startswith("application/javascript")
