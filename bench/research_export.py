"""The de-identified research export in `make bench`: N synthetic registrations over the study's form.

The goal (issue 13): 50,000 registrations in under 30 s and under 500 MB. The export runs in a child
process of its own (`python -m bench.research_export N`), so its memory is not mixed with whatever
the page bench held before. Generating the registrations is not timed, the export (scrubbing,
writing CSV, .sav and .dta, the codebook, the report and reading every file back for the guard) is;
"peak MiB" is the process's peak resident memory (`ru_maxrss`) less what it held just before the
export began (the generated registrations, as rows read from the database would be); the whole
process's peak is printed beside it.

The registrations are shaped like the study's: the form from `sirkel.research.forms.study_form()`
when that exists, else one read here from the shipped `registration-form.yaml`; about 1.3
registrations per case (a share double-coded), one to five decisions, one to three measures each,
and free text of one to three sentences per text question naming the case's own people (full,
possessive, first name), with phone numbers, e-mail addresses, national IDs, addresses and dates
here and there.
"""

from __future__ import annotations

import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "src" / "sirkel" / "taxonomy" / "data"


@dataclass(frozen=True)
class ExportBench:
    registrations: int
    seconds: float
    peak_mib: float  # what the export added to the process's peak resident memory
    process_peak_mib: float  # the whole process, the generated input registrations included
    worker_peak_mib: float  # the largest scrubbing worker process (0 without a pool)
    floor_seconds: float  # the same registrations written as plain CSV, nothing scrubbed (`csv_floor`)
    rows: dict[str, int]


def study_like_form() -> Any:
    """The study's form: the form engine's own when it has one, else read from the YAML here."""
    from sirkel.research import forms

    study_form = getattr(forms, "study_form", None)
    if callable(study_form):
        return study_form()
    return _form_from_yaml()


def _form_from_yaml() -> Any:
    import yaml

    from sirkel.research.forms import Block, Form, Option, Question

    spec = yaml.safe_load((TAXONOMY / "registration-form.yaml").read_text(encoding="utf-8"))

    def options(q: dict[str, Any]) -> tuple[Option, ...]:
        if "options_from" in q:
            filename, _, group = q["options_from"].partition("#")
            items = yaml.safe_load((TAXONOMY / filename).read_text(encoding="utf-8"))[group]
            return tuple(
                Option(item.get("key", f"{group}_{i}"), item["nb"], item.get("en", ""))
                for i, item in enumerate(items, start=1)
            )
        return tuple(Option(str(o), str(o), str(o)) for o in q.get("options", ()))

    def items(questions: list[dict[str, Any]]) -> tuple[Any, ...]:
        out: list[Any] = []
        for q in questions:
            if "questions" in q:
                inner = items(q["questions"])
                out.append(Block(key=q["key"], nb=q["key"], repeat_over=q["repeat"], items=inner))
            else:
                out.append(Question(q["key"], q["type"], q["nb"], options=options(q)))
        return tuple(out)

    sections = tuple(
        Block(
            key=s["key"],
            nb=s["title"]["nb"],
            repeat=s.get("repeat"),
            max_repeats=s.get("max_repeats"),
            items=items(s["questions"]),
        )
        for s in spec["sections"]
    )
    return Form(key="study-2023", version=1, nb=spec["title"]["nb"], sections=sections)


FIRST = (
    "Ola Kari Per Anne Nora Emma Jonas Ingrid Lars Sofie Mathias Ida Henrik Maja Sander Thea Magnus"
    " Eline Kristian Hanna Sindre Vilde Tobias Frida Eirik Julie Martin Amalie Aksel Selma Even Tiril"
).split()
LAST = (
    "Nordmann Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Johnsen"
    " Pettersen Eriksen Berntsen Haugen Hagen Jacobsen Halvorsen Solberg Bakke Moe Knutsen Sæther"
).split()
ROLES = ("barnet", "mor", "far", "mormor", "morfar", "onkel", "lærer", "saksbehandler")
SENTENCES = (
    "{name} møtte på skolen og fortalte om uka.",
    "{poss} kontakt med barnevernet har vært god siden {date}.",
    "Vi snakket med {first} om tiltaket, og {first} var positiv.",
    "{name} kan nås på {phone} eller {email}.",
    "Familien bor i {street} {number}, {postcode} Oslo.",
    "Fødselsnummer {id} står i brevet fra {name}.",
    "Barnet trives i barnehagen og har gode venner.",
    "Samarbeidet med foreldrene er stabilt, og målene er delvis nådd.",
)
STREETS = ("Storgata", "Kirkeveien", "Skolegata", "Bakkeveien", "Strandveien")


def _national_id(rng: random.Random) -> str:
    from stdnum.no import fodselsnummer

    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(10, 19)
    first_nine = f"{day:02d}{month:02d}{year:02d}{rng.randint(500, 749)}"
    check1 = fodselsnummer.calc_check_digit1(first_nine)
    if len(check1) != 1:
        return _national_id(rng)
    check2 = fodselsnummer.calc_check_digit2(first_nine + check1)
    return first_nine + check1 + check2 if len(check2) == 1 else _national_id(rng)


# Coders wrote free text in about a third of the text fields, a sentence or two (the study's files
# often said nothing on a question). An assumption, not a measurement: raise it to test heavier text.
TEXT_SHARE = 0.35


def _text(rng: random.Random, people: list[Any]) -> str:
    out = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        person = rng.choice(people)
        first = person.name.split()[0]
        out.append(
            rng.choice(SENTENCES).format(
                name=person.name,
                poss=(person.name + "s"),
                first=first,
                date=f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2015, 2024)}",
                phone=f"9{rng.randint(0, 9999999):07d}",
                email=f"{first.lower()}.{rng.randint(1, 999)}@example.no",
                street=rng.choice(STREETS),
                number=rng.randint(1, 120),
                postcode=f"{rng.randint(0, 9999):04d}",
                id=_national_id(rng),
            )
        )
    return " ".join(out)


def _answers(form: Any, rng: random.Random, people: list[Any]) -> dict[str, Any]:
    from sirkel.research.forms import Block

    def fill(block_items: tuple[Any, ...], target: dict[str, Any]) -> None:
        for item in block_items:
            if isinstance(item, Block):
                if item.repeat:
                    target[item.repeat] = []
                    count = rng.choices((1, 2, 3, 4, 5), weights=(35, 30, 20, 10, 5))[0]
                    for _ in range(min(count, item.max_repeats or 1)):
                        entry: dict[str, Any] = {}
                        fill(item.items, entry)
                        target[item.repeat].append(entry)
                elif item.repeat_over:
                    target[item.key] = {}
                    for key in target.get(item.repeat_over) or []:
                        entry = {}
                        fill(item.items, entry)
                        target[item.key][key] = entry
                else:
                    fill(item.items, target)
                continue
            q = item
            if rng.random() < 0.1:
                continue  # a blank
            if q.type == "text":
                if rng.random() < TEXT_SHARE:
                    target[q.key] = _text(rng, people)
            elif q.type in ("integer", "year"):
                target[q.key] = rng.randint(2005, 2020) if q.type == "year" else rng.randint(0, 6)
            elif q.type == "month":
                target[q.key] = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}"
            elif q.type == "single" and q.options:
                target[q.key] = rng.choice(q.options).key
            elif q.type == "multiple" and q.options:
                picked = rng.sample(q.options, k=min(len(q.options), rng.choice((1, 1, 2, 2, 3))))
                target[q.key] = [o.key for o in picked]
            elif q.type == "coder":
                target[q.key] = "forsker1"

    answers: dict[str, Any] = {}
    for section in form.sections:
        fill((section,), answers) if section.repeat else fill(section.items, answers)
    answers.pop("municipality_number", None)
    return answers


def registrations(n: int, *, seed: int = 1) -> tuple[Any, list[Any]]:
    from sirkel.research.export import ExportRegistration
    from sirkel.research.scrub import Person

    form = study_like_form()
    rng = random.Random(seed)
    out: list[Any] = []
    case = 0
    while len(out) < n:
        case += 1
        people = [Person(f"{rng.choice(FIRST)} {rng.choice(LAST)}", role) for role in rng.sample(ROLES, 5)]
        population = rng.choice((3_000, 12_000, 35_000, 70_000, 700_000))
        for coder in ("forsker1", "forsker2")[: 2 if rng.random() < 0.3 else 1]:
            if len(out) < n:
                out.append(
                    ExportRegistration(
                        case_ref=f"BV-{case:06d}",
                        coder=coder,
                        answers=_answers(form, rng, people),
                        people=people,
                        municipality_number="0301",
                        service_population=population,
                    )
                )
    return form, out


def csv_floor(registrations: list[Any], out: Path) -> float:
    """The yardstick: seconds to write the same registrations as plain CSV with the csv module, their
    answers as they are (no scrubbing, pseudonyms, coding or read-back): a row per registration with
    its plain answers, a row per repeated entry (a decision) and per entry of a mapping in one (a
    measure), in three files, as the export's three tables."""
    import csv

    start = time.perf_counter()
    with (
        (out / "registrations.csv").open("w", encoding="utf-8", newline="") as root_fh,
        (out / "decisions.csv").open("w", encoding="utf-8", newline="") as child_fh,
        (out / "per_measure.csv").open("w", encoding="utf-8", newline="") as grandchild_fh,
    ):
        root, child, grandchild = csv.writer(root_fh), csv.writer(child_fh), csv.writer(grandchild_fh)
        for number, r in enumerate(registrations, start=1):
            root.writerow([number, r.case_ref, r.coder, *_plain(r.answers)])
            for value in r.answers.values():
                if not isinstance(value, list):
                    continue
                for index, entry in enumerate(value, start=1):
                    if not isinstance(entry, dict):
                        continue
                    child.writerow([number, index, *_plain(entry)])
                    for inner in entry.values():
                        if isinstance(inner, dict):
                            for key, item in inner.items():
                                if isinstance(item, dict):
                                    grandchild.writerow([number, index, key, *_plain(item)])
    return time.perf_counter() - start


def _plain(answers: dict[str, Any]) -> list[Any]:
    return [
        ";".join(map(str, v)) if isinstance(v, list) else v
        for v in answers.values()
        if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict))
    ]


def run_in_this_process(n: int, *, seed: int = 1) -> dict[str, Any]:
    from sirkel.research.export import export

    form, regs = registrations(n, seed=seed)
    import gc

    gc.collect()
    before_mib = _rss_mib()
    out = Path(tempfile.mkdtemp(prefix="sirkel-research-export-"))
    try:
        start = time.perf_counter()
        result = export(
            form=form, registrations=regs, key=b"bench-key" * 4, out_dir=out, formats={"csv", "sav", "dta"}
        )
        seconds = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for path in out.iterdir():
            path.unlink()
        floor_seconds = csv_floor(regs, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "registrations": n,
        "seconds": seconds,
        # What the export added to the process (its input, the generated registrations, was in
        # memory before it began, as the rows read from the database would be), and the whole.
        "peak_mib": peak_mib - before_mib,
        "process_peak_mib": peak_mib,
        "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "floor_seconds": floor_seconds,
        "rows": dict(result.rows),
    }


def _rss_mib() -> float:
    """The resident set size now (Linux), in MiB."""
    import os

    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def bench_research_export(*, registrations: int, seed: int = 1) -> ExportBench:
    """Times the export of `registrations` synthetic registrations in a fresh child process."""
    completed = subprocess.run(  # noqa: S603 - our own module, no shell
        [sys.executable, "-m", "bench.research_export", str(registrations), str(seed)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**_env()},
    )
    data = json.loads(completed.stdout.strip().splitlines()[-1])
    return ExportBench(
        data["registrations"],
        data["seconds"],
        data["peak_mib"],
        data["process_peak_mib"],
        data["worker_peak_mib"],
        data["floor_seconds"],
        data["rows"],
    )


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(json.dumps(run_in_this_process(count, seed=int(sys.argv[2]) if len(sys.argv) > 2 else 1)))
