"""Staff pages for participant links: make one for a participant and a purpose, see the measure's links,
revoke one.

Making a link needs run rights on the measure (the caseworker side, or its meeting leader — who chooses
among the people they may see). The token is shown once, on the answer to the POST that made it: the URL
to copy into an e-mail, a text message to copy, a QR code, and a printable letter for the participant
with all three. It is not stored and cannot be shown again; a lost link is revoked and made anew.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sirkel.cases.access import SeriesAccess, members_for_leader
from sirkel.core.forms import service_errors
from sirkel.core.types import AuthenticatedHttpRequest
from sirkel.evaluation import links
from sirkel.evaluation.link_forms import LinkForm
from sirkel.evaluation.models import Evaluation, EvaluationStatus, LinkPurpose, ParticipantLink
from sirkel.meetings.models import Meeting, MeetingStatus, Series
from sirkel.meetings.views.common import READ_METHODS, open_series
from sirkel.network.models import NetworkMember


def _members(request: AuthenticatedHttpRequest, series: Series, access: SeriesAccess) -> list[NetworkMember]:
    """The people the user may make a link for: the case's network, or for a measure leader from outside
    the case, those invited to the meetings they lead."""
    if access.sees_case:
        return list(NetworkMember.objects.filter(case_id=series.case_id).order_by("name", "id"))
    return list(members_for_leader(user=request.user, case_id=series.case_id, series=series).order_by("name"))


def _form(request: HttpRequest, series: Series, members: list[NetworkMember]) -> LinkForm:
    meetings = []
    for m in (
        Meeting.objects.filter(series=series).exclude(status=MeetingStatus.CANCELLED).order_by("sequence")
    ):
        m.series = series  # the label is the series' kind's: no query per meeting
        day = formats.date_format(timezone.localtime(m.starts_at), "SHORT_DATE_FORMAT") if m.starts_at else ""
        meetings.append((m.pk, f"{m.label} {day}".strip()))
    evaluations = [
        (e.pk, _("Evaluation on %(date)s") % {"date": formats.date_format(e.due_on, "SHORT_DATE_FORMAT")})
        for e in Evaluation.objects.filter(measure_id=series.measure_id, status=EvaluationStatus.SCHEDULED)
    ]
    initial = {
        key: request.GET.get(key, "")
        for key in ("purpose", "meeting", "evaluation", "participant")
        if request.GET.get(key)
    }
    return LinkForm(
        request.POST if request.method == "POST" else None,
        initial={"language": "nb", "days": links.DEFAULT_DAYS, **initial},
        members=[(m.pk, f"{m.name} ({m.relation})" if m.relation else m.name) for m in members],
        meetings=meetings,
        evaluations=evaluations,
    )


@login_required
def links_page(request: AuthenticatedHttpRequest, case_id: int, measure_id: int) -> HttpResponse:
    series, access = open_series(request, case_id, measure_id, "run")
    if request.method not in (*READ_METHODS, "POST"):
        return HttpResponseNotAllowed((*READ_METHODS, "POST"))
    members = _members(request, series, access)
    form = _form(request, series, members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {m.pk: m for m in members}
        member_id = form.member_id()
        if member_id is not None and member_id not in by_id:
            form.add_error("participant", _("Choose a person in the case's network."))
        else:
            meeting = (
                Meeting.objects.filter(series=series, pk=data["meeting"]).first() if data["meeting"] else None
            )
            evaluation = (
                Evaluation.objects.filter(measure_id=series.measure_id, pk=data["evaluation"]).first()
                if data["evaluation"]
                else None
            )
            with service_errors(form) as outcome:
                link, token = links.create_link(
                    acting_user=request.user,
                    series=series,
                    purpose=data["purpose"],
                    member=by_id.get(member_id) if member_id is not None else None,
                    for_child=form.for_child(),
                    meeting=meeting,
                    evaluation=evaluation,
                    language=data["language"],
                    days=data["days"],
                    map_perspective=data["map_perspective"],
                )
            if outcome.ok:
                return _created(request, series, link, token)
    visible = {m.pk for m in members}
    rows = [
        link
        for link in links.links_for_series(series=series)
        if link.member_id is None or link.member_id in visible
    ]
    context: dict[str, Any] = {
        "series": series,
        "case": series.case,
        "access": access,
        "form": form,
        "links": rows,
        "now": timezone.now(),
    }
    return render(request, "evaluation/links/list.html", context)


def _purpose_text(purpose: str) -> str:
    return {
        LinkPurpose.ACTIONS: _("see the actions you agreed to and mark them done"),
        LinkPurpose.FEEDBACK: _("tell us what you thought of the meeting"),
        LinkPurpose.EVALUATION: _("tell us what you think of the help"),
        LinkPurpose.MAP: _("draw your own map of the people who matter to you"),
    }[LinkPurpose(purpose)]


def _created(
    request: AuthenticatedHttpRequest, series: Series, link: ParticipantLink, token: str
) -> HttpResponse:
    url = request.build_absolute_uri(reverse("participant:page", args=[token]))
    with translation.override(link.language):
        expires = formats.date_format(link.expires_at, "j. F Y")
        sms = _(
            "Hi %(name)s! This is %(sender)s at %(service)s. With this link you can %(purpose)s. It works "
            "until %(date)s. Do not share it with anyone. %(url)s"
        ) % {
            "name": links.first_name(link),
            "sender": request.user.display_name(),
            "service": series.case.service.name,
            "purpose": _purpose_text(link.purpose),
            "date": expires,
            "url": url,
        }
        letter = {
            "title": _("Your link from %(service)s") % {"service": series.case.service.name},
            "greeting": _("Hi %(name)s,") % {"name": links.first_name(link)}
            if links.first_name(link)
            else "",
            "body": _(
                "With this link you can %(purpose)s. You do not need a user name or a password. Scan the "
                "code with your phone's camera, or type the address into a browser."
            )
            % {"purpose": _purpose_text(link.purpose)},
            "expires": _("The link works until %(date)s. Keep it to yourself.") % {"date": expires},
            "sender": _("Best wishes, %(sender)s") % {"sender": request.user.display_name()},
        }
    qr_svg = segno.make(url, error="m").svg_inline(scale=4, title=_("QR code for the link"))
    context = {
        "series": series,
        "case": series.case,
        "link": link,
        "url": url,
        "sms": sms,
        "qr_svg": qr_svg,
        "letter": letter,
    }
    response = render(request, "evaluation/links/created.html", context)
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def revoke(request: AuthenticatedHttpRequest, case_id: int, measure_id: int, link_id: int) -> HttpResponse:
    series, _access = open_series(request, case_id, measure_id, "run")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    link = ParticipantLink.objects.filter(series=series, pk=link_id).first()
    if link is None:
        raise Http404
    link.series = series
    links.revoke_link(acting_user=request.user, link=link)
    messages.success(request, _("The link was stopped. It no longer works."))
    return redirect("links:links", case_id=series.case_id, measure_id=series.measure_id)
