"""Who a printed map is for, and what it then leaves out: the people the family or the network must not see.

A map printed for the service itself shows everyone. A map for the family, or for the participants of a
network meeting, leaves out (or shows as "a person", without relation, support or ties) everyone with one
of the reasons in `PrivacyReason`: the child or a parent asked that they be hidden
(`NetworkMember.hide_in_prints`), they have a protected address (`protected_address`), or they must not
have contact with the child (`no_contact`). `may_contact` is not one of them: it is consent for the
service to invite someone, not a ban.

A snapshot keeps each member's reasons ("print_privacy"); for a member still in the register, today's
reasons count as well, so a wish made after the snapshot was taken is kept when it is printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.models import Case
from sirkel.network.models import NetworkMember


class Audience(models.TextChoices):
    INTERNAL = "internal", gettext_lazy("The service (for internal use)")
    FAMILY = "family", gettext_lazy("The family")
    NETWORK = "network", gettext_lazy("The participants of the network meeting")


class Treatment(models.TextChoices):
    LEAVE_OUT = "leave_out", gettext_lazy("Leave them out")
    ANONYMISE = "anonymise", gettext_lazy("Show them as “A person”, without relation, support or ties")


class PrivacyReason(models.TextChoices):
    HIDDEN = "hidden", gettext_lazy("the child or a parent asked that they be hidden")
    PROTECTED_ADDRESS = "protected_address", gettext_lazy("they have a protected address")
    NO_CONTACT = "no_contact", gettext_lazy("they must not have contact with the child")


REASONS: tuple[str, ...] = tuple(r.value for r in PrivacyReason)


def reasons_by_member(
    datas: Iterable[Mapping[str, Any]], live: Iterable[NetworkMember] = (), wished_hidden: Iterable[int] = ()
) -> dict[int, set[str]]:
    """Each member's reasons, from the snapshot data given and the live members (the union of both), and
    "hidden" for the members someone asked on their own map not to show (`selectors.wished_hidden`)."""
    reasons: dict[int, set[str]] = {}
    for data in datas:
        for m in data.get("members") or []:
            if isinstance(m, Mapping) and "id" in m:
                given = {str(r) for r in m.get("print_privacy") or () if str(r) in REASONS}
                if given:
                    reasons.setdefault(int(m["id"]), set()).update(given)
    for member in live:
        if member.print_privacy:
            reasons.setdefault(member.pk, set()).update(member.print_privacy)
    for member_id in wished_hidden:
        reasons.setdefault(member_id, set()).add(PrivacyReason.HIDDEN.value)
    return reasons


@dataclass(frozen=True)
class Omission:
    """What a print for an audience left out or anonymised: counts of people by reason (a person with
    two reasons counts once, under the first in `PrivacyReason`'s order)."""

    audience: str
    treatment: str
    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.by_reason.values())

    @property
    def audience_label(self) -> str:
        return str(Audience(self.audience).label)

    @property
    def note(self) -> str:
        """What the print says, e.g. "2 people are left out of this map, …". "" when nobody is.

        It names no reason: that someone has a protected address or a contact ban is itself not for the
        family to read. The reasons are in `reasons_text`, shown to the caseworker on screen only."""
        if not self.count:
            return ""
        if self.treatment == Treatment.ANONYMISE:
            text = ngettext(
                "%(count)s person is shown as “A person”, because they are not to be named to others.",
                "%(count)s people are shown as “A person”, because they are not to be named to others.",
                self.count,
            )
        else:
            text = ngettext(
                "%(count)s person is left out of this map, because they are not to be shown to others.",
                "%(count)s people are left out of this map, because they are not to be shown to others.",
                self.count,
            )
        return text % {"count": self.count}

    @property
    def reasons_text(self) -> str:
        """The reasons with their counts, e.g. "the child or a parent asked that they be hidden (1)"."""
        return "; ".join(
            f"{PrivacyReason(r).label} ({n})" for r in REASONS if (n := self.by_reason.get(r, 0))
        )


def for_audience(
    data: Mapping[str, Any], *, reasons: Mapping[int, set[str]], audience: str, treatment: str
) -> tuple[dict[str, Any], Omission]:
    """The snapshot-shaped `data` as this audience may see it, and what was left out."""
    members = [m for m in data.get("members") or [] if isinstance(m, Mapping) and "id" in m]
    ties = list(data.get("ties") or [])
    if audience == Audience.INTERNAL:
        return {"members": [dict(m) for m in members], "ties": ties}, Omission(audience, treatment)
    by_reason: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    withheld: set[int] = set()
    for m in members:
        mine = reasons.get(int(m["id"]), set())
        if not mine:
            kept.append(dict(m))
            continue
        first = next(r for r in REASONS if r in mine)
        by_reason[first] = by_reason.get(first, 0) + 1
        withheld.add(int(m["id"]))
        if treatment == Treatment.ANONYMISE:
            kept.append({**m, "name": _("A person"), "relation": "", "support": [], "print_privacy": []})
    # Ties of anyone withheld go in both cases: a tie would tell who an anonymous person is.
    kept_ties = [t for t in ties if isinstance(t, list) and len(t) >= 2 and not ({t[0], t[1]} & withheld)]
    return {"members": kept, "ties": kept_ties}, Omission(audience, treatment, by_reason)


@transaction.atomic
def record_print(
    *, acting_user: User, case: Case, omission: Omission, what: str, snapshot_ids: Iterable[int] = ()
) -> None:
    """Audit that a map of the case was shown for printing to an audience: which, and what it left out.
    `what` is "map", "snapshot_map" or "change_map"."""
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.EXPORT,
        object_type="network_map",
        object_id=case.pk,
        detail={
            "case": case.pk,
            "what": what,
            "audience": omission.audience,
            "treatment": omission.treatment,
            "left_out": omission.count if omission.treatment == Treatment.LEAVE_OUT else 0,
            "anonymised": omission.count if omission.treatment == Treatment.ANONYMISE else 0,
            "by_reason": dict(sorted(omission.by_reason.items())),
            "snapshots": sorted(snapshot_ids),
        },
    )
