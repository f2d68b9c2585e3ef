"""`Idempotency-Key` on the API's POSTs: the same request sent twice creates one object.

A client that does not know whether its POST arrived (a timeout, a dropped connection) sends it again
with the same key. The first request claims the key, with a digest of what was sent, in the same table
as the pages' double-submission tokens (`core.Submission`, per user, kept a day). A repeat of a request
that succeeded answers 303 See Other to what it created, so the client reads it (an audited read like
any other) instead of making a second one. A repeat while the first is still being handled answers 409;
the same key with another request answers 422. A request that failed gives its claim back, so the
corrected request may be sent with the same key.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from sirkel.accounts.models import User
from sirkel.core.models import Submission
from sirkel.core.submissions import KEEP

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


class AlreadyDone(exceptions.APIException):
    status_code = status.HTTP_303_SEE_OTHER
    default_detail = _("This request was already handled: see Location for what it created.")

    def __init__(self, location: str) -> None:
        super().__init__()
        self.location = location


class StillRunning(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still being handled. Try again in a moment.")


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "This Idempotency-Key was used for a different request. Use a new key for a new request."
    )


def _token(key: str) -> str:
    return "api:" + hashlib.sha256(key.encode()).hexdigest()[:32]


def claim(*, user: User, key: str, path: str, body: bytes) -> Submission:
    """Claim `key` for this request, or raise what a repeat answers."""
    if not (0 < len(key) <= MAX_LENGTH and key.isascii() and key.isprintable()):
        raise exceptions.ValidationError(
            {HEADER: [_("Give a key of 1 to 255 visible ASCII characters, e.g. a UUID.")]}
        )
    token = _token(key)
    digest = hashlib.sha256(path.encode() + b"\n" + body).hexdigest()
    first = Submission.objects.filter(user=user, token=token).first()
    if first is not None:
        if first.digest != digest:
            raise KeyReused
        if first.result_url:
            raise AlreadyDone(first.result_url)
        raise StillRunning
    try:
        with transaction.atomic():
            return Submission.objects.create(user=user, token=token, digest=digest)
    except IntegrityError as exc:  # the same request, a moment earlier, in another worker
        raise StillRunning from exc


def settle(*, submission: Submission, succeeded: bool, location: str) -> None:
    """After the request: keep the claim with where its result is, or give it back if it failed."""
    if succeeded and location:
        Submission.objects.filter(pk=submission.pk).update(result_url=location[:500])
    else:
        Submission.objects.filter(pk=submission.pk).delete()
    Submission.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
