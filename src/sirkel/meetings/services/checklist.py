"""What is still missing before a meeting: the preparation checklist, read from rows already loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from sirkel.cases.models import LivesWith
from sirkel.meetings.kinds import in_sentence, kind_config
from sirkel.meetings.models import (
    ChildParticipation,
    Conference,
    InterpreterKind,
    Meeting,
    MeetingMode,
    Participant,
    ParticipantRole,
    Series,
)
from sirkel.meetings.services.balance import balance
from sirkel.meetings.services.consent import consent_status


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    hint: str = ""
    link: str = ""


def _section_link(meeting: Meeting, section: str) -> str:
    return (
        reverse("meetings:prepare", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk])
        + f"#section-{section}"
    )


def _todo_item(*, meeting: Meeting, key: str, label: str, missing: list[str], section: str) -> ChecklistItem:
    """A checklist item that is done when nothing is missing, and otherwise says what is left."""
    hint = _("Still to do: %(what)s.") % {"what": "; ".join(missing)} if missing else ""
    return ChecklistItem(key, label, not missing, hint, _section_link(meeting, section))


def _participants_link(meeting: Meeting) -> str:
    return reverse(
        "meetings:participants", args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk]
    )


def preparation_checklist(
    meeting: Meeting, *, participants: Sequence[Participant] | None = None
) -> list[ChecklistItem]:
    """What is still missing before the meeting, in the order it is usually done: only the items the
    measure's kind prepares (kinds.py `preparation`), in the words of its meetings.

    `participants` may be passed when the caller has loaded them already (saves a query). Uses
    `meeting.measure` and `meeting.measure.case` (select them with the meeting) and one query for consents
    (and, for a family group conference, one for its questions).
    """
    series = meeting.series
    case = series.case
    config = kind_config(series.kind)
    meeting_name = in_sentence(meeting.label)
    if participants is None:
        participants = list(meeting.participants.all())
    invited = [p for p in participants if p.invited]
    items: list[ChecklistItem] = []

    # Purpose / problem formulation, agreed with the parents.
    missing: list[str] = []
    if not series.purpose.strip():
        missing.append(_("write the purpose / problem formulation of the measure"))
    elif not series.purpose_agreed_with_parents:
        missing.append(_("agree on the purpose with the parents"))
    if not meeting.purpose.strip():
        missing.append(_("write the purpose of this meeting (%(meeting)s)") % {"meeting": meeting_name})
    items.append(
        _todo_item(
            meeting=meeting,
            key="purpose",
            label=_("Purpose agreed with the parents"),
            missing=missing,
            section="purpose",
        )
    )

    # A family group conference: the questions for the conference, agreed with the family.
    if "questions" in config.preparation:
        items.append(_questions_item(series))

    # Consent from each parent, and the youth from 15.
    consent = consent_status(series)
    consent_hint = ""
    if consent.withdrawn:
        consent_hint = _("Consent has been withdrawn.")
    elif consent.missing:
        consent_hint = _("Consent still missing from: %(who)s.") % {"who": ", ".join(consent.missing)}
    items.append(
        ChecklistItem(
            "consent",
            _("Consent from the parents and a youth from 15"),
            consent.complete,
            consent_hint,
            reverse("meetings:detail", args=[series.case_id, series.measure_id]) + "#consent-heading",
        )
    )

    # Invitations: at least someone from each side.
    sides = balance(invited, leader_id=series.leader_id)
    chosen_missing: list[str] = []
    if not sides.private:
        chosen_missing.append(_("no one from the private network"))
    if not sides.public:
        chosen_missing.append(_("no one from the public network"))
    items.append(
        ChecklistItem(
            "invitations",
            _("Who to invite is chosen"),
            not chosen_missing,
            _("So far: %(what)s.") % {"what": ", ".join(chosen_missing)} if chosen_missing else "",
            _participants_link(meeting),
        )
    )
    items.append(
        ChecklistItem(
            "balance",
            _("A good balance among those invited"),
            bool(sides.counted) and not sides.lopsided,
            " ".join(sides.hints) if sides.counted else _("No one is invited yet."),
            _participants_link(meeting),
        )
    )

    # Both parents invited, also a father the child does not live with, or a reason why not.
    roles = {p.role for p in invited}
    absent: list[str] = []
    if ParticipantRole.MOTHER not in roles:
        absent.append(_("the mother"))
    if ParticipantRole.FATHER not in roles:
        absent.append(_("the father"))
    parents_done = not absent or bool(meeting.parents_not_invited_reason.strip())
    parents_hint = ""
    if not parents_done:
        who = (
            _("%(first)s and %(second)s") % {"first": absent[0], "second": absent[1]}
            if len(absent) == 2
            else absent[0]
        )
        parents_hint = _("Not invited: %(who)s. Invite them, or write down why not.") % {"who": who}
        if ParticipantRole.FATHER not in roles and case.lives_with == LivesWith.MOTHER:
            parents_hint += " " + _("Remember the father even if the child does not live with him.")
        elif ParticipantRole.MOTHER not in roles and case.lives_with == LivesWith.FATHER:
            parents_hint += " " + _("Remember the mother even if the child does not live with her.")
    items.append(
        ChecklistItem(
            "parents",
            _("Both parents invited, or a reason recorded"),
            parents_done,
            parents_hint,
            _section_link(meeting, "parents") if absent else _participants_link(meeting),
        )
    )

    # The child's participation plan.
    child_missing: list[str] = []
    if not meeting.child_talked_with:
        child_missing.append(_("talk with the child beforehand"))
    if not meeting.child_participation:
        child_missing.append(_("decide whether and how the child takes part"))
    elif meeting.child_participation != ChildParticipation.NONE and not meeting.child_support_person.strip():
        child_missing.append(_("name a support person for the child"))
    items.append(
        _todo_item(
            meeting=meeting,
            key="child",
            label=_("The child's participation is planned"),
            missing=child_missing,
            section="child",
        )
    )

    # Interpreter booked when needed.
    if meeting.interpreter_needed:
        interpreter_done = meeting.interpreter_booked and bool(meeting.interpreter_name.strip())
        what = (
            InterpreterKind(meeting.interpreter_kind).label
            if meeting.interpreter_kind
            else InterpreterKind.INTERPRETER.label
        )
        interpreter_hint = (
            ""
            if interpreter_done
            else _("%(what)s needed (%(language)s): book one and write down who.")
            % {"what": what, "language": meeting.interpreter_language or _("language not given")}
        )
    else:
        interpreter_done, interpreter_hint = True, _("No interpreter needed.")
    items.append(
        ChecklistItem(
            "interpreter",
            _("Interpreter booked, if needed"),
            interpreter_done,
            interpreter_hint,
            _section_link(meeting, "interpreter"),
        )
    )

    # The opening network speech, drafted with the family, and who delivers it.
    speech_missing: list[str] = []
    if not meeting.network_speech.strip():
        speech_missing.append(_("draft it with the family"))
    if not meeting.network_speech_by.strip():
        speech_missing.append(_("agree who delivers it"))
    items.append(
        _todo_item(
            meeting=meeting,
            key="speech",
            label=_("The network speech is ready"),
            missing=speech_missing,
            section="speech",
        )
    )

    # Date, place, form.
    when_missing = time_place_missing(meeting)
    items.append(
        _todo_item(
            meeting=meeting,
            key="time",
            label=_("Time and place for the %(meeting)s") % {"meeting": meeting_name},
            missing=when_missing,
            section="time",
        )
    )

    # Invitations sent (by e-mail or on paper) to everyone outside the service.
    to_invite = [p for p in invited if p.role != ParticipantRole.STAFF]
    not_sent = [p for p in to_invite if p.invitation_sent_at is None]
    items.append(
        ChecklistItem(
            "sent",
            _("Invitations sent"),
            bool(to_invite) and not not_sent,
            _("%(count)s of %(total)s have not been sent an invitation yet.")
            % {"count": len(not_sent), "total": len(to_invite)}
            if to_invite and not_sent
            else ("" if to_invite else _("No one is invited yet.")),
            reverse(
                "meetings:send_invitations",
                args=[meeting.series.case_id, meeting.series.measure_id, meeting.pk],
            ),
        )
    )
    return [item for item in items if item.key in config.preparation]


def _questions_item(series: Series) -> ChecklistItem:
    """Done when the questions for the conference are written (services/conference.py keeps them with the
    date they were agreed with the family)."""
    conference = Conference.objects.filter(series=series).only("questions", "questions_agreed_on").first()
    questions = conference.questions.strip() if conference is not None else ""
    hint = ""
    if not questions:
        hint = _("Write the questions the family's plan should answer, and agree on them with the family.")
    elif conference is not None and conference.questions_agreed_on is None:
        hint = _("Written, but not yet recorded as agreed with the family.")
    return ChecklistItem(
        "questions",
        _("The questions for the conference, agreed with the family"),
        bool(questions),
        hint,
        reverse("meetings:conference", args=[series.case_id, series.measure_id]),
    )


def time_place_missing(meeting: Meeting) -> list[str]:
    """What stops the invitation from saying when and where (empty when complete)."""
    missing: list[str] = []
    if meeting.starts_at is None:
        missing.append(_("set the date and time"))
    if meeting.mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not meeting.place.strip():
        missing.append(_("set the place"))
    if meeting.mode in (MeetingMode.DIGITAL, MeetingMode.HYBRID) and not meeting.video_link.strip():
        missing.append(_("add the video link"))
    return missing
