from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "sirkel.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from sirkel.cases import innsyn
        from sirkel.evaluation.innsyn import contributor

        innsyn.register(contributor)
