"""The staff pages for participant links: making one (shown once: URL, text message, QR code, letter), the
measure's list of links, and stopping one. Run rights on the measure; everyone else gets 404."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.evaluation import links
from sirkel.evaluation.models import ParticipantLink
from sirkel.evaluation.tests.links_world import LinkWorld, link_world
from sirkel.testing.fixtures import client_for


@pytest.fixture
def world(case: Case) -> Iterator[LinkWorld]:
    yield from link_world(case)


def _page(w: LinkWorld) -> str:
    return reverse("links:links", args=[w.case.pk, w.series.measure_id])


def test_only_who_runs_the_measure_may_open_the_links_page(
    world: LinkWorld, teammate: User, outsider: User, researcher: User
) -> None:
    assert client_for(world.owner).get(_page(world)).status_code == 200
    for user in (teammate, outsider, researcher):
        assert client_for(user).get(_page(world)).status_code == 404
    assert Client().get(_page(world)).status_code == 302


def test_making_a_link_shows_it_once_with_a_text_message_a_qr_code_and_a_letter(world: LinkWorld) -> None:
    w = world
    client = client_for(w.owner)
    with translation.override("en"):
        response = client.post(
            _page(w),
            {
                "participant": f"member:{w.mother.pk}",
                "purpose": "feedback",
                "meeting": str(w.first.pk),
                "language": "nb",
                "days": "14",
            },
        )
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'id="link-url"[^>]*value="http://testserver/lenke/([A-Za-z0-9_-]+)/"', html)
    assert found is not None
    token = found.group(1)
    link = ParticipantLink.objects.get()
    assert links.resolve(token) == link
    assert (link.purpose, link.member_id, link.meeting_id) == ("feedback", w.mother.pk, w.first.pk)
    assert round((link.expires_at - link.created_at).total_seconds() / 86400) == 14
    assert 'id="link-sms"' in html and "Mona" in html
    assert re.search(r'<figure class="qr" id="link-qr"><svg[^>]*>', html)
    assert 'id="link-letter"' in html
    assert response["Cache-Control"].startswith("no-store")
    # The list shows the link, without its token, and counts its uses.
    links.record_use(link=link)
    listing = client.get(_page(w)).content.decode()
    assert f'id="link-{link.pk}"' in listing and token not in listing
    assert 'data-uses="1"' in listing


def test_a_refused_link_keeps_the_form_as_it_was(world: LinkWorld) -> None:
    w = world
    response = client_for(w.owner).post(
        _page(w),
        {"participant": f"member:{w.aunt.pk}", "purpose": "feedback", "language": "nb", "days": "30"},
    )
    assert response.status_code == 200
    assert not ParticipantLink.objects.exists()
    html = response.content.decode()
    assert 'id="id_meeting_error"' in html or "error-summary" in html
    assert f'value="member:{w.aunt.pk}" selected' in html


def test_stopping_a_link_makes_it_stop_working(world: LinkWorld, teammate: User) -> None:
    w = world
    link, token = links.create_link(acting_user=w.owner, series=w.series, purpose="actions", member=w.mother)
    revoke = reverse("links:revoke", args=[w.case.pk, w.series.measure_id, link.pk])
    assert client_for(teammate).post(revoke).status_code == 404
    assert links.resolve(token) == link
    response = client_for(w.owner).post(revoke)
    assert response.status_code == 302
    assert links.resolve(token) is None
    other = reverse("links:revoke", args=[w.case.pk, w.other_series.measure_id, link.pk])
    assert client_for(w.owner).post(other).status_code == 404  # not a link of that measure


def test_the_measure_and_meeting_pages_lead_to_the_links(world: LinkWorld) -> None:
    w = world
    client = client_for(w.owner)
    detail = client.get(reverse("meetings:detail", args=[w.case.pk, w.series.measure_id])).content.decode()
    assert _page(w) in detail
    meeting = client.get(reverse("meetings:meeting", args=[w.case.pk, w.series.measure_id, w.first.pk]))
    assert f"{_page(w)}?purpose=feedback&amp;meeting={w.first.pk}" in meeting.content.decode()
