"""The process of a network measure and its meetings, from screening and consent to follow-up.

One machinery serves every network measure with a guided process: the `Series` of a measure
(`cases.Measure` of a network kind: network meeting, start meeting, family group conference, natural
mentor, NTT, resource person) has a screening, consents, meetings with participants, and agreed actions
(in `actions`). Kind-specific behaviour lives in `kinds.py`, not in copies of these models.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sirkel.core.models import TimeStampedModel

if TYPE_CHECKING:
    from sirkel.cases.models import Case


class SeriesStatus(models.TextChoices):
    SCREENING = "screening", _("Screening")
    PREPARING = "preparing", _("Preparing")
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped: consent withdrawn")
    NOT_STARTED = "not_started", _("Not started")


class TrainedLeader(models.Model):
    """The register of people trained to lead network meetings. Leaders who share across services form
    a pool other services can choose from ("we lead each other's meetings")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trained_leader"
    )
    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="trained_leaders")
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    training = models.CharField(_("training"), max_length=200, blank=True)
    shared = models.BooleanField(
        _("leads meetings for other services"),
        default=False,
        help_text=_("Part of the pool other services can choose meeting leaders from."),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("trained meeting leader")
        verbose_name_plural = _("trained meeting leaders")

    def __str__(self) -> str:
        return f"trained leader {self.user_id}"


class Series(TimeStampedModel):
    """The process of one network measure: for a network meeting, the whole series of meetings.

    The measure (`cases.Measure`) holds the kind and the period; the series holds how the work is done.
    `case`, `kind` and the dates are read through the measure.
    """

    measure = models.OneToOneField("cases.Measure", on_delete=models.CASCADE, related_name="series")
    status = models.CharField(
        _("status"), max_length=20, choices=SeriesStatus.choices, default=SeriesStatus.SCREENING
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible caseworker"),
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_series",
        null=True,
        blank=True,
        verbose_name=_("meeting leader"),
    )
    purpose_agreed_with_parents = models.BooleanField(_("purpose agreed with the parents"), default=False)
    followup_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("accountable for follow-up"),
    )
    followup_owner_member = models.ForeignKey(
        "network.NetworkMember",
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("accountable for follow-up (from the network)"),
    )
    person = models.ForeignKey(
        "network.NetworkMember",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("the person from the network"),
        help_text=_("Who carries the measure: the natural mentor, or the resource person."),
    )
    meeting_every_weeks = models.PositiveSmallIntegerField(
        _("meets every (weeks)"),
        null=True,
        blank=True,
        help_text=_("A fixed series: the next meeting is planned this many weeks after the last."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(leader__isnull=True) | ~models.Q(leader=models.F("caseworker")),
                name="series_leader_is_not_caseworker",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="series_status_idx"),
            models.Index(fields=["leader", "status"], name="series_leader_idx"),
        ]
        verbose_name = _("network measure")
        verbose_name_plural = _("network measures")

    def __str__(self) -> str:
        return f"series of measure {self.measure_id}"

    # What every measure has lives on the measure; these read it (select_related("measure") first).
    @property
    def case(self) -> Case:
        return self.measure.case

    @property
    def case_id(self) -> int:
        return self.measure.case_id

    @property
    def kind(self) -> str:
        return self.measure.kind

    def get_kind_display(self) -> str:
        return self.measure.get_kind_display()

    @property
    def started_on(self) -> date | None:
        return self.measure.started_on

    @property
    def ended_on(self) -> date | None:
        return self.measure.ended_on

    @property
    def end_reason(self) -> str:
        return self.measure.end_reason

    @cached_property
    def purpose(self) -> str:
        """What the measure is for: its goals in the case's measure plan, one per line. One text, not two
        (the preparation page writes it there through `cases.plans.set_goals`)."""
        from sirkel.cases.plans import goals_text

        return goals_text(measure_id=self.measure_id)

    @property
    def is_stopped(self) -> bool:
        return self.status == SeriesStatus.STOPPED

    @property
    def is_open(self) -> bool:
        return self.status in (SeriesStatus.SCREENING, SeriesStatus.PREPARING, SeriesStatus.ACTIVE)


class ScreeningDecision(models.TextChoices):
    PROCEED = "proceed", _("Suitable: go ahead")
    ADAPT = "adapt", _("Go ahead with adaptations")
    NOT_ADVISED = "not_advised", _("Not advised")
    DECLINED = "declined", _("The family declined")


class Screening(TimeStampedModel):
    """Suitability: the study's contraindications and adaptations, and the decision with reasons."""

    series = models.OneToOneField(Series, on_delete=models.CASCADE, related_name="screening")
    violence_unacknowledged = models.BooleanField(
        _("suspected violence or sexual abuse where the perpetrator is unknown or does not acknowledge it"),
        default=False,
    )
    severe_conflict = models.BooleanField(
        _("conflict in the network so severe that a meeting may bring more conflict than help"), default=False
    )
    parent_cognitive_difficulties = models.BooleanField(
        _("a parent has cognitive difficulties"), default=False
    )
    minority_background = models.BooleanField(_("minority background"), default=False)
    small_network = models.BooleanField(_("the family has a small private network"), default=False)
    # The study's caution for NTT (kinds.py's `screening_cautions` says where they are asked).
    severe_mental_illness = models.BooleanField(_("a parent has a severe mental illness"), default=False)
    heavy_substance_abuse = models.BooleanField(_("heavy substance abuse in the family"), default=False)
    little_daily_structure = models.BooleanField(
        _("the family has little structure in daily life"), default=False
    )
    other_concerns = models.TextField(_("other concerns"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=ScreeningDecision.choices, blank=True)
    reasoning = models.TextField(_("reasoning"), blank=True)
    adaptations = models.TextField(_("adaptations agreed"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Two people may write the screening at once (optimistic locking, see core.versioning).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"screening of series {self.series_id}"


class ConsentParty(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    YOUTH = "youth", _("The youth (15 or older)")
    GUARDIAN = "guardian", _("Other person with parental responsibility")


class ConsentGivenAs(models.TextChoices):
    """Consent to a voluntary measure may be oral or written; the record says which."""

    ORAL = "oral", _("Orally")
    WRITTEN = "written", _("In writing")


class Consent(models.Model):
    """Informed consent from one party: what they were told, when, by whom, given orally or in writing; and
    any withdrawal."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="consents")
    party = models.CharField(_("who"), max_length=10, choices=ConsentParty.choices)
    party_name = models.CharField(_("name"), max_length=200)
    informed_about = models.JSONField(_("informed about"), default=list, blank=True)
    information_note = models.TextField(_("what else they were told"), blank=True)
    informed_on = models.DateField(_("informed on"))
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("informed by")
    )
    given = models.BooleanField(_("consent given"), default=True)
    # Blank only on consents recorded before Sirkel asked.
    given_as = models.CharField(_("given"), max_length=10, choices=ConsentGivenAs.choices, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"consent {self.party} for measure {self.series_id}"

    @property
    def is_active(self) -> bool:
        return self.given and self.withdrawn_at is None


class MeetingKind(models.TextChoices):
    """First or later meeting. A page names a meeting by `Meeting.label`, which asks the series' kind
    (kinds.py): a first meeting is a network meeting only in a network meeting's series."""

    FIRST = "first", _("First meeting")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    DIGITAL = "digital", _("Digital")
    HYBRID = "hybrid", _("Hybrid")


class ChildParticipation(models.TextChoices):
    FULL = "full", _("Takes part")
    PART = "part", _("Takes part some of the time")
    NONE = "none", _("Does not take part")


class InterpreterKind(models.TextChoices):
    INTERPRETER = "interpreter", _("Interpreter")
    CULTURAL = "cultural", _("Cultural interpreter")
    BOTH = "both", _("Interpreter and cultural interpreter")


class Meeting(TimeStampedModel):
    """One meeting of a measure: the first network meeting or a follow-up."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="meetings")
    sequence = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(
        _("meeting"), max_length=10, choices=MeetingKind.choices, default=MeetingKind.FIRST
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=180)
    place = models.CharField(_("place"), max_length=300, blank=True)
    mode = models.CharField(
        _("form"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    video_link = models.URLField(_("video link"), blank=True)
    purpose = models.TextField(_("purpose of this meeting"), blank=True)
    # Preparation
    parents_not_invited_reason = models.TextField(_("why a parent is not invited"), blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    interpreter_kind = models.CharField(
        _("kind of interpreter"), max_length=12, choices=InterpreterKind.choices, blank=True
    )
    interpreter_language = models.CharField(_("language"), max_length=100, blank=True)
    interpreter_booked = models.BooleanField(_("interpreter booked"), default=False)
    interpreter_name = models.CharField(_("interpreter"), max_length=200, blank=True)
    network_speech = models.TextField(_("the network speech"), blank=True)
    network_speech_by = models.CharField(_("delivered by"), max_length=200, blank=True)
    child_talked_with = models.BooleanField(_("talked with the child beforehand"), default=False)
    child_talked_on = models.DateField(_("talked with the child on"), null=True, blank=True)
    child_participation = models.CharField(
        _("the child's participation"), max_length=10, choices=ChildParticipation.choices, blank=True
    )
    child_support_person = models.CharField(_("the child's support person"), max_length=200, blank=True)
    child_wants_said = models.TextField(_("what the child wants said"), blank=True)
    child_may_leave = models.BooleanField(_("the child may leave during the meeting"), default=True)
    youth_leads = models.BooleanField(_("the youth leads their own meeting"), default=False)
    # The meeting itself
    reflecting_team_notes = models.TextField(_("the reflecting team (meeting in the meeting)"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For the service only: never printed in documents.")
    )
    waiver_signed_at = models.DateTimeField(_("waiver signed"), null=True, blank=True)
    waiver_signed_by = models.CharField(_("waiver signed by"), max_length=300, blank=True)
    snapshot = models.ForeignKey(
        "network.NetworkSnapshot", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["series_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="meeting_sequence_unique"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_status_start_idx")]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"meeting {self.sequence} of series {self.series_id}"

    @property
    def label(self) -> str:
        """What this meeting is called: the measure kind's first meeting ("Family group conference",
        "Steering group meeting", …) or its later one ("Follow-up conference"), from `kinds.py`."""
        from sirkel.meetings.kinds import kind_config

        return kind_config(self.series.kind).meeting_name(self.kind)

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        """The meeting's name, not the bare choice: `MeetingKind.FIRST` is a network meeting only in a
        network meeting's series. Every page that names a meeting by `get_kind_display` gets `label`."""
        return self.label


class ParticipantRole(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    CHILD = "child", _("The child")
    PRIVATE = "private", _("Private network")
    PUBLIC = "public", _("Public network")
    STAFF = "staff", _("Child welfare service")
    INTERPRETER = "interpreter", _("Interpreter")
    SUPPORT = "support", _("Support person")


# Who may be present in a family group conference's private family time: the family and its private
# network (the child's support person is someone the child chose from it).
PRIVATE_FAMILY_TIME_ROLES = ("mother", "father", "child", "private", "support")


class Response(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    ACCEPTED = "accepted", _("Coming")
    DECLINED = "declined", _("Not coming")
    MAYBE = "maybe", _("Not sure")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    IN_PERSON = "in_person", _("Present")
    DIGITAL = "digital", _("Present digitally")
    ABSENT = "absent", _("Absent")


class Participant(models.Model):
    """Someone invited to a meeting: from the network register, or a staff member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        "network.NetworkMember", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=12, choices=ParticipantRole.choices)
    relation = models.CharField(_("relation or role"), max_length=200, blank=True)
    is_public = models.BooleanField(_("public network"), default=False)
    close_to_problem = models.BooleanField(
        _("close to the problem"),
        default=False,
        help_text=_("Closely involved in what the meeting is about."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    invited = models.BooleanField(_("invited"), default=True)
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    response_note = models.CharField(_("note on the answer"), max_length=300, blank=True)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices, blank=True)
    waiver_released = models.BooleanField(_("released from confidentiality in this meeting"), default=False)
    # A family group conference's three parts (kinds.py's `conference_parts`): who was there in each.
    part_information = models.BooleanField(_("present in part 1: information"), default=False)
    part_family_time = models.BooleanField(_("present in part 2: private family time"), default=False)
    part_joint = models.BooleanField(_("present in part 3: the plan"), default=False)

    class Meta:
        ordering = ["meeting_id", "role", "name", "id"]
        constraints = [
            # Private family time is the private network alone: nobody from a service, no public
            # participant and no staff account can be recorded as present in it.
            models.CheckConstraint(
                condition=models.Q(part_family_time=False)
                | (
                    models.Q(role__in=PRIVATE_FAMILY_TIME_ROLES)
                    & models.Q(is_public=False)
                    & models.Q(user__isnull=True)
                ),
                name="participant_family_time_private_only",
            ),
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="participant_member_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="participant_user_once",
            ),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name

    @property
    def attended(self) -> bool:
        return self.attendance in (Attendance.IN_PERSON, Attendance.DIGITAL)
