"""Meeting leaders: choosing a measure's leader and keeping the register of trained leaders."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import NON_STAFF_ROLES, Membership, Role, Service, User
from sirkel.accounts.selectors import role_in_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import Case
from sirkel.meetings import selectors
from sirkel.meetings.kinds import LeaderPool, in_sentence, kind_config
from sirkel.meetings.models import Series, TrainedLeader
from sirkel.meetings.services import guards

LEADER_POOL_HINTS = {
    LeaderPool.TRAINED: gettext_lazy(
        "Choose a meeting leader from the register of trained leaders: your own service's, or one another "
        "service shares."
    ),
    LeaderPool.COORDINATORS: gettext_lazy(
        "Choose a coordinator who has a coordinator's account in this service (the service's administrator "
        "gives them one)."
    ),
    LeaderPool.STAFF: gettext_lazy("Choose someone who works in this service."),
    LeaderPool.NONE: gettext_lazy("This measure has no leader: the person from the network carries it."),
}

# Who may keep the register of trained meeting leaders for a service.
REGISTER_KEEPERS = {Role.LEADER.value, Role.ADMINISTRATOR.value}


# ---------------------------------------------------------------------------------------------------------
# Checks


def check_leader(*, case: Case, caseworker: User, leader: User | None, kind: str = "network_meeting") -> None:
    """The person who leads must come from the kind's pool (kinds.py), and is never the caseworker."""
    if leader is None:
        return
    config = kind_config(kind)
    if leader.pk == caseworker.pk:
        raise ValidationError(
            {
                "leader": _("The %(role)s cannot be the responsible caseworker: choose someone else.")
                % {"role": in_sentence(config.leader_label)}
            }
        )
    candidates = selectors.leader_candidates(
        service_id=case.service_id, exclude_user_id=caseworker.pk, kind=kind
    )
    if not candidates.filter(pk=leader.pk).exists():
        raise ValidationError({"leader": str(LEADER_POOL_HINTS[config.leader_pool])})


@transaction.atomic
def set_leader(*, acting_user: User, series: Series, leader: User | None) -> Series:
    """Choose (or change) who leads the measure (kinds.py `leader_label`: meeting leader, coordinator, …). A
    kind that `needs_leader` must have one before the first meeting is prepared."""
    guards.require(user=acting_user, series=series)
    guards.ensure_running(series=series)
    if leader is None and kind_config(series.kind).needs_leader and series.meetings.exists():
        raise ValidationError(
            {
                "leader": _("A meeting has been planned: it needs a %(role)s.")
                % {"role": in_sentence(kind_config(series.kind).leader_label)}
            }
        )
    check_leader(case=series.case, caseworker=series.caseworker, leader=leader, kind=series.kind)
    previous = series.leader_id
    series.leader = leader
    series.version += 1
    series.save(update_fields=["leader", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="series",
        object_id=series.pk,
        field="leader",
        previous=previous,
        leader=leader.pk if leader else None,
    )
    return series


@transaction.atomic
def save_trained_leader(
    *,
    acting_user: User,
    service: Service,
    user: User,
    trained_on: date | None = None,
    training: str = "",
    shared: bool = False,
    active: bool = True,
    note: str = "",
) -> TrainedLeader:
    """Add someone to the service's register of trained meeting leaders, or change their entry."""
    if role_in_service(user=acting_user, service_id=service.pk) not in REGISTER_KEEPERS:
        raise PermissionDenied
    if not Membership.objects.filter(user=user, service=service).exclude(role__in=NON_STAFF_ROLES).exists():
        raise ValidationError({"user": _("Only people who work in this service can be added here.")})
    if trained_on is not None and trained_on > timezone.localdate():
        raise ValidationError({"trained_on": _("The date cannot be in the future.")})
    entry = TrainedLeader.objects.select_for_update().filter(user=user).first()
    if entry is not None and entry.service_id != service.pk:
        raise ValidationError({"user": _("This person is already registered by another service.")})
    created = entry is None
    if entry is None:
        entry = TrainedLeader(user=user, service=service)
    entry.trained_on = trained_on
    entry.training = training.strip()
    entry.shared = shared
    entry.active = active
    entry.note = note.strip()
    entry.full_clean()
    entry.save()
    record_event(
        actor=acting_user,
        service=service,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="trained_leader",
        object_id=entry.pk,
        detail={"user": user.pk, "shared": shared, "active": active},
    )
    return entry
