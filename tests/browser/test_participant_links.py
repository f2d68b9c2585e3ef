"""Participant links in the browser: the caseworker makes a parent's link (shown once), the parent opens it
in a fresh browser context, sees only her own actions and marks one done; a feedback link takes feedback;
a parent and the child give their views; a tampered, an expired and a revoked link show the same plain
page; from the link's context, staff URLs give the sign-in page. axe on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sirkel.accounts.models import User
from sirkel.actions.models import ActionStatus
from sirkel.cases.models import Case
from sirkel.evaluation import links
from sirkel.evaluation.models import Judgement, MeetingFeedback, ParticipantLink, Perspective
from sirkel.evaluation.tests.links_world import LinkWorld, build
from sirkel.testing.fixtures import PASSWORD

from .support import AxeCheck, SignIn

pytestmark = pytest.mark.browser


def _fresh(browser: Browser, live_server: Any) -> Page:
    """A browser context of its own: the participant's phone, with no cookies of the caseworker's."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def _make(w: LinkWorld, purpose: str, **kw: Any) -> str:
    return _make_link(w, purpose, **kw)[1]


def _make_link(w: LinkWorld, purpose: str, **kw: Any) -> tuple[ParticipantLink, str]:
    link, token = links.create_link(acting_user=w.owner, series=w.series, purpose=purpose, **kw)
    return link, reverse("participant:page", args=[token])


def _staff_link_for_the_mother(page: Page, w: LinkWorld, sign_in: SignIn, assert_accessible: AxeCheck) -> str:
    sign_in(page, w.owner.username, PASSWORD)
    page.goto(reverse("meetings:detail", args=[w.case.pk, w.series.measure_id]))
    page.locator(f"a[href='{reverse('links:links', args=[w.case.pk, w.series.measure_id])}']").first.click()
    expect(page.locator("#link-form")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_participant").select_option(f"member:{w.mother.pk}")
    page.locator("#id_purpose input[value='actions']").check()
    page.locator("#link-form button[type='submit']").click()
    expect(page.locator("#link-url")).to_be_visible()
    expect(page.locator("#link-qr svg")).to_be_visible()
    assert_accessible(page)
    url = page.locator("#link-url").input_value()
    assert re.fullmatch(r"http://[^/]+/lenke/[A-Za-z0-9_-]{43}/", url)
    return url


def test_participant_links(
    transactional_db: None,
    case: Case,
    caseworker: User,
    page: Page,
    browser: Browser,
    live_server: Any,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
) -> None:
    w = build(case)
    url = _staff_link_for_the_mother(page, w, sign_in, assert_accessible)

    phone = _fresh(browser, live_server)
    try:
        # The mother's actions, and no one else's.
        phone.goto(url)
        rows = phone.locator("#actions > li[id^='action-']")
        expect(rows).to_have_count(2)
        ids = {rows.nth(n).get_attribute("id") for n in range(2)}
        assert ids == {f"action-{a.pk}" for a in w.mothers}
        body = phone.locator("body").inner_text()
        for other in ("Tove", "Henter Emma", "Testesen"):
            assert other not in body
        assert_accessible(phone)
        phone.locator(f"#action-{w.mothers[0].pk} button[type='submit']").click()
        expect(phone.locator("#thanks")).to_be_visible()
        expect(phone.locator(f"#action-{w.mothers[0].pk}")).to_have_attribute("data-status", "done")
        w.mothers[0].refresh_from_db()
        assert w.mothers[0].status == ActionStatus.DONE
        assert_accessible(phone)

        # From the link's context, staff URLs ask to sign in.
        login = reverse("accounts:login")
        for staff_url in (
            reverse("cases:list"),
            reverse("cases:detail", args=[w.case.pk]),
            reverse("meetings:detail", args=[w.case.pk, w.series.measure_id]),
            reverse("links:links", args=[w.case.pk, w.series.measure_id]),
        ):
            phone.goto(staff_url)
            expect(phone).to_have_url(re.compile(re.escape(login)))

        # Feedback after the first meeting.
        link_url = _make(w, "feedback", member=w.mother, meeting=w.first)
        phone.goto(link_url)
        expect(phone.locator("#feedback-form")).to_be_visible()
        assert_accessible(phone)
        phone.locator("label[for='id_felt_heard_3']").click()
        phone.locator("label[for='id_useful_4']").click()
        phone.locator("#id_comment").fill("Fint å bli hørt")
        phone.locator("#feedback-form button[type='submit']").click()
        expect(phone.locator("#thanks")).to_be_visible()
        feedback = MeetingFeedback.objects.get(meeting=w.first)
        assert (feedback.felt_heard, feedback.useful, feedback.comment) == (4, 5, "Fint å bli hørt")

        # A parent's view at the evaluation.
        phone.goto(_make(w, "evaluation", member=w.mother, evaluation=w.evaluation))
        expect(phone.locator("#parent-form")).to_be_visible()
        assert_accessible(phone)
        phone.locator("#id_effect input[value='partly']").check()
        phone.locator("#id_text").fill("Litt bedre hjemme")
        phone.locator("#parent-form button[type='submit']").click()
        expect(phone.locator("#thanks")).to_be_visible()
        parent = Judgement.objects.get(evaluation=w.evaluation, perspective=Perspective.PARENT)
        assert (parent.member_id, parent.effect) == (w.mother.pk, "partly")

        # The child's view: a face, own words.
        phone.goto(_make(w, "evaluation", for_child=True, evaluation=w.evaluation))
        expect(phone.locator("#child-form .face")).to_have_count(5)
        assert_accessible(phone)
        phone.locator("label[for='id_scale_3']").click()
        phone.locator("#id_words").fill("Det er bedre på skolen")
        phone.locator("#id_wants_next").fill("At tante henter meg")
        phone.locator("#child-form button[type='submit']:not([name])").click()
        expect(phone.locator("#thanks")).to_be_visible()
        child = Judgement.objects.get(evaluation=w.evaluation, perspective=Perspective.CHILD)
        assert (child.child_scale, child.declined, child.child_wants_next) == (
            4,
            False,
            "At tante henter meg",
        )

        # A tampered token, an expired link and a revoked link: one plain page.
        token = url.rstrip("/").rsplit("/", 1)[1]
        tampered = reverse("participant:page", args=[token[:-1] + ("A" if token[-1] != "A" else "B")])
        old, expired = _make_link(w, "actions", member=w.mother)
        ParticipantLink.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        stopped, revoked_url = _make_link(w, "actions", member=w.mother)
        links.revoke_link(acting_user=w.owner, link=stopped)
        texts = set()
        for gone_url in (tampered, expired, revoked_url):
            response = phone.goto(gone_url)
            assert response is not None and response.status == 404
            expect(phone.locator("#gone")).to_be_visible()
            texts.add(phone.locator("main").inner_text())
        assert len(texts) == 1
        assert_accessible(phone)
    finally:
        phone.context.close()
