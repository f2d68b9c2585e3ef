from django.urls import path

from sirkel.meetings import api

MEASURE = "cases/<id:case_id>/measures/<id:measure_id>/"
MEETING = MEASURE + "meetings/<id:meeting_id>/"

urlpatterns = [
    path(MEASURE + "process/", api.ProcessView.as_view(), name="process"),
    path(MEASURE + "meetings/", api.MeetingListView.as_view(), name="meetings"),
    path(MEETING, api.MeetingDetailView.as_view(), name="meeting"),
    path(MEETING + "participants/", api.ParticipantListView.as_view(), name="participants"),
    path(MEASURE + "consents/", api.ConsentListView.as_view(), name="consents"),
    path(MEASURE + "consents/<id:consent_id>/", api.ConsentDetailView.as_view(), name="consent"),
]
