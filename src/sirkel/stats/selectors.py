"""The statistics' reads: the measure periods of a year from the database, and the tables for leaders.

Every read of figures by a person is recorded as one audit event of aggregated data (no case ids: the
figures name no one). The operator's command (`sirkel stats`) reads through `ssb_table`, which checks
nothing: whoever runs the command on the server is the operator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.accounts.selectors import services_led_by
from sirkel.audit.models import AuditAction
from sirkel.audit.services import record_event
from sirkel.cases.expressions import EndYear, YearOf, year_sql
from sirkel.cases.models import Case, Measure
from sirkel.network.models import NetworkSnapshot
from sirkel.stats import ssb
from sirkel.taxonomy import measures as measure_taxonomy

TREND_YEARS = 10  # the trend shows at most this many years, ending with the chosen one


class _Joined(Aggregate):
    """The group's texts joined by commas (SQLite's `group_concat`, PostgreSQL's `string_agg`)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="STRING_AGG(DISTINCT %(expressions)s, ',')", **extra_context
        )


def _touching(*, services: Sequence[Service] | None, year: int) -> QuerySet[Measure]:
    """The measures of `services` (every service when None) whose period touches `year`: started in or
    before it (planned ones have no start), and ended in or after it or not ended. Compared as years,
    which is the same test as with the dates (31 December and 1 January of `year`), on the integers
    the index `measure_ssb_year_idx` holds."""
    measures = Measure.objects.alias(end_year=EndYear("ended_on"), start_year=YearOf("started_on")).filter(
        end_year__gte=year, start_year__lte=year
    )
    if services is not None:
        measures = measures.filter(case__service__in=[s.pk for s in services])
    return measures


def periods(
    *, services: Sequence[Service] | None, year: int, extended: bool = False
) -> Iterator[ssb.PeriodRow]:
    """The measure periods of `services` (every service when None) that touch `year`, one row each;
    with `extended`, also one row per network mapping (a saved snapshot of the network) in the year."""
    measures = _touching(services=services, year=year)
    codes = {k: measure_taxonomy.ssb_code(k) for k in measure_taxonomy.kind_keys()}
    rows = measures.annotate(born=ExtractYear("case__birth_date")).values_list(
        "case_id", "born", "code", "kind"
    )
    for child, born, code, kind in rows.iterator(chunk_size=20_000):
        yield ssb.PeriodRow(child=child, birth_year=born, code=code or codes.get(kind, ""), kind=kind)
    if extended:
        snapshots = NetworkSnapshot.objects.filter(taken_at__year=year)
        if services is not None:
            snapshots = snapshots.filter(case__service__in=[s.pk for s in services])
        for child, born in (
            snapshots.annotate(born=ExtractYear("case__birth_date")).values_list("case_id", "born").distinct()
        ):
            yield ssb.PeriodRow(child=child, birth_year=born, code="", kind=ssb.NETWORK_MAPPING)


def children(
    *, services: Sequence[Service] | None, year: int, extended: bool = False
) -> Iterator[ssb.Children]:
    """The children of `services` (every service when None) with a measure period touching `year`
    (with `extended`, or a network mapping in it), grouped in the database by birth year and the
    kinds and codes of their periods: what `periods` gives, counted by child instead of listed.

    One query (two with `extended`), whose answer has a row per distinct group, not per period or
    per child: the database groups the periods by child (in the order of the index
    `measure_ssb_year_idx`, which holds every column read, so SQLite reads neither the table nor a
    sort), reads each child's birth date once, then groups the children by birth year and measures."""
    measures = _touching(services=services, year=year)
    # "kind:code" for each period; codes are SSB's ("6.99"), kinds taxonomy keys: neither has , or :.
    token = Func(F("kind"), Value(":"), F("code"), template="(%(expressions)s)", arg_joiner=" || ")
    # Grouped by child from the index alone; the birth date is read once per child, outside.
    per_child = (
        measures.order_by().values("case_id").annotate(tokens=_Joined(token, output_field=TextField()))
    )
    snapshots = NetworkSnapshot.objects.filter(taken_at__year=year)
    if services is not None:
        snapshots = snapshots.filter(case__service__in=[s.pk for s in services])
    grouped = "born, tokens"
    if extended:
        per_child = per_child.annotate(mapped=Exists(snapshots.filter(case_id=OuterRef("case_id"))))
        grouped += ", mapped"
    inner, params = per_child.query.sql_with_params()
    cases = connection.ops.quote_name(Case._meta.db_table)
    born = year_sql(f"{cases}.birth_date", vendor=connection.vendor)
    # The ORM has no subquery in FROM: the grouping around its compiled query (its values are `params`).
    sql = (
        f"SELECT {grouped}, COUNT(*) FROM (SELECT {born} AS born, per_child.* FROM ({inner}) AS per_child "  # noqa: S608
        f"JOIN {cases} ON {cases}.id = per_child.case_id) AS children GROUP BY {grouped}"
    )
    codes = {k: measure_taxonomy.ssb_code(k) for k in measure_taxonomy.kind_keys()}
    decoded: dict[str, tuple[frozenset[str], frozenset[str]]] = {}  # tokens → (codes, kinds)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            tokens = row[1]
            if tokens not in decoded:
                kinds: set[str] = set()
                found: set[str] = set()
                for kind, _, code in (t.partition(":") for t in tokens.split(",")):
                    kinds.add(kind)
                    found.add(code or codes.get(kind, ""))
                found.discard("")
                decoded[tokens] = frozenset(found), frozenset(kinds)
            found_codes, found_kinds = decoded[tokens]
            if extended and row[2]:
                found_kinds = found_kinds | {ssb.NETWORK_MAPPING}
            yield ssb.Children(int(row[0]), found_codes, found_kinds, int(row[-1]))
    if extended:
        # Children whose network was mapped in the year but who had no measure then.
        mapped_only = (
            snapshots.exclude(case_id__in=measures.values("case_id"))
            .order_by()
            .values(born=YearOf("case__birth_date"))
            .annotate(n=Count("case_id", distinct=True))
        )
        for group in mapped_only:
            yield ssb.Children(group["born"], frozenset(), frozenset({ssb.NETWORK_MAPPING}), group["n"])


def ssb_table(
    *,
    services: Sequence[Service] | None,
    year: int,
    extended: bool = False,
    suppress_below: int = ssb.MIN_CELL,
) -> ssb.SsbTable:
    """The SSB table of `services` (every service when None) for `year`, suppressed below
    `suppress_below` (0: not at all). For the operator's command; a person's page goes through
    `ssb_table_for_leader`."""
    names = [s.name for s in services] if services is not None else []
    return ssb.table_of_children(
        children(services=services, year=year, extended=extended),
        year=year,
        extended=extended,
        suppress_below=suppress_below,
        services=names,
    )


def _led_service(*, user: User, service_id: int | None) -> Service:
    led = services_led_by(user=user)
    service = next((s for s in led if service_id is None or s.pk == service_id), None)
    if service is None:
        raise Http404
    return service


def _record_read(*, user: User, service: Service, action: str, **detail: object) -> None:
    """One audit event for a leader's read (or export) of the service's SSB figures: aggregated data, so
    no case is named."""
    with transaction.atomic():
        record_event(
            actor=user,
            service=service.pk,
            action=action,
            object_type="ssb_table",
            object_id=service.pk,
            detail=detail,
        )


def ssb_table_for_leader(
    *, user: User, service_id: int | None, year: int, extended: bool = False
) -> ssb.SsbTable:
    """The SSB table of a service `user` leads (the first by name when `service_id` is None), always
    suppressed below 3; 404 for anyone who does not lead it. One audit event."""
    service = _led_service(user=user, service_id=service_id)
    table = ssb_table(services=[service], year=year, extended=extended)
    _record_read(user=user, service=service, action=AuditAction.VIEW, year=year, extended=extended)
    return table


def ssb_export_for_leader(
    *, user: User, service_id: int | None, year: int, extended: bool = False
) -> dict[str, Any]:
    """The file of a service's suppressed figures for `year` (`federation.export_document`), for a
    leader of the service to send to the region or the directorate; 404 for anyone else. Recorded as an
    export."""
    from sirkel.stats.federation import export_document

    service = _led_service(user=user, service_id=service_id)
    table = ssb_table(services=[service], year=year, extended=extended)
    _record_read(user=user, service=service, action=AuditAction.EXPORT, year=year, extended=extended)
    return export_document(table, service=service.name)


def ssb_trend(
    *, user: User, service_id: int | None, year: int, extended: bool = False, years: int = TREND_YEARS
) -> tuple[Service, list[ssb.SsbTable]]:
    """The service's SSB tables for the `years` years ending with `year` (from the first year it has a
    measure, if later), oldest first, suppressed below 3; 404 for anyone who does not lead it. One audit
    event for the whole trend."""
    service = _led_service(user=user, service_id=service_id)
    first_start = (
        Measure.objects.filter(case__service=service, started_on__isnull=False)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    start = max(year - years + 1, first_start.year if first_start else year)
    start = min(start, year)
    tables = [ssb_table(services=[service], year=y, extended=extended) for y in range(start, year + 1)]
    _record_read(user=user, service=service, action=AuditAction.VIEW, years=[start, year], extended=extended)
    return service, tables


def this_year() -> int:
    return timezone.localdate().year
