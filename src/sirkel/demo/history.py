"""A synthetic measure history in the import's CSV format (`cases.imports`): same seed, same file.

About three rows per child, as in a service's case system: one to four decisions a child, one to three
measures a decision, most of them voluntary and ended, some ongoing; measures named by taxonomy key or
by SSB code. For the import's tests and `make bench`.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sirkel.cases.imports import COLUMNS
from sirkel.demo.generate import FAMILY, GIVEN_BOYS, GIVEN_GIRLS
from sirkel.taxonomy import measures as measure_taxonomy

GIVEN = [*GIVEN_GIRLS, *GIVEN_BOYS]
SEXES = ["girl"] * 47 + ["boy"] * 50 + ["other", "unknown", "unknown"]
# Common support measures, by key or as SSB writes them; 6.99 and 3.7 are shared by several kinds.
MEASURES = [
    "advice_guidance",
    "advice_guidance",
    "support_contact",
    "visiting_home",
    "pmto",
    "kindergarten",
    "financial_support",
    "home_worker",
    "family_group_conference",
    "6.2",
    "6.99",
    "3.9",
    "4.6",
    "3.7",
    "4.3",
]


@dataclass(frozen=True)
class History:
    text: str  # the CSV file
    rows: list[dict[str, str]]  # its rows, as written

    @property
    def children(self) -> int:
        return len({r["case_ref"] for r in self.rows})

    @property
    def decisions(self) -> int:
        return len({(r["case_ref"], r["decision_date"]) for r in self.rows})


def _child_rows(rng: random.Random, ref: str, today: date) -> list[dict[str, str]]:
    birth = today - timedelta(days=rng.randint(365, 17 * 365))
    given, family, sex = rng.choice(GIVEN), rng.choice(FAMILY), rng.choice(SEXES)
    day = birth + timedelta(days=rng.randint(30, max(31, (today - birth).days - 30)))
    rows: list[dict[str, str]] = []
    for _decision in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
        if day > today:
            break
        imposed = rng.random() < 0.05
        chosen: list[str] = []
        kinds: set[tuple[str, str]] = set()
        for _measure in range(rng.choice([1, 1, 2, 3])):
            value = rng.choice(MEASURES)
            kind_code = measure_taxonomy.kind_for(value)
            if kind_code is None or kind_code in kinds:
                continue
            if imposed and not measure_taxonomy.is_imposable(kind_code[0]):
                continue
            kinds.add(kind_code)
            chosen.append(value)
        for value in chosen:
            start = min(today, day + timedelta(days=rng.randint(0, 30)))
            end = start + timedelta(days=rng.randint(60, 900))
            rows.append(
                {
                    "case_ref": ref,
                    "given_name": given,
                    "family_name": family,
                    "birth_date": birth.isoformat(),
                    "sex": sex,
                    "decision_date": day.isoformat(),
                    "measure": value,
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat() if end <= today and rng.random() < 0.85 else "",
                    "legal_basis": "imposed" if imposed else "voluntary",
                }
            )
        day += timedelta(days=rng.randint(90, 700))
    return rows


def measure_history(*, rows: int, seed: int = 1, today: date, prefix: str = "SAK") -> History:
    """A file of exactly `rows` rows (the last child's rows cut to fit, still whole decisions' worth)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    out: list[dict[str, str]] = []
    number = 0
    while len(out) < rows:
        number += 1
        out.extend(_child_rows(rng, f"{prefix}-{number:06d}", today))
    out = out[:rows]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(out)
    return History(buffer.getvalue(), out)
