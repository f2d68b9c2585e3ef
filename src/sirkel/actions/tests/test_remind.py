"""`sirkel remind`: one e-mail per recipient about actions due soon or overdue and follow-ups not scheduled,
only to network members who may be contacted, once a day, with a dry run, audited."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from sirkel.accounts.models import User
from sirkel.actions.models import Action, ActionStatus, ReminderLog
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.meetings.models import Meeting, MeetingStatus, Series, SeriesStatus
from sirkel.network.models import NetworkMember

LOCMEM = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def run(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def staffed(caseworker: User, teammate: User) -> None:
    User.objects.filter(pk=caseworker.pk).update(email="caseworker@example.org")
    User.objects.filter(pk=teammate.pk).update(email="teammate@example.org")


@pytest.fixture
def planned_followup(series: Series, make_meeting: Callable[..., Meeting]) -> Meeting:
    """A follow-up is planned, so only the actions themselves are reminded about."""
    return make_meeting(series, sequence=2, status=MeetingStatus.PLANNED)


@LOCMEM
@pytest.mark.django_db
def test_owner_gets_one_mail_listing_due_soon_and_overdue_but_not_later_or_done(
    series: Series,
    first_meeting: Meeting,
    planned_followup: Meeting,
    make_action: Callable[..., Action],
    teammate: User,
    staffed: None,
    case: Case,
) -> None:
    make_action(series, first_meeting, due_in=-3, what="Forfalt oppgave", owner_user=teammate)
    make_action(series, first_meeting, due_in=2, what="Snart oppgave", owner_user=teammate)
    make_action(series, first_meeting, due_in=30, what="Senere oppgave", owner_user=teammate)
    make_action(
        series,
        first_meeting,
        due_in=-3,
        what="Ferdig oppgave",
        owner_user=teammate,
        status=ActionStatus.DONE,
    )

    run()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["teammate@example.org"]
    assert "Forfalt oppgave" in message.body and "Snart oppgave" in message.body
    assert "Senere oppgave" not in message.body and "Ferdig oppgave" not in message.body
    # The child's first name, nothing more about the child.
    assert case.child_given_name in message.body
    assert case.child_family_name not in message.body
    assert str(case.birth_date.year) not in message.body
    assert ReminderLog.objects.filter(recipient=f"user:{teammate.pk}").count() == 2


@LOCMEM
@pytest.mark.django_db
def test_network_member_is_mailed_only_with_consent_to_contact(
    series: Series,
    first_meeting: Meeting,
    planned_followup: Meeting,
    make_action: Callable[..., Action],
    make_member: Callable[..., NetworkMember],
    grandma: NetworkMember,
    staffed: None,
) -> None:
    uncle = make_member(series.case, "Onkel Per", email="per@example.org", may_contact=False)
    make_action(series, first_meeting, due_in=1, what="Bestemor henter", owner_member=grandma)
    make_action(series, first_meeting, due_in=1, what="Onkel ringer", owner_member=uncle)

    dry = run("--dry-run")
    assert "berit@example.org" in dry and "Bestemor henter" in dry
    assert f"Skipped Onkel Per (member:{uncle.pk})" in dry and "Onkel ringer" in dry
    assert "per@example.org" not in dry

    run()
    assert [m.to for m in mail.outbox] == [["berit@example.org"]]
    assert "Onkel ringer" not in mail.outbox[0].body
    # The actions may come from any kind of measure (a family group conference, a mentor's shared plan):
    # the mail does not call where they were agreed a network meeting.
    assert "Dette er en påminnelse om det du sa du skulle gjøre:" in mail.outbox[0].body
    assert "nettverksmøte" not in mail.outbox[0].body.lower()


@LOCMEM
@pytest.mark.django_db
def test_dry_run_lists_but_sends_and_records_nothing(
    series: Series,
    first_meeting: Meeting,
    planned_followup: Meeting,
    make_action: Callable[..., Action],
    teammate: User,
    staffed: None,
) -> None:
    action = make_action(series, first_meeting, due_in=-1, what="Forfalt", owner_user=teammate)
    out = run("--dry-run")
    assert "teammate@example.org" in out and f"[action:{action.pk}]" in out
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    event = AuditEvent.objects.filter(object_type="reminders").get()
    assert event.detail["dry_run"] is True and event.detail["recipients"] == 1 and event.detail["sent"] == 0


@LOCMEM
@pytest.mark.django_db
def test_second_run_the_same_day_sends_nothing_again(
    series: Series,
    first_meeting: Meeting,
    planned_followup: Meeting,
    make_action: Callable[..., Action],
    teammate: User,
    staffed: None,
) -> None:
    make_action(series, first_meeting, due_in=-1, owner_user=teammate)
    run()
    run()
    assert len(mail.outbox) == 1
    events = list(AuditEvent.objects.filter(object_type="reminders").order_by("id"))
    assert [e.detail["sent"] for e in events] == [1, 0]
    assert events[1].detail["already_sent_today"] == 1


@LOCMEM
@pytest.mark.django_db
def test_caseworker_is_reminded_when_no_follow_up_is_scheduled(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    grandma: NetworkMember,
    caseworker: User,
    staffed: None,
    case: Case,
) -> None:
    make_action(series, first_meeting, due_in=30, owner_member=grandma)  # not due: no mail to grandma
    run()
    assert [m.to for m in mail.outbox] == [["caseworker@example.org"]]
    assert case.child_given_name in mail.outbox[0].body
    assert ReminderLog.objects.filter(
        recipient=f"user:{caseworker.pk}", item=f"followup:{series.pk}"
    ).exists()


@LOCMEM
@pytest.mark.django_db
def test_stopped_measures_remind_nobody(
    series: Series,
    first_meeting: Meeting,
    make_action: Callable[..., Action],
    grandma: NetworkMember,
    teammate: User,
    staffed: None,
) -> None:
    make_action(series, first_meeting, due_in=-1, owner_member=grandma)
    make_action(series, first_meeting, due_in=-1, owner_user=teammate)
    Series.objects.filter(pk=series.pk).update(status=SeriesStatus.STOPPED)
    run()
    assert mail.outbox == []
    assert AuditEvent.objects.get(object_type="reminders").detail["recipients"] == 0
