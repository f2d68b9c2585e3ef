"""The network measures' part of a copy for a party's right of access (see `cases.innsyn`).

Per measure with a process: its screening, consents, meetings with their participants, and what the
measure's own method records (a conference, the family's plans, a mentor's nominations and phases, a
resource person's engagement, an environmental therapist's contacts). Flagged: a participant's e-mail
(not the recipient's own), what another person said (the network speech unless the recipient gave it,
what the child wants said unless the copy is for the youth, the reflecting team, a mentor's answer) and
the service's internal notes. A fixed number of queries, whatever the number of measures and meetings.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from sirkel.cases.innsyn import (
    INTERNAL,
    SAID,
    Contributor,
    Entry,
    Item,
    Recipient,
    Section,
    contact_items,
    fields,
    flag_field,
)
from sirkel.cases.models import Case, RecipientRole
from sirkel.meetings.models import FamilyPlan, Meeting, Participant, Series


def _meeting_entry(meeting: Meeting, series: Series, recipient: Recipient) -> Entry:
    said_by_recipient = bool(meeting.network_speech_by) and meeting.network_speech_by == recipient.name
    items: list[Item] = [
        *fields(meeting, "status", "starts_at", "held_on", "place", "purpose"),
        *(fields(meeting, "network_speech_by", "network_speech") if said_by_recipient else []),
        *([] if said_by_recipient else fields(meeting, "network_speech_by")),
        *([] if said_by_recipient else flag_field(meeting, "network_speech", reason=SAID)),
        *(
            fields(meeting, "child_wants_said")
            if recipient.role == RecipientRole.YOUTH
            else flag_field(meeting, "child_wants_said", reason=SAID)
        ),
        *flag_field(meeting, "reflecting_team_notes", reason=SAID),
        *fields(meeting, "decisions"),
        *flag_field(meeting, "parents_not_invited_reason", reason=INTERNAL),
        *flag_field(meeting, "internal_notes", reason=INTERNAL),
    ]
    for p in meeting.participants.all():
        if not p.invited:
            continue
        who = f"{p.name} ({p.get_role_display()})"
        attendance = p.get_attendance_display() if p.attendance else p.get_response_display()
        items.append(Item(_("Invited"), f"{who}: {attendance}"))
        own = recipient.is_member(p.member_id)
        items += contact_items(p, recipient=recipient, own=own or p.user_id is not None, fields=("email",))
    for plan in meeting.family_plans.all():
        items += fields(plan, "text", "decision", "reason")
        items += [Item(_("In the family's plan"), i.what) for i in plan.items.all()]
    return Entry(f"{meeting.label} {meeting.sequence}", items)


def _series_entries(series: Series, recipient: Recipient) -> list[Entry]:
    kind = str(series.measure.get_kind_display())
    head: list[Item] = [*fields(series, "status")]
    if series.leader is not None:
        head.append(Item(_("Leader"), series.leader.display_name()))
    screening = getattr(series, "screening", None)
    if screening is not None:
        head += fields(screening, "decision", "reasoning", "adaptations")
    for consent in series.consents.all():
        state = _("Withdrawn") if consent.withdrawn_at else (_("Given") if consent.given else _("Not given"))
        head.append(Item(_("Consent"), f"{consent.party_name or consent.get_party_display()}: {state}"))
    conference = getattr(series, "conference", None)
    if conference is not None:
        head += fields(conference, "situation", "questions")
    engagement = getattr(series, "engagement", None)
    if engagement is not None:
        head += fields(engagement, "role", "hours", "activities", "after_end")
    for n in series.nominations.all():
        name = n.member.name if n.member_id else ""
        head.append(Item(_("Mentor suggested"), f"{name}: {n.get_answer_display()}" if n.answer else name))
        head += fields(n, "why")
        head += flag_field(n, "answer_note", reason=SAID)
    for phase in series.phases.all():
        head += fields(phase, "held_on", "notes")
        head += flag_field(phase, "internal_notes", reason=INTERNAL)
    for contact in series.contacts.all():
        head += fields(contact, "on", "with_whom", "note")
        head += flag_field(contact, "internal_notes", reason=INTERNAL)
    entries = [Entry(kind, head)]
    entries += [_meeting_entry(m, series, recipient) for m in series.meetings.all()]
    return entries


def sections(case: Case, recipient: Recipient) -> list[Section]:
    series: Any = (
        Series.objects.filter(measure__case=case)
        .select_related("measure", "leader", "screening", "conference", "engagement")
        .prefetch_related(
            "consents",
            "nominations__member",
            "phases",
            "contacts",
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("series__measure").prefetch_related(
                    Prefetch("participants", queryset=Participant.objects.order_by("pk")),
                    Prefetch("family_plans", queryset=FamilyPlan.objects.prefetch_related("items")),
                ),
            ),
        )
        .order_by("measure__created_at", "pk")
    )
    entries = [e for s in series for e in _series_entries(s, recipient)]
    return [Section("meetings", _("Network measures and meetings"), entries)] if entries else []


contributor = Contributor(
    name="meetings",
    order=20,
    covers=(
        "meetings.series",
        "meetings.screening",
        "meetings.consent",
        "meetings.meeting",
        "meetings.participant",
        "meetings.conference",
        "meetings.familyplan",
        "meetings.familyplanitem",
        "meetings.mentornomination",
        "meetings.mentorphase",
        "meetings.engagement",
        "meetings.therapistcontact",
    ),
    sections=sections,
)
