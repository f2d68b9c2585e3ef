"""Form helpers shared by the domain apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, QueryDict

from sirkel.core.versioning import ConflictError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the named field where it has one, else on top.

    Services validate again what forms already checked (and more), so their messages must reach the
    person with the input kept, never as an error page.
    """
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@dataclass
class ServiceOutcome:
    """What `service_errors` saw: `ok` is False when the service refused and the form now says why."""

    ok: bool = True
    conflict: bool = False


@contextmanager
def service_errors(
    form: forms.BaseForm,
    *,
    current_version: Callable[[], int] | None = None,
    conflict_message: str | None = None,
) -> Iterator[ServiceOutcome]:
    """Run a service call for `form` and turn its refusals into what the person sees.

    ValidationError → the form's errors, input kept. ConflictError → the plain-language conflict message
    (or `conflict_message`, where a page says more) on top of the form; with `current_version` the form's
    hidden version moves on, so the next save compares against the colleague's version.
    PermissionDenied → 404 (never confirm what one may not see).

        with service_errors(form) as outcome:
            saved = services.update_member(...)
        if outcome.ok:
            return redirect(...)
    """
    outcome = ServiceOutcome()
    try:
        yield outcome
    except ConflictError as exc:
        outcome.ok = False
        outcome.conflict = True
        form.add_error(None, conflict_message or exc.message)
        if current_version is not None:
            data = QueryDict(mutable=True)
            data.update(form.data)
            data[form.add_prefix("version")] = str(current_version())
            form.data = data
    except ValidationError as exc:
        outcome.ok = False
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        raise Http404 from exc


@contextmanager
def service_messages(request: HttpRequest) -> Iterator[ServiceOutcome]:
    """As `service_errors`, for a button without a form: a refusal becomes an error message on the next
    page (validation and conflict alike), a refused permission a 404."""
    outcome = ServiceOutcome()
    try:
        yield outcome
    except ConflictError as exc:
        outcome.ok = False
        outcome.conflict = True
        messages.error(request, exc.message)
    except ValidationError as exc:
        outcome.ok = False
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
