"""The case edit form opens with the case as it is, so saving it unchanged works. Whoever may not change
the responsible caseworker (a consultant on the case) still saves the other fields; the caseworker stays."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.cases.models import Case
from sirkel.testing.fixtures import client_for


def as_a_browser_submits(form: forms.BaseForm) -> dict[str, Any]:
    """The POST data of the unbound form as rendered: disabled fields are left out, as browsers do."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif getattr(field.widget, "allow_multiple_selected", False):
            data[name] = [str(getattr(v, "pk", v)) for v in value or []]
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif value is not None:
            data[name] = str(value)
    return data


def open_edit_form(client: Client, case: Case) -> forms.BaseForm:
    response = client.get(reverse("cases:edit", args=[case.pk]))
    assert response.status_code == 200
    form: forms.BaseForm = response.context["form"]
    return form


@pytest.mark.django_db
def test_the_form_preselects_the_current_caseworker(case: Case, caseworker: User) -> None:
    client = client_for(caseworker)
    form = open_edit_form(client, case)
    assert form["caseworker"].value() == caseworker.pk
    html = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert f'<option value="{caseworker.pk}" selected>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("editor", ["caseworker", "leader"])
def test_saving_the_form_unchanged_succeeds(case: Case, editor: str, request: pytest.FixtureRequest) -> None:
    user: User = request.getfixturevalue(editor)
    responsible = case.caseworker
    client = client_for(user)
    data = as_a_browser_submits(open_edit_form(client, case))

    response = client.post(reverse("cases:edit", args=[case.pk]), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    case.refresh_from_db()
    assert case.caseworker == responsible and case.version == 2


@pytest.fixture
def consultant_case(
    make_case: Callable[..., Case], caseworker: User, consultant: User, service: Service
) -> Case:
    return make_case(owner=caseworker, service=service, assigned=[consultant])


@pytest.mark.django_db
def test_a_consultant_on_the_case_saves_other_fields_and_the_caseworker_stays(
    consultant_case: Case, caseworker: User, consultant: User
) -> None:
    client = client_for(consultant)
    form = open_edit_form(client, consultant_case)
    assert form.fields["caseworker"].disabled
    assert form["caseworker"].value() == caseworker.pk
    data = {**as_a_browser_submits(form), "phase": "care"}

    response = client.post(reverse("cases:edit", args=[consultant_case.pk]), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    consultant_case.refresh_from_db()
    assert consultant_case.phase == "care"
    assert consultant_case.caseworker == caseworker


@pytest.mark.django_db
def test_a_consultant_cannot_change_the_caseworker_by_posting_one(
    consultant_case: Case, caseworker: User, consultant: User, teammate: User
) -> None:
    client = client_for(consultant)
    data = {**as_a_browser_submits(open_edit_form(client, consultant_case)), "caseworker": teammate.pk}

    response = client.post(reverse("cases:edit", args=[consultant_case.pk]), data)

    assert response.status_code == 302
    consultant_case.refresh_from_db()
    assert consultant_case.caseworker == caseworker


@pytest.mark.django_db
def test_a_consultant_can_save_when_the_caseworker_has_since_changed_role(
    consultant_case: Case, caseworker: User, consultant: User, service: Service
) -> None:
    """The caseworker field only shows who is responsible; it must not block the save."""
    Membership.objects.filter(user=caseworker, service=service).update(role=Role.CONSULTANT)
    client = client_for(consultant)
    data = {**as_a_browser_submits(open_edit_form(client, consultant_case)), "phase": "care"}

    response = client.post(reverse("cases:edit", args=[consultant_case.pk]), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    consultant_case.refresh_from_db()
    assert consultant_case.phase == "care" and consultant_case.caseworker == caseworker
