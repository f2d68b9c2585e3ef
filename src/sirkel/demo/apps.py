from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "sirkel.demo"
    label = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        # Only a demo server lists the demo logins on the sign-in page; elsewhere the hook is not there.
        if settings.DEMO_MODE:
            from sirkel.accounts.login_context import register_login_context
            from sirkel.demo.data import demo_login_context

            register_login_context(demo_login_context)
