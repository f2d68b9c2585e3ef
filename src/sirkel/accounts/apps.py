from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    # SirkelAdminConfig lives in this module too, so Django is told which config "sirkel.accounts" means.
    default = True
    name = "sirkel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")


class SirkelAdminConfig(admin_apps.AdminConfig):
    """Django's admin with `SirkelAdminSite` as `admin.site` (replaces "django.contrib.admin")."""

    default = False
    default_site = "sirkel.accounts.admin_site.SirkelAdminSite"
