from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "sirkel.actions"
    label = "actions"
    verbose_name = _("Agreed actions")

    def ready(self) -> None:
        from sirkel.actions.case_page import contributor
        from sirkel.cases import composition

        composition.register(contributor)
