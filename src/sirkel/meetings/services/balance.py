"""The balance between the people invited: private vs public network, close to vs further from the problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from sirkel.meetings.models import Participant, ParticipantRole, Response

# The study (and the method descriptions it cites: Forsberg & Wallmark 2021; Fyrand 2005; Hjort 2019) finds
# that network meetings work best with a good balance between the private and the public network, and
# between people closely involved in the problem and people further from it: it evens out power and helps
# the group find shared solutions. It gives no numbers, so the thresholds below are rules of thumb that only
# trigger a hint, never a block. A good balance also needs someone close to the problem: with nobody close to
# it, the people the problem concerns are missing from the meeting.

PUBLIC_SHARE_HIGH = 0.60
"""Above this share of professionals, the family's own network is outnumbered: suggest inviting more of it."""

PRIVATE_SHARE_HIGH = 0.85
"""Above this share of private network, no trusted public actor is there to bring a view from outside."""

CLOSE_SHARE_HIGH = 2 / 3
"""Above this share of people close to the problem, nobody brings distance: invite someone further from it."""

# Roles that take no part in the balance: interpreters translate, they are not part of the network.
NOT_COUNTED_ROLES = frozenset({ParticipantRole.INTERPRETER.value})

# Roles that are always on one side.
PRIVATE_ROLES = frozenset(
    {
        ParticipantRole.MOTHER.value,
        ParticipantRole.FATHER.value,
        ParticipantRole.CHILD.value,
        ParticipantRole.PRIVATE.value,
    }
)
PUBLIC_ROLES = frozenset({ParticipantRole.PUBLIC.value, ParticipantRole.STAFF.value})


@dataclass(frozen=True)
class Balance:
    private: int
    public: int
    close: int
    further: int
    hints: list[str] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return self.private + self.public

    @property
    def public_share(self) -> float:
        return self.public / self.counted if self.counted else 0.0

    @property
    def private_share(self) -> float:
        return self.private / self.counted if self.counted else 0.0

    @property
    def close_share(self) -> float:
        return self.close / self.counted if self.counted else 0.0

    @property
    def private_percent(self) -> int:
        return round(self.private_share * 100)

    @property
    def public_percent(self) -> int:
        return 100 - self.private_percent if self.counted else 0

    @property
    def close_percent(self) -> int:
        return round(self.close_share * 100)

    @property
    def further_percent(self) -> int:
        return 100 - self.close_percent if self.counted else 0

    @property
    def lopsided(self) -> bool:
        return bool(self.hints)


def balance(participants: Iterable[Participant], *, leader_id: int | None = None) -> Balance:
    """Private vs public and close vs further from the problem, among those invited who have not said no.

    Interpreters are not counted, nor the meeting leader (`leader_id`): they lead, they are not part of the
    network. Pure: works on rows already loaded.
    """
    private = public = close = 0
    for p in participants:
        if not p.invited or p.response == Response.DECLINED or p.role in NOT_COUNTED_ROLES:
            continue
        if leader_id is not None and p.user_id == leader_id:
            continue
        if p.is_public:
            public += 1
        else:
            private += 1
        if p.close_to_problem:
            close += 1
    counted = private + public
    hints: list[str] = []
    if counted:
        if public / counted > PUBLIC_SHARE_HIGH:
            hints.append(_("Mostly professionals: think about who in the family's own network could come."))
        if private / counted > PRIVATE_SHARE_HIGH:
            hints.append(
                _(
                    "Almost only the family's own network: consider inviting a public actor the family "
                    "trusts, such as a teacher or the health nurse."
                )
            )
        if not close:
            hints.append(
                _(
                    "No one invited is marked as close to the problem: invite the people the problem "
                    "concerns most, such as the child and the parents, or mark them as close to it."
                )
            )
        elif close / counted > CLOSE_SHARE_HIGH:
            hints.append(
                _(
                    "Most of those invited are close to the problem: invite someone further from it, who can "
                    "bring a fresh view."
                )
            )
    return Balance(private=private, public=public, close=close, further=counted - close, hints=hints)


def side_for_role(role: str, *, fallback_public: bool) -> bool:
    """Whether a participant in this role counts as public network (support persons keep their side)."""
    if role in PRIVATE_ROLES:
        return False
    if role in PUBLIC_ROLES:
        return True
    return fallback_public
