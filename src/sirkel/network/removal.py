"""What other apps hold on a network member, so the member's delete page can say so and let the user decide.

`network` knows no app above it (the agreed actions point at members, not the other way round). An app
that keeps something a member carries registers a `MemberHolder` in its `AppConfig.ready()`: it builds the
part of the confirmation page that says what the person holds and asks what becomes of it, and releases
it in the same transaction as the member is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from django import forms

    from sirkel.accounts.models import User
    from sirkel.network.models import NetworkMember


@dataclass(frozen=True)
class MemberHolder:
    name: str
    # (user=, member=, data=) -> a form asking what becomes of what the member holds, or None if nothing.
    form: Callable[..., forms.Form | None]
    # (acting_user=, member=, form=) -> None; called with the valid form before the member is deleted.
    release: Callable[..., None]
    template: str  # renders the form; context: form, member


@dataclass(frozen=True)
class Holding:
    holder: MemberHolder
    form: forms.Form


_holders: dict[str, MemberHolder] = {}


def register(holder: MemberHolder) -> None:
    _holders[holder.name] = holder


def holdings(*, user: User, member: NetworkMember, data: Mapping[str, Any] | None = None) -> list[Holding]:
    """What the member holds in other apps, each with its form (bound to `data` when given)."""
    found: list[Holding] = []
    for holder in _holders.values():
        form = holder.form(user=user, member=member, data=data)
        if form is not None:
            found.append(Holding(holder=holder, form=form))
    return found


@transaction.atomic
def release_and_remove(
    *, acting_user: User, member: NetworkMember, held: list[Holding], remove: Callable[[], None]
) -> None:
    """Release what the member holds (the forms are valid) and then remove the member, all or nothing."""
    for holding in held:
        holding.holder.release(acting_user=acting_user, member=member, form=holding.form)
    remove()
