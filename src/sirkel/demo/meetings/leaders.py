"""The demo register of trained meeting leaders."""

from __future__ import annotations

from datetime import date, timedelta

from sirkel.accounts.models import Service, User
from sirkel.meetings.models import TrainedLeader
from sirkel.meetings.services import leaders


def load_leaders(
    *, users: dict[str, User], services: dict[str, Service], demo: str, neighbour: str, today: date
) -> int:
    """Register the demo's trained leaders (once each); returns how many were added."""
    entries = [
        (
            "leder",
            demo,
            "konsulent",
            today - timedelta(days=700),
            "Videreutdanning i nettverksarbeid og nettverksmøter",
            False,
            "",
        ),
        (
            "leder",
            demo,
            "saksbehandler2",
            today - timedelta(days=420),
            "Kurs for nettverksmøteledere",
            False,
            "",
        ),
        (
            "naboleder",
            neighbour,
            "nabokonsulent",
            today - timedelta(days=900),
            "Videreutdanning i nettverksarbeid og nettverksmøter",
            True,
            "Leder gjerne møter for nabotjenestene, for et blikk utenfra.",
        ),
    ]
    added = 0
    for keeper, service, username, trained_on, training, shared, note in entries:
        if TrainedLeader.objects.filter(user=users[username]).exists():
            continue
        leaders.save_trained_leader(
            acting_user=users[keeper],
            service=services[service],
            user=users[username],
            trained_on=trained_on,
            training=training,
            shared=shared,
            note=note,
        )
        added += 1
    return added
