"""Demo support measures without a network process, each decided and planned through the services.

- Ingrid Solberg (17): a support contact she consented to in writing, ended by a later decision at her own
  wish, and advice and guidance towards 18 decided in its place.
- Noah Eriksen (9): an after-school programme and a home-based worker imposed by the county board (§ 3-4).
"""

from __future__ import annotations

from datetime import date, timedelta

from sirkel.accounts.models import User
from sirkel.cases.decisions import MeasureChange
from sirkel.cases.models import Case, DecisionChange
from sirkel.demo import stories
from sirkel.demo.decisions_demo import decide, measure_of, write_plan
from sirkel.network.models import NetworkMember


def build_ingrid(*, case: Case, m: dict[str, NetworkMember], users: dict[str, User], today: date) -> None:
    decide(
        case=case,
        decided_on=today - timedelta(days=300),
        story=stories.INGRID_SUPPORT_CONTACT,
        starts=[("support_contact", stories.INGRID_SUPPORT_CONTACT.expected_months)],
    )
    write_plan(
        case=case, on=today - timedelta(days=295), parts=stories.INGRID_PLAN, note="Tiltaksplan etter vedtak."
    )
    write_plan(
        case=case,
        on=today - timedelta(days=120),
        parts=stories.INGRID_PLAN,
        evaluated=True,
        note="Evaluert sammen med Ingrid: støttekontakten fungerer godt.",
    )
    ended_on = today - timedelta(days=30)
    decide(
        case=case,
        decided_on=ended_on,
        story=stories.INGRID_CHANGE,
        starts=[("advice_guidance", 6)],
        changes=[
            MeasureChange(
                change=DecisionChange.END, measure=measure_of(case, "support_contact"), ends_on=ended_on
            )
        ],
    )
    write_plan(
        case=case,
        on=ended_on,
        parts=stories.INGRID_PLAN_CHANGED,
        evaluated=True,
        note="Støttekontakten er avsluttet etter Ingrids ønske; råd og veiledning fram til 18 år.",
    )


def build_noah(*, case: Case, m: dict[str, NetworkMember], users: dict[str, User], today: date) -> None:
    decide(
        case=case,
        decided_on=today - timedelta(days=150),
        story=stories.NOAH_IMPOSED,
        starts=[("after_school", stories.NOAH_IMPOSED.expected_months)],
    )
    write_plan(
        case=case,
        on=today - timedelta(days=145),
        parts=stories.NOAH_PLAN,
        note="Tiltaksplan etter fylkesnemndas vedtak.",
        internal_note="Fylkesnemnda ba om en ny vurdering før tiltakene forlenges.",
    )
    write_plan(
        case=case,
        on=today - timedelta(days=45),
        parts=stories.NOAH_PLAN,
        evaluated=True,
        note="Evaluert med mor, skolen og miljøarbeideren: Noah kommer oftere på skolen til riktig tid.",
    )
