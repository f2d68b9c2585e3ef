from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sirkel.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        # The OpenAPI extension that describes the Bearer token: drf-spectacular finds it on import.
        from sirkel.api import schema  # noqa: F401
