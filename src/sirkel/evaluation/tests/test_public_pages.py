"""The participants' own pages at /lenke/<token>/: one thing each, nothing else of the case, one plain page
for every link that does not work, a rate limit, no session sign-in, private headers, CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sirkel.actions.models import ActionStatus
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.evaluation import links, public_views
from sirkel.evaluation.models import Judgement, MeetingFeedback, ParticipantLink, Perspective
from sirkel.evaluation.tests.links_world import LinkWorld, link_world
from sirkel.testing.fixtures import client_for


@pytest.fixture
def world(case: Case) -> Iterator[LinkWorld]:
    yield from link_world(case)


def _url(token: str, query: str = "") -> str:
    return reverse("participant:page", args=[token]) + (f"?{query}" if query else "")


def _make(w: LinkWorld, purpose: str, **kw: object) -> tuple[ParticipantLink, str]:
    return links.create_link(acting_user=w.owner, series=w.series, purpose=purpose, **kw)  # type: ignore[arg-type]


def _gone_body(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 404
    return bytes(response.content)


def test_the_actions_page_shows_only_the_participants_own_actions(world: LinkWorld) -> None:
    w = world
    _link, token = _make(w, "actions", member=w.mother)
    response = Client().get(_url(token, "lang=en"))
    assert response.status_code == 200
    html = response.content.decode()
    ids = set(re.findall(r'id="action-(\d+)"', html))
    assert ids == {str(a.pk) for a in w.mothers}
    assert "Mona" in html  # her own first name, and nothing else of the case:
    for other in ("Mor ", "Tove", "Henter Emma", "Testesen", w.owner.username, "Familiens hus"):
        assert other not in html, other
    assert 'aria-label="Main menu"' not in html and "Sign out" not in html


def test_done_marks_the_action_done_as_the_link(world: LinkWorld) -> None:
    w = world
    link, token = _make(w, "actions", member=w.mother)
    client = Client()
    response = client.post(_url(token, "lang=en"), {"action": w.mothers[0].pk})
    assert response.status_code == 302
    w.mothers[0].refresh_from_db()
    assert w.mothers[0].status == ActionStatus.DONE
    assert response["Location"] == _url(token, "lang=en&saved=1")
    page = client.get(response["Location"])
    assert 'id="thanks"' in page.content.decode()
    # Someone else's action, sent by hand, is refused with the plain page and changes nothing.
    assert client.post(_url(token), {"action": w.aunts.pk}).status_code == 404
    w.aunts.refresh_from_db()
    assert w.aunts.status == ActionStatus.OPEN
    event = AuditEvent.objects.filter(object_type="action", object_id=str(w.mothers[0].pk)).latest("id")
    assert event.actor_id is None and event.detail["link"] == link.pk


def test_every_link_that_does_not_work_answers_the_same_page(world: LinkWorld) -> None:
    w = world
    client = Client()
    _l, good = _make(w, "actions", member=w.mother)
    expired, expired_token = _make(w, "actions", member=w.mother)
    ParticipantLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    revoked, revoked_token = _make(w, "actions", member=w.mother)
    links.revoke_link(acting_user=w.owner, link=revoked)
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")
    bodies = {
        _gone_body(client, _url(t))
        for t in (tampered, expired_token, revoked_token, "nothing-at-all", "x" * 300)
    }
    assert len(bodies) == 1
    assert b'id="gone"' in bodies.pop()


def test_the_pages_are_private_and_send_no_referrer_elsewhere(world: LinkWorld) -> None:
    w = world
    _l, token = _make(w, "actions", member=w.mother)
    for response in (Client().get(_url(token)), Client().get(_url("unknown-token"))):
        assert response["Referrer-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]


@override_settings(SIRKEL_LINK_RATE=3)
def test_requests_are_limited_per_token_and_per_address(
    world: LinkWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(public_views, "_window", lambda: 1)
    w = world
    _l, token = _make(w, "actions", member=w.mother)
    answers = [Client(REMOTE_ADDR=f"10.0.0.{n}").get(_url(token)).status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]  # the token, from four addresses
    addressed = [Client(REMOTE_ADDR="10.9.9.9").get(_url(f"unknown-{n}")).status_code for n in range(4)]
    assert addressed == [404, 404, 404, 429]  # one address, four tokens
    assert Client(REMOTE_ADDR="10.9.9.9").get(_url("unknown-x"))["Retry-After"] == "60"


def test_a_signed_in_caseworker_opening_a_link_is_only_its_holder(world: LinkWorld) -> None:
    w = world
    _l, token = _make(w, "actions", member=w.mother)
    staff = client_for(w.owner)
    html = staff.get(_url(token, "lang=en")).content.decode()
    assert 'aria-label="Main menu"' not in html and "Tove" not in html
    assert set(re.findall(r'id="action-(\d+)"', html)) == {str(a.pk) for a in w.mothers}


@override_settings(SIRKEL_REQUIRE_2FA=True)
def test_a_signed_in_user_without_a_second_factor_still_opens_a_link(world: LinkWorld) -> None:
    """The link needs no sign-in, so a half-signed-in staff session is not sent to verify first."""
    w = world
    _l, token = _make(w, "actions", member=w.mother)
    staff = client_for(w.owner)
    assert staff.get(reverse("cases:list")).status_code == 302  # staff pages want the second factor
    assert staff.get(_url(token)).status_code == 200


def test_a_links_cookies_reach_no_staff_url(world: LinkWorld) -> None:
    w = world
    _l, token = _make(w, "actions", member=w.mother)
    client = Client()
    assert client.get(_url(token)).status_code == 200
    client.post(_url(token), {"action": w.mothers[0].pk})
    login = reverse("accounts:login")
    for url in (
        reverse("cases:list"),
        reverse("cases:detail", args=[w.case.pk]),
        reverse("meetings:detail", args=[w.case.pk, w.series.measure_id]),
        reverse("actions:plan", args=[w.case.pk, w.series.measure_id]),
        reverse("links:links", args=[w.case.pk, w.series.measure_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(login), url


def test_an_anonymous_post_needs_the_csrf_cookie(world: LinkWorld) -> None:
    w = world
    _l, token = _make(w, "actions", member=w.mother)
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(token), {"action": w.mothers[0].pk}).status_code == 403
    page = client.get(_url(token))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert csrf is not None
    data = {"action": w.mothers[0].pk, "csrfmiddlewaretoken": csrf.group(1)}
    assert client.post(_url(token), data, HTTP_ORIGIN="https://elsewhere.example").status_code == 403
    assert client.post(_url(token), data, HTTP_ORIGIN="null").status_code == 403
    assert client.post(_url(token), data).status_code == 302  # with the cookie and the form's token


def test_feedback_is_saved_and_can_be_changed(world: LinkWorld) -> None:
    w = world
    link, token = _make(w, "feedback", member=w.mother, meeting=w.first)
    client = Client()
    page = client.get(_url(token, "lang=en"))
    assert 'name="felt_heard"' in page.content.decode() and 'name="useful"' in page.content.decode()
    bad = client.post(_url(token, "lang=en"), {"felt_heard": "4", "comment": "Kept text"})
    assert bad.status_code == 200 and "Kept text" in bad.content.decode()
    assert 'id="id_useful_error"' in bad.content.decode()
    assert client.post(_url(token), {"felt_heard": "4", "useful": "5"}).status_code == 302
    assert client.post(_url(token), {"felt_heard": "2", "useful": "3", "comment": "Ny"}).status_code == 302
    feedback = MeetingFeedback.objects.get(link=link)
    assert (feedback.felt_heard, feedback.useful, feedback.comment) == (2, 3, "Ny")


def test_a_parent_gives_their_view_at_the_evaluation(world: LinkWorld) -> None:
    w = world
    link, token = _make(w, "evaluation", member=w.mother, evaluation=w.evaluation)
    client = Client()
    html = client.get(_url(token, "lang=en")).content.decode()
    assert 'name="effect"' in html and 'value="not_assessed"' not in html
    assert client.post(_url(token), {"effect": "yes", "text": "Mye bedre"}).status_code == 302
    judgement = Judgement.objects.get(evaluation=w.evaluation, perspective=Perspective.PARENT)
    assert (judgement.member_id, judgement.effect, judgement.via_link_id) == (w.mother.pk, "yes", link.pk)


def test_the_childs_page_has_five_faces_and_a_way_not_to_answer(world: LinkWorld) -> None:
    w = world
    link, token = _make(w, "evaluation", for_child=True, evaluation=w.evaluation)
    client = Client()
    html = client.get(_url(token, "lang=en")).content.decode()
    assert len(re.findall(r'type="radio" name="scale"', html)) == 5
    assert "😄" in html and "Very good" in html and 'name="declined"' in html
    assert "Emma" in html and "Testesen" not in html
    missing = client.post(_url(token, "lang=en"), {"words": "Hei"})
    assert missing.status_code == 200 and "Hei" in missing.content.decode()
    assert client.post(_url(token), {"scale": "5", "words": "Bra", "helped_by": "Tante"}).status_code == 302
    assert client.post(_url(token), {"declined": "1"}).status_code == 302
    judgement = Judgement.objects.get(evaluation=w.evaluation, perspective=Perspective.CHILD)
    assert (judgement.declined, judgement.child_scale, judgement.via_link_id) == (True, None, link.pk)


def test_the_page_speaks_the_links_language_and_switches(world: LinkWorld) -> None:
    w = world
    _l, token = _make(w, "actions", member=w.mother, language="en")
    assert '<html lang="en">' in Client().get(_url(token)).content.decode()
    assert '<html lang="nb">' in Client().get(_url(token, "lang=nb")).content.decode()


def test_the_url_carries_nothing_but_the_token(world: LinkWorld) -> None:
    """The link's token is all the URL carries: no other object can be named in it."""
    w = world
    _l, token = _make(w, "feedback", member=w.mother, meeting=w.first)
    assert Client().get(_url(token) + str(w.follow_up.pk) + "/").status_code == 404


def test_the_actions_page_s_queries_do_not_grow_with_the_actions(world: LinkWorld) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sirkel.actions import services as action_services

    w = world
    _link, token = _make(w, "actions", member=w.mother)
    client = Client()
    client.get(_url(token))  # the first request sets the CSRF cookie and warms the caches
    with CaptureQueriesContext(connection) as before:
        assert client.get(_url(token)).status_code == 200
    for n in range(4):
        action_services.add_action(
            acting_user=w.owner,
            series=w.series,
            meeting=w.first,
            what=f"Ekstra oppgave {n}",
            due_on=timezone.localdate() + timedelta(days=3 + n),
            owner_member=w.mother,
        )
    with CaptureQueriesContext(connection) as after:
        html = client.get(_url(token)).content.decode()
    assert html.count('id="action-') == len(w.mothers) + 4
    assert len(after.captured_queries) == len(before.captured_queries)
