"""The evaluations' part of a copy for a party's right of access (see `cases.innsyn`).

Each evaluation with its goals' scales and levels, the perspectives' judgements, the ratings and the
participants' feedback on meetings. What another person said is flagged: a judgement or a comment by
anyone but the recipient (the child's own words unless the copy is for the youth; feedback given through
a link is the recipient's own only when the link was theirs).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from sirkel.cases.innsyn import SAID, Contributor, Entry, Item, Recipient, Section, fields, flag_field
from sirkel.cases.models import Case, RecipientRole
from sirkel.evaluation.models import Evaluation, GoalScale, Judgement, MeetingFeedback, Perspective, Rating


def _own(judgement: Judgement, recipient: Recipient) -> bool:
    if judgement.perspective == Perspective.CHILD:
        return recipient.role == RecipientRole.YOUTH
    if judgement.perspective == Perspective.PARENT:
        return recipient.is_member(judgement.member_id) or (
            recipient.member_id is None
            and bool(judgement.parent_name)
            and judgement.parent_name == recipient.name
        )
    return True  # the service's and the reviewer's judgements are the officials' own


def _judgement_items(j: Judgement, recipient: Recipient) -> list[Item]:
    who = j.member.name if j.member is not None else j.parent_name
    head = [Item(_("Judgement"), f"{j.get_perspective_display()}{': ' + who if who else ''}")]
    names = ("text", "child_wants_next") if j.perspective == Perspective.CHILD else ("text",)
    said = [
        item
        for n in names
        for item in (fields(j, n) if _own(j, recipient) else flag_field(j, n, reason=SAID))
    ]
    return [*head, *fields(j, "effect", "child_scale", "declined"), *said]


def sections(case: Case, recipient: Recipient) -> list[Section]:
    evaluations = (
        Evaluation.objects.filter(measure__case=case)
        .select_related("measure", "reviewer")
        .prefetch_related("levels__goal", "judgements__member")
        .order_by("due_on", "pk")
    )
    scales = GoalScale.objects.filter(goal__measure__case=case).select_related("goal").order_by("goal_id")
    ratings = Rating.objects.filter(case=case).select_related("instrument").order_by("rated_on", "pk")
    feedback = (
        MeetingFeedback.objects.filter(meeting__series__measure__case=case)
        .select_related("link", "meeting")
        .order_by("meeting__starts_at", "pk")
    )
    entries = []
    for s in scales:
        items = fields(s, "much_less", "less", "expected", "more", "much_more", "weight")
        entries.append(Entry(_("Goal: %(goal)s") % {"goal": s.goal.text}, items))
    for e in evaluations:
        items = fields(
            e, "status", "due_on", "held_on", "next_step", "next_step_requested_by", "next_step_reason"
        )
        if e.reviewer is not None:
            items.append(Item(_("Independent reviewer"), e.reviewer.display_name()))
        for level in e.levels.all():
            items.append(Item(level.goal.text, str(level.level)))
            items += fields(level, "note")
        for j in e.judgements.all():
            items += _judgement_items(j, recipient)
        heading = _("Evaluation of %(measure)s") % {"measure": e.measure.get_kind_display()}
        entries.append(Entry(heading, items))
    for r in ratings:
        entries.append(Entry(r.instrument.name, [*fields(r, "rated_on", "respondent", "total")]))
    for f in feedback:
        own = recipient.is_member(f.link.member_id)
        comment = fields(f, "comment") if own else flag_field(f, "comment", reason=SAID)
        entries.append(Entry(_("Feedback on a meeting"), [*fields(f, "felt_heard", "useful"), *comment]))
    return [Section("evaluation", _("Evaluations"), entries)] if entries else []


contributor = Contributor(
    name="evaluation",
    order=40,
    covers=(
        "evaluation.evaluation",
        "evaluation.goalscale",
        "evaluation.goallevel",
        "evaluation.judgement",
        "evaluation.rating",
        "evaluation.meetingfeedback",
    ),
    sections=sections,
)
