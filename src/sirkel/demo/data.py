"""The demo's fixed facts: services, users and the shared demo password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sirkel.accounts.models import Role

# Shown on the login page in demo mode only; never used outside the demo data.
DEMO_PASSWORD = "sirkel-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoService:
    name: str
    municipality_numbers: str
    population: int


DEMO_SERVICE = DemoService("Demo barneverntjeneste", "4601", 290000)
NEIGHBOUR_SERVICE = DemoService("Nabo barneverntjeneste", "4627,4631", 45000)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    service: str
    role_label: Promise


DEMO_USERS = [
    DemoUser("leder", "Liv", "Lunde", Role.LEADER, DEMO_SERVICE.name, _("Leader")),
    DemoUser("saksbehandler", "Sara", "Berg", Role.CASEWORKER, DEMO_SERVICE.name, _("Caseworker")),
    DemoUser("saksbehandler2", "Sindre", "Holm", Role.CASEWORKER, DEMO_SERVICE.name, _("Caseworker")),
    DemoUser("konsulent", "Kari", "Nygaard", Role.CONSULTANT, DEMO_SERVICE.name, _("Network consultant")),
    # Staff of the service who works with a family between NTT's steering group meetings, and leads them.
    DemoUser(
        "miljoterapeut", "Mats", "Solheim", Role.CASEWORKER, DEMO_SERVICE.name, _("Environmental therapist")
    ),
    DemoUser("forsker", "Frida", "Aas", Role.RESEARCHER, DEMO_SERVICE.name, _("Researcher")),
    DemoUser("admin", "Arne", "Dahl", Role.ADMINISTRATOR, DEMO_SERVICE.name, _("Administrator")),
    DemoUser("nabo", "Nora", "Vik", Role.CASEWORKER, NEIGHBOUR_SERVICE.name, _("Caseworker")),
    # Keeps the neighbour service's register of trained leaders, where the shared leader below is listed.
    DemoUser("naboleder", "Grete", "Vold", Role.LEADER, NEIGHBOUR_SERVICE.name, _("Leader")),
    # A trained meeting leader the neighbour service shares: leads one demo measure in the demo service.
    DemoUser(
        "nabokonsulent", "Håkon", "Eide", Role.CONSULTANT, NEIGHBOUR_SERVICE.name, _("Network consultant")
    ),
    # An independent family group conference coordinator (from the state's family-conference service):
    # sees only the conference they coordinate, never a case.
    DemoUser(
        "koordinator",
        "Kjersti",
        "Moe",
        Role.COORDINATOR,
        DEMO_SERVICE.name,
        _("Family group conference coordinator"),
    ),
]


def demo_login_context(request: HttpRequest) -> dict[str, Any]:
    """The sign-in page's list of demo logins, installed by the demo app in demo mode."""
    # Checked again here: the shared password must never reach a page outside demo mode.
    if not settings.DEMO_MODE:
        return {}
    return {"demo_users": DEMO_USERS, "demo_password": DEMO_PASSWORD}
