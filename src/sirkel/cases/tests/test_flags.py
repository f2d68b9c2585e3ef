"""The plain statements of hot reads agree with their ORM form: a case page's flags, the menu's flag."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Exists, OuterRef, Q

from sirkel.accounts.models import Service, User
from sirkel.cases.flags import FLAGS, set_flags
from sirkel.cases.models import Case, CaseAssignment, Decision, Innsyn, Measure, MeasurePlan
from sirkel.meetings.models import Series, TrainedLeader
from sirkel.meetings.selectors import leads_or_is_trained


def orm_flags(case: Case) -> dict[str, object]:
    plan = MeasurePlan.objects.filter(case=case).first()
    return {
        "has_assignments": CaseAssignment.objects.filter(case=case).exists(),
        "has_measures": Measure.objects.filter(case=case).exists(),
        "has_decisions": Decision.objects.filter(case=case).exists(),
        "has_handovers": Innsyn.objects.filter(case=case, handed_over_on__isnull=False).exists(),
        "plan_version": plan.version if plan else None,
        "plan_next": plan.next_evaluation_on if plan else None,
    }


def read_flags(case: Case) -> dict[str, object]:
    fresh = Case.objects.get(pk=case.pk)
    set_flags(fresh, FLAGS)
    return {name: getattr(fresh, name) for name in FLAGS}


@pytest.mark.django_db
def test_flags_of_an_empty_case(case: Case) -> None:
    flags = read_flags(case)
    assert flags == orm_flags(case)
    assert flags["has_measures"] is False and flags["plan_next"] is None


@pytest.mark.django_db
def test_flags_of_a_case_with_everything(case: Case, teammate: User, caseworker: User) -> None:
    CaseAssignment.objects.create(case=case, user=teammate)
    Measure.objects.create(case=case, kind="pmto")
    Decision.objects.create(
        case=case,
        decided_on=datetime.date(2026, 3, 1),
        decided_by=caseworker,
        legal_basis="voluntary",
        justification="Behov for støtte i hjemmet.",
    )
    MeasurePlan.objects.create(case=case, version=3, next_evaluation_on=datetime.date(2026, 9, 30))
    Innsyn.objects.create(
        case=case,
        recipient_role="parent",
        recipient_name="Mor",
        produced_by=caseworker,
        handed_over_on=datetime.date(2026, 4, 2),
        handed_over_how="in_person",
    )

    flags = read_flags(case)

    assert flags == orm_flags(case)
    assert flags["has_assignments"] is True and flags["has_handovers"] is True
    assert flags["plan_version"] == 3
    assert flags["plan_next"] == datetime.date(2026, 9, 30)  # a date on SQLite too, not its text


@pytest.mark.django_db
def test_a_produced_but_not_handed_over_innsyn_is_no_handover(case: Case, caseworker: User) -> None:
    Innsyn.objects.create(case=case, recipient_role="parent", recipient_name="Mor", produced_by=caseworker)
    assert read_flags(case)["has_handovers"] is False


def orm_leads_or_is_trained(user: User) -> bool:
    leads = Exists(Series.objects.filter(leader=OuterRef("pk")))
    trained = Exists(TrainedLeader.objects.filter(user=OuterRef("pk"), active=True))
    return User.objects.filter(pk=user.pk).filter(Q(leads) | Q(trained)).exists()


@pytest.mark.django_db
def test_the_menus_leader_flag_agrees_with_the_orm(
    caseworker: User, teammate: User, service: Service
) -> None:
    assert leads_or_is_trained(user=caseworker) is False is orm_leads_or_is_trained(caseworker)
    inactive = TrainedLeader.objects.create(user=caseworker, service=service, active=False)
    assert leads_or_is_trained(user=caseworker) is False is orm_leads_or_is_trained(caseworker)
    inactive.active = True
    inactive.save()
    assert leads_or_is_trained(user=caseworker) is True is orm_leads_or_is_trained(caseworker)
    assert leads_or_is_trained(user=teammate) is False
