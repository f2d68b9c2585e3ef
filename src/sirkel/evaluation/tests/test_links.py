"""Participant links: making (token shown once, only its hash stored), resolving, revoking, use, and the
access policy's `LinkToken` principal, which reaches exactly what the link is for."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sirkel.accounts.models import User
from sirkel.actions.models import ActionStatus
from sirkel.audit.models import AuditEvent
from sirkel.cases.access import Do, LinkToken, may
from sirkel.cases.models import Case
from sirkel.evaluation import links
from sirkel.evaluation.models import Judgement, LinkPurpose, MeetingFeedback, ParticipantLink, Perspective
from sirkel.evaluation.tests.links_world import LinkWorld, link_world
from sirkel.network import services as network_services


@pytest.fixture
def world(case: Case) -> Iterator[LinkWorld]:
    yield from link_world(case)


def _actions_link(w: LinkWorld, **kw: object) -> tuple[ParticipantLink, str]:
    return links.create_link(
        acting_user=w.owner,
        series=w.series,
        purpose=LinkPurpose.ACTIONS,
        member=w.mother,
        **kw,  # type: ignore[arg-type]
    )


def test_only_the_hash_of_the_token_is_stored_and_never_audited(world: LinkWorld) -> None:
    link, token = _actions_link(world)
    assert len(token) >= 43
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ParticipantLink.objects.filter(token_hash=token).exists()
    assert (link.expires_at - timezone.now()).days in (29, 30)
    event = AuditEvent.objects.get(object_type="participant_link", object_id=str(link.pk))
    assert event.actor_id == world.owner.pk
    dumped = json.dumps([e.detail for e in AuditEvent.objects.all()])
    assert token not in dumped and link.token_hash not in dumped


def test_a_token_resolves_to_its_link_and_nothing_else_does(world: LinkWorld) -> None:
    link, token = _actions_link(world)
    assert links.resolve(token) == link
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert links.resolve(tampered) is None
    assert links.resolve("") is None
    assert links.resolve("x" * 500) is None


def test_an_expired_or_revoked_link_resolves_to_none(world: LinkWorld) -> None:
    expired, expired_token = _actions_link(world)
    ParticipantLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert links.resolve(expired_token) is None
    revoked, revoked_token = _actions_link(world)
    links.revoke_link(acting_user=world.owner, link=revoked)
    assert links.resolve(revoked_token) is None
    revoked.refresh_from_db()
    assert revoked.revoked_by_id == world.owner.pk


def test_making_a_link_needs_run_rights_on_the_measure(
    world: LinkWorld, teammate: User, outsider: User, researcher: User
) -> None:
    for user in (teammate, outsider, researcher):
        with pytest.raises(PermissionDenied):
            links.create_link(acting_user=user, series=world.series, purpose="actions", member=world.mother)
    link, _token = _actions_link(world)
    with pytest.raises(PermissionDenied):
        links.revoke_link(acting_user=teammate, link=link)


def test_a_link_is_checked_against_its_measure(world: LinkWorld, make_case: object, service: object) -> None:
    w = world
    with pytest.raises(ValidationError):  # the aunt's actions are hers; the grandfather has none
        grandad = network_services.add_member(acting_user=w.owner, case=w.case, name="Bjørn Bestefar")
        links.create_link(acting_user=w.owner, series=w.series, purpose="actions", member=grandad)
    with pytest.raises(ValidationError):  # a meeting of another measure
        other_meeting = w.other_series.meetings.get()
        links.create_link(
            acting_user=w.owner, series=w.series, purpose="feedback", member=w.mother, meeting=other_meeting
        )
    with pytest.raises(ValidationError):  # an evaluation of another measure
        links.create_link(
            acting_user=w.owner,
            series=w.other_series,
            purpose="evaluation",
            member=w.mother,
            evaluation=w.evaluation,
        )
    with pytest.raises(ValidationError):  # neither a member nor the child
        links.create_link(acting_user=w.owner, series=w.series, purpose="feedback", meeting=w.first)
    with pytest.raises(ValidationError):  # the child has no actions of their own here
        links.create_link(acting_user=w.owner, series=w.series, purpose="actions", for_child=True)
    with pytest.raises(ValidationError):
        links.create_link(acting_user=w.owner, series=w.series, purpose="actions", member=w.mother, days=365)
    other_case: Case = make_case(owner=w.owner, service=service)  # type: ignore[operator]
    stranger = network_services.add_member(acting_user=w.owner, case=other_case, name="Fremmed Person")
    with pytest.raises(ValidationError):  # someone in another case's network
        links.create_link(
            acting_user=w.owner, series=w.series, purpose="feedback", member=stranger, meeting=w.first
        )


def test_each_use_is_counted_and_audited_as_the_links(world: LinkWorld) -> None:
    link, _token = _actions_link(world)
    links.record_use(link=link)
    links.record_use(link=link)
    link.refresh_from_db()
    assert link.uses == 2 and link.last_used_at is not None
    events = AuditEvent.objects.filter(object_type="participant_link", object_id=str(link.pk), action="view")
    assert events.count() == 2
    assert all(
        e.actor_id is None and e.detail["via"] == "link" and e.detail["link"] == link.pk for e in events
    )


# --- The policy --------------------------------------------------------------------------------------------


def test_an_actions_link_reaches_its_members_actions_in_its_series_only(world: LinkWorld) -> None:
    w = world
    link, _token = _actions_link(w)
    principal = links.principal_of(link)
    for action in w.mothers:
        assert may(user=principal, action=Do.VIEW, obj=action)
        assert may(user=principal, action=Do.EDIT, obj=action)
        assert not may(user=principal, action=Do.RUN, obj=action)
    assert not may(user=principal, action=Do.VIEW, obj=w.aunts)
    for obj in (w.case, w.series, w.series.measure, w.mother, w.first, w.evaluation):
        assert not may(user=principal, action=Do.VIEW, obj=obj), obj
    # A principal naming another series than its link's reaches nothing.
    assert not may(user=LinkToken(link.pk, w.other_series.pk), action=Do.VIEW, obj=w.mothers[0])


def test_a_feedback_link_reaches_its_meeting_and_an_evaluation_link_its_evaluation(world: LinkWorld) -> None:
    w = world
    feedback, _t = links.create_link(
        acting_user=w.owner, series=w.series, purpose="feedback", member=w.mother, meeting=w.first
    )
    assert may(user=links.principal_of(feedback), action=Do.EDIT, obj=w.first)
    assert not may(user=links.principal_of(feedback), action=Do.VIEW, obj=w.follow_up)
    assert not may(user=links.principal_of(feedback), action=Do.VIEW, obj=w.mothers[0])
    view, _t = links.create_link(
        acting_user=w.owner, series=w.series, purpose="evaluation", for_child=True, evaluation=w.evaluation
    )
    assert may(user=links.principal_of(view), action=Do.EDIT, obj=w.evaluation)
    assert not may(user=links.principal_of(view), action=Do.VIEW, obj=w.first)


def test_a_revoked_or_expired_link_reaches_nothing(world: LinkWorld) -> None:
    w = world
    link, _token = _actions_link(w)
    principal = links.principal_of(link)
    ParticipantLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert not may(user=principal, action=Do.VIEW, obj=w.mothers[0])
    ParticipantLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert may(user=principal, action=Do.VIEW, obj=w.mothers[0])
    links.revoke_link(acting_user=w.owner, link=link)
    assert not may(user=principal, action=Do.VIEW, obj=w.mothers[0])


# --- The holder's writes -----------------------------------------------------------------------------------


def test_the_holder_marks_their_own_action_done_and_not_anyone_elses(world: LinkWorld) -> None:
    w = world
    link, _token = _actions_link(w)
    done = links.mark_action_done(link=link, action_id=w.mothers[0].pk)
    assert done.status == ActionStatus.DONE
    event = AuditEvent.objects.filter(object_type="action", object_id=str(done.pk)).latest("id")
    assert event.actor_id is None and event.detail["via"] == "link" and event.detail["link"] == link.pk
    with pytest.raises(PermissionDenied):
        links.mark_action_done(link=link, action_id=w.aunts.pk)
    w.aunts.refresh_from_db()
    assert w.aunts.status == ActionStatus.OPEN


def test_feedback_is_one_per_link_and_can_be_changed(world: LinkWorld) -> None:
    w = world
    link, _t = links.create_link(
        acting_user=w.owner, series=w.series, purpose="feedback", member=w.mother, meeting=w.first
    )
    links.save_feedback(link=link, felt_heard=4, useful=5, comment="Bra")
    links.save_feedback(link=link, felt_heard=2, useful=3)
    feedback = MeetingFeedback.objects.get(link=link)
    assert (feedback.meeting_id, feedback.felt_heard, feedback.useful, feedback.comment) == (
        w.first.pk,
        2,
        3,
        "",
    )
    with pytest.raises(ValidationError):
        links.save_feedback(link=link, felt_heard=6, useful=3)


def test_a_parents_and_the_childs_view_are_judgements_via_the_link(world: LinkWorld) -> None:
    w = world
    parent, _t = links.create_link(
        acting_user=w.owner, series=w.series, purpose="evaluation", member=w.mother, evaluation=w.evaluation
    )
    links.save_parent_view(link=parent, effect="partly", text="Litt bedre")
    j = Judgement.objects.get(evaluation=w.evaluation, perspective=Perspective.PARENT)
    assert (j.member_id, j.effect, j.via_link_id, j.recorded_by_id) == (
        w.mother.pk,
        "partly",
        parent.pk,
        None,
    )
    with pytest.raises(ValidationError):
        links.save_parent_view(link=parent, effect="not_assessed")
    child, _t = links.create_link(
        acting_user=w.owner, series=w.series, purpose="evaluation", for_child=True, evaluation=w.evaluation
    )
    links.save_child_view(link=child, view=links.ChildView(scale=4, words="Fint", helped_by="Tante"))
    links.save_child_view(link=child, view=links.ChildView(scale=2, declined=True))
    c = Judgement.objects.get(evaluation=w.evaluation, perspective=Perspective.CHILD)
    assert (c.declined, c.child_scale, c.text, c.via_link_id) == (True, None, "", child.pk)
    with pytest.raises(ValidationError):
        links.save_child_view(link=child, view=links.ChildView(scale=None))
    with pytest.raises(PermissionDenied):  # a parent's link is not the child's
        links.save_child_view(link=parent, view=links.ChildView(scale=3))
