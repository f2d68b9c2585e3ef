"""What the other network measures add to the shared process (`Series`, `Meeting`, `Participant`): the
family group conference's coordinator, questions and family plan; the natural mentor's nomination and
phases; the resource person's engagement; NTT's contacts between meetings. `kinds.py` says which kind
uses which."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sirkel.core.models import TimeStampedModel

# --- Family group conference ------------------------------------------------------------------------------


class Conference(TimeStampedModel):
    """A family group conference's own record: the coordinator's assignment (the coordinator is the
    series' `leader`, usually a narrow account), the caseworker's description and questions, the
    planning and the coordinator's hours."""

    series = models.OneToOneField("meetings.Series", on_delete=models.CASCADE, related_name="conference")
    coordinator_requested_on = models.DateField(
        _("coordinator requested on"),
        null=True,
        blank=True,
        help_text=_("When the service asked the family-conference service for a coordinator."),
    )
    acute = models.BooleanField(
        _("acute"), default=False, help_text=_("A coordinator is then assigned within one working day.")
    )
    coordinator_assigned_on = models.DateField(_("coordinator assigned on"), null=True, blank=True)
    situation = models.TextField(
        _("the situation, in short"),
        blank=True,
        help_text=_("The caseworker's short description, agreed with the family, read out in part 1."),
    )
    questions = models.TextField(
        _("the questions for the conference"),
        blank=True,
        help_text=_("One question per line: what the family's plan should answer."),
    )
    questions_agreed_on = models.DateField(_("agreed with the family on"), null=True, blank=True)
    planning_started_on = models.DateField(_("planning started on"), null=True, blank=True)
    coordinator_hours = models.DecimalField(
        _("the coordinator's hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("family group conference")
        verbose_name_plural = _("family group conferences")

    def __str__(self) -> str:
        return f"conference of series {self.series_id}"

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]


class PlanDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    CHANGED = "changed", _("Approved with changes")
    REFUSED = "refused", _("Not approved")


class FamilyPlan(models.Model):
    """The plan the family wrote in private family time, as they wrote it, and the service's decision on
    it. A refused plan is kept; the family's changed plan is a new version (`number`)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="family_plans")
    number = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("the family's plan, as the family wrote it"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    written_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        _("the service's decision"), max_length=10, choices=PlanDecision.choices, blank=True
    )
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why the plan, or part of it, is not approved as written. The family sees it."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="family_plan_number_unique"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["", "approved"]) | ~models.Q(reason=""),
                name="family_plan_refusal_has_reason",
            ),
        ]
        verbose_name = _("the family's plan")
        verbose_name_plural = _("the family's plans")

    def __str__(self) -> str:
        return f"family plan {self.number} of meeting {self.meeting_id}"


class FamilyPlanItem(models.Model):
    """One item of the family's plan: what, who and by when. Approved, it becomes an action with its
    owner (`action`), followed up like any other."""

    plan = models.ForeignKey(FamilyPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    what = models.TextField(_("what"))
    owner_member = models.ForeignKey(
        "network.NetworkMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    action = models.OneToOneField(
        "actions.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="family_plan_item"
    )

    class Meta:
        ordering = ["plan_id", "position", "id"]
        verbose_name = _("item of the family's plan")
        verbose_name_plural = _("items of the family's plan")

    def __str__(self) -> str:
        return f"item {self.position} of family plan {self.plan_id}"


# --- Natural mentor -----------------------------------------------------------------------------------


class MentorAnswer(models.TextChoices):
    PENDING = "pending", _("Not asked yet")
    ASKED = "asked", _("Asked, no answer yet")
    YES = "yes", _("Said yes")
    NO = "no", _("Said no")


class MentorNomination(models.Model):
    """A trusted adult the youth nominated from their own network, asked to be their mentor, and the
    answer. The one who said yes becomes the series' `person`."""

    series = models.ForeignKey("meetings.Series", on_delete=models.CASCADE, related_name="nominations")
    member = models.ForeignKey("network.NetworkMember", on_delete=models.PROTECT, related_name="+")
    nominated_on = models.DateField(_("nominated on"))
    why = models.TextField(_("why the youth chose them"), blank=True)
    asked_on = models.DateField(_("asked on"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=10, choices=MentorAnswer.choices, default=MentorAnswer.PENDING
    )
    answer_note = models.TextField(_("note on the answer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["series_id", "nominated_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "member"], name="mentor_nomination_once"),
        ]
        verbose_name = _("nomination of a mentor")
        verbose_name_plural = _("nominations of a mentor")

    def __str__(self) -> str:
        return f"nomination {self.pk} of series {self.series_id}"


class FollowUpNeeded(models.TextChoices):
    YES = "yes", _("Yes: the service keeps following up")
    NO = "no", _("No: the collaboration carries itself")


class MentorPhase(TimeStampedModel):
    """One of the natural mentor's four phases: its date, who took part and the notes.

    1. nomination; 2. a shared understanding of the situation and the wanted solution; 3. how each
    contributes, and a shared plan; 4. how the collaboration meets new challenges, and whether
    professional follow-up is still needed (`followup_needed`)."""

    series = models.ForeignKey("meetings.Series", on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("phase"))
    held_on = models.DateField(_("date"), null=True, blank=True)
    taking_part = models.TextField(_("who took part"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For the service only: never printed in documents.")
    )
    followup_needed = models.CharField(
        _("professional follow-up still needed"), max_length=3, choices=FollowUpNeeded.choices, blank=True
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["series_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="mentor_phase_once"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1) & models.Q(number__lte=4), name="mentor_phase_1_to_4"
            ),
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return f"phase {self.number} of series {self.series_id}"


# --- Resource person ----------------------------------------------------------------------------------


class ResourceRole(models.TextChoices):
    RESPITE = "respite", _("Respite")
    GUIDANCE = "guidance", _("Guidance")
    BOTH = "both", _("Respite and guidance")


class HoursPer(models.TextChoices):
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class Engagement(TimeStampedModel):
    """A resource person's engagement: the role, the hours, what they do with whom, and — before the
    measure ends — what happens to the relationship with the child when the paid measure ends."""

    series = models.OneToOneField("meetings.Series", on_delete=models.CASCADE, related_name="engagement")
    role = models.CharField(_("role"), max_length=10, choices=ResourceRole.choices, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    hours_per = models.CharField(_("per"), max_length=5, choices=HoursPer.choices, default=HoursPer.WEEK)
    activities = models.TextField(_("what they do, with whom"), blank=True)
    after_end = models.TextField(
        _("when the paid measure ends"),
        blank=True,
        help_text=_("What happens to the relationship with the child when the paid measure ends."),
    )
    after_end_recorded_at = models.DateTimeField(null=True, blank=True)
    after_end_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("engagement of a resource person")
        verbose_name_plural = _("engagements of resource persons")

    def __str__(self) -> str:
        return f"engagement of series {self.series_id}"


# --- NTT ----------------------------------------------------------------------------------------------


class TherapistContact(models.Model):
    """A contact between steering group meetings: an environmental therapist's work with the family on
    one of the measure's goals."""

    series = models.ForeignKey("meetings.Series", on_delete=models.CASCADE, related_name="contacts")
    goal = models.ForeignKey(
        "cases.Goal",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("goal"),
    )
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    with_whom = models.CharField(_("with whom"), max_length=300, blank=True)
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    note = models.TextField(_("what was done, and how it went"), blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For the service only: never printed in documents.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["series_id", "-on", "-id"]
        indexes = [models.Index(fields=["series", "on"], name="therapist_contact_idx")]
        verbose_name = _("contact between meetings")
        verbose_name_plural = _("contacts between meetings")

    def __str__(self) -> str:
        return f"contact {self.pk} of series {self.series_id}"
