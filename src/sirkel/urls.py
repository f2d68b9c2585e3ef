"""URL configuration: Norwegian paths, one include per domain app."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from sirkel.core import views as core_views

admin.site.site_header = "Sirkel"
admin.site.site_title = "Sirkel"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("konto/", include("sirkel.accounts.urls")),
    path("saker/", include("sirkel.cases.urls")),
    path("saker/<int:case_id>/nettverk/", include("sirkel.network.urls")),
    path("", include("sirkel.meetings.urls")),
    path("", include("sirkel.actions.urls")),
    path("sprak/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
