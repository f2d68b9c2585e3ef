"""The resource person's engagement: who (from the network register, or added to it), the role, the hours,
what they do with whom — and, before the measure ends, what happens to the relationship with the child
when the paid measure ends."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.core.versioning import ConflictError, update_versioned
from sirkel.meetings.kinds import Flow, kind_config
from sirkel.meetings.models import Engagement, HoursPer, ResourceRole, Series, SeriesStatus
from sirkel.meetings.services import guards
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember, Side

AFTER_END = "after_end"


def engagement_of(series: Series) -> Engagement | None:
    return Engagement.objects.filter(series=series).select_related("after_end_recorded_by").first()


def missing_before_end(*, series: Series) -> str:
    """Why the measure may not end yet ("" when it may): what its kind needs recorded first (kinds.py
    `ends_needs`). `end_series` refuses with this message; the end page links to where to record it."""
    if AFTER_END in kind_config(series.kind).ends_needs:
        engagement = Engagement.objects.filter(series=series).only("after_end").first()
        if engagement is None or not engagement.after_end.strip():
            return _(
                "Before the measure ends, record on the resource person's page what happens to the "
                "relationship with the child when the paid measure ends."
            )
    return ""


@transaction.atomic
def save_engagement(
    *,
    acting_user: User,
    series: Series,
    member: NetworkMember | None = None,
    new_name: str = "",
    new_relation: str = "",
    role: str = "",
    hours: Decimal | None = None,
    hours_per: str = HoursPer.WEEK,
    activities: str = "",
    after_end: str = "",
    expected_version: int | None = None,
) -> Engagement:
    """Save the engagement. The person is someone in the case's network register (`member`) or someone
    added to it now (`new_name`), and becomes the series' `person`; leaving both out keeps the person.
    `expected_version` is the version the form was opened at (0: before the engagement had a record)."""
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_running(series=series)
    if kind_config(series.kind).flow != Flow.ENGAGEMENT:
        raise ValidationError(_("This measure has no resource person."))
    locked = Series.objects.select_for_update().get(pk=series.pk)
    series.status, series.person_id, series.version = locked.status, locked.person_id, locked.version
    new_name = new_name.strip()
    if member is not None and new_name:
        raise ValidationError(
            {"member": _("Choose someone from the network register, or write the name of someone new.")}
        )
    if member is not None and member.case_id != series.case_id:
        raise ValidationError({"member": _("Choose someone from this child's network register.")})
    if member is None and not new_name and series.person_id is None:
        raise ValidationError({"member": _("Choose the resource person, or write the name of someone new.")})
    if role and role not in ResourceRole.values:
        raise ValidationError({"role": _("Choose the role.")})
    if hours_per not in HoursPer.values:
        raise ValidationError({"hours_per": _("Choose per week or per month.")})
    if hours is not None and hours <= 0:
        raise ValidationError({"hours": _("The hours must be more than zero.")})
    engagement = Engagement.objects.select_for_update().filter(series=series).first()
    created = engagement is None
    if engagement is None:
        if expected_version:
            raise ConflictError
        engagement = Engagement(series=series)
    elif expected_version == 0:
        raise ConflictError
    if new_name:
        member = network_services.add_member(
            acting_user=acting_user,
            case=series.case,
            name=new_name,
            relation=new_relation.strip(),
            side=Side.PRIVATE,
        )
    after_end = after_end.strip()
    after_end_changed = after_end != engagement.after_end
    engagement.role, engagement.hours, engagement.hours_per = role, hours, hours_per
    engagement.activities, engagement.after_end = activities.strip(), after_end
    fields = ["role", "hours", "hours_per", "activities", "after_end"]
    if after_end_changed:
        engagement.after_end_recorded_at = timezone.now() if after_end else None
        engagement.after_end_recorded_by = acting_user if after_end else None
        fields += ["after_end_recorded_at", "after_end_recorded_by"]
    if created:
        engagement.save()
    else:
        update_versioned(engagement, expected_version=expected_version or engagement.version, fields=fields)
    series_fields: list[str] = []
    if member is not None and member.pk != series.person_id:
        series.person_id = member.pk
        series_fields.append("person")
    activated = series.status == SeriesStatus.PREPARING and bool(role)
    if activated:
        series.status = SeriesStatus.ACTIVE
        series_fields.append("status")
    if series_fields:
        series.version += 1
        series.save(update_fields=[*series_fields, "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="engagement",
        object_id=engagement.pk,
        person=series.person_id,
        added_to_register=bool(new_name),
        role=role,
        after_end_recorded=after_end_changed and bool(after_end),
        series_activated=activated,
    )
    return engagement
