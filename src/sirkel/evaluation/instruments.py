"""Rating instruments and ratings: defining, revising and retiring a service's instruments, recording a
rating, and a case's ratings of one instrument as a series of reliable changes.

Versions. An instrument is the rows with one (service, key); the current one is the highest version.
Every change — of the items, but also of only the name, description, s₁ or r — makes a new version row,
and the old row is kept untouched: a rating keeps the version it was made with, and so the sd and r its
change is computed with stays what it was. (Telling "only the wording" from "a new instrument" apart would
be a judgement Sirkel cannot make; one rule is easier to trust.) The kind (outcome or session) is fixed:
an outcome rating that becomes a session rating is another instrument. Retiring retires every version of
the key: nothing new is rated with it, what was rated stays.

The shipped instruments (`service` empty) come from `data/instruments.yaml` through a data migration; they
are read-only here. A leader copies one into the service (a new key) to set the service's own sd and r.
A service's key may not be one of the shipped keys, so a key names one instrument within what a case sees.

Reliable change. `change_series` gives each rating of one instrument key, in date order, its
Jacobson–Truax RC against the first rating and against the previous one. The s₁ and r are those of the
instrument version of the comparison's baseline (the first rating, or the previous one): the RC is a
change from that baseline, measured with the instrument as it was then. Where versions differ, the change
from the first rating, and the band drawn around it, therefore use the first rating's version.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sirkel.accounts.models import Role, Service, User
from sirkel.accounts.selectors import role_in_service
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.access import case_access
from sirkel.cases.models import Case, Measure, Phase
from sirkel.core.versioning import ConflictError
from sirkel.evaluation.models import Instrument, InstrumentKind, Rating
from sirkel.evaluation.scores import RELIABLE_CHANGE, Change, reliable_change

MAX_ITEMS = 20
SCORE_RANGE = range(0, 11)


# --- Validation ---------------------------------------------------------------------------------------------


def validate_items(items: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The items as stored ([{key, label, label_en}]): at least one, at most MAX_ITEMS, each with a slug
    key (unique in the instrument) and a label; the English label defaults to the Bokmål one."""
    if not items:
        raise ValidationError({"items": _("Write at least one item.")})
    if len(items) > MAX_ITEMS:
        raise ValidationError(
            {"items": _("An instrument has at most %(count)d items.") % {"count": MAX_ITEMS}}
        )
    cleaned: list[dict[str, str]] = []
    for item in items:
        key = str(item.get("key", "")).strip()
        label = str(item.get("label", "")).strip()
        label_en = str(item.get("label_en", "")).strip() or label
        if not label:
            raise ValidationError({"items": _("Every item needs a text.")})
        try:
            validate_slug(key)
        except ValidationError as exc:
            raise ValidationError({"items": _("An item's key is letters, digits and hyphens.")}) from exc
        if len(key) > 60 or len(label) > 200 or len(label_en) > 200:
            raise ValidationError({"items": _("An item's text is at most 200 characters.")})
        cleaned.append({"key": key, "label": label, "label_en": label_en})
    if len({i["key"] for i in cleaned}) != len(cleaned):
        raise ValidationError({"items": _("Two items have the same text or key.")})
    return cleaned


def _validate_numbers(*, sd: float, reliability: float) -> None:
    if not math.isfinite(sd) or sd <= 0:
        raise ValidationError({"sd": _("The standard deviation is a number above 0.")})
    if not math.isfinite(reliability) or not 0 <= reliability < 1:
        raise ValidationError(
            {"reliability": _("The reliability is a number from 0 up to (not including) 1.")}
        )


def _validate_text(*, name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the instrument a name.")})
    if len(name) > 200:
        raise ValidationError({"name": _("The name is at most 200 characters.")})
    return name


def _require_leader(*, acting_user: User, service_id: int | None) -> None:
    if service_id is None or role_in_service(user=acting_user, service_id=service_id) != Role.LEADER.value:
        raise PermissionDenied


def owned_by(service_id: int | None) -> Q:
    """The instruments of one service, or (None) the shipped ones."""
    return Q(service__isnull=True) if service_id is None else Q(service_id=service_id)


def _latest(*, service_id: int | None, key: str, lock: bool = False) -> Instrument | None:
    rows = Instrument.objects.filter(owned_by(service_id), key=key)
    if lock:
        rows = rows.select_for_update()
    return rows.order_by("-version").first()


# --- Instruments --------------------------------------------------------------------------------------------


@transaction.atomic
def define_instrument(
    *,
    acting_user: User,
    service: Service,
    key: str,
    name: str,
    kind: str,
    items: Sequence[Mapping[str, Any]],
    sd: float,
    reliability: float,
    description: str = "",
) -> Instrument:
    """A new instrument of `service` (its version 1), by a leader of that service. The key is a slug not
    used by the service nor by a shipped instrument."""
    _require_leader(acting_user=acting_user, service_id=service.pk)
    key = key.strip()
    try:
        validate_slug(key)
    except ValidationError as exc:
        raise ValidationError({"key": _("The key is letters, digits and hyphens, without spaces.")}) from exc
    if len(key) > 60:
        raise ValidationError({"key": _("The key is at most 60 characters.")})
    if kind not in InstrumentKind.values:
        raise ValidationError({"kind": _("Choose outcome rating or session rating.")})
    name = _validate_text(name=name)
    _validate_numbers(sd=sd, reliability=reliability)
    cleaned = validate_items(items)
    if Instrument.objects.filter(Q(service=service) | Q(service__isnull=True), key=key).exists():
        raise ValidationError({"key": _("An instrument with this key exists already. Choose another key.")})
    instrument = Instrument.objects.create(
        service=service,
        key=key,
        version=1,
        name=name,
        kind=kind,
        description=description.strip(),
        items=cleaned,
        sd=sd,
        reliability=reliability,
    )
    _audit(acting_user, instrument, AuditAction.CREATE)
    return instrument


@transaction.atomic
def revise_instrument(
    *,
    acting_user: User,
    instrument: Instrument,
    expected_version: int,
    name: str,
    items: Sequence[Mapping[str, Any]],
    sd: float,
    reliability: float,
    description: str = "",
) -> Instrument:
    """A new version of a service's instrument (same key, next version; the old row is kept for the
    ratings made with it). `expected_version` is the version the form was opened at: a colleague's
    revision in between is a `ConflictError`. Nothing changed: the current version, and no new row."""
    _require_leader(acting_user=acting_user, service_id=instrument.service_id)
    latest = _latest(service_id=instrument.service_id, key=instrument.key, lock=True)
    if latest is None or latest.version != expected_version:
        raise ConflictError
    if latest.retired_at is not None:
        raise ValidationError(_("The instrument is retired and can no longer be changed."))
    name = _validate_text(name=name)
    _validate_numbers(sd=sd, reliability=reliability)
    cleaned = validate_items(items)
    description = description.strip()
    if (latest.name, latest.description, latest.items, latest.sd, latest.reliability) == (
        name,
        description,
        cleaned,
        sd,
        reliability,
    ):
        return latest
    revised = Instrument.objects.create(
        service_id=latest.service_id,
        key=latest.key,
        version=latest.version + 1,
        name=name,
        kind=latest.kind,
        description=description,
        items=cleaned,
        sd=sd,
        reliability=reliability,
    )
    _audit(acting_user, revised, AuditAction.UPDATE)
    return revised


@transaction.atomic
def retire_instrument(*, acting_user: User, instrument: Instrument) -> Instrument:
    """Retire a service's instrument (every version of its key): no new ratings with it; the ratings made
    stay, with their changes."""
    _require_leader(acting_user=acting_user, service_id=instrument.service_id)
    latest = _latest(service_id=instrument.service_id, key=instrument.key, lock=True)
    assert latest is not None  # noqa: S101 - `instrument` itself is one of the rows
    if latest.retired_at is None:
        now = timezone.now()
        Instrument.objects.filter(
            owned_by(instrument.service_id), key=instrument.key, retired_at__isnull=True
        ).update(retired_at=now, updated_at=now)
        latest.retired_at = now
        _audit(acting_user, latest, AuditAction.UPDATE, retired=True)
    return latest


def _audit(acting_user: User, instrument: Instrument, action: str, **extra: Any) -> None:
    record_event(
        actor=acting_user,
        service=instrument.service_id,
        action=action,
        object_type="instrument",
        object_id=instrument.pk,
        detail={"key": instrument.key, "version": instrument.version, **extra},
    )


def current_instruments(*, service_id: int | None, include_retired: bool = False) -> list[Instrument]:
    """The current version of each instrument a case of `service_id` can be rated with: the shipped ones
    and the service's own (not retired, unless asked), shipped first, then by name."""
    rows = Instrument.objects.filter(Q(service__isnull=True) | Q(service_id=service_id))
    latest = rows.values("service_id", "key").annotate(top=Max("version"))
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= owned_by(row["service_id"]) & Q(key=row["key"], version=row["top"])
    current = rows.filter(wanted)
    if not include_retired:
        current = current.filter(retired_at__isnull=True)
    return sorted(current, key=lambda i: (i.service_id is not None, i.name.casefold(), i.key))


def instrument_versions(instrument: Instrument) -> QuerySet[Instrument]:
    """Every version of `instrument`'s key, newest first."""
    return Instrument.objects.filter(owned_by(instrument.service_id), key=instrument.key).order_by("-version")


# --- Ratings ------------------------------------------------------------------------------------------------


def clean_scores(instrument: Instrument, scores: Mapping[str, Any]) -> dict[str, int]:
    """Every item of the instrument rated with a whole number 0–10, and nothing else."""
    keys = [str(item["key"]) for item in instrument.items]
    if set(scores) - set(keys):
        raise ValidationError(_("The rating has answers to items the instrument does not have."))
    cleaned: dict[str, int] = {}
    missing = []
    for key in keys:
        value = scores.get(key)
        if value is None or value == "":
            missing.append(key)
            continue
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError({key: _("Choose a number from 0 to 10.")})
        try:
            number = int(value)
        except ValueError as exc:
            raise ValidationError({key: _("Choose a number from 0 to 10.")}) from exc
        if number not in SCORE_RANGE or str(number) != str(value).strip():
            raise ValidationError({key: _("Choose a number from 0 to 10.")})
        cleaned[key] = number
    if missing:
        raise ValidationError({key: _("Choose a number from 0 to 10 for this item.") for key in missing})
    return cleaned


@transaction.atomic
def record_rating(
    *,
    acting_user: User,
    case: Case,
    instrument: Instrument,
    respondent: str,
    rated_on: date,
    scores: Mapping[str, Any],
    measure: Measure | None = None,
) -> Rating:
    """Record one filling-in of an instrument for a case, by whoever may change the case. Every item is
    rated 0–10 (all of them); the total is their mean. The instrument is the current version of a shipped
    one or one of the case's service, not retired; the measure, when given, is one of the case's."""
    if not case_access(user=acting_user, case=case).can_edit:
        raise PermissionDenied
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("The case is closed: no new ratings can be recorded."))
    if instrument.service_id not in (None, case.service_id):
        raise ValidationError({"instrument": _("Choose one of the instruments offered.")})
    latest = _latest(service_id=instrument.service_id, key=instrument.key)
    if instrument.retired_at is not None or latest is None or latest.pk != instrument.pk:
        raise ValidationError({"instrument": _("This instrument has been changed or retired: choose again.")})
    if measure is not None and measure.case_id != case.pk:
        raise ValidationError({"measure": _("Choose one of the case's measures.")})
    respondent = respondent.strip()
    if not respondent:
        raise ValidationError({"respondent": _("Say who answered.")})
    if len(respondent) > 200:
        raise ValidationError({"respondent": _("At most 200 characters.")})
    if rated_on > timezone.localdate():
        raise ValidationError({"rated_on": _("The date is in the future.")})
    if rated_on < case.birth_date:
        raise ValidationError({"rated_on": _("The date is before the child was born.")})
    cleaned = clean_scores(instrument, scores)
    total = round(sum(cleaned.values()) / len(cleaned), 2)
    rating = Rating.objects.create(
        case=case,
        measure=measure,
        instrument=instrument,
        respondent=respondent,
        rated_on=rated_on,
        scores=cleaned,
        total=total,
        recorded_by=acting_user,
    )
    record_event(
        actor=acting_user,
        service=case.service_id,
        action=AuditAction.CREATE,
        object_type="rating",
        object_id=rating.pk,
        detail={"case": case.pk, "instrument": instrument.pk, **({"measure": measure.pk} if measure else {})},
    )
    return rating


# --- Change over time ---------------------------------------------------------------------------------------


def difference_se(*, sd: float, reliability: float) -> float:
    """S_diff = √(2·SE²), SE = s₁·√(1 − r): the standard error of a difference between two ratings."""
    se = sd * math.sqrt(1 - reliability)
    return math.sqrt(2 * se * se)


@dataclass(frozen=True)
class ChangePoint:
    rating: Rating
    from_first: Change | None  # None for the first rating
    from_previous: Change | None  # None for the first rating


@dataclass(frozen=True)
class ChangeSeries:
    """One instrument key's ratings of a case in date order, with the band of no reliable change around
    the first rating (first total ± 1.96·S_diff, with the first rating's version)."""

    key: str
    name: str
    points: list[ChangePoint]

    @property
    def first(self) -> Rating:
        return self.points[0].rating

    @property
    def band_half_width(self) -> float:
        version = self.first.instrument
        return RELIABLE_CHANGE * difference_se(sd=version.sd, reliability=version.reliability)

    @property
    def band(self) -> tuple[float, float]:
        """The band, clipped to the scale 0–10."""
        half = self.band_half_width
        return max(0.0, self.first.total - half), min(10.0, self.first.total + half)


def change_series(case: Case, key: str) -> ChangeSeries | None:
    """The case's ratings with instrument `key` (any version), in date order, each with its RC against the
    first and the previous rating; None when there are none. Not a read on its own: call it from a
    selector that has asked the policy and audited the read (`case_ratings`)."""
    ratings = list(
        Rating.objects.filter(case=case, instrument__key=key)
        .filter(Q(instrument__service__isnull=True) | Q(instrument__service_id=case.service_id))
        .select_related("instrument", "measure", "recorded_by")
        .order_by("rated_on", "id")
    )
    if not ratings:
        return None
    points: list[ChangePoint] = []
    first = ratings[0]
    for index, rating in enumerate(ratings):
        if index == 0:
            points.append(ChangePoint(rating, None, None))
            continue
        previous = ratings[index - 1]
        points.append(
            ChangePoint(
                rating,
                _change(first, rating),
                _change(previous, rating),
            )
        )
    return ChangeSeries(key=key, name=ratings[-1].instrument.name, points=points)


def _change(baseline: Rating, later: Rating) -> Change:
    version = baseline.instrument  # the version of the comparison's baseline: see the module's docstring
    return reliable_change(baseline.total, later.total, sd=version.sd, reliability=version.reliability)
