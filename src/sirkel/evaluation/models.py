"""Evaluation of a measure: goal attainment, four perspectives, the next step; rating instruments; and
the links that let a participant without an account do one thing.

- `GoalScale` scales one goal of a measure (Goal Attainment Scaling): what −2…+2 would look like, and a
  weight. It hangs on `cases.Goal`, which keeps its id across plan versions.
- `Evaluation` is one evaluation of one measure on one date: the goals' levels (`GoalLevel`), the
  judgements (`Judgement`, one per perspective and, for parents, per parent), and the next step.
- `Instrument` is a rating instrument as data (items rated 0–10), versioned; `Rating` one filled in.
- `ParticipantLink` is a link for one participant and one purpose; only the token's hash is stored.
- `MeetingFeedback` is what a participant said after a meeting ("did you feel heard? was it useful?").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sirkel.core.models import TimeStampedModel

GAS_LEVELS = (-2, -1, 0, 1, 2)


class GoalScale(TimeStampedModel):
    goal = models.OneToOneField("cases.Goal", on_delete=models.CASCADE, related_name="scale")
    much_less = models.TextField(_("much less than expected (−2)"), blank=True)
    less = models.TextField(_("less than expected (−1)"), blank=True)
    expected = models.TextField(_("expected outcome (0)"))
    more = models.TextField(_("more than expected (+1)"), blank=True)
    much_more = models.TextField(_("much more than expected (+2)"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=10), name="goal_scale_weight_range"
            ),
            models.CheckConstraint(condition=~Q(expected=""), name="goal_scale_expected_required"),
        ]

    def __str__(self) -> str:
        return f"scale of goal {self.goal_id}"


class EvaluationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class NextStep(models.TextChoices):
    CONTINUE = "continue", _("Continue the measure")
    CHANGE = "change", _("Change the measure")
    END = "end", _("End the measure")


class RequestedBy(models.TextChoices):
    SERVICE = "service", _("The service")
    PARENTS = "parents", _("The parents")
    CHILD = "child", _("The child")
    NETWORK = "network", _("The network")
    REVIEWER = "reviewer", _("The independent reviewer")


class Evaluation(TimeStampedModel):
    """One evaluation of one measure; its case is the measure's (no copy of it to keep in step)."""

    measure = models.ForeignKey("cases.Measure", on_delete=models.CASCADE, related_name="evaluations")
    due_on = models.DateField(_("evaluate on"))
    held_on = models.DateField(_("evaluated on"), null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.SCHEDULED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("independent reviewer"),
    )
    reviewer_chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    t_score = models.FloatField(_("goal attainment (T-score)"), null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=10, choices=NextStep.choices, blank=True)
    next_step_requested_by = models.CharField(
        _("who asked for it"), max_length=10, choices=RequestedBy.choices, blank=True
    )
    next_step_reason = models.TextField(_("why"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(held_on__isnull=False) & ~Q(next_step="")),
                name="evaluation_closed_has_next_step",
            ),
        ]
        indexes = [
            models.Index(fields=["measure", "status"], name="evaluation_measure_idx"),
            models.Index(fields=["status", "due_on"], name="evaluation_due_idx"),
            models.Index(fields=["reviewer", "status"], name="evaluation_reviewer_idx"),
        ]

    def __str__(self) -> str:
        return f"evaluation {self.pk} of measure {self.measure_id}"


class GoalLevel(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="levels")
    goal = models.ForeignKey("cases.Goal", on_delete=models.PROTECT, related_name="levels")
    level = models.SmallIntegerField(_("level"))
    weight = models.PositiveSmallIntegerField(default=1)  # the scale's weight when the level was set
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "goal"], name="goal_level_once"),
            models.CheckConstraint(condition=Q(level__gte=-2, level__lte=2), name="goal_level_range"),
        ]

    def __str__(self) -> str:
        return f"level {self.level} of goal {self.goal_id}"


class Perspective(models.TextChoices):
    SERVICE = "service", _("The service")
    PARENT = "parent", _("A parent")
    CHILD = "child", _("The child")
    REVIEWER = "reviewer", _("Independent reviewer")


# The perspectives a judgement of the desired effect is recorded for (the child has their own form).
JUDGED_PERSPECTIVES = [c for c in Perspective.choices if c[0] != Perspective.CHILD]


class Effect(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class Judgement(models.Model):
    """One perspective's judgement at one evaluation: did the measure have the desired effect?

    A parent's judgement names the parent (`member`, or `parent_name` for one not in the register). The
    child's has its own fields: a face on a five-step scale, the child's own words, what they want to
    happen next, who helped them say it, or that they did not want to answer."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="judgements")
    perspective = models.CharField(max_length=10, choices=Perspective.choices)
    member = models.ForeignKey(
        "network.NetworkMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    parent_name = models.CharField(_("parent"), max_length=200, blank=True)
    effect = models.CharField(_("desired effect"), max_length=12, choices=Effect.choices, blank=True)
    text = models.TextField(_("in words"), blank=True)
    child_scale = models.PositiveSmallIntegerField(_("how it is going (1–5)"), null=True, blank=True)
    child_wants_next = models.TextField(_("what I want to happen next"), blank=True)
    child_helped_by = models.CharField(_("who helped me say it"), max_length=200, blank=True)
    declined = models.BooleanField(_("did not want to answer"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via_link = models.ForeignKey(
        "evaluation.ParticipantLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["perspective", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "perspective"],
                condition=~Q(perspective="parent"),
                name="judgement_once_per_perspective",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "member"],
                condition=Q(perspective="parent", member__isnull=False),
                name="judgement_once_per_parent",
            ),
            models.CheckConstraint(
                condition=Q(child_scale__isnull=True) | Q(child_scale__gte=1, child_scale__lte=5),
                name="judgement_child_scale_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.perspective} judgement of evaluation {self.evaluation_id}"


class InstrumentKind(models.TextChoices):
    OUTCOME = "outcome", _("Outcome rating")
    SESSION = "session", _("Session rating")


class Instrument(TimeStampedModel):
    """A rating instrument as data: items rated 0–10. `service` is empty for the generic ones Sirkel
    ships. A change to the items is a new version (same key); ratings keep the version they used."""

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="instruments"
    )
    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=InstrumentKind.choices)
    description = models.TextField(_("description"), blank=True)
    items = models.JSONField(_("items"))  # [{"key": "...", "label": "...", "label_en": "..."}]
    sd = models.FloatField(_("standard deviation (s₁) of the total"))
    reliability = models.FloatField(_("reliability (r)"))
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "key", "version"], name="instrument_version_unique", nulls_distinct=False
            ),
            models.CheckConstraint(condition=Q(sd__gt=0), name="instrument_sd_positive"),
            models.CheckConstraint(
                condition=Q(reliability__gte=0, reliability__lt=1), name="instrument_reliability_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Rating(models.Model):
    """One filling-in of an instrument for a case (and a measure), by one respondent."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="ratings")
    measure = models.ForeignKey(
        "cases.Measure", on_delete=models.CASCADE, null=True, blank=True, related_name="ratings"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="ratings")
    respondent = models.CharField(_("who answered"), max_length=200)
    rated_on = models.DateField(_("date"))
    scores = models.JSONField()  # {item key: 0..10}
    total = models.FloatField()  # the mean of the items, 0–10
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via_link = models.ForeignKey(
        "evaluation.ParticipantLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rated_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=10), name="rating_total_range")
        ]
        indexes = [models.Index(fields=["case", "instrument"], name="rating_case_idx")]

    def __str__(self) -> str:
        return f"rating {self.pk} of case {self.case_id}"


class LinkPurpose(models.TextChoices):
    ACTIONS = "actions", _("See my actions and mark them done")
    FEEDBACK = "feedback", _("Feedback after a meeting")
    EVALUATION = "evaluation", _("My view at an evaluation")
    MAP = "map", _("Draw my own network map")


class ParticipantLink(models.Model):
    """A link that lets one participant do one thing, without an account.

    The token itself is shown once, when the link is made; only its SHA-256 is stored. `member` is the
    participant from the network register; `for_child` marks a link for the child (then `member` is
    empty and the pages speak to a 10-year-old). `meeting` is set for feedback, `evaluation` for a view
    at an evaluation; `series` always (the measure the link belongs to, and through it the case)."""

    token_hash = models.CharField(max_length=64, unique=True)
    series = models.ForeignKey("meetings.Series", on_delete=models.CASCADE, related_name="participant_links")
    purpose = models.CharField(_("what the link is for"), max_length=12, choices=LinkPurpose.choices)
    member = models.ForeignKey(
        "network.NetworkMember", on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    for_child = models.BooleanField(_("for the child"), default=False)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="participant_links"
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, null=True, blank=True, related_name="participant_links"
    )
    # For a map link: whose perspective the map is (the child's, or the mother's or father's).
    map_perspective = models.CharField(max_length=12, blank=True, default="")
    language = models.CharField(max_length=5, default="nb")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, for_child=False) | Q(member__isnull=True, for_child=True),
                name="link_one_participant",
            ),
            models.CheckConstraint(
                condition=~Q(purpose="feedback") | Q(meeting__isnull=False), name="link_feedback_has_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(purpose="evaluation") | Q(evaluation__isnull=False),
                name="link_evaluation_has_evaluation",
            ),
        ]

    def __str__(self) -> str:
        return f"link {self.pk} ({self.purpose})"


class MeetingFeedback(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="feedback")
    link = models.OneToOneField(ParticipantLink, on_delete=models.CASCADE, related_name="feedback")
    felt_heard = models.PositiveSmallIntegerField(_("Did you feel heard?"))  # 1–5
    useful = models.PositiveSmallIntegerField(_("Was the meeting useful?"))  # 1–5
    comment = models.TextField(_("anything else"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(felt_heard__gte=1, felt_heard__lte=5, useful__gte=1, useful__lte=5),
                name="feedback_scale_range",
            )
        ]

    def __str__(self) -> str:
        return f"feedback on meeting {self.meeting_id}"
