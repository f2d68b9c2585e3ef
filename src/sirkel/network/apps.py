from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "sirkel.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from sirkel.cases import innsyn
        from sirkel.network.innsyn import contributor

        innsyn.register(contributor)
