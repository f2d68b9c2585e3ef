from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "sirkel.actions"
    label = "actions"
    verbose_name = _("Agreed actions")

    def ready(self) -> None:
        from sirkel.actions.innsyn import contributor as innsyn_part
        from sirkel.cases import innsyn

        innsyn.register(innsyn_part)
        from sirkel.actions import meeting_page, member_release, services
        from sirkel.actions.case_page import contributor
        from sirkel.cases import composition
        from sirkel.meetings import panels
        from sirkel.network import removal

        composition.register(contributor)
        panels.register("actions", series=meeting_page.series_panel, meeting=meeting_page.meeting_panel)
        panels.register_action_adder(services.add_action)
        removal.register(member_release.holder)
