"""The demo's other network measures, each in the state the demo shows: a family group conference with its
plan refused, changed and approved; a natural mentor in phase 3; a resource person who may not end yet;
NTT with two steering group meetings and its cadence; a responsibility group of mostly public services;
an individual plan with its coordinator and goals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.selectors.due import today
from sirkel.cases.models import Goal, MeasureKind
from sirkel.demo.loader import load_demo
from sirkel.meetings.models import (
    Engagement,
    FamilyPlan,
    MeetingKind,
    MeetingStatus,
    MentorAnswer,
    MentorNomination,
    Participant,
    ParticipantRole,
    PlanDecision,
    ResourceRole,
    Series,
    SeriesStatus,
)
from sirkel.meetings.selectors import leader_candidates
from sirkel.meetings.services import conference as conference_services
from sirkel.meetings.services import contacts
from sirkel.meetings.services import mentor as mentor_services
from sirkel.meetings.services.engagement import missing_before_end
from sirkel.meetings.services.series import end_series
from sirkel.network.models import Side


@pytest.fixture
def demo(db: None, settings: Any) -> dict[str, int]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo()


def series_of(kind: str) -> Series:
    return Series.objects.select_related("measure__case", "leader", "person").get(measure__kind=kind)


def test_each_other_kind_is_in_the_demo_once_on_its_own_case(demo: dict[str, int]) -> None:
    cases = {
        kind: series_of(kind).case.child_given_name
        for kind in (
            MeasureKind.FAMILY_GROUP_CONFERENCE,
            MeasureKind.NATURAL_MENTOR,
            MeasureKind.RESOURCE_PERSON,
            MeasureKind.NTT,
            MeasureKind.RESPONSIBILITY_GROUP,
            MeasureKind.INDIVIDUAL_PLAN,
        )
    }
    assert cases == {
        MeasureKind.FAMILY_GROUP_CONFERENCE: "Maja",
        MeasureKind.NATURAL_MENTOR: "William",
        MeasureKind.RESOURCE_PERSON: "Leah",
        MeasureKind.NTT: "Selma",
        MeasureKind.RESPONSIBILITY_GROUP: "Theo",
        MeasureKind.INDIVIDUAL_PLAN: "Oliver",
    }
    # Every one of them was decided, and has its goals in the case's measure plan.
    for series in Series.objects.filter(measure__kind__in=cases).select_related("measure"):
        assert series.measure.decided_in.exists(), series.kind
        assert Goal.objects.filter(measure=series.measure, retired_at__isnull=True).exists(), series.kind
        assert series.status == SeriesStatus.ACTIVE, series.kind


def test_the_family_group_conference_is_held_and_its_changed_plan_approved_with_actions(
    demo: dict[str, int],
) -> None:
    series = series_of(MeasureKind.FAMILY_GROUP_CONFERENCE)
    assert series.leader is not None and series.leader.username == "koordinator"
    record = series.conference
    assert conference_services.assignment(record).state == "on_time"
    assert record.questions_agreed_on is not None and len(record.question_list) == 3
    assert record.situation and record.coordinator_hours == Decimal(30)
    held, follow_up = series.meetings.order_by("sequence")
    weeks = conference_services.planning_weeks(record, conference_day=held.held_on)
    assert weeks is not None and not conference_services.planning_outside_usual(weeks)
    assert held.status == MeetingStatus.HELD
    assert follow_up.kind == MeetingKind.FOLLOW_UP and follow_up.status == MeetingStatus.PLANNED
    assert follow_up.starts_at is not None and follow_up.starts_at.date() > today()
    assert series.consents.count() == 2

    # Attendance per part: private family time is the private network alone; the child's support person.
    participants = list(held.participants.all())
    in_family_time = [p for p in participants if p.part_family_time]
    assert len(in_family_time) >= 5
    assert all(not p.is_public and p.user_id is None for p in in_family_time)
    assert any(p.part_information and p.is_public for p in participants)
    assert any(p.user_id and p.part_joint for p in participants)
    support = Participant.objects.get(meeting=held, role=ParticipantRole.SUPPORT)
    assert support.part_family_time and support.name == "Tonje Karlsen"

    # The family's plan: refused once with a reason, then changed and approved; its items are actions.
    refused, approved = FamilyPlan.objects.filter(meeting=held).order_by("number")
    assert refused.decision == PlanDecision.REFUSED and "alene" in refused.reason
    assert not refused.items.filter(action__isnull=False).exists()
    assert approved.decision == PlanDecision.APPROVED and approved.text != refused.text
    items = list(approved.items.select_related("action"))
    assert len(items) == 5 and all(i.action is not None for i in items)
    actions = Action.objects.filter(series=series, meeting=held)
    assert actions.count() == 5 and not actions.filter(owner_member=None, owner_user=None).exists()
    assert actions.filter(owner_user=series.caseworker).count() == 1
    assert all(a.due_on > today() for a in actions)


def test_the_natural_mentor_said_yes_and_phase_3_is_under_way(demo: dict[str, int]) -> None:
    series = series_of(MeasureKind.NATURAL_MENTOR)
    [nomination] = MentorNomination.objects.filter(series=series).select_related("member")
    assert nomination.answer == MentorAnswer.YES and nomination.asked_on is not None
    assert nomination.member.side == Side.PRIVATE and series.person_id == nomination.member_id
    assert series.case.age_on(today()) in (14, 15)
    steps = mentor_services.phase_steps(series)
    assert [s.completed for s in steps] == [True, True, False, False]
    assert [s.number for s in steps if s.current] == [3]
    for step in steps[:3]:
        assert step.phase is not None and step.phase.held_on is not None and step.phase.notes
    one, two = steps[0].phase, steps[1].phase
    assert one is not None and two is not None and one.held_on is not None and two.held_on is not None
    assert one.held_on < two.held_on < today()
    assert one.completed_at is not None and one.completed_at.date() == one.held_on
    # The shared plan's items are actions outside any meeting.
    assert Action.objects.filter(series=series, meeting=None).count() == 2


def test_the_resource_person_is_engaged_and_cannot_end_without_the_answer_about_afterwards(
    demo: dict[str, int],
) -> None:
    series = series_of(MeasureKind.RESOURCE_PERSON)
    engagement = Engagement.objects.get(series=series)
    assert engagement.role == ResourceRole.BOTH
    assert engagement.hours == Decimal(6) and engagement.hours_per == "week"
    assert "Leah" in engagement.activities and "mor" in engagement.activities
    assert engagement.after_end == "" and engagement.after_end_recorded_at is None
    assert series.person is not None and series.person.name == "Gunhild Brekke"
    assert series.case.age_on(today()) <= 6
    # The end guard shows: the measure may not end yet.
    assert "hva som skjer med relasjonen til barnet" in missing_before_end(series=series)
    with pytest.raises(ValidationError):
        end_series(acting_user=series.caseworker, series=series, reason="Familien klarer seg selv.")
    assert Series.objects.get(pk=series.pk).status == SeriesStatus.ACTIVE


def test_ntt_has_an_environmental_therapist_two_steering_groups_held_and_the_next_in_four_weeks(
    demo: dict[str, int],
) -> None:
    series = series_of(MeasureKind.NTT)
    assert series.leader is not None and series.leader.username == "miljoterapeut"
    candidates = leader_candidates(
        service_id=series.case.service_id, exclude_user_id=series.caseworker_id, kind=MeasureKind.NTT
    )
    assert candidates.filter(pk=series.leader.pk).exists()
    assert series.meeting_every_weeks == 4
    assert Goal.objects.filter(measure=series.measure, parent=None, retired_at__isnull=True).count() == 2
    first, second, planned = series.meetings.order_by("sequence")
    assert (first.status, second.status, planned.status) == (
        MeetingStatus.HELD,
        MeetingStatus.HELD,
        MeetingStatus.PLANNED,
    )
    assert first.held_on is not None and second.held_on is not None and planned.starts_at is not None
    assert (second.held_on - first.held_on).days == 28
    assert (planned.starts_at.date() - second.held_on).days == 28 and planned.starts_at.date() > today()
    assert first.decisions and second.decisions and not first.reflecting_team_notes
    # Every action of the first meeting was reviewed at the second.
    assert ActionReview.objects.filter(meeting=second).count() == 3
    assert not Action.objects.filter(meeting=first, status=ActionStatus.OPEN).exists()
    assert Action.objects.filter(meeting=second, status=ActionStatus.OPEN).count() == 3
    # The public partners and the family's own network both sit in the steering group.
    sides = set(first.participants.exclude(role=ParticipantRole.STAFF).values_list("is_public", flat=True))
    assert sides == {True, False}
    # The environmental therapist's contacts between the meetings, against both goals: the second meeting
    # followed up those before it, and the next has those since.
    by_goal = contacts.contacts_by_goal(series=series)
    assert [g.count > 0 for g in by_goal if g.goal is not None and not g.goal.parent_id] == [True, True]
    before = contacts.contacts_since_last_meeting(series=series, meeting=second)
    since = contacts.contacts_since_last_meeting(series=series, meeting=planned)
    assert before.previous == first and before.count >= 4
    assert since.previous == second and since.count >= 1
    assert all(c.by == series.leader for g in by_goal for c in g.contacts)


def test_the_responsibility_group_is_mostly_public_with_two_meetings_held_and_the_next_planned(
    demo: dict[str, int],
) -> None:
    series = series_of(MeasureKind.RESPONSIBILITY_GROUP)
    assert series.leader is not None and series.leader != series.caseworker
    assert not series.screening.decision  # not screened: under way as soon as it started
    first, second, planned = series.meetings.order_by("sequence")
    assert first.status == second.status == MeetingStatus.HELD
    assert planned.status == MeetingStatus.PLANNED
    assert planned.starts_at is not None and planned.starts_at.date() > today()
    # It meets every eight weeks, and the next meeting is planned on time.
    assert series.meeting_every_weeks == 8 and first.held_on and second.held_on
    assert (second.held_on - first.held_on).days == 56 == (planned.starts_at.date() - second.held_on).days
    outside = first.participants.exclude(role=ParticipantRole.STAFF)
    public = outside.filter(is_public=True).count()
    assert public >= 4 and public > outside.filter(is_public=False).count()
    for meeting in (first, second):
        assert meeting.decisions
        assert Action.objects.filter(meeting=meeting).count() == 3
    assert ActionReview.objects.filter(meeting=second).count() == 3
    assert first.waiver_signed_at is not None


def test_the_individual_plan_has_a_coordinator_goals_a_meeting_held_and_the_next_planned(
    demo: dict[str, int],
) -> None:
    series = series_of(MeasureKind.INDIVIDUAL_PLAN)
    assert series.leader is not None and series.leader != series.caseworker
    assert Goal.objects.filter(measure=series.measure, parent=None, retired_at__isnull=True).count() == 2
    held, planned = series.meetings.order_by("sequence")
    assert held.status == MeetingStatus.HELD and held.decisions
    assert planned.status == MeetingStatus.PLANNED
    assert planned.starts_at is not None and planned.starts_at.date() > today()
    # The youth takes part himself, and consented himself.
    assert held.participants.filter(role=ParticipantRole.CHILD).exists()
    assert series.consents.filter(party="youth").exists()
    assert Action.objects.filter(meeting=held, status=ActionStatus.OPEN).count() == 2
