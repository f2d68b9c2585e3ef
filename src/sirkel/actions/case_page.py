"""Overdue actions at the top of the case page, registered with `cases.composition` in `apps.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sirkel.actions.selectors.overviews import overdue_for_case
from sirkel.cases.composition import CasePageContributor, Panel
from sirkel.cases.models import MeasureStatus

if TYPE_CHECKING:
    from sirkel.accounts.models import User
    from sirkel.cases.access import CaseAccess
    from sirkel.cases.models import Case, Measure


def panels(*, user: User, case: Case, access: CaseAccess, measures: list[Measure]) -> list[Panel]:
    # Overdue actions exist only on running network measures, so most cases skip the query.
    if not any(m.is_network and m.status != MeasureStatus.ENDED for m in measures):
        return []
    overdue = overdue_for_case(case=case)
    return (
        [Panel("actions/partials/case_panel.html", {"overdue_actions": overdue}, place="top")]
        if overdue
        else []
    )


contributor = CasePageContributor(name="actions", panels=panels)
