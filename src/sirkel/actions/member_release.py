"""The actions' part of a network member's delete page: what the person carries, and who takes it over.

Registered with `network.removal` in `apps.py`, so `network` never imports `actions`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext

from sirkel.accounts.models import User
from sirkel.actions import services
from sirkel.actions.forms import owner_field_choices
from sirkel.actions.models import Action
from sirkel.actions.selectors.plan import OwnerChoices, owner_choices
from sirkel.meetings.models import Series
from sirkel.network.models import NetworkMember
from sirkel.network.removal import MemberHolder

KEEP = "keep"


@dataclass
class MeasureGroup:
    series: Series
    rows: list[tuple[Action, forms.BoundField]] = field(default_factory=list)


class ReleaseMemberForm(forms.Form):
    """One choice per action the member carries: another owner, or keep it with the person's name."""

    def __init__(
        self, *args: Any, member: NetworkMember, actions: list[Action], user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.owners: dict[int, OwnerChoices] = {}
        self.groups: list[MeasureGroup] = []
        by_series: dict[int, MeasureGroup] = {}
        keep = (KEEP, gettext("Keep it, with %(name)s as former owner") % {"name": member.name})
        for action in actions:
            if action.series_id not in self.owners:
                found = owner_choices(series=action.series, user=user)
                self.owners[action.series_id] = OwnerChoices(
                    private=[m for m in found.private if m.pk != member.pk],
                    public=[m for m in found.public if m.pk != member.pk],
                    staff=found.staff,
                )
            choices = [keep, *owner_field_choices(self.owners[action.series_id])[1:]]
            name = f"action_{action.pk}"
            self.fields[name] = forms.ChoiceField(
                label=gettext("Who takes over “%(what)s”?") % {"what": action.what},
                choices=choices,
                initial=KEEP,
            )
            group = by_series.get(action.series_id)
            if group is None:
                group = by_series[action.series_id] = MeasureGroup(series=action.series)
                self.groups.append(group)
            group.rows.append((action, self[name]))
        self.actions = actions

    def reassignments(self) -> dict[int, NetworkMember | User | None]:
        """Action id -> new owner (None: keep with the former owner's name). Call on a valid form."""
        found: dict[int, NetworkMember | User | None] = {}
        for action in self.actions:
            value: str = self.cleaned_data[f"action_{action.pk}"]
            owners = self.owners[action.series_id]
            kind, _sep, raw = value.partition(":")
            target: NetworkMember | User | None = None
            if kind == "m":
                target = next(m for m in [*owners.private, *owners.public] if str(m.pk) == raw)
            elif kind == "u":
                target = next(u for u in owners.staff if str(u.pk) == raw)
            found[action.pk] = target
        return found


def release_form(
    *, user: User, member: NetworkMember, data: Mapping[str, Any] | None = None
) -> ReleaseMemberForm | None:
    actions = list(
        Action.objects.filter(owner_member=member)
        .select_related("series__measure__case__service", "series__leader", "meeting")
        .order_by("series_id", "due_on", "id")
    )
    if not actions:
        return None
    return ReleaseMemberForm(data, member=member, actions=actions, user=user, prefix="release")


def release(*, acting_user: User, member: NetworkMember, form: ReleaseMemberForm) -> None:
    services.release_member(acting_user=acting_user, member=member, reassign_to=form.reassignments())


holder = MemberHolder(
    name="actions", form=release_form, release=release, template="actions/partials/member_release.html"
)
