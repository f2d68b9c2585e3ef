"""The demo data: loading is idempotent, the measures are in every state the demo shows, and it is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model

from sirkel.accounts.models import Membership, Role, Service, User
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.selectors.due import OPEN_MEASURE_STATUSES, overdue_q, today
from sirkel.audit.models import AuditEvent
from sirkel.audit.verification import verify_chain
from sirkel.cases.access import series_access
from sirkel.cases.models import (
    Case,
    DecidedMeasure,
    Decision,
    DecisionChange,
    DecisionReason,
    Goal,
    LegalBasis,
    Measure,
    MeasureKind,
    MeasurePlan,
    MeasureStatus,
    Phase,
    PlanEntry,
    PlanVersion,
    ReasonGroup,
    YouthConsent,
)
from sirkel.cases.plans import is_overdue, overdue_plans_q
from sirkel.demo.data import DEMO_USERS, NEIGHBOUR_SERVICE
from sirkel.demo.loader import load_demo
from sirkel.meetings.models import (
    Attendance,
    Conference,
    Consent,
    Engagement,
    FamilyPlan,
    FamilyPlanItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MentorNomination,
    MentorPhase,
    Participant,
    Series,
    SeriesStatus,
    TherapistContact,
    TrainedLeader,
)
from sirkel.meetings.selectors import series_for_user
from sirkel.meetings.services.checklist import preparation_checklist
from sirkel.network.models import NetworkMember, NetworkSnapshot, NetworkTie, Sector, Side, TieKind
from sirkel.research.coding import project_disagreements
from sirkel.research.forms import study_form
from sirkel.research.models import Project, Registration
from sirkel.research.tables import CaseRegistration

COUNTED: list[type[Model]] = [
    User,
    Membership,
    Service,
    Case,
    NetworkMember,
    NetworkTie,
    NetworkSnapshot,
    TrainedLeader,
    Measure,
    Decision,
    DecisionReason,
    DecidedMeasure,
    MeasurePlan,
    PlanEntry,
    Goal,
    PlanVersion,
    Series,
    Meeting,
    Participant,
    Consent,
    Action,
    ActionReview,
    Conference,
    FamilyPlan,
    FamilyPlanItem,
    MentorNomination,
    MentorPhase,
    Engagement,
    TherapistContact,
    AuditEvent,
]


@pytest.fixture
def demo(db: None, settings: Any) -> dict[str, int]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo()


def series_of(given: str, family: str) -> Series:
    return Series.objects.select_related("measure__case").get(
        measure__case__child_given_name=given, measure__case__child_family_name=family
    )


def test_loading_twice_creates_nothing_new(demo: dict[str, int]) -> None:
    assert demo["measures_created"] == 14 and demo["leaders_created"] == 3
    before = {model.__name__: model._default_manager.count() for model in COUNTED}
    again = load_demo()
    after = {model.__name__: model._default_manager.count() for model in COUNTED}
    assert again == {
        "cases_created": 0,
        "leaders_created": 0,
        "measures_created": 0,
        "registrations_created": 0,
    }
    assert after == before
    assert before["Series"] == 12 and before["Measure"] == 19 and before["NetworkMember"] > 90
    assert before["PlanVersion"] > before["MeasurePlan"] == 14
    # The other measures' own records, once each.
    assert (before["Conference"], before["FamilyPlan"], before["FamilyPlanItem"]) == (1, 2, 7)
    assert (before["MentorNomination"], before["MentorPhase"], before["Engagement"]) == (1, 3, 1)
    assert before["TherapistContact"] == 9  # NTT's contacts between the steering group meetings
    assert {u.username for u in User.objects.all()} == {u.username for u in DEMO_USERS}


def test_the_research_project_with_the_studys_files_two_readings_and_consensus(
    demo: dict[str, int],
) -> None:
    project = Project.objects.get(slug="studie-2023")
    assert demo["registrations_created"] == 88 + 18 + 15
    assert project.researchers.filter(user__username="forsker").exists()
    assert project.double_coding_share == 20
    regs = Registration.objects.filter(project=project)
    assert regs.filter(coder="forsker-2").count() == 18 and regs.filter(is_consensus=True).count() == 15
    # The second coder read the files otherwise in seven places: the agreement has disagreements to show,
    # and three double-coded files still wait for the team.
    form = study_form()
    rows = [CaseRegistration(r.case_ref, r.answers, r.is_consensus, r.coder) for r in regs]
    differing = [
        d
        for question in ("birthplace", "lives_with", "years_in_contact")
        for d in project_disagreements(form, rows, question=question)
    ]
    assert len(differing) == 7
    unreconciled = {r.case_ref for r in regs.filter(coder="forsker-2")} - {
        r.case_ref for r in regs.filter(is_consensus=True)
    }
    assert unreconciled == {"STUDIE-016", "STUDIE-017", "STUDIE-018"}


def test_the_audit_chain_records_the_demo_and_verifies(demo: dict[str, int]) -> None:
    result = verify_chain()
    assert result.ok, result.problem
    types = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"case", "network_member", "series", "consent", "meeting", "waiver", "action"} <= types
    assert {"decision", "measure_plan"} <= types


def test_measures_in_every_state(demo: dict[str, int]) -> None:
    statuses = set(Series.objects.values_list("status", flat=True))
    assert statuses == {
        SeriesStatus.SCREENING,
        SeriesStatus.PREPARING,
        SeriesStatus.ACTIVE,
        SeriesStatus.COMPLETED,
        SeriesStatus.STOPPED,
    }

    # Screening: no decision yet, severe conflict noted.
    sofie = series_of("Sofie", "Pedersen")
    assert sofie.status == SeriesStatus.SCREENING
    assert sofie.screening.decision == "" and sofie.screening.severe_conflict

    # Preparing: the checklist is partly done.
    amina = series_of("Amina", "Ahmed")
    assert amina.status == SeriesStatus.PREPARING
    checklist = {item.key: item.done for item in preparation_checklist(amina.meetings.get())}
    assert checklist["purpose"] and checklist["consent"] and checklist["invitations"]
    assert not checklist["interpreter"] and not checklist["speech"] and not checklist["sent"]

    # Active: the first meeting was held, with everything recorded, and a follow-up is planned.
    emma = series_of("Emma", "Hansen")
    assert emma.status == SeriesStatus.ACTIVE and emma.followup_owner_id == emma.caseworker_id
    first, follow_up = emma.meetings.order_by("sequence")
    assert first.status == MeetingStatus.HELD and first.held_on is not None
    assert (today() - first.held_on).days in range(21, 36)
    assert first.reflecting_team_notes and first.decisions and first.internal_notes
    assert first.waiver_signed_at is not None and first.snapshot is not None
    released = first.participants.filter(waiver_released=True)
    assert released.exists() and all(p.is_public for p in released)
    assert set(first.participants.values_list("attendance", flat=True)) >= {
        Attendance.IN_PERSON,
        Attendance.DIGITAL,
        Attendance.ABSENT,
    }
    assert follow_up.kind == MeetingKind.FOLLOW_UP and follow_up.status == MeetingStatus.PLANNED
    assert follow_up.starts_at is not None and follow_up.starts_at.date() > today()
    assert emma.actions.count() == 5

    # Completed: the follow-up meeting reviewed every action from the first.
    jonas = series_of("Jonas", "Johansen")
    assert jonas.status == SeriesStatus.COMPLETED and jonas.ended_on is not None
    first_actions = jonas.actions.filter(meeting__sequence=1)
    reviews = ActionReview.objects.filter(meeting__series=jonas, meeting__kind=MeetingKind.FOLLOW_UP)
    assert reviews.count() == first_actions.count() == 4
    assert not jonas.actions.filter(status=ActionStatus.OPEN).exists()

    # Stopped: consent withdrawn.
    lukas = series_of("Lukas", "Andersen")
    assert lukas.status == SeriesStatus.STOPPED and lukas.end_reason
    assert lukas.consents.filter(withdrawn_at__isnull=False).count() == 1

    # A start meeting on a case being investigated, held.
    start = Series.objects.select_related("measure__case").get(measure__kind=MeasureKind.START_MEETING)
    assert start.case.phase == Phase.INVESTIGATION
    assert start.meetings.filter(status=MeetingStatus.HELD).count() == 1


def test_exactly_one_overdue_action_on_the_active_series(demo: dict[str, int]) -> None:
    overdue = Action.objects.filter(overdue_q(on=today()), series__status__in=OPEN_MEASURE_STATUSES)
    assert overdue.count() == 1
    action = overdue.get()
    assert action.series == series_of("Emma", "Hansen")
    assert (today() - action.due_on).days == 7


def test_networks_and_snapshots(demo: dict[str, int]) -> None:
    emma = Case.objects.get(child_given_name="Emma", child_family_name="Hansen")
    members = list(emma.network_members.all())
    assert 6 <= len(members) <= 15
    assert {m.sector for m in members} == {s.value for s in Sector}
    assert {m.ring for m in members} == {1, 2, 3}
    assert {m.side for m in members} == {s.value for s in Side}
    assert any(m.is_stress for m in members) and any(m.may_contact for m in members)
    assert all(m.support for m in members if m.ring == 1)
    assert NetworkTie.objects.filter(case=emma, kind=TieKind.CONFLICT).exists()
    assert NetworkMember.objects.filter(lives_abroad=True).count() == 1

    # An earlier, smaller mapping and the later one taken at the meeting: the network grew.
    earlier, later = NetworkSnapshot.objects.filter(case=emma).order_by("taken_at")
    assert earlier.taken_at < later.taken_at
    assert len(earlier.data["members"]) < len(later.data["members"]) == len(members)


def test_trained_leaders_and_the_shared_leader(demo: dict[str, int]) -> None:
    konsulent = TrainedLeader.objects.select_related("service").get(user__username="konsulent")
    assert konsulent.service.name != NEIGHBOUR_SERVICE.name and konsulent.active
    shared = TrainedLeader.objects.select_related("service").get(user__username="nabokonsulent")
    assert shared.shared and shared.service.name == NEIGHBOUR_SERVICE.name
    assert Membership.objects.get(user=shared.user).role == Role.CONSULTANT

    led = Series.objects.get(leader=shared.user)
    assert led.case.service.name != NEIGHBOUR_SERVICE.name
    assert list(series_for_user(user=shared.user)) == [led]
    access = series_access(user=shared.user, series=led)
    assert access.can_run_meetings and not access.sees_case and not access.can_edit


def test_every_decided_measure_has_a_decision_with_reasons_and_the_childs_participation(
    demo: dict[str, int],
) -> None:
    # Every measure but the start meeting (which needs no decision) was decided, with the family's reasons.
    undecided = Measure.objects.exclude(decided_in__isnull=False).values_list("kind", flat=True)
    assert list(undecided) == [MeasureKind.START_MEETING]
    decisions = list(Decision.objects.prefetch_related("reasons"))
    assert len(decisions) == 17
    for decision in decisions:
        groups = {r.group for r in decision.reasons.all()}
        assert groups == set(ReasonGroup.values), decision
        assert decision.justification and decision.child_weight
    # Each family's own words, not one text for all.
    assert len({d.justification for d in decisions}) == len(decisions)
    # A youth from 15 consented; younger children are not asked to.
    ingrid = Decision.objects.filter(case__child_given_name="Ingrid")
    assert set(ingrid.values_list("youth_consent", flat=True)) == {YouthConsent.WRITTEN, YouthConsent.ORAL}
    oliver = Decision.objects.filter(case__child_given_name="Oliver")
    assert set(oliver.values_list("youth_consent", flat=True)) == {YouthConsent.ORAL}
    assert not Decision.objects.exclude(case__child_given_name__in=["Ingrid", "Oliver"]).exclude(
        youth_consent=YouthConsent.NOT_APPLICABLE
    )


def test_decisions_start_extend_end_and_impose_measures(demo: dict[str, int]) -> None:
    changes = set(DecidedMeasure.objects.values_list("change", "measure__kind"))
    assert (DecisionChange.EXTEND, "pmto") in changes
    assert (DecisionChange.END, "support_contact") in changes
    kinds = set(Measure.objects.values_list("kind", flat=True))
    assert {"pmto", "visiting_home", "support_contact", "cos_p_individual", "after_school"} <= kinds
    imposed = Measure.objects.filter(legal_basis=LegalBasis.IMPOSED)
    assert set(imposed.values_list("case__child_given_name", flat=True)) == {"Noah"}
    assert set(imposed.values_list("kind", flat=True)) == {"after_school", "home_worker"}
    ended = Measure.objects.get(kind="support_contact")
    assert ended.status == MeasureStatus.ENDED and ended.ended_on is not None
    pmto = Measure.objects.get(kind="pmto")
    first = pmto.decided_in.get(change=DecisionChange.START)
    assert pmto.expected_end is not None and first.expected_months == 9
    assert pmto.planned_start is not None and (pmto.expected_end - pmto.planned_start).days > 360


def test_measure_plans_with_goals_one_overdue_and_one_goal_changed(demo: dict[str, int]) -> None:
    plans = list(MeasurePlan.objects.select_related("case"))
    assert all(plan.next_evaluation_on for plan in plans)
    # Exactly one evaluation is overdue: Sofie's, last evaluated about four months ago every three months.
    overdue = MeasurePlan.objects.filter(pk__in=MeasurePlan.objects.filter(overdue_plans_q()).values("pk"))
    assert [p.case.child_given_name for p in overdue.select_related("case")] == ["Sofie"]
    assert [p.case.child_given_name for p in plans if is_overdue(p)] == ["Sofie"]
    sofie = overdue.get()
    assert sofie.evaluation_months == 3 and sofie.last_evaluated_on is not None
    assert (today() - sofie.last_evaluated_on).days in range(115, 130)

    # Every running measure with a plan entry has goals, content, who does what and a duration.
    entries = (
        PlanEntry.objects.exclude(measure__status=MeasureStatus.ENDED)
        .exclude(measure__kind=MeasureKind.START_MEETING)  # in the investigation: its goal only
        .select_related("measure")
    )
    assert entries.count() == 15
    for entry in entries:
        assert entry.content and entry.responsibilities and entry.expected_duration, entry
        assert Goal.objects.filter(measure=entry.measure, retired_at__isnull=True).exists()
    assert Goal.objects.filter(parent__isnull=False, retired_at__isnull=True).count() >= 10
    assert PlanEntry.objects.exclude(internal_note="").exists()
    assert MeasurePlan.objects.exclude(internal_note="").exists()

    # Jonas's plan has versions over time; a later one changed a goal (the old one is retired, not lost).
    jonas = MeasurePlan.objects.get(case__child_given_name="Jonas")
    versions = list(PlanVersion.objects.filter(plan=jonas).order_by("number"))
    assert len(versions) >= 2
    goal_texts = [
        {g["text"] for row in v.content["measures"] for g in row["goals"] if row["kind"] == "network_meeting"}
        for v in versions
    ]
    assert goal_texts[0] != goal_texts[1]
    assert Goal.objects.filter(measure__case=jonas.case, retired_at__isnull=False).exists()
    assert versions[0].created_at < versions[-1].created_at
