"""The network measures' part of the case page, registered with `cases.composition` in `apps.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from sirkel.cases.composition import CasePageContributor, MeasureProcess, Panel
from sirkel.meetings.kinds import KINDS, has_process
from sirkel.meetings.models import Series

if TYPE_CHECKING:
    from sirkel.accounts.models import User
    from sirkel.cases.access import CaseAccess
    from sirkel.cases.models import Case, Measure


def _series_of(case: Case, measures: list[Measure]) -> list[Series]:
    """The series of the case's network measures: one query per case page (the panel and the process
    links share it), none for a case without network measures."""
    ids = [m.pk for m in measures if has_process(m.kind)]
    if not ids:
        return []
    cached: tuple[list[int], list[Series]] | None = getattr(case, "_network_series", None)
    if cached is not None and cached[0] == ids:
        return cached[1]
    by_id = {m.pk: m for m in measures}
    series_list = list(Series.objects.filter(measure_id__in=ids).select_related("leader"))
    for series in series_list:
        series.measure = by_id[series.measure_id]  # already read: no query per row
    found = sorted(series_list, key=lambda s: (s.created_at, s.pk), reverse=True)
    case._network_series = (ids, found)  # type: ignore[attr-defined]
    return found


def panels(*, user: User, case: Case, access: CaseAccess, measures: list[Measure]) -> list[Panel]:
    context = {"case": case, "series_list": _series_of(case, measures), "can_start": access.can_edit}
    return [Panel("meetings/partials/case_panel.html", context)]


def processes(*, user: User, case: Case, measures: list[Measure]) -> dict[int, MeasureProcess]:
    return {
        s.measure_id: MeasureProcess(
            url=reverse("meetings:detail", args=[s.case_id, s.measure_id]), status=str(s.get_status_display())
        )
        for s in _series_of(case, measures)
    }


def start_url(*, case: Case) -> str:
    return reverse("meetings:start", args=[case.pk])


contributor = CasePageContributor(
    name="meetings", panels=panels, processes=processes, process_kinds=frozenset(KINDS), start_url=start_url
)
