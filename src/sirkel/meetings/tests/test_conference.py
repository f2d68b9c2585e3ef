"""The family group conference: the coordinator's deadline in working days, the planning, attendance in the
three parts (private family time refused to anyone from a service, by the service and by the database),
the family's plan and the service's decision on it (approval makes actions; a change or a refusal needs a
reason; a refused plan is kept and a changed one follows), who may do what, and the coordinator's narrow
account that sees only their conference."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from sirkel.accounts.models import Role, Service, User
from sirkel.actions.models import Action
from sirkel.cases.access import Part, may, series_access
from sirkel.cases.models import Case, MeasureKind
from sirkel.meetings.models import (
    Conference,
    FamilyPlan,
    Meeting,
    Participant,
    ParticipantRole,
    PlanDecision,
    Series,
)
from sirkel.meetings.selectors import leader_candidates
from sirkel.meetings.services import conference as services
from sirkel.meetings.services import participants as participant_services
from sirkel.meetings.services.conference import Parts
from sirkel.meetings.services.meeting import meeting_day
from sirkel.meetings.tests.meeting_support import invite_family
from sirkel.meetings.tests.preparation_support import go_ahead, plan
from sirkel.meetings.tests.series_support import assert_404_for, start
from sirkel.testing.fixtures import client_for, make_user

FGC = MeasureKind.FAMILY_GROUP_CONFERENCE


@pytest.fixture
def coordinator(service: Service) -> User:
    return make_user("koordinator", service, Role.COORDINATOR)


@pytest.fixture
def series(case: Case, coordinator: User) -> Series:
    return go_ahead(start(case, kind=FGC, leader=coordinator))


@pytest.fixture
def meeting(series: Series) -> Meeting:
    return plan(series)


@pytest.fixture
def family(meeting: Meeting) -> dict[str, Participant]:
    return invite_family(meeting)


def _parts(meeting: Meeting, **present: tuple[bool, bool, bool]) -> dict[int, Parts]:
    by_name = {p.name: p for p in Participant.objects.filter(meeting=meeting)}
    return {by_name[name].pk: Parts(*flags) for name, flags in present.items()}


# --- Working days and the coordinator's deadline ---------------------------------------------------------


def test_working_days_skip_weekends_and_norwegian_public_holidays() -> None:
    # Friday 1 May 2026 (Labour Day) and the weekend are skipped: Thursday 30 April + 1 → Monday 4 May.
    assert services.working_days_after(date(2026, 4, 30), 1) == date(2026, 5, 4)
    # Easter 2027: Maundy Thursday 25 March to Easter Monday 29 March are not working days.
    assert services.working_days_after(date(2027, 3, 24), 1) == date(2027, 3, 30)
    assert services.easter_sunday(2027) == date(2027, 3, 28)
    holidays = services.norwegian_public_holidays(2026)
    assert {date(2026, 5, 17), date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 26)} <= holidays
    # An ordinary week: Monday + 15 working days is the Monday three weeks later.
    assert services.working_days_after(date(2026, 9, 7), 15) == date(2026, 9, 28)


def test_easter_falls_on_the_known_sundays_and_norway_has_twelve_public_holidays() -> None:
    # Easter Sunday as the Church of Norway's almanac gives it, early and late years included.
    known = {
        2019: date(2019, 4, 21),
        2024: date(2024, 3, 31),
        2025: date(2025, 4, 20),
        2026: date(2026, 4, 5),
        2035: date(2035, 3, 25),
        2038: date(2038, 4, 25),
    }
    assert {year: services.easter_sunday(year) for year in known} == known
    # New Year's Day, Maundy Thursday, Good Friday, Easter Sunday and Monday, 1 May, 17 May, Ascension Day,
    # Whit Sunday and Monday, Christmas Day and Boxing Day.
    holidays_2025 = services.norwegian_public_holidays(2025)
    assert len(holidays_2025) == 12
    assert {date(2025, 4, 17), date(2025, 4, 18), date(2025, 5, 29), date(2025, 6, 9)} <= holidays_2025


def test_the_coordinator_is_due_within_15_working_days_or_one_when_acute() -> None:
    conference = Conference(coordinator_requested_on=date(2026, 9, 7))
    assert services.coordinator_due_on(conference) == date(2026, 9, 28)
    conference.acute = True
    assert services.coordinator_due_on(conference) == date(2026, 9, 8)
    assert services.coordinator_due_on(Conference()) is None


def test_the_assignment_is_on_time_late_due_or_overdue() -> None:
    conference = Conference(coordinator_requested_on=date(2026, 9, 7))  # due 28 September
    assert services.assignment(conference, today=date(2026, 9, 10)).state == "due"
    assert services.assignment(conference, today=date(2026, 9, 29)).state == "overdue"
    conference.coordinator_assigned_on = date(2026, 9, 28)
    assert services.assignment(conference).state == "on_time"
    conference.coordinator_assigned_on = date(2026, 9, 29)
    late = services.assignment(conference)
    assert (late.state, late.is_late) == ("late", True)
    assert services.assignment(Conference()).state == "not_requested"


def test_planning_outside_4_to_8_weeks_and_hours_outside_25_to_35_are_flagged() -> None:
    conference = Conference(planning_started_on=date(2026, 9, 1))
    assert services.planning_weeks(conference, conference_day=date(2026, 9, 22)) == 3
    assert services.planning_outside_usual(3) and services.planning_outside_usual(9)
    assert not services.planning_outside_usual(6)
    assert not services.planning_outside_usual(None)
    assert services.hours_outside_usual(Decimal(20)) and services.hours_outside_usual(Decimal("35.5"))
    assert not services.hours_outside_usual(Decimal(30))


# --- The conference record --------------------------------------------------------------------------------


def test_the_service_writes_the_request_and_the_questions(series: Series) -> None:
    conference = services.save_request(
        acting_user=series.caseworker,
        series=series,
        version=1,
        coordinator_requested_on=date(2026, 9, 7),
        acute=False,
        coordinator_assigned_on=date(2026, 9, 14),
        situation="Mor er mye syk, og Emma er mye alene.",
        questions="Hvem kan følge Emma til skolen?\n\n  Hvor kan Emma være når mor er innlagt?  ",
        questions_agreed_on=date(2026, 9, 10),
    )
    assert conference.version == 2
    assert conference.question_list == [
        "Hvem kan følge Emma til skolen?",
        "Hvor kan Emma være når mor er innlagt?",
    ]


def test_the_coordinator_records_the_planning_but_not_the_service_s_part(
    series: Series, coordinator: User
) -> None:
    saved = services.save_planning(
        acting_user=coordinator,
        series=series,
        version=1,
        planning_started_on=date(2026, 9, 14),
        coordinator_hours=Decimal("28.5"),
    )
    assert saved.coordinator_hours == Decimal("28.5")
    with pytest.raises(PermissionDenied):
        services.save_request(
            acting_user=coordinator,
            series=series,
            version=saved.version,
            coordinator_requested_on=None,
            acute=False,
            coordinator_assigned_on=None,
            situation="",
            questions="",
            questions_agreed_on=None,
        )


def test_assigned_before_requested_is_refused(series: Series) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_request(
            acting_user=series.caseworker,
            series=series,
            version=1,
            coordinator_requested_on=date(2026, 9, 7),
            acute=True,
            coordinator_assigned_on=date(2026, 9, 6),
            situation="",
            questions="",
            questions_agreed_on=None,
        )
    assert "coordinator_assigned_on" in caught.value.message_dict


# --- Attendance per part -----------------------------------------------------------------------------------


def test_private_family_time_is_recorded_for_the_family(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    services.record_parts(
        acting_user=coordinator,
        meeting=meeting,
        parts=_parts(
            meeting,
            **{
                "Mona Mor": (True, True, True),
                "Tove Tante": (True, True, False),
                "Lars Lærer": (True, False, False),
                "Frank Far": (False, False, False),
            },
        ),
    )
    aunt = Participant.objects.get(pk=family["aunt"].pk)
    teacher = Participant.objects.get(pk=family["teacher"].pk)
    father = Participant.objects.get(pk=family["father"].pk)
    assert (aunt.part_information, aunt.part_family_time, aunt.part_joint) == (True, True, False)
    assert teacher.part_information and not teacher.part_family_time
    assert aunt.attended and teacher.attended and father.attendance == "absent"


def test_someone_from_a_service_in_private_family_time_is_refused_in_words(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.record_parts(
            acting_user=coordinator,
            meeting=meeting,
            parts=_parts(meeting, **{"Mona Mor": (True, True, True), "Lars Lærer": (True, True, True)}),
        )
    assert "Lars Lærer" in caught.value.messages[0]
    assert "familiens egen tid" in caught.value.messages[0].lower()
    assert not Participant.objects.filter(meeting=meeting, part_family_time=True).exists()  # nothing saved


def test_a_staff_account_in_private_family_time_is_refused(meeting: Meeting, series: Series) -> None:
    [staff] = participant_services.add_participants(
        acting_user=series.caseworker, meeting=meeting, users=[series.caseworker]
    )
    assert staff.user_id == series.caseworker.pk
    with pytest.raises(ValidationError):
        services.record_parts(
            acting_user=series.caseworker, meeting=meeting, parts={staff.pk: Parts(False, True, False)}
        )


def test_the_database_itself_refuses_a_service_in_private_family_time(
    meeting: Meeting, family: dict[str, Participant], series: Series
) -> None:
    """Bypassing the service: the check constraint holds for a public participant, a staff role and a
    staff account, each alone."""
    teacher = family["teacher"]
    [staff] = participant_services.add_participants(
        acting_user=series.caseworker, meeting=meeting, users=[series.caseworker]
    )
    aunt = family["aunt"]
    for pk, change in (
        (teacher.pk, {}),
        (staff.pk, {}),
        (aunt.pk, {"role": ParticipantRole.STAFF}),
        (aunt.pk, {"is_public": True}),
        (aunt.pk, {"user": series.caseworker}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Participant.objects.filter(pk=pk).update(part_family_time=True, **change)
    Participant.objects.filter(pk=aunt.pk).update(part_family_time=True)  # the private network may
    assert Participant.objects.get(pk=aunt.pk).part_family_time


# --- The family's plan and the decision ---------------------------------------------------------------------


def _plan_with_items(meeting: Meeting, coordinator: User, family: dict[str, Participant]) -> FamilyPlan:
    written = services.write_family_plan(
        acting_user=coordinator, meeting=meeting, text="Vi i familien har bestemt:\nTove henter Emma."
    )
    day = meeting_day(meeting) + timedelta(days=14)
    services.add_plan_item(
        acting_user=coordinator,
        plan=written,
        what="Henter Emma på skolen tirsdager",
        due_on=day,
        owner_member=family["aunt"].member,
    )
    services.add_plan_item(
        acting_user=coordinator,
        plan=written,
        what="Avtaler møte med skolen",
        due_on=day,
        owner_user=meeting.series.caseworker,
    )
    return written


def test_approving_the_plan_makes_each_item_an_action(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    written = _plan_with_items(meeting, coordinator, family)
    decided = services.decide_plan(
        acting_user=meeting.series.caseworker, plan=written, decision=PlanDecision.APPROVED
    )
    assert decided.decision == PlanDecision.APPROVED and decided.decided_by == meeting.series.caseworker
    actions = list(Action.objects.filter(series=meeting.series).order_by("what"))
    assert [a.what for a in actions] == ["Avtaler møte med skolen", "Henter Emma på skolen tirsdager"]
    assert actions[1].owner_member_id == family["aunt"].member_id
    assert actions[0].owner_user_id == meeting.series.caseworker.pk
    assert all(a.meeting_id == meeting.pk for a in actions)
    assert {i.action_id for i in decided.items.all()} == {a.pk for a in actions}


def test_the_coordinator_writes_the_plan_but_never_decides_on_it(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    written = _plan_with_items(meeting, coordinator, family)
    with pytest.raises(PermissionDenied):
        services.decide_plan(acting_user=coordinator, plan=written, decision=PlanDecision.APPROVED)
    assert not Action.objects.filter(series=meeting.series).exists()


def test_a_change_or_a_refusal_needs_a_reason(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    written = _plan_with_items(meeting, coordinator, family)
    for decision in (PlanDecision.CHANGED, PlanDecision.REFUSED):
        with pytest.raises(ValidationError) as caught:
            services.decide_plan(
                acting_user=meeting.series.caseworker, plan=written, decision=decision, reason=" "
            )
        assert "reason" in caught.value.message_dict
    # And the database, bypassing the service:
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyPlan.objects.filter(pk=written.pk).update(decision=PlanDecision.REFUSED, reason="")


def test_a_refused_plan_is_kept_and_the_family_writes_a_changed_one(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    written = _plan_with_items(meeting, coordinator, family)
    with pytest.raises(ValidationError):  # waiting for the decision: no second version yet
        services.write_family_plan(acting_user=coordinator, meeting=meeting, text="En annen plan")
    services.decide_plan(
        acting_user=meeting.series.caseworker,
        plan=written,
        decision=PlanDecision.REFUSED,
        reason="Emma kan ikke være alene hos far om nettene før det er avklart.",
    )
    assert not Action.objects.filter(series=meeting.series).exists()  # a refused plan makes no actions
    with pytest.raises(ValidationError):  # decided: kept as it was
        services.add_plan_item(
            acting_user=coordinator, plan=written, what="Mer", due_on=date(2031, 1, 1), owner_member=None
        )
    changed = services.write_family_plan(acting_user=coordinator, meeting=meeting, text="Endret plan")
    assert changed.number == 2
    assert FamilyPlan.objects.get(pk=written.pk).reason.startswith("Emma kan ikke")


def test_an_item_needs_one_owner_from_the_network_or_the_staff(
    meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    written = services.write_family_plan(acting_user=coordinator, meeting=meeting, text="Planen")
    with pytest.raises(ValidationError) as caught:
        services.add_plan_item(
            acting_user=coordinator, plan=written, what="Alle hjelper", due_on=date(2031, 1, 1)
        )
    assert "owner" in caught.value.message_dict


def test_approving_a_plan_without_items_is_refused(meeting: Meeting, coordinator: User) -> None:
    written = services.write_family_plan(acting_user=coordinator, meeting=meeting, text="Planen")
    with pytest.raises(ValidationError):
        services.decide_plan(
            acting_user=meeting.series.caseworker, plan=written, decision=PlanDecision.APPROVED
        )


# --- The coordinator's narrow account --------------------------------------------------------------------


def test_the_coordinator_s_access_is_narrow(series: Series, coordinator: User) -> None:
    access = series_access(user=coordinator, series=series)
    assert (access.can_view, access.can_edit, access.can_run_meetings) == (True, False, True)
    assert access.narrow and not access.sees_case
    assert access.sees(Part.CONFERENCE) and access.sees(Part.MEETING) and not access.sees(Part.MEASURE)
    assert not series_access(user=series.caseworker, series=series).narrow
    assert may(user=coordinator, action="view", obj=series)
    assert not may(user=coordinator, action="view", obj=series.case)


def test_the_coordinator_sees_the_conference_and_its_meetings(
    series: Series, meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    services.save_request(
        acting_user=series.caseworker,
        series=series,
        version=1,
        coordinator_requested_on=date(2026, 9, 7),
        acute=False,
        coordinator_assigned_on=None,
        situation="Mor er mye syk.",
        questions="Hvem kan følge Emma til skolen?",
        questions_agreed_on=date(2026, 9, 10),
    )
    client = client_for(coordinator)
    args = [series.case_id, series.measure_id]
    page = client.get(reverse("meetings:conference", args=args))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hvem kan følge Emma til skolen?" in html and "Mor er mye syk." in html
    assert "Tove Tante" in html  # the invitation list
    assert "Familiens hus" in html  # the practical details
    assert reverse("meetings:consent_add", args=args) not in html
    # The measure's page is the conference's for them.
    detail = client.get(reverse("meetings:detail", args=args))
    assert detail.status_code == 302 and detail["Location"] == reverse("meetings:conference", args=args)
    for name in ("meetings:meeting", "meetings:conference_meeting", "meetings:minutes", "meetings:guide"):
        assert client.get(reverse(name, args=[*args, meeting.pk])).status_code == 200, name
    Meeting.objects.filter(pk=meeting.pk).update(purpose="")  # else the page shows the measure's goals
    meeting_page = client.get(reverse("meetings:meeting", args=[*args, meeting.pk])).content.decode()
    assert reverse("meetings:prepare", args=[*args, meeting.pk]) not in meeting_page
    assert reverse("actions:plan", args=args) not in meeting_page
    assert series.purpose and series.purpose not in meeting_page  # the measure plan's goals are the case's


def test_the_coordinator_gets_404_on_the_case_file(
    series: Series, meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    case_id, measure_id = series.case_id, series.measure_id
    client = client_for(coordinator)
    urls = [
        reverse("cases:detail", args=[case_id]),
        reverse("cases:plan", args=[case_id]),
        reverse("cases:decision_new", args=[case_id]),
        reverse("network:page", args=[case_id]),
        reverse("network:map", args=[case_id]),
        reverse("meetings:case_measures", args=[case_id]),
        reverse("meetings:screening", args=[case_id, measure_id]),
        reverse("meetings:consent_add", args=[case_id, measure_id]),
        reverse("meetings:prepare", args=[case_id, measure_id, meeting.pk]),
        reverse("meetings:participants", args=[case_id, measure_id, meeting.pk]),
        reverse("meetings:send_invitations", args=[case_id, measure_id, meeting.pk]),
        reverse("meetings:waiver", args=[case_id, measure_id, meeting.pk]),
        reverse("actions:plan", args=[case_id, measure_id]),
        reverse("api:process", args=[case_id, measure_id]),
    ]
    for url in urls:
        assert client.get(url).status_code in (401, 404), url
    # Writing the service's notes (with the internal ones) is the service's.
    assert (
        client.post(reverse("meetings:meeting", args=[case_id, measure_id, meeting.pk]), {}).status_code
        == 404
    )
    # The case list shows nothing.
    listing = client.get(reverse("cases:list"))
    assert listing.status_code == 200 and "Emma" not in listing.content.decode()
    assert 'id="to-my-meetings"' in listing.content.decode()  # where their conferences are


def test_the_coordinator_gets_404_on_a_conference_they_do_not_coordinate(
    case: Case, service: Service, coordinator: User
) -> None:
    another = make_user("koordinator2", service, Role.COORDINATOR)
    other_series = go_ahead(start(case, kind=FGC, leader=another))
    other_meeting = plan(other_series)
    args = [other_series.case_id, other_series.measure_id]
    assert_404_for(
        [client_for(coordinator)],
        reverse("meetings:conference", args=args),
    )
    client = client_for(coordinator)
    for name in ("meetings:conference_meeting", "meetings:meeting", "meetings:minutes"):
        assert client.get(reverse(name, args=[*args, other_meeting.pk])).status_code == 404, name


def test_my_meetings_lists_the_coordinator_s_conferences(series: Series, coordinator: User) -> None:
    page = client_for(coordinator).get(reverse("meetings:my_meetings"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("meetings:detail", args=[series.case_id, series.measure_id]) in html
    assert reverse("meetings:my_meetings") in html  # the menu offers it


def test_the_conference_page_is_404_for_other_kinds(case: Case, caseworker: User) -> None:
    other = start(case, kind=MeasureKind.NETWORK_MEETING)
    response = client_for(caseworker).get(
        reverse("meetings:conference", args=[other.case_id, other.measure_id])
    )
    assert response.status_code == 404


# --- The pages ------------------------------------------------------------------------------------------


def _post(client: Client, name: str, args: list[int], data: dict[str, str]) -> int:
    return client.post(reverse(name, args=args), data).status_code


def test_the_pages_refuse_staff_in_family_time_and_show_the_decision_with_its_reason(
    series: Series, meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    args = [series.case_id, series.measure_id, meeting.pk]
    coordinating = client_for(coordinator)
    teacher = family["teacher"]
    refused = coordinating.post(
        reverse("meetings:conference_parts", args=args), {f"p{teacher.pk}_1": "on", f"p{teacher.pk}_2": "on"}
    )
    assert refused.status_code == 400
    assert "Lars Lærer" in refused.content.decode()
    assert not Participant.objects.get(pk=teacher.pk).part_family_time
    assert _post(coordinating, "meetings:family_plan_new", args, {"text": "Familiens egen plan."}) == 302
    written = FamilyPlan.objects.get(meeting=meeting)
    # The coordinator cannot decide: 404, and nothing changes.
    assert (
        _post(coordinating, "meetings:family_plan_decide", [*args, written.pk], {"decision": "approved"})
        == 404
    )
    caseworker = client_for(series.caseworker)
    no_reason = caseworker.post(
        reverse("meetings:family_plan_decide", args=[*args, written.pk]),
        {"decision": "refused", "reason": ""},
    )
    assert no_reason.status_code == 400
    assert (
        _post(
            caseworker,
            "meetings:family_plan_decide",
            [*args, written.pk],
            {"decision": "refused", "reason": "Sikkerheten om natten er ikke ivaretatt."},
        )
        == 302
    )
    for client in (coordinating, caseworker):
        page = client.get(reverse("meetings:conference", args=args[:2])).content.decode()
        assert "Sikkerheten om natten er ikke ivaretatt." in page
    minutes = caseworker.get(reverse("meetings:minutes", args=args)).content.decode()
    assert "Familiens egen plan." in minutes and "Sikkerheten om natten er ikke ivaretatt." in minutes


def test_a_follow_up_conference_is_planned_when_the_caseworker_decides(
    series: Series, meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    follow_up = plan(series, starts_at=meeting.starts_at + timedelta(days=60) if meeting.starts_at else None)
    assert follow_up.kind == "follow_up" and follow_up.sequence == 2
    # The invitation list is copied; attendance per part starts afresh.
    copied = Participant.objects.filter(meeting=follow_up)
    assert copied.count() == len(family) and not copied.filter(part_information=True).exists()
    client = client_for(coordinator)
    args = [series.case_id, series.measure_id]
    page = client.get(reverse("meetings:conference", args=args)).content.decode()
    assert "Oppfølgingsråd 2" in page
    assert client.get(reverse("meetings:conference_meeting", args=[*args, follow_up.pk])).status_code == 200


def test_an_administrator_gives_the_coordinator_an_account_in_the_admin(case: Case, service: Service) -> None:
    """The admin's membership form offers the coordinator role; the account is then offered as the
    conference's coordinator, and the case stays closed to it."""
    root = User.objects.create_superuser(username="root", password="x-not-used-1")
    outside = User.objects.create_user(username="ekstern", first_name="Eva", last_name="Ekstern")
    admin = client_for(root)
    form = admin.get("/admin/accounts/membership/add/").content.decode()
    assert 'value="coordinator"' in form
    response = admin.post(
        "/admin/accounts/membership/add/",
        {"user": outside.pk, "service": service.pk, "role": Role.COORDINATOR.value},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert outside in leader_candidates(service_id=service.pk, kind=FGC)
    assert not may(user=outside, action="view", obj=case)


def test_the_conference_pages_queries_do_not_grow_with_plans_and_items(
    series: Series, meeting: Meeting, family: dict[str, Participant], coordinator: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(series.caseworker)
    args = [series.case_id, series.measure_id]
    pages = [
        reverse("meetings:conference", args=args),
        reverse("meetings:conference_meeting", args=[*args, meeting.pk]),
    ]
    first = _plan_with_items(meeting, coordinator, family)
    with CaptureQueriesContext(connection) as few:
        for url in pages:
            assert client.get(url).status_code == 200
    services.decide_plan(
        acting_user=series.caseworker, plan=first, decision="refused", reason="Ikke trygt nok."
    )
    _plan_with_items(meeting, coordinator, family)
    with CaptureQueriesContext(connection) as many:
        for url in pages:
            assert client.get(url).status_code == 200
    assert len(many) <= len(few)
