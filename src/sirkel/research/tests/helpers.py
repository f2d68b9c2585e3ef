"""Grants for the research tests, made through the service as a leader would."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.research import services
from sirkel.research.models import Grant


def make_grant(
    *,
    leader: User,
    service: Service,
    researchers: tuple[User, ...] = (),
    slug: str = "nettverk-2026",
    days: int = 30,
    case_numbers: tuple[int, ...] = (),
) -> Grant:
    return services.grant_access(
        acting_user=leader,
        data=services.GrantInput(
            project_slug=slug,
            service=service,
            valid_until=timezone.localdate() + datetime.timedelta(days=days),
            reason="Case-file review of network measures",
            legal_basis="Exemption from confidentiality, letter of 2026-01-10",
            dpia_ref="DPIA-2026-3",
            all_cases=not case_numbers,
            case_numbers=case_numbers,
            researchers=researchers,
        ),
    )
