"""`IdUrl` gives what `reverse()` gives; the menu, rendered once per variant, still marks the page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.core.urls import IdUrl
from sirkel.testing.fixtures import client_for


@pytest.mark.parametrize("case_id", [1, 42, 999_999_999_999])
@pytest.mark.parametrize("name", ["network:member_edit", "network:member_delete", "network:tie_delete"])
def test_an_id_url_is_the_reversed_url(name: str, case_id: int) -> None:
    make = IdUrl(name, case_id)
    for object_id in (1, 7, 123456, 999_999_999_999_999_998):
        assert make(object_id) == reverse(name, args=[case_id, object_id])


def test_an_id_url_refuses_a_pattern_that_hides_the_placeholder() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        IdUrl("network:member_edit", 999_999_999_999_999_999)


def _current(client: Client, url: str) -> list[str]:
    html = client.get(url).content.decode()
    nav = html[html.index('<nav aria-label="') : html.index("</nav>")]
    return [
        part.split('href="')[1].split('"')[0] for part in nav.split("<li>") if 'aria-current="page"' in part
    ]


@pytest.mark.django_db
def test_the_menu_marks_the_page_it_is_on_and_follows_roles(caseworker: User, leader: User) -> None:
    client = client_for(caseworker)
    assert _current(client, reverse("cases:list")) == [reverse("cases:list")]
    assert _current(client, reverse("accounts:account")) == [reverse("accounts:account")]
    assert _current(client, reverse("cases:list")) == [reverse("cases:list")]  # the cached variant again
    caseworker_menu = client.get(reverse("cases:list")).content.decode()
    leader_menu = client_for(leader).get(reverse("cases:list")).content.decode()
    assert reverse("cases:break_glass_overview") in leader_menu
    assert reverse("cases:break_glass_overview") not in caseworker_menu
