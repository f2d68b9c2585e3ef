from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class AccountsConfig(AppConfig):
    # Other configs live in this module too, so Django is told which config "sirkel.accounts" means.
    default = True
    name = "sirkel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class SirkelAdminConfig(admin_apps.AdminConfig):
    """Django's admin with `SirkelAdminSite` as `admin.site` (replaces "django.contrib.admin")."""

    default = False
    default_site = "sirkel.accounts.admin_site.SirkelAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module is read here
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        # The background tasks' own table is not the administration's: a task holds a job's id only, and
        # the job is followed on its page (the research export, the measure import).
        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)


# The two sign-in libraries below ship no Bokmål and show in the admin under their package names
# ("AXES", "OTP_TOTP") and English model names. Their configs are installed in their place with
# Sirkel's own names. The model names are set on `_meta` only: migrations read `original_attrs`, so
# the libraries' migration state is untouched.


class AxesConfig(axes_apps.AppConfig):  # type: ignore[misc]  # axes ships no type hints
    """django-axes (lockout after failed sign-ins), named in Sirkel's languages."""

    default = False
    verbose_name = _("Sign-in lockout")

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog

        AccessAttempt._meta.verbose_name = _("failed sign-in attempt")
        AccessAttempt._meta.verbose_name_plural = _("failed sign-in attempts")
        AccessAttemptExpiration._meta.verbose_name = _("lockout expiry")
        AccessAttemptExpiration._meta.verbose_name_plural = _("lockout expiries")
        AccessLog._meta.verbose_name = _("sign-in log entry")
        AccessLog._meta.verbose_name_plural = _("sign-in log")
        AccessFailureLog._meta.verbose_name = _("failed sign-in log entry")
        AccessFailureLog._meta.verbose_name_plural = _("failed sign-in log")


class OtpTotpConfig(otp_totp_apps.DefaultConfig):  # type: ignore[misc]  # nor does django-otp
    """django-otp's TOTP plugin (the authenticator apps staff sign in with), named in Sirkel's languages."""

    default = False
    verbose_name = _("Two-factor authentication")

    def ready(self) -> None:
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice._meta.verbose_name = _("authenticator app")
        TOTPDevice._meta.verbose_name_plural = _("authenticator apps")
