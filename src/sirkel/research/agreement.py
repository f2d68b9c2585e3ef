"""Agreement between coders on one question: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's
alpha.

Pure functions over plain mappings; no models, no database. The caller reads the codings of one question
(through the access policy) and passes them as ``codings``::

    {unit: {coder: value_or_None, ...}, ...}

- a *unit* is a case coded by two or more coders (any case may be passed: one with fewer than two values
  for the question is simply not used);
- a *value* is a hashable nominal answer; ``None`` (a blank answer) is a missing value, and a coder left out
  of a unit's mapping is the same as a blank;
- the *coders* of the question are those who gave a value in a unit with two or more values: a coder who
  never overlaps with another contributes nothing to any statistic, and counting them would only make
  Fleiss' kappa vanish (no unit "every coder" answered) or turn Cohen's kappa off.

``agreement(codings)`` returns one ``Statistic`` per applicable statistic, in this order:

``percent_agreement``
    over the units with two or more values: per unit, the share of the pairs of its coders that gave the
    same value, averaged over the units (Fleiss' 1971 P-bar, generalised to units with different numbers of
    values). With two coders this is the plain share of units where both agree. ``units`` = those units.
``cohen_kappa``
    only when the question has exactly two coders, over the units both answered (statsmodels'
    ``cohens_kappa`` on their contingency table).
``fleiss_kappa``
    only when the question has three or more coders, over the units every one of them answered
    (statsmodels' ``fleiss_kappa``); left out when there are no such units.
``krippendorff_alpha_nominal``
    every unit with two or more values, from the coincidence matrix as in Krippendorff (2011), "Computing
    Krippendorff's Alpha-Reliability" (written here: the ``krippendorff`` package is GPL). Exact arithmetic
    with fractions, so the result does not depend on the order of the units.

``units`` is the number of units the statistic used, ``coders`` the number of coders whose values it used.
``value`` is ``None`` when the statistic is undefined: no units to compute it on, or a chance-corrected
statistic (both kappas, alpha) whose expected disagreement is zero because only one value was ever given
(everyone agrees on the one answer, but there is no variation to tell agreement from chance). Percent
agreement is then 1.0. Nothing here divides by zero or raises on degenerate data.

Multiple-choice questions: ``per_option(codings)`` turns one into a yes/no question per option, and the
agreement page should report agreement per option (it says which options coders read differently; an
exact-set comparison, passing ``frozenset`` values to ``agreement`` directly, counts ticking three of four
options the same as ticking none of them). ``disagreements(codings)`` lists the units where the values
given differ, for the coders to discuss.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Generic, TypeVar

from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

__all__ = [
    "COHEN_KAPPA",
    "FLEISS_KAPPA",
    "KRIPPENDORFF_ALPHA_NOMINAL",
    "PERCENT_AGREEMENT",
    "Disagreement",
    "Statistic",
    "agreement",
    "disagreements",
    "per_option",
]

PERCENT_AGREEMENT: Final = "percent_agreement"
COHEN_KAPPA: Final = "cohen_kappa"
FLEISS_KAPPA: Final = "fleiss_kappa"
KRIPPENDORFF_ALPHA_NOMINAL: Final = "krippendorff_alpha_nominal"

U = TypeVar("U", bound=Hashable)
C = TypeVar("C", bound=Hashable)
V = TypeVar("V", bound=Hashable)
Opt = TypeVar("Opt", bound=Hashable)  # an option of a multiple-choice question


@dataclass(frozen=True, slots=True)
class Statistic:
    """One agreement statistic of one question: a row of ``sirkel research agreement --format csv``."""

    statistic: str
    coders: int
    units: int
    value: float | None


@dataclass(frozen=True, slots=True)
class Disagreement(Generic[U, C, V]):
    """A unit where the values given differ: every coder of the unit with their value (``None`` = blank)."""

    unit: U
    values: dict[C, V | None]


def _present(codings: Mapping[U, Mapping[C, V | None]]) -> dict[U, dict[C, V]]:
    """The units with two or more values, each with only the values given (blanks dropped)."""
    units: dict[U, dict[C, V]] = {}
    for unit, by_coder in codings.items():
        given = {coder: value for coder, value in by_coder.items() if value is not None}
        if len(given) >= 2:
            units[unit] = given
    return units


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _percent_agreement(units: Iterable[dict[C, V]]) -> Fraction | None:
    shares = []
    for given in units:
        m = len(given)
        agreeing_pairs = sum(n * (n - 1) for n in Counter(given.values()).values())
        shares.append(Fraction(agreeing_pairs, m * (m - 1)))
    if not shares:
        return None
    return sum(shares, Fraction(0)) / len(shares)


def _krippendorff_alpha_nominal(units: Iterable[dict[C, V]]) -> Fraction | None:
    """Alpha = 1 - D_o / D_e from the coincidence matrix (Krippendorff 2011, section C, nominal data).

    A unit with m values adds, for each ordered pair of values from different coders, 1/(m - 1) to the
    coincidence of the two values. For nominal data only the diagonal matters:
    alpha = ((n - 1) * sum_c o_cc - sum_c n_c (n_c - 1)) / (n (n - 1) - sum_c n_c (n_c - 1)),
    with n the number of pairable values and n_c those of value c.
    """
    diagonal = Fraction(0)
    totals: Counter[V] = Counter()
    for given in units:
        counts = Counter(given.values())
        m = len(given)
        diagonal += Fraction(sum(n * (n - 1) for n in counts.values()), m - 1)
        totals.update(counts)
    n = sum(totals.values())
    by_chance = sum(n_c * (n_c - 1) for n_c in totals.values())
    expected = n * (n - 1) - by_chance  # n (n - 1) * D_e; zero when only one value was given
    if expected == 0:
        return None
    return ((n - 1) * diagonal - by_chance) / expected


def _categories(values: Iterable[V]) -> dict[V, int]:
    """An index per distinct value, in order of first appearance (values need not be sortable)."""
    index: dict[V, int] = {}
    for value in values:
        index.setdefault(value, len(index))
    return index


def _cohen_kappa(pairs: list[tuple[V, V]]) -> float | None:
    index = _categories(value for pair in pairs for value in pair)
    if len(index) < 2:  # one value only: expected agreement 1
        return None
    table = [[0] * len(index) for _ in index]
    for first, second in pairs:
        table[index[first]][index[second]] += 1
    return float(cohens_kappa(table, return_results=False))


def _fleiss_kappa(rows: list[list[V]]) -> float | None:
    index = _categories(value for row in rows for value in row)
    if len(index) < 2:  # one value only: expected agreement 1
        return None
    counts, _ = aggregate_raters([[index[value] for value in row] for row in rows], n_cat=len(index))
    return float(fleiss_kappa(counts, method="fleiss"))


def agreement(codings: Mapping[U, Mapping[C, V | None]]) -> list[Statistic]:
    """The agreement statistics of one question (see the module docstring for each definition)."""
    units = _present(codings)
    coders = _categories(coder for given in units.values() for coder in given)
    statistics = [
        Statistic(PERCENT_AGREEMENT, len(coders), len(units), _as_float(_percent_agreement(units.values())))
    ]
    if len(coders) == 2:
        first, second = coders
        # With two coders a unit with two values is one both answered.
        pairs = [(given[first], given[second]) for given in units.values()]
        statistics.append(Statistic(COHEN_KAPPA, 2, len(pairs), _cohen_kappa(pairs) if pairs else None))
    elif len(coders) >= 3:
        complete = [[given[c] for c in coders] for given in units.values() if len(given) == len(coders)]
        if complete:
            statistics.append(Statistic(FLEISS_KAPPA, len(coders), len(complete), _fleiss_kappa(complete)))
    statistics.append(
        Statistic(
            KRIPPENDORFF_ALPHA_NOMINAL,
            len(coders),
            len(units),
            _as_float(_krippendorff_alpha_nominal(units.values())),
        )
    )
    return statistics


def disagreements(codings: Mapping[U, Mapping[C, V | None]]) -> list[Disagreement[U, C, V]]:
    """The units where two or more values were given and they are not all the same, in the order given.

    Each lists every coder of the unit with their value, blanks (``None``) included, so the page can show
    who left the question blank.
    """
    found: list[Disagreement[U, C, V]] = []
    for unit, by_coder in codings.items():
        if len({value for value in by_coder.values() if value is not None}) >= 2:
            found.append(Disagreement(unit=unit, values=dict(by_coder)))
    return found


def per_option(
    codings: Mapping[U, Mapping[C, Iterable[Opt] | None]],
    *,
    options: Iterable[Opt] = (),
    empty_is_missing: bool = True,
) -> dict[Opt, dict[U, dict[C, bool | None]]]:
    """A multiple-choice question as one yes/no question per option: ``{option: {unit: {coder: ticked}}}``.

    A value is the collection of options a coder ticked. ``None`` is a blank answer and stays ``None`` for
    every option; so does an empty selection unless ``empty_is_missing=False``, since a form cannot tell
    "none of these" from "not answered" (a question with a "none of these" option should offer it as an
    option, and then pass ``empty_is_missing=True``). ``options`` adds options nobody ticked, which then get
    a question too (all "no": percent agreement 1.0, the kappas and alpha ``None``); the options come in
    the order given, then in order of first appearance.
    """
    every_option = _categories(options)
    chosen: dict[U, dict[C, frozenset[Opt] | None]] = {}
    for unit, by_coder in codings.items():
        chosen[unit] = {}
        for coder, value in by_coder.items():
            if isinstance(value, str):  # a str is iterable: it would become a set of letters
                raise TypeError("per_option takes the collection of options ticked, not a single answer")
            ticked = None if value is None else list(value)
            for option in ticked or ():
                every_option.setdefault(option, len(every_option))
            missing = ticked is None or (empty_is_missing and not ticked)
            chosen[unit][coder] = None if missing else frozenset(ticked or ())
    return {
        option: {
            unit: {coder: None if ticked is None else option in ticked for coder, ticked in by_coder.items()}
            for unit, by_coder in chosen.items()
        }
        for option in every_option
    }
