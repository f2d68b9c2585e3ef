"""Personal access tokens for the REST API: create, find by secret, revoke."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import ApiToken, User
from sirkel.accounts.selectors import roles_by_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event

PREFIX = "sirkel_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
# How often a token's "last used" is written: once a minute is exact enough to read, and spares the
# database a write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, user: User, name: str, days: int = DEFAULT_DAYS, read_only: bool = True
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that will use it.")})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("A token lasts from 1 to %(max)d days.") % {"max": MAX_DAYS}})
    if not user.is_active or not roles_by_service(user=user):
        raise ValidationError(_("Only an active user with a role in a service can have an API token."))
    secret = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[: len(PREFIX) + 4],
        digest=digest(secret),
        read_only=read_only,
        session_token=user.session_token,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    record_event(
        actor=user,
        service=None,
        action=AuditAction.CREATE,
        object_type="api_token",
        object_id=token.pk,
        detail={"read_only": read_only, "days": days},
    )
    return token, secret


def tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, so the list says what happened)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def active_token(*, secret: str) -> ApiToken | None:
    """The token with this secret while it is valid: not revoked, not expired, its user active, still
    holding a role in some service, and not signed out everywhere since the token was made."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if token is None or token.revoked_at is not None or token.expires_at <= timezone.now():
        return None
    user = token.user
    if not user.is_active or user.session_token != token.session_token or not roles_by_service(user=user):
        return None
    return token


def mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; a token of someone else is not found."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=user, service=None, action=AuditAction.DELETE, object_type="api_token", object_id=token.pk
        )
    return token


def token_names(*, ids: set[int]) -> dict[int, str]:
    """Token names by id, for an audit view that shows which token made a request."""
    return dict(ApiToken.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


@transaction.atomic
def revoke_tokens(*, acting_user: User, token_ids: list[int]) -> int:
    """An administrator revokes tokens of any user (a lost laptop, a system retired); audited as theirs.
    Returns how many were still active."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(pk__in=token_ids, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record_event(
            actor=acting_user,
            service=None,
            action=AuditAction.DELETE,
            object_type="api_token",
            object_id=token.pk,
            detail={"owner": token.user_id},
        )
    return len(tokens)
