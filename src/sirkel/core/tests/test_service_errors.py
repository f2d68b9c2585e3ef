"""One mapping from a service's refusals to what the form shows: errors, the conflict message, a 404."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, QueryDict
from django.test import RequestFactory
from django.utils import translation

from sirkel.core.forms import service_errors, service_messages
from sirkel.core.versioning import ConflictError


class NoteForm(forms.Form):
    text = forms.CharField()
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def bound(prefix: str | None = None) -> NoteForm:
    name = f"{prefix}-" if prefix else ""
    form = NoteForm(QueryDict(f"{name}text=Min+tekst&{name}version=1"), prefix=prefix)
    assert form.is_valid()
    return form


def test_a_successful_call_is_ok_and_leaves_the_form_alone() -> None:
    form = bound()
    with service_errors(form) as outcome:
        pass
    assert outcome.ok and not form.errors


def test_a_validation_error_lands_on_its_field() -> None:
    form = bound()
    with service_errors(form) as outcome:
        raise ValidationError({"text": "Too short."})
    assert not outcome.ok and form.errors == {"text": ["Too short."]}


def test_a_conflict_shows_the_message_keeps_the_text_and_moves_the_version_on() -> None:
    form = bound(prefix="m3")
    with translation.override("en"), service_errors(form, current_version=lambda: 4) as outcome:
        raise ConflictError
    assert outcome.conflict and not outcome.ok
    assert "Someone else saved this while you were editing." in form.non_field_errors()[0]
    assert form.data["m3-text"] == "Min tekst" and form.data["m3-version"] == "4"


def test_a_page_may_say_more_about_the_conflict() -> None:
    form = bound()
    with service_errors(form, conflict_message="The notes changed.") as outcome:
        raise ConflictError
    assert not outcome.ok and form.non_field_errors() == ["The notes changed."]


def test_a_refused_permission_is_a_404() -> None:
    with pytest.raises(Http404), service_errors(bound()):
        raise PermissionDenied


def _request() -> HttpRequest:
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_a_button_without_a_form_gets_the_refusal_as_a_message() -> None:
    request = _request()
    with service_messages(request) as outcome:
        raise ValidationError("This meeting can no longer be changed.")
    assert not outcome.ok
    assert [str(m) for m in get_messages(request)] == ["This meeting can no longer be changed."]


def test_a_button_without_a_form_is_a_404_when_refused() -> None:
    with pytest.raises(Http404), service_messages(_request()):
        raise PermissionDenied
