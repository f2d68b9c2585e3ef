"""The REST API's network measures: a measure's process (its series), its meetings, their participants
and the consents, through the same selectors and services as the measure's pages.

Who may see a measure is the access policy's `series_access`, asked by `get_series_for_user` exactly as
the pages ask it: the people who may see the case, and the measure's meeting leader, who may come from
another service and then sees the measure and its meetings, never the rest of the case. The case id in
the URL must be the measure's case; anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.accounts.models import User
from sirkel.api.authentication import api_user
from sirkel.api.serializers import IdField, OutputSerializer
from sirkel.api.views import ApiView, created, valid
from sirkel.audit.models import AuditAction
from sirkel.cases.access import SeriesAccess
from sirkel.meetings import selectors, selectors_meeting
from sirkel.meetings.kinds import process_kind_choices
from sirkel.meetings.models import (
    Consent,
    ConsentGivenAs,
    ConsentParty,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    Screening,
    Series,
)
from sirkel.meetings.services import consent as consent_services
from sirkel.meetings.services.consent import ConsentStatus, InformedAbout

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def series_for(
    request: Request, case_id: int, measure_id: int, *, require: str = "view"
) -> tuple[Series, SeriesAccess]:
    """The measure's process under an API URL, through the selector the measure's pages use: it asks the
    access policy (`require` is view, edit or run) and records the read, or the write about to be tried,
    in the audit. 404 when the token's user may not, or when the case id is not the measure's case."""
    action = AuditAction.VIEW if request.method in READ_METHODS else AuditAction.UPDATE
    with transaction.atomic():
        return selectors.get_series_for_user(
            user=api_user(request),
            case_id=case_id,
            measure_id=measure_id,
            require=require,
            audit_action=action,
        )


def meeting_for(
    request: Request, case_id: int, measure_id: int, meeting_id: int, *, require: str = "view"
) -> tuple[Series, Meeting]:
    """A meeting of the measure, opened as the meeting pages open it; 404 as for its measure."""
    series, _access = series_for(request, case_id, measure_id, require=require)
    meeting = selectors.get_meeting(series=series, meeting_id=meeting_id)
    meeting.series = series  # already loaded with its case
    return series, meeting


def screening_of(series: Series) -> Screening | None:
    try:
        return series.screening
    except Screening.DoesNotExist:
        return None  # measures made before screening rows existed


# --- Serializers --------------------------------------------------------------------------------------


class ScreeningSummarySerializer(OutputSerializer[Screening]):
    class Meta:
        model = Screening
        fields = ["decision", "decided_by", "decided_at", "version"]
        read_only_fields = fields


class ConsentSummarySerializer(serializers.Serializer[ConsentStatus]):
    complete = serializers.BooleanField(
        read_only=True, help_text="Everyone who must consent has, and no one has withdrawn."
    )
    missing = serializers.ListField(
        child=serializers.ChoiceField(choices=ConsentParty.choices),
        source="missing_parties",
        read_only=True,
        help_text="Who still has to consent. A guardian's consent stands in for a missing parent's.",
    )
    youth_required = serializers.BooleanField(
        read_only=True, help_text="The child is 15 or older: the youth must consent too."
    )
    child_age = serializers.IntegerField(read_only=True)
    active = serializers.SerializerMethodField(help_text="Consents given and not withdrawn.")
    withdrawn = serializers.SerializerMethodField(help_text="Consents withdrawn (this stops the measure).")

    def get_active(self, consent: ConsentStatus) -> int:
        return len(consent.active)

    def get_withdrawn(self, consent: ConsentStatus) -> int:
        return len(consent.withdrawn)


class ProcessSerializer(OutputSerializer[Series]):
    """The process of a network measure. Its kind and period are the measure's (`measures_retrieve`)."""

    case = serializers.IntegerField(source="case_id", read_only=True)
    kind = serializers.ChoiceField(source="measure.kind", choices=process_kind_choices(), read_only=True)
    started_on = serializers.DateField(source="measure.started_on", read_only=True, allow_null=True)
    ended_on = serializers.DateField(source="measure.ended_on", read_only=True, allow_null=True)
    end_reason = serializers.CharField(source="measure.end_reason", read_only=True)
    screening = serializers.SerializerMethodField(
        help_text="The screening's decision; null before a screening is begun."
    )
    consent = serializers.SerializerMethodField(help_text="Who has consented and who is still missing.")

    class Meta:
        model = Series
        fields = [
            "id",
            "measure",
            "case",
            "kind",
            "status",
            "caseworker",
            "leader",
            "purpose",
            "purpose_agreed_with_parents",
            "followup_owner",
            "followup_owner_member",
            "started_on",
            "ended_on",
            "end_reason",
            "screening",
            "consent",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ScreeningSummarySerializer(allow_null=True))
    def get_screening(self, series: Series) -> dict[str, Any] | None:
        screening = screening_of(series)
        return None if screening is None else ScreeningSummarySerializer(screening).data

    @extend_schema_field(ConsentSummarySerializer)
    def get_consent(self, series: Series) -> dict[str, Any]:
        return ConsentSummarySerializer(consent_services.consent_status(series)).data


class MeetingSerializer(OutputSerializer[Meeting]):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "sequence",
            "kind",
            "status",
            "starts_at",
            "duration_minutes",
            "place",
            "mode",
            "video_link",
            "purpose",
            "held_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    """A meeting with its preparation's main facts and what was recorded in it. The internal notes are
    for the service only, as on the meeting page: never printed in the meeting's documents."""

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "interpreter_needed",
            "interpreter_kind",
            "interpreter_language",
            "interpreter_booked",
            "child_participation",
            "youth_leads",
            "reflecting_team_notes",
            "decisions",
            "internal_notes",
            "waiver_signed_at",
        ]
        read_only_fields = fields


class MeetingFilter(serializers.Serializer[dict[str, Any]]):
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)


class ParticipantSerializer(OutputSerializer[Participant]):
    """Someone invited to the meeting: a person in the case's network register (`member`) or a staff
    member (`user`). Contact details stay in the register."""

    attended = serializers.BooleanField(read_only=True, help_text="Present, in person or digitally.")

    class Meta:
        model = Participant
        fields = [
            "id",
            "member",
            "user",
            "name",
            "role",
            "relation",
            "is_public",
            "close_to_problem",
            "invited",
            "invitation_sent_at",
            "response",
            "response_note",
            "attendance",
            "attended",
            "waiver_released",
        ]
        read_only_fields = fields


class ConsentSerializer(OutputSerializer[Consent]):
    informed_about = serializers.ListField(
        child=serializers.ChoiceField(choices=InformedAbout.choices),
        read_only=True,
        help_text="What the person was told before consenting (the study's checklist).",
    )
    is_active = serializers.BooleanField(read_only=True, help_text="Given and not withdrawn.")

    class Meta:
        model = Consent
        fields = [
            "id",
            "party",
            "party_name",
            "informed_about",
            "information_note",
            "informed_on",
            "informed_by",
            "given",
            "given_as",
            "is_active",
            "withdrawn_at",
            "withdrawal_reason",
            "created_at",
        ]
        read_only_fields = fields


class ConsentCreate(serializers.Serializer[dict[str, Any]]):
    party = serializers.ChoiceField(
        choices=ConsentParty.choices, help_text="The youth's own consent applies from 15."
    )
    party_name = serializers.CharField(max_length=200)
    informed_about = serializers.ListField(
        child=serializers.ChoiceField(choices=InformedAbout.choices),
        max_length=len(InformedAbout.choices),
        help_text="What they were told. Must include `voluntary`: taking part is voluntary and consent "
        "can be withdrawn at any time.",
    )
    information_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    given_as = serializers.ChoiceField(
        choices=ConsentGivenAs.choices,
        help_text="Whether the consent was given orally or in writing; both are valid for a voluntary "
        "measure.",
    )
    informed_on = serializers.DateField(required=False, help_text="Defaults to today.")
    informed_by = IdField(
        required=False,
        help_text="Who informed them: someone in the case's service or the meeting leader. Defaults to you.",
    )


# --- Endpoints ----------------------------------------------------------------------------------------


class ProcessView(ApiView):
    @extend_schema(
        operation_id="process_retrieve",
        responses=ProcessSerializer,
        summary="A measure's process",
        description="The series of a network measure: its status, people, screening decision and "
        "consent. Its meeting leader sees it also when they may not see the case.",
    )
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id)
        return Response(ProcessSerializer(series).data)


class MeetingListView(ApiView):
    @extend_schema(
        operation_id="meetings_list",
        parameters=[MeetingFilter],
        responses=MeetingSerializer(many=True),
        summary="The measure's meetings",
        description="In order: the first network meeting, then the follow-up meetings.",
    )
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id)
        f = valid(MeetingFilter, request.query_params)
        meetings = [
            m
            for m in selectors.meetings_for_series(series=series)
            if f.get("status") in (None, m.status) and f.get("kind") in (None, m.kind)
        ]
        return self.page_of(meetings, MeetingSerializer)


class MeetingDetailView(ApiView):
    @extend_schema(operation_id="meetings_retrieve", responses=MeetingDetailSerializer, summary="One meeting")
    def get(self, request: Request, case_id: int, measure_id: int, meeting_id: int) -> Response:
        _series, meeting = meeting_for(request, case_id, measure_id, meeting_id)
        return Response(MeetingDetailSerializer(meeting).data)


class ParticipantListView(ApiView):
    @extend_schema(
        operation_id="participants_list",
        responses=ParticipantSerializer(many=True),
        summary="Who is invited to a meeting",
        description="With their answer and, once recorded, their attendance.",
    )
    def get(self, request: Request, case_id: int, measure_id: int, meeting_id: int) -> Response:
        _series, meeting = meeting_for(request, case_id, measure_id, meeting_id)
        return self.page_of(selectors_meeting.participants_of(meeting), ParticipantSerializer)


class ConsentListView(ApiView):
    @extend_schema(
        operation_id="consents_list",
        responses=ConsentSerializer(many=True),
        summary="The consents to a measure",
        description="Every consent recorded, withdrawn ones too, in the order they were recorded.",
    )
    def get(self, request: Request, case_id: int, measure_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id)
        consents = consent_services.consent_status(series).consents
        return self.page_of(consents, ConsentSerializer)

    @extend_schema(
        operation_id="consents_create",
        request=ConsentCreate,
        responses={201: ConsentSerializer},
        summary="Record consent",
        description="One party's informed consent: what they were told, when and by whom.",
    )
    def post(self, request: Request, case_id: int, measure_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id, require="edit")
        data = valid(ConsentCreate, request.data)
        informed_by = _informed_by(data.get("informed_by"), default=self.user())
        consent = consent_services.add_consent(
            acting_user=self.user(),
            series=series,
            party=data["party"],
            party_name=data["party_name"],
            informed_about=list(data["informed_about"]),
            information_note=data["information_note"],
            informed_on=data.get("informed_on") or timezone.localdate(),
            informed_by=informed_by,
            given_as=data["given_as"],
        )
        return created(
            ConsentSerializer(consent).data,
            location=reverse("api:consent", args=[case_id, measure_id, consent.pk]),
        )


def _informed_by(pk: int | None, *, default: User) -> User:
    if pk is None:
        return default
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise serializers.ValidationError(
            {"informed_by": [_("The person who informed must be from the service or the meeting leader.")]}
        )
    return found


class ConsentDetailView(ApiView):
    @extend_schema(operation_id="consents_retrieve", responses=ConsentSerializer, summary="One consent")
    def get(self, request: Request, case_id: int, measure_id: int, consent_id: int) -> Response:
        series, _access = series_for(request, case_id, measure_id)
        return Response(ConsentSerializer(selectors.get_consent(series=series, consent_id=consent_id)).data)
