"""With the demo data: `nabo` (the neighbouring service) reaches none of the decision and plan pages of the
demo service, nor any page of its other network measures, by GET or POST, and nothing is written or
recorded as read for them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sirkel.accounts.models import User
from sirkel.actions.models import Action
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import Case, Decision, MeasureKind, PlanVersion
from sirkel.demo.loader import load_demo
from sirkel.meetings.models import (
    Consent,
    Engagement,
    FamilyPlan,
    FamilyPlanItem,
    Meeting,
    MentorNomination,
    MentorPhase,
    Participant,
    Series,
)


@pytest.mark.django_db
def test_nabo_gets_404_on_every_decision_and_plan_page_of_the_demo_service() -> None:
    load_demo()
    cases = Case.objects.filter(service__name="Demo barneverntjeneste", decisions__isnull=False).distinct()
    assert cases.exists()
    client = Client()
    client.force_login(User.objects.get(username="nabo"))
    decisions_before, versions_before = Decision.objects.count(), PlanVersion.objects.count()
    for case in cases:
        c = case.pk
        urls = [
            reverse("cases:decision_new", args=[c]),
            reverse("cases:plan", args=[c]),
            reverse("cases:plan_edit", args=[c]),
            reverse("cases:plan_pdf", args=[c]),
            reverse("cases:plan_print", args=[c]),
        ]
        urls += [reverse("cases:decision", args=[c, d.pk]) for d in Decision.objects.filter(case=case)]
        urls += [
            reverse("cases:plan_version", args=[c, v.number])
            for v in PlanVersion.objects.filter(plan__case=case)
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"version": "0", "justification": "X"}).status_code == 404, url
    assert (Decision.objects.count(), PlanVersion.objects.count()) == (decisions_before, versions_before)
    assert not AuditEvent.objects.filter(actor__username="nabo", action=AuditAction.VIEW).exists()


OTHER_KINDS = (
    MeasureKind.FAMILY_GROUP_CONFERENCE,
    MeasureKind.NATURAL_MENTOR,
    MeasureKind.RESOURCE_PERSON,
    MeasureKind.NTT,
    MeasureKind.RESPONSIBILITY_GROUP,
    MeasureKind.INDIVIDUAL_PLAN,
)


def _routes(namespaces: set[str]) -> list[tuple[str, frozenset[str]]]:
    """Every named route in these namespaces, with the kwargs its URL takes."""
    found: list[tuple[str, frozenset[str]]] = []

    def walk(resolver: URLResolver, namespace: str, kwargs: frozenset[str]) -> None:
        for entry in resolver.url_patterns:
            names = kwargs | set(getattr(entry.pattern, "converters", {}))
            if isinstance(entry, URLResolver):
                walk(entry, entry.namespace or namespace, names)
            elif isinstance(entry, URLPattern) and entry.name and namespace in namespaces:
                found.append((f"{namespace}:{entry.name}", names))

    walk(get_resolver(), "", frozenset())
    return found


def _ids_of(series: Series) -> list[dict[str, int]]:
    """The ids a route of this measure can point at: one set per meeting (its participant, the family's
    plan and an item of it), and one per mentor phase."""
    base = {"case_id": series.case_id, "measure_id": series.measure_id}
    action = Action.objects.filter(series=series).first()
    consent = Consent.objects.filter(series=series).first()
    nomination = MentorNomination.objects.filter(series=series).first()
    if action is not None:
        base["action_id"] = action.pk
    if consent is not None:
        base["consent_id"] = consent.pk
    if nomination is not None:
        base["nomination_id"] = nomination.pk
    sets = [base, *({**base, "number": n} for n in range(1, 5))]
    for meeting in Meeting.objects.filter(series=series):
        ids = {**base, "meeting_id": meeting.pk}
        participant = Participant.objects.filter(meeting=meeting).first()
        if participant is not None:
            ids["participant_id"] = participant.pk
        for plan in FamilyPlan.objects.filter(meeting=meeting):
            ids["plan_id"] = plan.pk
            item = FamilyPlanItem.objects.filter(plan=plan).first()
            if item is not None:
                ids["item_id"] = item.pk
            sets.append(dict(ids))
        sets.append(ids)
    return sets


@pytest.mark.django_db
def test_nabo_gets_404_on_every_page_of_the_demo_s_other_network_measures() -> None:
    """The family group conference, the natural mentor, the resource person, NTT, the responsibility group
    and the individual plan: every page of each measure (its conference and family plan pages, phases,
    engagement, meetings, documents and actions), by GET and POST."""
    load_demo()
    all_series = list(Series.objects.filter(measure__kind__in=OTHER_KINDS).select_related("measure"))
    assert {s.kind for s in all_series} == set(OTHER_KINDS)
    routes = _routes({"meetings", "actions"})
    urls: set[str] = set()
    reached: set[str] = set()
    for series in all_series:
        for ids in _ids_of(series):
            for name, kwargs in routes:
                if "case_id" in kwargs and kwargs <= ids.keys():
                    urls.add(reverse(name, kwargs={k: ids[k] for k in kwargs}))
                    reached.add(name)
    # The pages of each kind's own way of working are among them.
    assert {
        "meetings:conference",
        "meetings:conference_meeting",
        "meetings:conference_parts",
        "meetings:family_plan_new",
        "meetings:family_plan_decide",
        "meetings:family_plan_item_remove",
        "meetings:mentor_phase",
        "meetings:mentor_answer",
        "meetings:engagement",
        "meetings:meeting",
        "meetings:minutes",
        "actions:plan",
    } <= reached
    assert len(urls) > 100
    models = (Action, FamilyPlan, FamilyPlanItem, MentorPhase, Engagement, Meeting)
    counts = [m.objects.count() for m in models]
    nabo_events = AuditEvent.objects.filter(actor__username="nabo").count()  # their own service's cases
    client = Client()
    client.force_login(User.objects.get(username="nabo"))
    for url in sorted(urls):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"version": "0", "text": "X", "decision": "approved"}).status_code == 404, url
    assert [m.objects.count() for m in models] == counts
    assert AuditEvent.objects.filter(actor__username="nabo").count() == nabo_events
    # The same pages are there for the caseworker: the 404s are nabo's, not broken links.
    by_kind = {s.kind: s for s in all_series}
    fgc, mentor, resource = (by_kind[k] for k in OTHER_KINDS[:3])
    assert fgc.caseworker == mentor.caseworker == resource.caseworker
    caseworker = Client()
    caseworker.force_login(fgc.caseworker)
    held = Meeting.objects.filter(series=fgc).order_by("sequence").first()
    assert held is not None
    for url in (
        reverse("meetings:conference", args=[fgc.case_id, fgc.measure_id]),
        reverse("meetings:conference_meeting", args=[fgc.case_id, fgc.measure_id, held.pk]),
        reverse("meetings:mentor_phase", args=[mentor.case_id, mentor.measure_id, 3]),
        reverse("meetings:engagement", args=[resource.case_id, resource.measure_id]),
    ):
        assert url in urls and caseworker.get(url).status_code == 200, url
