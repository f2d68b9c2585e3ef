"""The leaders' effect overview, computed from plain rows: no database, no request.

What it counts, for the closed evaluations of one service (in one year of `held_on`, or all):

- per measure kind and perspective, the judgements of the desired effect and the share yes / partly / no.
  Not assessed, and the child not wanting to answer, are counted apart and are not in the denominator.
  The child's five faces map to an effect: 4–5 yes, 3 partly, 1–2 no (`child_effect`). Each parent's
  judgement is one judgement;
- how often two perspectives agree: for each pair with both a yes / partly / no at the same evaluation,
  the share with the same effect (each parent is paired on their own, so two parents make two pairs);
- the T-score distribution in four bands (<40, 40–49, 50–59, ≥60) and its median.

Small cells are suppressed (`suppress_row`): any count below 3 shows as ":" (None here), and a share
computed from a suppressed count is not shown. Where a row's total is shown, one suppressed cell could be
worked out as the total minus the others, so then the next-smallest cell is suppressed too, and so it is
while the hidden cells together are below 3 (they would all be known to be 0, or nearly).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

MIN_CELL = 3  # a count below this is not shown
EFFECTS = ("yes", "partly", "no")
NOT_ASSESSED = "not_assessed"
DECLINED = "declined"
PERSPECTIVES = ("service", "parent", "child", "reviewer")
PAIRS = tuple(combinations(PERSPECTIVES, 2))
T_BANDS = ("lt40", "40-49", "50-59", "ge60")


@dataclass(frozen=True)
class JudgementRow:
    """One judgement at one closed evaluation, as the overview needs it."""

    evaluation_id: int
    kind: str  # the measure's kind
    perspective: str
    effect: str  # yes, partly, no, not_assessed or "" (the child's form sets no effect)
    child_scale: int | None = None
    declined: bool = False


def child_effect(*, scale: int | None, declined: bool, effect: str = "") -> str:
    """The child's answer as an effect: 4–5 yes, 3 partly, 1–2 no; `declined` when the child did not want
    to answer; an effect recorded with no face is taken as it is; nothing at all is not assessed."""
    if declined:
        return DECLINED
    if scale is not None:
        return "yes" if scale >= 4 else "partly" if scale == 3 else "no"
    return effect if effect in EFFECTS else NOT_ASSESSED


def effect_of(row: JudgementRow) -> str:
    if row.perspective == "child":
        return child_effect(scale=row.child_scale, declined=row.declined, effect=row.effect)
    return row.effect if row.effect in EFFECTS else NOT_ASSESSED


def shown(count: int) -> int | None:
    """The count, or None (":") when it is below the smallest cell shown."""
    return count if count >= MIN_CELL else None


def suppress_row(counts: Sequence[int], *, total_shown: bool = True) -> list[int | None]:
    """The row's counts with small cells suppressed (None).

    Primary: any count below `MIN_CELL`. Secondary, where the row's total is shown: the hidden cells
    together are the total minus the shown ones, so while only one cell is hidden (it could be worked out
    exactly), or the hidden ones together are below `MIN_CELL` (all of them 0, say, when one shown cell
    is the whole total), the smallest shown cell (the first of equals) is hidden too."""
    out: list[int | None] = [shown(c) for c in counts]
    if not total_shown:
        return out
    while True:
        hidden = [c for c, o in zip(counts, out, strict=True) if o is None]
        visible = [(c, i) for i, c in enumerate(counts) if out[i] is not None]
        if not hidden or not visible or (len(hidden) > 1 and sum(hidden) >= MIN_CELL):
            return out
        out[min(visible)[1]] = None


def share(count: int | None, total: int | None) -> float | None:
    """count / total as a percentage with one decimal; None when either is suppressed or total is 0."""
    if count is None or total is None or total == 0:
        return None
    return round(100 * count / total, 1)


@dataclass
class EffectRow:
    """One perspective for one measure kind. Counts are None where suppressed."""

    kind: str
    perspective: str
    judged: int | None  # yes + partly + no: the denominator
    counts: dict[str, int | None]  # yes, partly, no
    shares: dict[str, float | None]
    not_assessed: int | None
    declined: int | None  # the child only; None elsewhere too when below the smallest cell

    @property
    def suppressed(self) -> bool:
        return any(v is None for v in self.counts.values())


@dataclass
class AgreementRow:
    first: str
    second: str
    pairs: int | None  # both gave yes / partly / no at the same evaluation
    agree: int | None
    disagree: int | None
    share: float | None  # share agreeing, in per cent


@dataclass
class TScores:
    total: int | None
    bands: dict[str, int | None]
    median: float | None  # not shown for fewer than `MIN_CELL` scores


@dataclass
class Overview:
    effects: list[EffectRow]
    agreement: list[AgreementRow]
    t_scores: TScores


def effect_rows(rows: Iterable[JudgementRow], *, kinds: Sequence[str]) -> list[EffectRow]:
    """Per kind (in `kinds`' order, only those with a judgement) and perspective (in `PERSPECTIVES`'
    order, only those with a judgement), the counts and shares."""
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        tally[(row.kind, row.perspective)][effect_of(row)] += 1
    ordered_kinds = [k for k in kinds if any(key[0] == k for key in tally)]
    ordered_kinds += sorted({k for k, _p in tally} - set(ordered_kinds))
    out = []
    for kind in ordered_kinds:
        for perspective in PERSPECTIVES:
            counts = tally.get((kind, perspective))
            if counts is None:
                continue
            raw = [counts.get(e, 0) for e in EFFECTS]
            judged = shown(sum(raw))
            cells = suppress_row(raw) if judged is not None else [None] * len(EFFECTS)
            out.append(
                EffectRow(
                    kind=kind,
                    perspective=perspective,
                    judged=judged,
                    counts=dict(zip(EFFECTS, cells, strict=True)),
                    shares={e: share(c, judged) for e, c in zip(EFFECTS, cells, strict=True)},
                    not_assessed=shown(counts.get(NOT_ASSESSED, 0)),
                    declined=shown(counts.get(DECLINED, 0)) if perspective == "child" else None,
                )
            )
    return out


def agreement_rows(rows: Iterable[JudgementRow]) -> list[AgreementRow]:
    """For each pair of perspectives, at the evaluations where both gave yes / partly / no: how many
    pairs agree. Each parent is one judgement, so an evaluation with two parents gives two pairs with
    every other perspective (and the parents are not paired with each other)."""
    by_evaluation: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        effect = effect_of(row)
        if effect in EFFECTS:
            by_evaluation[row.evaluation_id][row.perspective].append(effect)
    out = []
    for first, second in PAIRS:
        agree = disagree = 0
        for judged in by_evaluation.values():
            for a in judged.get(first, []):
                for b in judged.get(second, []):
                    if a == b:
                        agree += 1
                    else:
                        disagree += 1
        pairs = shown(agree + disagree)
        cells = suppress_row([agree, disagree]) if pairs is not None else [None, None]
        out.append(
            AgreementRow(
                first=first,
                second=second,
                pairs=pairs,
                agree=cells[0],
                disagree=cells[1],
                share=share(cells[0], pairs),
            )
        )
    return out


def band_of(score: float) -> str:
    if score < 40:
        return "lt40"
    if score < 50:
        return "40-49"
    if score < 60:
        return "50-59"
    return "ge60"


def t_score_distribution(scores: Iterable[float]) -> TScores:
    """The scores in four bands (a band's upper edge is exclusive: 49.9 is 40–49, 50.0 is 50–59) and
    their median, with small cells suppressed."""
    values = list(scores)
    raw = [sum(1 for s in values if band_of(s) == band) for band in T_BANDS]
    total = shown(len(values))
    cells = suppress_row(raw) if total is not None else [None] * len(T_BANDS)
    median = round(statistics.median(values), 1) if total is not None else None
    return TScores(total=total, bands=dict(zip(T_BANDS, cells, strict=True)), median=median)


def compute(rows: Sequence[JudgementRow], t_scores: Iterable[float], *, kinds: Sequence[str]) -> Overview:
    return Overview(
        effects=effect_rows(rows, kinds=kinds),
        agreement=agreement_rows(rows),
        t_scores=t_score_distribution(t_scores),
    )
