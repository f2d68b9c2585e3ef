"""The REST API's action plan of a network measure: its agreed actions and their reviews at follow-up
meetings, through the same selectors and services as the plan's pages.

The measure is opened as its pages open it (`sirkel.meetings.api.series_for`): whoever may see the
measure reads the plan, and whoever may run its meetings (the case's editors and the meeting leader)
writes it. Owners are chosen among the people the page offers the user, so a meeting leader from
another service never reaches the rest of the family's network register.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.accounts.models import User
from sirkel.actions import services
from sirkel.actions.models import Action, ActionReview, ActionStatus
from sirkel.actions.selectors import plan as plan_selectors
from sirkel.actions.selectors import review as review_selectors
from sirkel.actions.services import REVIEW_OUTCOMES
from sirkel.api.serializers import IdField, OutputSerializer, VersionField
from sirkel.api.views import ApiView, created, valid
from sirkel.core.types import UNCHANGED
from sirkel.meetings.api import series_for
from sirkel.meetings.models import Meeting, Series
from sirkel.meetings.selectors import get_meeting
from sirkel.network.models import NetworkMember, SupportType


def action_for(
    request: Request, case_id: int, measure_id: int, action_id: int, *, require: str = "view"
) -> tuple[Series, Action]:
    series, _access = series_for(request, case_id, measure_id, require=require)
    return series, plan_selectors.get_action(series=series, action_id=action_id)


def _meeting(series: Series, pk: int) -> Meeting:
    """A meeting named in the body: one of the measure's, or a 400 naming the field."""
    try:
        found = get_meeting(series=series, meeting_id=pk)
    except Http404 as exc:
        raise serializers.ValidationError({"meeting": [_("Choose a meeting of this measure.")]}) from exc
    found.series = series
    return found


def _owners(
    series: Series, user: User, *, member_id: int | None, user_id: int | None
) -> tuple[NetworkMember | None, User | None]:
    """The people the plan page offers `user` as owners (`owner_choices`); anyone else is refused as if
    they did not exist. Whether exactly one is given is the service's rule (reported as `owner`)."""
    choices = plan_selectors.owner_choices(series=series, user=user)
    member = None
    if member_id is not None:
        member = next((m for m in [*choices.private, *choices.public] if m.pk == member_id), None)
        if member is None:
            raise serializers.ValidationError(
                {"owner_member": [_("Choose someone from this child's network register.")]}
            )
    owner = None
    if user_id is not None:
        owner = next((u for u in choices.staff if u.pk == user_id), None)
        if owner is None:
            raise serializers.ValidationError(
                {"owner_user": [_("Choose a staff member of the child welfare service.")]}
            )
    return member, owner


# --- Serializers --------------------------------------------------------------------------------------


# What a review can conclude (never "open": the action was reviewed).
OUTCOMES = [(s.value, s.label) for s in REVIEW_OUTCOMES]


class LatestReviewSerializer(OutputSerializer[ActionReview]):
    outcome = serializers.ChoiceField(choices=OUTCOMES, read_only=True)

    class Meta:
        model = ActionReview
        fields = ["id", "meeting", "outcome", "reviewed_at"]
        read_only_fields = fields


class ActionSerializer(OutputSerializer[Action]):
    owner_name = serializers.CharField(
        source="owner_display",
        read_only=True,
        help_text="Who carries it, by name; someone removed from the network as «name (removed …)».",
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="Open, and its due date has passed.")
    is_due_soon = serializers.BooleanField(read_only=True, help_text="Open, and due today or within a week.")
    latest_review = serializers.SerializerMethodField(
        help_text="The latest review at a follow-up meeting, if any."
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "what",
            "meeting",
            "owner_member",
            "owner_user",
            "owner_name",
            "due_on",
            "support_type",
            "status",
            "is_overdue",
            "is_due_soon",
            "latest_review",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(LatestReviewSerializer(allow_null=True))
    def get_latest_review(self, action: Action) -> dict[str, Any] | None:
        review = getattr(action, "latest_review", None)
        return None if review is None else LatestReviewSerializer(review).data


class ActionFilter(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only overdue actions, or only the others."
    )
    owner_member = IdField(required=False)
    owner_user = IdField(required=False)
    meeting = IdField(required=False, help_text="Only the actions agreed at this meeting.")


class ActionWrite(serializers.Serializer[dict[str, Any]]):
    what = serializers.CharField(max_length=2000, help_text="As the meeting agreed it.")
    meeting = IdField(help_text="The meeting where it was agreed (held or planned).")
    owner_member = IdField(
        required=False,
        allow_null=True,
        help_text="Who carries it: a person in the child's network register, or give `owner_user`.",
    )
    owner_user = IdField(
        required=False,
        allow_null=True,
        help_text="Who carries it: a staff member (or the meeting leader), or give `owner_member`.",
    )
    due_on = serializers.DateField(help_text="Not before the meeting where it was agreed.")
    support_type = serializers.ChoiceField(
        choices=SupportType.choices, required=False, allow_blank=True, default=""
    )


class ActionUpdate(ActionWrite):
    version = VersionField()
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False
                field.default = serializers.empty


class ReviewSerializer(OutputSerializer[ActionReview]):
    outcome = serializers.ChoiceField(choices=OUTCOMES, read_only=True)

    class Meta:
        model = ActionReview
        fields = ["id", "action", "meeting", "outcome", "note", "reviewed_by", "reviewed_at"]
        read_only_fields = fields


class ReviewCreate(serializers.Serializer[dict[str, Any]]):
    meeting = IdField(help_text="The follow-up meeting that reviews the action.")
    outcome = serializers.ChoiceField(choices=OUTCOMES)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    keep_open = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Partly done or not done: keep it on the plan with `new_due_on` instead of closing it.",
    )
    new_due_on = serializers.DateField(required=False, allow_null=True, default=None)


# --- Endpoints ----------------------------------------------------------------------------------------


class ActionListView(ApiView):
    @extend_schema(
        operation_id="actions_list",
        parameters=[ActionFilter],
        responses=ActionSerializer(many=True),
        summary="The measure's action plan",
        description="Its agreed actions by due date, with who carries them and how they were reviewed.",
    )
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id)
        f = valid(ActionFilter, request.query_params)
        actions = [a for a in plan_selectors.actions_for_series(series=series) if _matches(a, f)]
        return self.page_of(actions, ActionSerializer)

    @extend_schema(
        operation_id="actions_create",
        request=ActionWrite,
        responses={201: ActionSerializer},
        summary="Record an agreed action",
        description="At a follow-up meeting, the open actions from earlier meetings are reviewed first.",
    )
    def post(self, request: Request, case_id: int, measure_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id, require="run")
        data = valid(ActionWrite, request.data)
        member, owner = _owners(
            series, self.user(), member_id=data.get("owner_member"), user_id=data.get("owner_user")
        )
        action = services.add_action(
            acting_user=self.user(),
            series=series,
            what=data["what"],
            due_on=data["due_on"],
            meeting=_meeting(series, data["meeting"]),
            owner_member=member,
            owner_user=owner,
            support_type=data["support_type"],
        )
        return created(
            ActionSerializer(plan_selectors.get_action(series=series, action_id=action.pk)).data,
            location=reverse("api:action", args=[case_id, measure_id, action.pk]),
        )


def _matches(action: Action, f: dict[str, Any]) -> bool:
    """Whether the action passes the list's filters (an absent filter is None and passes all)."""
    return (
        f.get("status") in (None, action.status)
        and f.get("owner_member") in (None, action.owner_member_id)
        and f.get("owner_user") in (None, action.owner_user_id)
        and f.get("meeting") in (None, action.meeting_id)
        and f.get("overdue") in (None, getattr(action, "is_overdue", None))
    )


class ActionDetailView(ApiView):
    versioned = True

    @extend_schema(operation_id="actions_retrieve", responses=ActionSerializer, summary="One action")
    def get(self, request: Request, case_id: int, measure_id: int, action_id: int) -> Response:
        _series, action = action_for(request, case_id, measure_id, action_id)
        return Response(ActionSerializer(action).data)

    @extend_schema(
        operation_id="actions_update",
        request=ActionUpdate,
        responses=ActionSerializer,
        summary="Change an action",
        description="Send the `version` you read; give `owner_member` or `owner_user` to hand it over.",
    )
    def patch(self, request: Request, case_id: int, measure_id: int, action_id: int) -> Response:
        series, action = action_for(request, case_id, measure_id, action_id, require="run")
        data = valid(ActionUpdate, request.data)
        changes: dict[str, Any] = {
            name: data[name] for name in ("what", "due_on", "support_type", "status") if name in data
        }
        if "meeting" in data:
            changes["meeting"] = _meeting(series, data["meeting"])
        if "owner_member" in data or "owner_user" in data:
            # One person carries an action: naming one clears the other.
            changes["owner_member"], changes["owner_user"] = _owners(
                series, self.user(), member_id=data.get("owner_member"), user_id=data.get("owner_user")
            )
        services.update_action(
            acting_user=self.user(),
            action=action,
            expected_version=data["version"],
            **{name: changes.get(name, UNCHANGED) for name in services.ACTION_FIELDS},
        )
        return Response(ActionSerializer(plan_selectors.get_action(series=series, action_id=action.pk)).data)


class ReviewListView(ApiView):
    @extend_schema(
        operation_id="action_reviews_list",
        responses=ReviewSerializer(many=True),
        summary="How an action was reviewed",
        description="Its reviews at follow-up meetings, oldest first.",
    )
    def get(self, request: Request, case_id: int, measure_id: int, action_id: int) -> Response:
        _series, action = action_for(request, case_id, measure_id, action_id)
        return self.page_of(review_selectors.reviews_of(action=action), ReviewSerializer)

    @extend_schema(
        operation_id="action_reviews_create",
        request=ReviewCreate,
        responses={201: ReviewSerializer},
        summary="Review an action at a follow-up meeting",
        description="Records how an open action from an earlier meeting went and closes it with that "
        "outcome, or, with `keep_open`, keeps it on the plan with a new due date.",
    )
    def post(self, request: Request, case_id: int, measure_id: int, action_id: int) -> Response:
        series, action = action_for(request, case_id, measure_id, action_id, require="run")
        data = valid(ReviewCreate, request.data)
        review = services.review_action(
            acting_user=self.user(),
            action=action,
            meeting=_meeting(series, data["meeting"]),
            outcome=data["outcome"],
            note=data["note"],
            keep_open=data["keep_open"],
            new_due_on=data["new_due_on"],
        )
        # Reviews have no page of their own: the action's list of reviews is where this one lives.
        return created(
            ReviewSerializer(review).data,
            location=reverse("api:action_reviews", args=[case_id, measure_id, action_id]),
        )
