"""The base of every API endpoint, and the schema and documentation views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sirkel.accounts.models import User
from sirkel.api import idempotency
from sirkel.api.authentication import api_user
from sirkel.api.pagination import Pagination
from sirkel.audit.services import channel_scope


class ApiView(APIView):
    """One endpoint. Authentication, the token's scope, rate limits and errors come from the REST_FRAMEWORK
    settings; what the user may see or change is decided by the selectors and services the endpoint
    calls, exactly as for the pages. Every response is `no-store`: it carries case data."""

    # What `paginate` uses; declared so the schema describes a list's page, not a bare array.
    pagination_class = Pagination

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with channel_scope():
            response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, no_store=True, private=True)
        return response

    def user(self) -> User:
        return api_user(self.request)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """After the token, its scope and its rate are checked: claim a POST's `Idempotency-Key`."""
        super().initial(request, *args, **kwargs)
        self._claim = None
        key = request.headers.get(idempotency.HEADER)
        if request.method == "POST" and key is not None:
            self._claim = idempotency.claim(
                user=self.user(), key=key, path=request.path, body=request._request.body
            )

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        claim = getattr(self, "_claim", None)
        if claim is not None:
            idempotency.settle(
                submission=claim,
                succeeded=200 <= response.status_code < 300,
                location=response.get("Location", ""),
            )
            self._claim = None
        return super().finalize_response(request, response, *args, **kwargs)

    def paginate(self, queryset: Any) -> tuple[Pagination, list[Any]]:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator, list(page or [])

    def page_of(
        self, items: Any, serializer: type[serializers.BaseSerializer[Any]], **context: Any
    ) -> Response:
        """One page of `items` (a queryset or a list), each shown by `serializer`, as a list answers."""
        paginator, page = self.paginate(items)
        return paginator.get_paginated_response(serializer(page, many=True, context=context).data)


def created(data: Any, *, location: str, status_code: int = status.HTTP_201_CREATED) -> Response:
    """The answer to a POST that made something: its representation, and where it lives (which a repeat
    with the same `Idempotency-Key` is sent to)."""
    return Response(data, status=status_code, headers={"Location": location})


def valid(serializer: type[serializers.BaseSerializer[Any]], data: Any) -> dict[str, Any]:
    """The validated input (a body or the query string), or a 400 problem naming the fields."""
    s = serializer(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


class SchemaView(SpectacularAPIView):
    """The OpenAPI document. It holds no data, so it is served without a token."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar's static files: nothing is fetched from outside. The split
    view serves its start-up script as a file of its own (`?script`), and the page is drawn without the
    library's inline style, so the Content-Security-Policy needs no 'unsafe-inline'."""

    template_name = "api/swagger_ui.html"

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
