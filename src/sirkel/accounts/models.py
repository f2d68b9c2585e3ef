"""Services (the tenants), staff users and their memberships with a role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    CONSULTANT = "consultant", _("Network consultant")
    LEADER = "leader", _("Leader")
    RESEARCHER = "researcher", _("Researcher")
    ADMINISTRATOR = "administrator", _("Administrator")
    # An independent family group conference coordinator, often from the state's family-conference
    # service: a narrow account that sees only the conferences they coordinate, never a case file.
    COORDINATOR = "coordinator", _("Family group conference coordinator")


# Roles that do not work with the service's cases: a researcher (research grants only) and an outside
# conference coordinator (their own conferences only, through the access policy).
NON_STAFF_ROLES = frozenset({Role.RESEARCHER.value, Role.COORDINATOR.value})


municipality_numbers_validator = RegexValidator(
    r"^\d{4}(,\d{4})*$",
    _("Give one or more four-digit municipality numbers separated by commas, e.g. 0301,3201."),
)


class Service(models.Model):
    """A child welfare service (barneverntjeneste); may cover several municipalities."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    municipality_numbers = models.CharField(
        _("municipality numbers"), max_length=200, validators=[municipality_numbers_validator]
    )
    population = models.PositiveIntegerField(_("population"), default=0)
    phone = models.CharField(
        _("switchboard phone"),
        max_length=30,
        blank=True,
        help_text=_(
            "The service's switchboard: printed in invitations, so the family can call with questions."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("child welfare service")
        verbose_name_plural = _("child welfare services")

    def __str__(self) -> str:
        return self.name

    @property
    def municipality_list(self) -> list[str]:
        return [n for n in self.municipality_numbers.split(",") if n]


class User(AbstractUser):
    """A staff user. `session_token` lets a user sign out of every session at once."""

    session_token = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_session_auth_hash(self) -> str:
        # Django logs a session out when this hash changes; mixing in session_token means rotating
        # it ends every session of the user, not only on a password change.
        return self._sirkel_session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        # Django accepts these while SECRET_KEY is being rotated. The inherited version leaves out
        # session_token, so it is overridden to keep "sign out everywhere" binding under every key.
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._sirkel_session_hash(secret=secret)

    def _sirkel_session_hash(self, *, secret: str | bytes | None) -> str:
        return salted_hmac(
            "sirkel.accounts.User.get_session_auth_hash",
            f"{self.session_token}:{self.password}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's role in one service. A user may belong to several services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="membership_one_role_per_service"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_valid"
            ),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.service} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A personal access token for the REST API. It acts as its user, with the user's roles as they are
    at each request. Only a SHA-256 digest of the secret is stored: the secret is 256 random bits, so a
    fast hash is enough (a slow password hash would cost every API request ~100 MiB and 50 ms), and the
    secret is shown once, when the token is created.

    `session_token` is the user's at creation: "sign out everywhere" rotates the user's, which ends the
    token too.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read only"), default=True)
    session_token = models.UUIDField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
