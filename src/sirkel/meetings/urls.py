"""Routes for network measures: /tiltak/<measure_id>/… (and /saker/<case_id>/tiltak/ to start one)."""

from django.urls import include, path

app_name = "meetings"

urlpatterns = [
    path("", include("sirkel.meetings.views.series")),
    path("", include("sirkel.meetings.views.screening")),
    path("", include("sirkel.meetings.views.consent")),
    path("", include("sirkel.meetings.views.leaders")),
    path("", include("sirkel.meetings.views.preparation")),
    path("", include("sirkel.meetings.views.meeting")),
    path("", include("sirkel.meetings.views.waiver")),
    path("", include("sirkel.meetings.views.documents")),
    path("", include("sirkel.meetings.views.guide")),
    path("", include("sirkel.meetings.views.my_meetings")),
    path("", include("sirkel.meetings.views.conference")),
    path("", include("sirkel.meetings.views.mentor")),
    path("", include("sirkel.meetings.views.engagement")),
    path("", include("sirkel.meetings.views.contacts")),
]
