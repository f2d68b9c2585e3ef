from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "sirkel.meetings"
    label = "meetings"
    verbose_name = _("Network measures and meetings")

    def ready(self) -> None:
        from sirkel.cases import innsyn
        from sirkel.meetings.innsyn import contributor as innsyn_part

        innsyn.register(innsyn_part)
        from sirkel.cases import composition
        from sirkel.meetings.case_page import contributor

        composition.register(contributor)
