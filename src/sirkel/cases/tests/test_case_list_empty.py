"""An empty case list says why: the search or filters hid the cases, or the user has no cases to see."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.testing.fixtures import client_for

FILTER_HINT = "No cases match. Change the search or the filters."
NO_CASES = (
    "You have no cases yet. Cases you are responsible for or assigned to appear here, and a leader sees "
    "every case in the services they lead."
)
NO_ACCESS = "Your role does not give access to cases."


def shown(message: str) -> str:
    """The message as the page shows it in Bokmål, translated or not (the catalogue is filled at merge)."""
    with translation.override("nb"):
        return escape(gettext(message))


def case_list(user: User, *, htmx: bool = False, **params: str) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    return _get(user, params, headers)


def _get(user: User, params: dict[str, str], headers: dict[str, str]) -> str:
    return client_for(user).get(reverse("cases:list"), params, headers=headers).content.decode()


def messages_in(page: str) -> set[str]:
    return {message for message in (FILTER_HINT, NO_CASES, NO_ACCESS) if shown(message) in page}


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_filters_that_hide_every_case_say_so(case: Case, caseworker: User, htmx: bool) -> None:
    assert messages_in(case_list(caseworker, htmx=htmx, q="Nobody")) == {FILTER_HINT}
    assert messages_in(case_list(caseworker, htmx=htmx, phase="closed", mine="on")) == {FILTER_HINT}


@pytest.mark.django_db
def test_a_list_with_cases_shows_no_empty_message(case: Case, caseworker: User) -> None:
    assert messages_in(case_list(caseworker)) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"q": "Emma"}, {"phase": "support", "target": "minority"}])
def test_a_caseworker_without_cases_is_told_so_not_to_change_the_filters(
    caseworker: User, params: dict[str, str]
) -> None:
    assert messages_in(_get(caseworker, params, {})) == {NO_CASES}
    assert messages_in(_get(caseworker, params, {"HX-Request": "true"})) == {NO_CASES}


@pytest.mark.django_db
def test_a_leader_of_another_service_only_has_no_cases_here(case: Case, outsider: User) -> None:
    assert messages_in(case_list(outsider)) == {NO_CASES}
    assert messages_in(case_list(outsider, q="Emma")) == {NO_CASES}


@pytest.mark.django_db
def test_a_researcher_is_told_the_role_gives_no_case_access(case: Case, researcher: User) -> None:
    assert messages_in(case_list(researcher)) == {NO_ACCESS}
    assert messages_in(case_list(researcher, q="Emma", mine="on")) == {NO_ACCESS}
