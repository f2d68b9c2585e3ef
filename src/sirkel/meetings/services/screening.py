"""Screening a measure before it starts: the study's guidance for this family and the screening record."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sirkel.accounts.models import User
from sirkel.audit.models import AuditAction
from sirkel.cases.measures import begin_period, end_period
from sirkel.cases.models import Case, MeasureKind
from sirkel.core.versioning import update_versioned
from sirkel.meetings.kinds import KindConfig, in_sentence, kind_config
from sirkel.meetings.models import Screening, ScreeningDecision, Series, SeriesStatus
from sirkel.meetings.services import guards
from sirkel.network.models import NetworkMember, Side

# A private network with fewer people than this is "small": the screening suggests widening the circle.
SMALL_NETWORK_THRESHOLD = 4


class GuidanceLevel(models.TextChoices):
    NOT_ADVISED = "not_advised", gettext_lazy("Not advised")
    CAUTION = "caution", gettext_lazy("Caution")
    ADAPT = "adapt", gettext_lazy("Adapt")
    INFO = "info", gettext_lazy("Good to know")


@dataclass(frozen=True)
class Guidance:
    level: str  # a GuidanceLevel value
    text: str  # the finding, in plain language
    advice: tuple[str, ...] = ()  # what to do about it

    @property
    def level_label(self) -> str:
        return str(GuidanceLevel(self.level).label)


# ---------------------------------------------------------------------------------------------------------
# Readings


def screening_guidance(screening: Screening, *, kind: str = MeasureKind.NETWORK_MEETING) -> list[Guidance]:
    """What the study advises for this family, most serious first, in the words of the measure's kind."""
    config = kind_config(kind)
    names = {"meeting": in_sentence(config.meeting_label), "leader": in_sentence(config.leader_label)}
    found: list[Guidance] = []
    if screening.violence_unacknowledged:
        found.append(
            Guidance(
                GuidanceLevel.NOT_ADVISED,
                _(
                    "A %(meeting)s is not advised: violence or sexual abuse is suspected, and the person "
                    "responsible is unknown or does not acknowledge it."
                )
                % names,
                (
                    _("Protect the child first. Consider other measures until the situation is clearer."),
                    _("If you still consider going ahead, write down carefully why the child is safe."),
                ),
            )
        )
    if screening.severe_conflict:
        found.append(
            Guidance(
                GuidanceLevel.CAUTION,
                _(
                    "The conflict in the network may be so severe that a %(meeting)s brings more conflict "
                    "than help."
                )
                % names,
                (
                    _(
                        "Talk with the parents, and with the person who leads (%(leader)s), about whether "
                        "the conflict can be handled."
                    )
                    % names,
                    _(
                        "Consider separate talks with those in conflict first, or a smaller meeting to begin "
                        "with."
                    ),
                ),
            )
        )
    found.extend(_cautions(screening, config))
    if screening.parent_cognitive_difficulties:
        found.append(
            Guidance(
                GuidanceLevel.ADAPT,
                _(
                    "A parent has cognitive difficulties. A %(meeting)s asks a lot: following and making "
                    "sense of what happens in the room. Their limits can be crossed without anyone noticing."
                )
                % names,
                (
                    _("Keep the sessions shorter, with breaks."),
                    _("Use plain language, and write down what is agreed."),
                    _("Check along the way that the parent has understood – ask, do not assume."),
                    _("Let the parent bring a support person they trust."),
                ),
            )
        )
    if screening.minority_background:
        found.append(
            Guidance(
                GuidanceLevel.ADAPT,
                _("The family has a minority background. A good interpreter is essential."),
                (
                    _("Book a qualified interpreter, and consider a cultural interpreter as well."),
                    _(
                        "Give more information about roles: what the child welfare service is, what the "
                        "person who leads (%(leader)s) does, and what a %(meeting)s is."
                    )
                    % names,
                    _("Trust in the service may be low: take time to build it."),
                    _("Relatives abroad may be important voices: they can take part digitally."),
                ),
            )
        )
    if screening.small_network:
        found.append(
            Guidance(
                GuidanceLevel.INFO,
                _("The family's private network is small."),
                (
                    _("Widen the circle to public actors the family trusts, such as a teacher."),
                    _("Consider resource persons, a support contact or a visiting home."),
                    _("A small network is a common reason families say no: talk about it openly."),
                ),
            )
        )
    if not found:
        found.append(
            Guidance(
                GuidanceLevel.INFO,
                _(
                    "Nothing recorded speaks against a %(meeting)s. Most families are suited. "
                    "Taking part is voluntary."
                )
                % names,
            )
        )
    return found


def caution_label(flag: str) -> str:
    """The screening field's label: "a parent has a severe mental illness"."""
    return str(cast("models.Field[Any, Any]", Screening._meta.get_field(flag)).verbose_name)


def _cautions(screening: Screening, config: KindConfig) -> list[Guidance]:
    """The study's caution for a kind with a fixed, structured meeting form (NTT: Briseid & Brottveit 2007):
    it suits less well with severe parental mental illness, heavy substance abuse or little daily structure.
    Only the fields the kind lists in `screening_cautions` are read."""
    ticked = [f for f in config.screening_cautions if getattr(screening, f)]
    if not ticked:
        return []
    what = "; ".join(caution_label(f) for f in ticked)
    return [
        Guidance(
            GuidanceLevel.CAUTION,
            _(
                "The study found that this measure's fixed, repeated meeting structure suits less well when "
                "a parent has a severe mental illness or heavy substance abuse, or when the family has "
                "little structure in daily life. Recorded here: %(what)s."
            )
            % {"what": what},
            (
                _(
                    "Weigh together with the family whether they can follow a fixed series of meetings, and "
                    "work on the goals between them."
                ),
                _(
                    "Consider a more process-oriented way of working: other experience shows it can help "
                    "families with heavy and complex burdens."
                ),
                _("If you go ahead, write down in the reasoning how the measure is adapted."),
            ),
        )
    ]


def private_network_size(*, case: Case) -> int:
    return NetworkMember.objects.filter(case=case, side=Side.PRIVATE).count()


SCREENING_FLAGS = (
    "violence_unacknowledged",
    "severe_conflict",
    "parent_cognitive_difficulties",
    "minority_background",
    "small_network",
)
# Asked only for the kinds that list them (kinds.py `screening_cautions`).
CAUTION_FLAGS = ("severe_mental_illness", "heavy_substance_abuse", "little_daily_structure")
SCREENING_FIELDS = (
    *SCREENING_FLAGS,
    *CAUTION_FLAGS,
    *("other_concerns", "decision", "reasoning", "adaptations", "decided_by", "decided_at"),
)


@transaction.atomic
def save_screening(
    *,
    acting_user: User,
    series: Series,
    violence_unacknowledged: bool,
    severe_conflict: bool,
    parent_cognitive_difficulties: bool,
    minority_background: bool,
    small_network: bool,
    cautions: Collection[str] = (),
    other_concerns: str = "",
    decision: str = "",
    reasoning: str = "",
    adaptations: str = "",
    expected_version: int | None = None,
) -> Screening:
    """Record the screening; a decision moves the measure on (go ahead) or ends it before it starts.

    `expected_version` is the screening version the form was opened at: if someone saved in between,
    ConflictError and nothing is written. None (scripts, demo data) saves over the current version.
    `cautions` are the kind's extra screening fields that are ticked (kinds.py `screening_cautions`); a
    field the kind does not ask is never set."""
    guards.require(user=acting_user, series=series)
    guards.ensure_open(series=series)
    if series.status == SeriesStatus.COMPLETED:
        raise ValidationError(_("This measure has ended and cannot be changed."))
    reasoning = reasoning.strip()
    adaptations = adaptations.strip()
    if decision and decision not in ScreeningDecision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if decision and not reasoning:
        raise ValidationError({"reasoning": _("Write the reasoning for the decision.")})
    if decision == ScreeningDecision.PROCEED and violence_unacknowledged:
        raise ValidationError(
            {
                "decision": _(
                    "You cannot simply go ahead while violence or abuse is suspected and the person "
                    "responsible is unknown or does not acknowledge it. Choose “not advised”, or go ahead "
                    "with adaptations and explain in the reasoning why it is safe for the child."
                )
            }
        )
    if decision == ScreeningDecision.ADAPT and not adaptations:
        raise ValidationError({"adaptations": _("Write which adaptations were agreed.")})
    negative = decision in (ScreeningDecision.NOT_ADVISED, ScreeningDecision.DECLINED)
    if negative and series.status == SeriesStatus.ACTIVE:
        raise ValidationError(
            {
                "decision": _(
                    "The meetings have already started. If the family no longer wants the measure, record "
                    "that consent is withdrawn."
                )
            }
        )

    screening, _created = Screening.objects.select_for_update().get_or_create(series=series)
    previous_decision = screening.decision
    screening.violence_unacknowledged = violence_unacknowledged
    screening.severe_conflict = severe_conflict
    screening.parent_cognitive_difficulties = parent_cognitive_difficulties
    screening.minority_background = minority_background
    screening.small_network = small_network
    asked = kind_config(series.kind).screening_cautions
    for flag in CAUTION_FLAGS:
        setattr(screening, flag, flag in asked and flag in cautions)
    screening.other_concerns = other_concerns.strip()
    screening.decision = decision
    screening.reasoning = reasoning
    screening.adaptations = adaptations
    if decision:
        screening.decided_by = acting_user
        screening.decided_at = timezone.now()
    else:
        screening.decided_by = None
        screening.decided_at = None
    screening.full_clean()
    update_versioned(
        screening,
        expected_version=screening.version if expected_version is None else expected_version,
        fields=SCREENING_FIELDS,
    )

    previous_status = series.status
    today = timezone.localdate()
    if decision in (ScreeningDecision.PROCEED, ScreeningDecision.ADAPT):
        if series.status in (SeriesStatus.SCREENING, SeriesStatus.NOT_STARTED):
            series.status = SeriesStatus.PREPARING
            begin_period(measure=series.measure, on=today)
    elif negative:
        series.status = SeriesStatus.NOT_STARTED
        end_period(
            measure=series.measure, on=today, reason=f"{ScreeningDecision(decision).label}: {reasoning}"
        )
    if series.status != previous_status or negative:
        series.version += 1
        series.save(update_fields=["status", "version", "updated_at"])

    guards.audit(
        user=acting_user,
        series=series,
        action=AuditAction.UPDATE,
        object_type="screening",
        object_id=screening.pk,
        flags=[f for f in (*SCREENING_FLAGS, *CAUTION_FLAGS) if getattr(screening, f)],
        decision=decision,
        previous_decision=previous_decision,
        status=series.status,
        previous_status=previous_status,
    )
    return screening
