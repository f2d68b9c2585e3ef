"""The natural mentor's four phases: the youth's nomination of a trusted adult, who is asked and answers;
then a shared understanding, how each contributes and a shared plan, and how the collaboration meets new
challenges. Each phase has its own date, who took part and notes, and is completed in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.core.versioning import ConflictError, update_versioned
from sirkel.meetings.kinds import Flow, kind_config
from sirkel.meetings.models import (
    FollowUpNeeded,
    MentorAnswer,
    MentorNomination,
    MentorPhase,
    Series,
    SeriesStatus,
)
from sirkel.meetings.services import guards
from sirkel.network import services as network_services
from sirkel.network.models import NetworkMember, Side

PHASE_NUMBERS = (1, 2, 3, 4)


@dataclass(frozen=True)
class PhaseText:
    title: Promise
    about: Promise


PHASES: dict[int, PhaseText] = {
    1: PhaseText(
        gettext_lazy("The youth chooses a mentor"),
        gettext_lazy(
            "The youth nominates a trusted adult from their own network, who is asked and answers. "
            "After a no, the youth can nominate someone else."
        ),
    ),
    2: PhaseText(
        gettext_lazy("A shared understanding"),
        gettext_lazy(
            "The youth, the parents, the mentor and the service agree on how things are now, and on the "
            "solution they want."
        ),
    ),
    3: PhaseText(
        gettext_lazy("What each one does, and a shared plan"),
        gettext_lazy(
            "How the youth, the parents, the mentor and the service each contribute. The shared plan's "
            "items are actions in the action plan, each with the person who carries it."
        ),
    ),
    4: PhaseText(
        gettext_lazy("New challenges and follow-up"),
        gettext_lazy(
            "How the collaboration meets new challenges, and whether professional follow-up from the "
            "service is still needed."
        ),
    ),
}


@dataclass(frozen=True)
class PhaseStep:
    """One phase as the stepper shows it."""

    number: int
    text: PhaseText
    phase: MentorPhase | None
    current: bool

    @property
    def completed(self) -> bool:
        return self.phase is not None and self.phase.completed_at is not None

    @property
    def held_on(self) -> date | None:
        return self.phase.held_on if self.phase is not None else None


# ---------------------------------------------------------------------------------------------------------
# Reads


def phases_of(series: Series) -> dict[int, MentorPhase]:
    return {p.number: p for p in MentorPhase.objects.filter(series=series)}


def phase_steps(series: Series, phases: dict[int, MentorPhase] | None = None) -> list[PhaseStep]:
    """The four phases in order; the current one is the first not completed (none when all are)."""
    phases = phases_of(series) if phases is None else phases
    current = next(
        (n for n in PHASE_NUMBERS if n not in phases or phases[n].completed_at is None),
        None,
    )
    return [PhaseStep(n, PHASES[n], phases.get(n), n == current) for n in PHASE_NUMBERS]


def nominations_of(series: Series) -> list[MentorNomination]:
    return list(
        MentorNomination.objects.filter(series=series).select_related("member").order_by("nominated_on", "id")
    )


def private_members(series: Series) -> list[NetworkMember]:
    """Whom the youth can nominate: the private side of the case's network register."""
    return list(
        NetworkMember.objects.filter(case_id=series.case_id, side=Side.PRIVATE).order_by("name", "id")
    )


# ---------------------------------------------------------------------------------------------------------
# Checks


def _check_phases_kind(series: Series) -> None:
    if kind_config(series.kind).flow != Flow.PHASES:
        raise ValidationError(_("This measure does not run in phases."))


def _lock(series: Series) -> Series:
    """The series row, locked: nominations and phases of one measure are written one at a time."""
    locked = Series.objects.select_for_update().get(pk=series.pk)
    series.status, series.person_id, series.version = locked.status, locked.person_id, locked.version
    return series


def _check_day(value: date | None, field: str, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise ValidationError({field: _("Give the date.")})
        return
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _phase_one_completed(series: Series) -> bool:
    return MentorPhase.objects.filter(series=series, number=1, completed_at__isnull=False).exists()


# ---------------------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def nominate(
    *,
    acting_user: User,
    series: Series,
    nominated_on: date,
    member: NetworkMember | None = None,
    new_name: str = "",
    new_relation: str = "",
    why: str = "",
) -> MentorNomination:
    """Record the adult the youth nominated: someone from the private side of the network register, or
    (`new_name`) someone added to it now. One nomination is open at a time: after a no, the next."""
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_running(series=series)
    _check_phases_kind(series)
    _lock(series)
    new_name = new_name.strip()
    if (member is None) == (not new_name):
        raise ValidationError(
            {"member": _("Choose someone from the network register, or write the name of someone new.")}
        )
    if member is not None:
        if member.case_id != series.case_id:
            raise ValidationError({"member": _("Choose someone from this child's network register.")})
        if member.side != Side.PRIVATE:
            raise ValidationError(
                {
                    "member": _(
                        "A mentor comes from the youth's own network: choose someone on the private side."
                    )
                }
            )
        if MentorNomination.objects.filter(series=series, member=member).exists():
            raise ValidationError(
                {"member": _("%(name)s has been nominated already.") % {"name": member.name}}
            )
    _check_day(nominated_on, "nominated_on", required=True)
    open_one = (
        MentorNomination.objects.filter(
            series=series, answer__in=(MentorAnswer.PENDING, MentorAnswer.ASKED, MentorAnswer.YES)
        )
        .select_related("member")
        .first()
    )
    if open_one is not None:
        if open_one.answer == MentorAnswer.YES:
            raise ValidationError(
                _("%(name)s has said yes to being the mentor: nobody else can be nominated.")
                % {"name": open_one.member.name}
            )
        raise ValidationError(
            _("Record the answer of %(name)s first: one person is asked at a time.")
            % {"name": open_one.member.name}
        )
    if member is None:
        member = network_services.add_member(
            acting_user=acting_user,
            case=series.case,
            name=new_name,
            relation=new_relation.strip(),
            side=Side.PRIVATE,
        )
    nomination = MentorNomination.objects.create(
        series=series, member=member, nominated_on=nominated_on, why=why.strip()
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE,
        object_type="mentor_nomination",
        object_id=nomination.pk,
        member=member.pk,
        added_to_register=bool(new_name),
    )
    return nomination


@transaction.atomic
def record_answer(
    *,
    acting_user: User,
    nomination: MentorNomination,
    asked_on: date | None,
    answer: str,
    answer_note: str = "",
) -> MentorNomination:
    """Record that the nominated adult was asked, and their answer. The one who says yes becomes the
    mentor (`Series.person`); after a no, the youth can nominate someone else."""
    series = nomination.series
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_running(series=series)
    _check_phases_kind(series)
    _lock(series)
    current = MentorNomination.objects.select_for_update().select_related("member").get(pk=nomination.pk)
    if answer not in (MentorAnswer.ASKED, MentorAnswer.YES, MentorAnswer.NO):
        raise ValidationError({"answer": _("Choose the answer.")})
    _check_day(asked_on, "asked_on", required=True)
    assert asked_on is not None  # noqa: S101 (checked above; for the type checker)
    if asked_on < current.nominated_on:
        raise ValidationError({"asked_on": _("They cannot have been asked before they were nominated.")})
    if _phase_one_completed(series) and current.answer != answer:
        raise ValidationError(
            _("The first phase is completed: the mentor is chosen and the answers are kept.")
        )
    if (
        answer == MentorAnswer.YES
        and MentorNomination.objects.filter(series=series, answer=MentorAnswer.YES)
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError({"answer": _("Someone else has said yes already: the measure has one mentor.")})
    if (
        answer == MentorAnswer.ASKED
        and current.answer == MentorAnswer.NO
        and MentorNomination.objects.filter(
            series=series, answer__in=(MentorAnswer.PENDING, MentorAnswer.ASKED, MentorAnswer.YES)
        ).exists()
    ):
        raise ValidationError(
            {"answer": _("Someone else has been nominated since: one person is asked at a time.")}
        )
    previous = current.answer
    current.asked_on, current.answer, current.answer_note = asked_on, answer, answer_note.strip()
    current.save(update_fields=["asked_on", "answer", "answer_note"])
    person_before = series.person_id
    if answer == MentorAnswer.YES:
        series.person_id = current.member_id
    elif series.person_id == current.member_id:
        series.person_id = None
    if series.person_id != person_before:
        series.version += 1
        series.save(update_fields=["person", "version", "updated_at"])
    nomination.asked_on, nomination.answer, nomination.answer_note = (
        current.asked_on,
        answer,
        current.answer_note,
    )
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="mentor_nomination",
        object_id=current.pk,
        answer=answer,
        previous_answer=previous,
        person=series.person_id,
    )
    return current


@transaction.atomic
def save_phase(
    *,
    acting_user: User,
    series: Series,
    number: int,
    held_on: date | None,
    taking_part: str = "",
    notes: str = "",
    internal_notes: str = "",
    followup_needed: str = "",
    complete: bool = False,
    expected_version: int | None = None,
) -> MentorPhase:
    """Save a phase's date, who took part and notes; with `complete`, also mark it completed.

    Phases are completed in order: the first needs a mentor who said yes, each later one the one before
    it, and the fourth says whether professional follow-up is still needed. `expected_version` is the
    version the form was opened at (0: before the phase had a record); None saves over the current one."""
    guards.require(user=acting_user, series=series, what="edit")
    guards.ensure_running(series=series)
    _check_phases_kind(series)
    if number not in PHASE_NUMBERS:
        raise ValidationError(_("A natural mentor has four phases."))
    _lock(series)
    _check_day(held_on, "held_on", required=complete)
    if number != 4:
        followup_needed = ""
    if followup_needed and followup_needed not in FollowUpNeeded.values:
        raise ValidationError({"followup_needed": _("Choose yes or no.")})
    phase = MentorPhase.objects.select_for_update().filter(series=series, number=number).first()
    completing = complete and (phase is None or phase.completed_at is None)
    if completing:
        if number == 1 and series.person_id is None:
            raise ValidationError(
                _("The first phase is completed when a mentor has said yes: record the answer first.")
            )
        if (
            number > 1
            and not MentorPhase.objects.filter(
                series=series, number=number - 1, completed_at__isnull=False
            ).exists()
        ):
            raise ValidationError(
                _("Complete phase %(previous)s first: the phases are completed in order.")
                % {"previous": number - 1}
            )
        if number == 4 and not followup_needed:
            raise ValidationError(
                {
                    "followup_needed": _(
                        "Say whether professional follow-up is still needed before completing."
                    )
                }
            )
    if phase is not None and phase.completed_at is not None and number == 4 and not followup_needed:
        raise ValidationError({"followup_needed": _("Say whether professional follow-up is still needed.")})
    created = phase is None
    if phase is None:
        if expected_version:
            raise ConflictError
        phase = MentorPhase(series=series, number=number)
    elif expected_version == 0:
        raise ConflictError  # the form was opened before someone else saved the phase's first version
    phase.held_on = held_on
    phase.taking_part = taking_part.strip()
    phase.notes = notes.strip()
    phase.internal_notes = internal_notes.strip()
    phase.followup_needed = followup_needed
    fields = ["held_on", "taking_part", "notes", "internal_notes", "followup_needed"]
    if completing:
        phase.completed_at, phase.completed_by = timezone.now(), acting_user
        fields += ["completed_at", "completed_by"]
    if created:
        phase.save()
    else:
        update_versioned(phase, expected_version=expected_version or phase.version, fields=fields)
    activated = completing and number == 1 and series.status == SeriesStatus.PREPARING
    if activated:
        series.status = SeriesStatus.ACTIVE
        series.version += 1
        series.save(update_fields=["status", "version", "updated_at"])
    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="mentor_phase",
        object_id=phase.pk,
        number=number,
        completed=completing,
        followup_needed=followup_needed,
        series_activated=activated,
    )
    return phase
