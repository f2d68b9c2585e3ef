"""Every page knows the user's roles (for the navigation) from accounts' context processor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.testing.fixtures import client_for


@pytest.mark.django_db
def test_a_leader_gets_the_leaders_navigation(leader: User) -> None:
    response = client_for(leader).get(reverse("cases:list"))
    assert response.context["is_leader"] is True
    assert response.context["user_roles"] == {"leader"}
    assert f'href="{reverse("cases:break_glass_overview")}"' in response.content.decode()


@pytest.mark.django_db
def test_a_caseworker_does_not(caseworker: User) -> None:
    response = client_for(caseworker).get(reverse("cases:list"))
    assert response.context["is_leader"] is False
    assert response.context["user_roles"] == {"caseworker"}
    assert f'href="{reverse("cases:break_glass_overview")}"' not in response.content.decode()


@pytest.mark.django_db
def test_signed_out_pages_have_no_roles() -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.context["user_roles"] == set()
    assert response.context["login_cooloff_minutes"] > 0


@pytest.mark.django_db
def test_the_statistics_link_is_for_those_with_a_dashboard(
    leader: User, caseworker: User, consultant: User, researcher: User
) -> None:
    link = f'href="{reverse("stats:dashboard")}"'
    for user, shown in ((leader, True), (caseworker, True), (consultant, True), (researcher, False)):
        response = client_for(user).get(reverse("accounts:account"))
        assert response.context["has_dashboard"] is shown
        assert (link in response.content.decode()) is shown
