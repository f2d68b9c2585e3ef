"""`POST /api/v1/imports/measures`: a service's measure history as CSV in the body, the same check and
import as `sirkel import measures` and the import page."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response

from sirkel.accounts.models import Service, User
from sirkel.api.errors import PROBLEM, problem
from sirkel.api.serializers import IdField
from sirkel.api.views import ApiView, valid
from sirkel.cases import imports

CSV = "text/csv"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."


class CsvParser(BaseParser):
    """The body as bytes, read from the stream (so not bound by Django's limit for form bodies)."""

    media_type = CSV

    def parse(  # type: ignore[override]  # the body is the file, not a mapping of fields
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> bytes:
        if stream is None:
            return b""
        data: bytes = stream.read(imports.MAX_BYTES + 1)
        if len(data) > imports.MAX_BYTES:
            raise TooLarge(
                _("The file is larger than %(mb)s MB.") % {"mb": imports.MAX_BYTES // (1024 * 1024)}
            )
        return data


class ImportQuery(serializers.Serializer[dict[str, Any]]):
    service = IdField(help_text="The service to import into (its id); you must lead or administer it.")
    caseworker = IdField(
        help_text="The user id of the responsible caseworker of new cases: an active caseworker, consultant "
        "or leader of the service."
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Check and count only; nothing is written."
    )


class ImportResultSerializer(serializers.Serializer[imports.ImportResult]):
    dry_run = serializers.BooleanField(help_text="True: nothing was written; the counts say what would be.")
    rows = serializers.IntegerField(min_value=0)
    cases_created = serializers.IntegerField(min_value=0)
    cases_unchanged = serializers.IntegerField(
        min_value=0, help_text="Found by their reference: left as they are."
    )
    decisions_created = serializers.IntegerField(min_value=0)
    decisions_unchanged = serializers.IntegerField(min_value=0)
    measures_created = serializers.IntegerField(min_value=0)
    measures_updated = serializers.IntegerField(
        min_value=0, help_text="Imported before; their period changed."
    )
    measures_unchanged = serializers.IntegerField(min_value=0)


class MeasureImportView(ApiView):
    parser_classes = [CsvParser]

    @extend_schema(
        operation_id="imports_measures",
        parameters=[ImportQuery],
        request={CSV: OpenApiTypes.STR},
        responses={200: ImportResultSerializer, 201: ImportResultSerializer},
        summary="Import a measure history (CSV)",
        description=(
            "The body is a CSV file (UTF-8, comma-separated) with the header "
            f"`{','.join(imports.COLUMNS)}`, as for `sirkel import measures`. The whole file is checked "
            "first: with any problem nothing is written and the answer is 400 with `errors` keyed "
            "`<line>.<column>` (the header is line 1; `<line>` alone for the row as a whole). 201 when "
            "something was created or updated, 200 for a dry run or when the file changed nothing "
            "(importing it again). For leaders and administrators of the service."
        ),
        examples=[
            OpenApiExample(
                "Two measures in one decision",
                value=(
                    f"{','.join(imports.COLUMNS)}\n"
                    "A-1,Emma,Hansen,2015-03-14,girl,2024-01-10,pmto,2024-02-01,,voluntary\n"
                    "A-1,Emma,Hansen,2015-03-14,girl,2024-01-10,6.2,2024-02-01,2024-09-30,voluntary\n"
                ),
                request_only=True,
                media_type=CSV,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        user = self.user()
        if not imports.may_import_somewhere(user=user):
            raise Http404
        query = valid(ImportQuery, request.query_params)
        service = Service.objects.filter(pk=query["service"]).first()
        if service is None or not imports.may_import(user=user, service_id=service.pk):
            raise Http404
        caseworker = User.objects.filter(pk=query["caseworker"]).first()
        if caseworker is None:
            raise serializers.ValidationError({"caseworker": [_("Choose a member of the service.")]})
        imports.check_caseworker(service=service, caseworker=caseworker)
        data = request.data
        result = imports.import_measures(
            acting_user=user,
            service=service,
            caseworker=caseworker,
            data=data if isinstance(data, bytes) else b"",
            dry_run=query["dry_run"],
        )
        if not result.ok:
            errors: dict[str, list[str]] = {}
            for error in result.errors:
                key = f"{error.line}.{error.column}" if error.column else str(error.line)
                errors.setdefault(key, []).append(error.message)
            detail = _(
                "Nothing was imported: the file has %(count)s problem(s); see errors, by line and column."
            ) % {"count": len(result.errors)}
            return Response(problem(400, detail, errors=errors), status=400, content_type=PROBLEM)
        code = status.HTTP_201_CREATED if result.changed and not result.dry_run else status.HTTP_200_OK
        return Response(ImportResultSerializer(result).data, status=code)
