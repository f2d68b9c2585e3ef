"""The action plan a network agrees on, who carries each action, and its review at follow-up meetings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sirkel.core.models import TimeStampedModel


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    PARTLY = "partly", _("Partly done")
    NOT_DONE = "not_done", _("Not done")
    DROPPED = "dropped", _("Dropped")


class Action(TimeStampedModel):
    """One agreed action: what, who (a network member or a staff member), by when, what support it gives."""

    series = models.ForeignKey("meetings.Series", on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("agreed at"),
    )
    what = models.TextField(_("what"))
    owner_member = models.ForeignKey(
        "network.NetworkMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who (from the network)"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("who (staff)"),
    )
    # Kept when the person who carried the action is removed from the network register and the action
    # is not given to someone else: the plan still says who it was.
    former_owner_name = models.CharField(_("former owner"), max_length=200, blank=True)
    due_on = models.DateField(_("by when"))
    support_type = models.CharField(_("support it gives"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(owner_member__isnull=False) & models.Q(owner_user__isnull=True))
                | (models.Q(owner_member__isnull=True) & models.Q(owner_user__isnull=False))
                | (
                    models.Q(owner_member__isnull=True)
                    & models.Q(owner_user__isnull=True)
                    & ~models.Q(former_owner_name="")
                ),
                name="action_exactly_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_status_due_idx"),
            models.Index(fields=["series", "status"], name="action_series_idx"),
        ]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"action {self.pk} of series {self.series_id}"

    @property
    def owner_display(self) -> str:
        """Who carries the action, by name; a removed network member as "(removed from the network)"."""
        if self.owner_member is not None:
            return self.owner_member.name
        if self.owner_user is not None:
            return self.owner_user.display_name()
        if self.former_owner_name:
            return _("%(name)s (removed from the network)") % {"name": self.former_owner_name}
        return ""


class ActionReview(models.Model):
    """How an action went, reviewed at a follow-up meeting before new actions are added."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reviews")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="action_reviews")
    outcome = models.CharField(_("outcome"), max_length=10, choices=ActionStatus.choices)
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "meeting"], name="review_once_per_meeting"),
            models.CheckConstraint(condition=~models.Q(outcome="open"), name="review_outcome_not_open"),
        ]
        verbose_name = _("action review")
        verbose_name_plural = _("action reviews")

    def __str__(self) -> str:
        return f"review of action {self.action_id}"


class ReminderLog(models.Model):
    """One reminder item sent to one recipient on one day, so `sirkel remind` sends it at most once a day.

    Recipients and items are kept as keys ("user:12", "member:7"; "action:3", "followup:5"), not as
    e-mail addresses or text: the log needs no personal data of its own.
    """

    sent_on = models.DateField()
    recipient = models.CharField(max_length=40)
    item = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sent_on", "recipient", "item"], name="reminder_once_a_day"),
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"reminder {self.item} to {self.recipient} on {self.sent_on}"
