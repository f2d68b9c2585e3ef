"""/api/v1/services/<id>/ssb/: a leader's SSB table of their service for a year, as on the page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.api.views import ApiView, valid
from sirkel.stats import selectors, ssb


class SsbFilter(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(
        required=False,
        default=None,
        allow_null=True,
        min_value=1900,
        max_value=2999,
        help_text="Default: last year.",
    )
    extended = serializers.BooleanField(
        required=False, default=False, help_text="Add the study's extended categories (by taxonomy key)."
    )


class SsbRowSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(help_text="An SSB code (`6.2`), a group (`6`), `all`, or an extended key.")
    category = serializers.CharField(help_text="The row's name in Bokmål, as SSB publishes it.")
    level = serializers.ChoiceField(choices=["all", "group", "measure", "extended"])
    children = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=0),
        help_text="Children per age band (`0-2`, `3-5`, `6-12`, `13-17`, `18-22`, `23-24`) and `total`; "
        "null where suppressed.",
    )


class SsbTableSerializer(serializers.Serializer[dict[str, Any]]):
    service = serializers.IntegerField()
    year = serializers.IntegerField()
    extended = serializers.BooleanField()
    smallest_cell = serializers.IntegerField(help_text="A count below this is suppressed (null).")
    age_bands = serializers.ListField(child=serializers.CharField())
    rows = SsbRowSerializer(many=True)


class SsbTableView(ApiView):
    @extend_schema(
        operation_id="ssb_table_retrieve",
        parameters=[SsbFilter],
        responses=SsbTableSerializer,
        summary="Statistics Norway's table of a service you lead",
        description="Children with measures during the year by measure and age band, as SSB counts them: "
        "a measure counts when its period touches the year, age on 31 December, each child once per row; "
        "rows `all`, each group and each code in use (and, with `extended`, the study's extended "
        "categories). Counts below `smallest_cell` are null, and more where needed so that none can be "
        "worked out. For the service's leaders only (404 for anyone else).",
    )
    def get(self, request: Request, service_id: int) -> Response:
        f = valid(SsbFilter, request.query_params)
        year = f["year"] or timezone.localdate().year - 1
        with transaction.atomic():
            table = selectors.ssb_table_for_leader(
                user=self.user(), service_id=service_id, year=year, extended=f["extended"]
            )
        data = {
            "service": service_id,
            "year": table.year,
            "extended": table.extended,
            "smallest_cell": table.suppress_below,
            "age_bands": list(ssb.age_bands()),
            "rows": [
                {"code": r.code, "category": r.category, "level": r.level, "children": r.cells}
                for r in table.rows
            ],
        }
        return Response(SsbTableSerializer(data).data)
