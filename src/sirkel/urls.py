"""URL configuration: Norwegian paths, one include per domain app."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import include, path, register_converter
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from django.views.i18n import set_language

from sirkel.api.errors import problem_response
from sirkel.core import views as core_views
from sirkel.core.converters import IdConverter

# Before the apps' URL modules are read: every object id in a URL is `<id:…>`.
register_converter(IdConverter, "id")

admin.site.site_header = "Sirkel"
admin.site.site_title = "Sirkel"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("konto/", include("sirkel.accounts.urls")),
    path("saker/", include("sirkel.cases.urls")),
    path("saker/<id:case_id>/nettverk/", include("sirkel.network.urls")),
    path("saker/<id:case_id>/", include("sirkel.evaluation.urls")),
    path("evalueringer/", include("sirkel.evaluation.review_urls")),
    path("", include("sirkel.meetings.urls")),
    path("", include("sirkel.actions.urls")),
    path("", include("sirkel.evaluation.link_urls")),  # participant links, under the measure's path
    path("lenke/", include("sirkel.evaluation.public_urls")),  # the participants' own pages (no account)
    path("", include("sirkel.evaluation.rating_urls")),
    path("effekt/", include("sirkel.evaluation.overview_urls")),
    path("statistikk/", include("sirkel.stats.urls")),
    path("forskning/", include("sirkel.research.urls")),
    path("api/", include("sirkel.api.urls")),
    path("sprak/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A bad request in Sirkel's own layout, instead of Django's bare "Bad Request (400)".

    A request over the upload limit (`RequestDataTooBig`: a form whose text fields together pass
    DATA_UPLOAD_MAX_MEMORY_SIZE) says so, with the limit, and answers 413 Content Too Large. The link
    back goes to the page the form was on, if the browser said which and it is one of Sirkel's own. Under
    /api/ the answer is a problem (`application/problem+json`), like every other API error.
    """
    too_large = isinstance(exception, RequestDataTooBig)
    if request.path_info.startswith("/api/"):
        return problem_response(request, 413 if too_large else 400)
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        host = ""  # the very reason for this answer: asking again would turn it into a 500
    safe = bool(host) and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    )
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    context = {
        "too_large": too_large,
        "limit": filesizeformat(limit) if limit is not None else "",
        "back": referer if referer and safe else "",
    }
    return render(request, "400.html", context, status=413 if too_large else 400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return problem_response(request, 404)
    return page_not_found(request, exception or Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return problem_response(request, 500)
    return default_server_error(request)


handler400 = bad_request
handler404 = not_found
handler500 = server_error
