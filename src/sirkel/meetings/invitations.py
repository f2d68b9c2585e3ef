"""Invitations to a meeting: the letter (printable page and PDF), the .ics calendar file and the e-mail.

All three are built from one `Letter`, in Bokmål (the language of the families), and carry only what an
invitee needs: the child's given name, the purpose, time, place, what the meeting is and whom to ask. Never a
birth date, a case number or anything from the service's internal notes. The calendar file carries even
less (no names, no purpose), because calendars are often synchronised to services outside the municipality.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sirkel.meetings.kinds import kind_config
from sirkel.meetings.models import Meeting, MeetingMode, MeetingStatus, Participant, Series

OSLO = ZoneInfo("Europe/Oslo")
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"
ICS_FILENAME = "mote.ics"


def document_language() -> str:
    """Letters, e-mails and calendar files are written for the families: in Bokmål, whatever the UI."""
    return str(settings.LANGUAGE_CODE)


def ends_at(meeting: Meeting) -> datetime | None:
    if meeting.starts_at is None:
        return None
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes)


def duration_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("about %(count)s hour", "about %(count)s hours", hours) % {"count": hours}
    if minutes > 60 and minutes % 30 == 0:
        return _("about %(hours)s and a half hours") % {"hours": minutes // 60}
    return _("about %(count)s minutes") % {"count": minutes}


def meeting_title(meeting: Meeting) -> str:
    """What the meeting is called to invitees: the kind's first meeting ("family group conference"), or
    its later one ("follow-up conference"), from `kinds.py`."""
    return meeting.label


def lower_first(text: str) -> str:
    """ "Nettverksmøte" → "nettverksmøte", leaving acronyms such as "(NTT)" alone."""
    return text[:1].lower() + text[1:]


def about_heading(meeting: Meeting) -> str:
    """The heading over `about`: "What is a family group conference?"."""
    return str(kind_config(meeting.series.kind).about_heading)


def about_meeting(meeting: Meeting) -> list[str]:
    """What the measure is, in plain words for the people invited (kinds.py's `about`), with its length."""
    duration = duration_text(meeting.duration_minutes)
    return [
        str(paragraph) % {"duration": duration} if "%(duration)s" in str(paragraph) else str(paragraph)
        for paragraph in kind_config(meeting.series.kind).about
    ]


@dataclass(frozen=True)
class Letter:
    participant: Participant | None  # None for a general letter
    to: str
    title: str
    intro: str
    purpose: str
    day: str  # "tirsdag 3. juni 2025"
    time: str  # "09:00–12:00"
    duration: str
    mode: str
    place: str
    video_link: str
    interpreter: str
    about_heading: str  # "What is a family group conference?"
    about: list[str]
    leader: str
    contact: str
    contact_email: str
    answer: str
    service_name: str
    contact_phone: str = ""  # the service's switchboard

    def as_text(self) -> str:
        """The letter as plain text, for the e-mail body."""
        lines = [f"{self.to}," if self.to else "", "", self.intro, ""]
        if self.purpose:
            lines += [_("Purpose of the meeting"), self.purpose, ""]
        lines += [
            f"{_('When')}: {self.day}, {self.time} ({self.duration})",
        ]
        if self.place:
            lines.append(f"{_('Where')}: {self.place}")
        if self.video_link:
            lines.append(f"{_('Video link')}: {self.video_link}")
        if self.interpreter:
            lines.append(self.interpreter)
        lines += ["", self.about_heading, *self.about, ""]
        if self.leader:
            lines.append(self.leader)
        lines.append(self.contact)
        if self.contact_email:
            lines.append(f"{_('E-mail')}: {self.contact_email}")
        if self.contact_phone:
            lines.append(f"{_('Phone')}: {self.contact_phone}")
        lines += [self.answer, "", self.service_name]
        return "\n".join(lines).strip() + "\n"


def _contact_line(series: Series) -> tuple[str, str]:
    caseworker = series.caseworker
    line = _("If you have questions, contact %(name)s at %(service)s.") % {
        "name": caseworker.display_name(),
        "service": series.case.service.name,
    }
    return line, caseworker.email


def build_letter(*, meeting: Meeting, participant: Participant | None) -> Letter:
    """The invitation for one participant (or a general one). Call inside the document language."""
    series = meeting.series
    case = series.case
    start = timezone.localtime(meeting.starts_at, OSLO) if meeting.starts_at else None
    end = ends_at(meeting)
    day = formats.date_format(start, "l j. F Y") if start else _("Time not set yet")
    time = (
        f"{formats.time_format(start, 'H:i')}–{formats.time_format(timezone.localtime(end, OSLO), 'H:i')}"
        if start and end
        else ""
    )
    place = meeting.place if meeting.mode != MeetingMode.DIGITAL else ""
    video = meeting.video_link if meeting.mode != MeetingMode.IN_PERSON else ""
    interpreter = ""
    if meeting.interpreter_needed and meeting.interpreter_booked:
        interpreter = (
            _("An interpreter (%(language)s) takes part.") % {"language": meeting.interpreter_language}
            if meeting.interpreter_language
            else _("An interpreter takes part.")
        )
    config = kind_config(series.kind)
    leader = (
        _("%(role)s: %(name)s.") % {"role": config.leader_label, "name": series.leader.display_name()}
        if series.leader and config.has_meetings
        else ""
    )
    contact, contact_email = _contact_line(series)
    title = meeting_title(meeting)
    return Letter(
        participant=participant,
        to=participant.name if participant else "",
        title=_("Invitation: %(meeting)s") % {"meeting": lower_first(title)},
        intro=_("You are invited to the %(meeting)s for %(child)s and the family.")
        % {"meeting": lower_first(title), "child": case.child_given_name},
        purpose=(meeting.purpose or series.purpose).strip(),
        day=day,
        time=time,
        duration=duration_text(meeting.duration_minutes),
        mode=str(MeetingMode(meeting.mode).label),
        place=place,
        video_link=video,
        interpreter=interpreter,
        about_heading=about_heading(meeting),
        about=about_meeting(meeting),
        leader=leader,
        contact=contact,
        contact_email=contact_email,
        contact_phone=case.service.phone.strip(),
        answer=_("Please let us know whether you can come."),
        service_name=case.service.name,
    )


def letters(*, meeting: Meeting, participants: Sequence[Participant]) -> list[Letter]:
    with translation.override(document_language()):
        return [build_letter(meeting=meeting, participant=p) for p in participants]


def letter_context(*, meeting: Meeting, participants: Sequence[Participant]) -> dict[str, Any]:
    """Context for meetings/invitation_letter.html (used for the PDF and the printable page)."""
    return {
        "meeting": meeting,
        "series": meeting.series,
        "letters": letters(meeting=meeting, participants=participants),
        "service_name": meeting.series.case.service.name,
        "document_language": document_language(),
    }


# ---------------------------------------------------------------------------------------------------------
# The calendar file


def ics_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, so a corrected file replaces the entry in people's calendars."""
    return f"sirkel-meeting-{meeting.pk}-{meeting.created_at:%Y%m%d%H%M%S}@sirkel"


def meeting_ics(meeting: Meeting) -> bytes:
    """An iCalendar file for the meeting. Requires a start time. No names and no purpose in it."""
    if meeting.starts_at is None:
        raise ValueError("the meeting has no start time")
    end = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    with translation.override(document_language()):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Sirkel//Meetings//NB")
        cal.add("version", "2.0")
        cal.add("method", "PUBLISH")
        event = icalendar.Event()
        event.add("uid", ics_uid(meeting))
        event.add("dtstamp", timezone.now().astimezone(ZoneInfo("UTC")))
        event.add("dtstart", timezone.localtime(meeting.starts_at, OSLO))
        event.add("dtend", timezone.localtime(end, OSLO))
        event.add("sequence", meeting.version)
        event.add("summary", meeting_title(meeting))
        location = meeting.place if meeting.mode != MeetingMode.DIGITAL else ""
        if not location and meeting.video_link:
            location = meeting.video_link
        if location:
            event.add("location", location)
        if meeting.video_link and meeting.mode != MeetingMode.IN_PERSON:
            event.add("url", meeting.video_link)
        contact, email = _contact_line(meeting.series)
        phone = meeting.series.case.service.phone.strip()
        event.add("description", "\n".join(filter(None, [contact, email, phone])))
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        cal.add_component(event)
        cal.add_missing_timezones()
    return bytes(cal.to_ical())


# ---------------------------------------------------------------------------------------------------------
# E-mail


def invitation_email(*, meeting: Meeting, participant: Participant) -> EmailMessage:
    """The invitation by e-mail, with the calendar file attached. Replies go to the caseworker."""
    with translation.override(document_language()):
        letter = build_letter(meeting=meeting, participant=participant)
        start = timezone.localtime(meeting.starts_at, OSLO) if meeting.starts_at else None
        subject = (
            _("Invitation: %(meeting)s on %(day)s")
            % {"meeting": lower_first(meeting_title(meeting)), "day": formats.date_format(start, "j. F Y")}
            if start
            else letter.title
        )
        message = EmailMessage(
            subject=subject,
            body=letter.as_text(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[participant.email],
            reply_to=[letter.contact_email] if letter.contact_email else None,
        )
    message.attach(ICS_FILENAME, meeting_ics(meeting), ICS_CONTENT_TYPE)
    return message
