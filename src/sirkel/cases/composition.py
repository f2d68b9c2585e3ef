"""How the case page shows what other apps know about a case, without the case app importing them.

The measure processes (`meetings`, `actions`, later evaluation) register a `CasePageContributor` in their
`AppConfig.ready()`. The case page asks each for its panels and for the process page of each measure; the
case app never imports a process app. Contributors get the measures already read, so a case without
network measures costs them no query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sirkel.accounts.models import User
    from sirkel.cases.access import CaseAccess
    from sirkel.cases.models import Case, Measure


@dataclass(frozen=True)
class Panel:
    """A section of the case page: a template and its context. `place` is "top" (before the facts, for
    what needs attention) or "measures" (after the list of measures)."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    place: str = "measures"


@dataclass(frozen=True)
class MeasureProcess:
    """What a process app says about one measure on the case page: where its page is and its state."""

    url: str
    status: str = ""


@dataclass(frozen=True)
class CasePageContributor:
    name: str
    panels: Callable[..., list[Panel]] | None = None  # (user, case, access, measures) -> panels
    processes: Callable[..., dict[int, MeasureProcess]] | None = None  # (user, case, measures) -> by id
    # Measure kinds this app runs as a process: it starts them on its own page (`start_url`) and keeps
    # their period; the case's own measure form leaves them out.
    process_kinds: frozenset[str] = frozenset()
    start_url: Callable[..., str] | None = None  # (case) -> URL


_contributors: dict[str, CasePageContributor] = {}


def register(contributor: CasePageContributor) -> None:
    """Add (or replace, by name) a contributor. Called from an app's `ready()`."""
    _contributors[contributor.name] = contributor


def compose(
    *, user: User, case: Case, access: CaseAccess, measures: list[Measure]
) -> tuple[list[Panel], dict[int, MeasureProcess]]:
    panels: list[Panel] = []
    processes: dict[int, MeasureProcess] = {}
    for contributor in _contributors.values():
        if contributor.panels is not None:
            panels.extend(contributor.panels(user=user, case=case, access=access, measures=measures))
        if contributor.processes is not None:
            processes.update(contributor.processes(user=user, case=case, measures=measures))
    return panels, processes


def process_kinds() -> dict[str, CasePageContributor]:
    """Which contributor runs each measure kind that has a process."""
    return {kind: c for c in _contributors.values() for kind in c.process_kinds}


def process_of(*, user: User, case: Case, measure: Measure) -> MeasureProcess | None:
    for contributor in _contributors.values():
        if contributor.processes is not None and measure.kind in contributor.process_kinds:
            found = contributor.processes(user=user, case=case, measures=[measure]).get(measure.pk)
            if found is not None:
                return found
    return None
