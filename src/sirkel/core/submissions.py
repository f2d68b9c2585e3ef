"""Double submissions: the same POST twice (a double click, a resent request) must not create two rows.

Each form that creates something carries a one-time token (`{% submission_token %}`, a fresh UUID every
time the form is drawn). A view decorated with `once_per_submission` claims the token and a digest of what
was sent in the database (unique per user) before it runs; a second request with the same token and the
same data finds it claimed and gets the first
result instead: a redirect to where the first one went, or for htmx a "nothing to swap" answer, since the
first request's swap already shows it. A submission that was refused (a 4xx, or a form drawn again with
its errors) gives its claim back, so sending the corrected form — or the same one again — still works.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sirkel.core.htmx import is_htmx
from sirkel.core.models import Submission

FIELD = "submission_token"
KEEP = timedelta(days=1)

View = Callable[..., HttpResponse]


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request: HttpRequest) -> str:
    raw = request.POST.get(FIELD, "") if request.method == "POST" else ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return ""


def _succeeded(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code >= 400:
        return False
    # A plain form POST that succeeded redirects; one that answers 200 drew the form again with its errors.
    return is_htmx(request) or 300 <= response.status_code < 400


def _digest(request: HttpRequest) -> str:
    """What was sent, without the CSRF token (which a page may renew between two sends of the same form)."""
    items = sorted((k, v) for k, values in request.POST.lists() if k != "csrfmiddlewaretoken" for v in values)
    files = sorted((k, f.name or "", f.size or 0) for k, values in request.FILES.lists() for f in values)
    return hashlib.sha256(json.dumps([items, files]).encode()).hexdigest()


def _repeat(request: HttpRequest, user_id: int, token: str, digest: str) -> HttpResponse:
    first = Submission.objects.filter(user_id=user_id, token=token, digest=digest).first()
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Reswap"] = "none"
        return response
    messages.info(request, _("This was already sent and saved once; it was not saved again."))
    target = first.result_url if first and first.result_url else request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = request.path
    return HttpResponseRedirect(target or request.path)


def once_per_submission(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _token(request)
        user_id = request.user.pk if request.user.is_authenticated else None
        if not token or user_id is None:
            return view(request, *args, **kwargs)
        digest = _digest(request)
        try:
            with transaction.atomic():
                claim = Submission.objects.create(user_id=user_id, token=token, digest=digest)
        except IntegrityError:
            return _repeat(request, user_id, token, digest)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            Submission.objects.filter(pk=claim.pk).delete()
            raise
        if not _succeeded(request, response):
            Submission.objects.filter(pk=claim.pk).delete()  # refused: the form may be sent again
        elif response.has_header("Location"):
            Submission.objects.filter(pk=claim.pk).update(result_url=response["Location"][:500])
        Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        return response

    return wrapped
