"""Who may carry out an agreed task: the one rule for an action's owner and a family plan item's owner.

`actions` (an action's owner) and the family group conference (an item of the family's plan, which becomes
an action when the plan is approved) check the same rule here, so an item is refused when it is written,
not later when the plan is approved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sirkel.accounts.models import Membership, User
from sirkel.accounts.selectors import CASE_ROLES
from sirkel.meetings.models import Series
from sirkel.network.models import NetworkMember


def check_owner(*, series: Series, owner_member: NetworkMember | None, owner_user: User | None) -> None:
    """One person carries it out: someone from this child's network register, or a staff member of the
    case's service (or the measure's leader, who may come from another service). "The family" as a whole
    is not an owner."""
    if (owner_member is None) == (owner_user is None):
        raise ValidationError(
            {"owner": _("Choose one person who carries it out: someone from the network, or a staff member.")}
        )
    if owner_member is not None and owner_member.case_id != series.case_id:
        raise ValidationError({"owner": _("Choose someone from this child's network register.")})
    if (
        owner_user is not None
        and owner_user.pk != series.leader_id
        and not Membership.objects.filter(
            user=owner_user, service_id=series.case.service_id, role__in=CASE_ROLES, user__is_active=True
        ).exists()
    ):
        raise ValidationError({"owner": _("Choose a staff member of the child welfare service.")})
