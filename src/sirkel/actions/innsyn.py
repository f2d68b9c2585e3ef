"""The agreed actions' part of a copy for a party's right of access (see `cases.innsyn`): every action of
the case's network measures, who owns it, when it is due, and how each follow-up meeting reviewed it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sirkel.actions.models import Action
from sirkel.cases.innsyn import Contributor, Entry, Item, Recipient, Section, fields
from sirkel.cases.models import Case


def _owner(action: Action) -> str:
    if action.owner_member is not None:
        return action.owner_member.name
    if action.owner_user is not None:
        return action.owner_user.display_name()
    return action.former_owner_name


def sections(case: Case, recipient: Recipient) -> list[Section]:
    actions = (
        Action.objects.filter(series__measure__case=case)
        .select_related("owner_member", "owner_user")
        .prefetch_related("reviews")
        .order_by("series_id", "pk")
    )
    entries = []
    for action in actions:
        items = [Item(_("Owner"), _owner(action)), *fields(action, "due_on", "status")]
        for review in action.reviews.all():
            items += fields(review, "outcome", "note")
        entries.append(Entry(action.what, [i for i in items if i.value]))
    return [Section("actions", _("Agreed actions"), entries)] if entries else []


contributor = Contributor(
    name="actions", order=30, covers=("actions.action", "actions.actionreview"), sections=sections
)
