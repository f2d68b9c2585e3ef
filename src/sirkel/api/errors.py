"""Every API error as `application/problem+json` (RFC 9457), in the pages' plain language.

One mapping: the services' refusals (`ValidationError`, `ConflictError`, `PermissionDenied`) and DRF's
own (bad token, read-only token, malformed body, rate limit) become a problem with `status`, `title`,
`detail` and, for input errors, `errors` by field. A refusal of the access policy is a 404, as on the
pages: never confirm what one may not see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from sirkel.api import idempotency
from sirkel.core.versioning import ConflictError

PROBLEM = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("The request has errors"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Changed by someone else"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        422: _("Key used for another request"),
        429: _("Too many requests"),
        500: _("Something went wrong on our side"),
    }


def problem(status_code: int, detail: str, *, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status_code, ""),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as `{"field": [...], "ties.0.kind": [...]}`."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = key if key != "non_field_errors" else "__all__"
            out.update(_flatten(value, f"{prefix}.{name}" if prefix else str(name)))
    elif isinstance(errors, list) and errors and all(not isinstance(e, dict | list) for e in errors):
        out[prefix or "__all__"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            out.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        out[prefix or "__all__"] = [str(errors)]
    return out


def _validation(errors: dict[str, list[str]]) -> dict[str, Any]:
    general = errors.get("__all__")
    detail = " ".join(general) if general else _("Some fields need attention: see errors.")
    return problem(400, detail, errors=errors)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    headers: dict[str, str] = {}
    if isinstance(exc, idempotency.AlreadyDone):
        # Not an error: the repeat of a request that succeeded is sent to what the first one made.
        return Response(status=status.HTTP_303_SEE_OTHER, headers={"Location": exc.location})
    if isinstance(exc, ConflictError):
        body = problem(
            409,
            _(
                "Someone else saved this since you read it. Nothing was written: fetch it again, "
                "compare, and send your change with the new version."
            ),
        )
    elif isinstance(exc, DjangoValidationError):
        body = _validation(_flatten(as_serializer_error(exc)))
    elif isinstance(exc, Http404 | DjangoPermissionDenied | exceptions.NotFound):
        body = problem(404, _("There is nothing here, or you may not see it."))
    elif isinstance(exc, exceptions.ValidationError):
        body = _validation(_flatten(exc.detail))
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        detail = (
            _("Send a personal access token: Authorization: Bearer <token>.")
            if isinstance(exc, exceptions.NotAuthenticated)
            else str(exc.detail)
        )
        body = problem(401, detail)
        view = context.get("view")
        request = context.get("request")
        if view is not None and request is not None:
            challenge = view.get_authenticate_header(request)
            if challenge:
                headers["WWW-Authenticate"] = challenge
    elif isinstance(exc, exceptions.Throttled):
        seconds = getattr(exc, "wait", None)
        wait = int(seconds) if seconds is not None else None
        body = problem(429, _("Too many requests with this token. Wait a moment and try again."))
        if wait is not None:
            headers["Retry-After"] = str(wait)
    elif isinstance(exc, exceptions.APIException):
        body = problem(exc.status_code, str(exc.detail))
    else:
        return None  # a bug: Django's 500 handler answers (as problem+json under /api/)
    return Response(body, status=body["status"], headers=headers, content_type=PROBLEM)


def problem_response(request: HttpRequest, status_code: int) -> JsonResponse:
    """A problem for errors Django answers before any API view runs (an unknown URL, a crash)."""
    detail = {
        status.HTTP_404_NOT_FOUND: _("There is nothing here, or you may not see it."),
        status.HTTP_400_BAD_REQUEST: _("The request could not be read."),
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: _("The request is too large."),
    }.get(status_code, _("Something went wrong on our side. Try again; if it keeps happening, tell us."))
    response = JsonResponse(problem(status_code, detail), status=status_code, content_type=PROBLEM)
    response["Cache-Control"] = "no-store"
    return response
