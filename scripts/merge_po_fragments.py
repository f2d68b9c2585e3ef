"""Merge hand-off Bokmål fragments (var/handoff/*.po) into the nb catalogue.

Engineers who add strings hand off their Bokmål translations as small .po files instead of editing
src/sirkel/locale/nb/LC_MESSAGES/django.po directly. Run this after `make messages` (which extracts the new
msgids), then `make messages` again (or `sirkel compilemessages`) and `scripts/check_messages.py`:

    .venv/bin/python scripts/merge_po_fragments.py            # merge and save
    .venv/bin/python scripts/merge_po_fragments.py --dry-run  # only report

Rules:
- Entries match on (msgctxt, msgid) and, for plurals, msgid_plural.
- Only untranslated catalogue entries are filled. A fuzzy catalogue entry counts as untranslated (gettext
  ignores fuzzy translations; they are usually msgmerge guesses), so a fragment replaces it and the flag
  is dropped. Translated entries are never overwritten.
- Fragment entries that are fuzzy, empty, or whose placeholders (%(name)s, %s, {name}) differ from the
  msgid's are skipped and reported.
- When fragments disagree about the same entry, the first fragment in file-name order wins and the
  conflict is reported; resolve it by editing django.po (a translated entry is left alone on the next run).
- Fragment translations that differ from an existing catalogue translation, and fragment entries the
  catalogue does not have (yet), are reported too.

Exit status: 0, or 1 with --strict when there was any conflict or skipped entry.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "src" / "sirkel" / "locale" / "nb" / "LC_MESSAGES" / "django.po"
HANDOFF = ROOT / "var" / "handoff"
NPLURALS = 2  # Bokmål: nplurals=2; plural=(n != 1)

Key = tuple[str, str, str]  # (msgctxt, msgid, msgid_plural)
Translation = tuple[str, ...]  # (msgstr,) or the plural forms in order

PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass
class Report:
    filled: Counter[str] = field(default_factory=Counter)  # fragment file -> entries merged from it
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def key_of(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def label(key: Key) -> str:
    ctx, msgid, _plural = key
    return f"[{ctx}] {msgid!r}" if ctx else repr(msgid)


def translation_of(entry: polib.POEntry) -> Translation | None:
    """The entry's translation as a tuple, or None when it is empty or incomplete."""
    if entry.msgid_plural:
        forms = tuple(entry.msgstr_plural.get(i, "") for i in range(NPLURALS))
        return forms if all(forms) else None
    return (entry.msgstr,) if entry.msgstr else None


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def placeholders_ok(entry: polib.POEntry, translation: Translation) -> bool:
    """Every form keeps the msgid's placeholders (a plural form may drop the count, as in "one tie")."""
    want = placeholders(entry.msgid_plural or entry.msgid)
    for form in translation:
        have = placeholders(form)
        if have != want and not (entry.msgid_plural and have == placeholders(entry.msgid)):
            return False
    return True


def is_untranslated(entry: polib.POEntry) -> bool:
    return "fuzzy" in entry.flags or translation_of(entry) is None


def apply(entry: polib.POEntry, translation: Translation) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(translation))
    else:
        entry.msgstr = translation[0]
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None


def collect(fragments: list[Path], report: Report) -> dict[Key, tuple[str, Translation]]:
    """The first usable translation per key across the fragments, recording disagreements."""
    chosen: dict[Key, tuple[str, Translation]] = {}
    for path in fragments:
        for entry in polib.pofile(str(path)):
            if not entry.msgid or entry.obsolete:
                continue
            key = key_of(entry)
            translation = translation_of(entry)
            if "fuzzy" in entry.flags or translation is None:
                report.skipped.append(f"{path.name}: fuzzy or empty: {label(key)}")
                continue
            if not placeholders_ok(entry, translation):
                report.skipped.append(f"{path.name}: placeholders differ from the msgid: {label(key)}")
                continue
            if key not in chosen:
                chosen[key] = (path.name, translation)
            elif chosen[key][1] != translation:
                first, kept = chosen[key]
                report.conflicts.append(
                    f"{label(key)}: {first} says {' | '.join(kept)!r}, {path.name} says "
                    f"{' | '.join(translation)!r}; kept {first}"
                )
    return chosen


def merge(catalogue: polib.POFile, fragments: list[Path]) -> Report:
    report = Report()
    chosen = collect(fragments, report)
    entries = {key_of(e): e for e in catalogue if not e.obsolete}
    for key, (source, translation) in chosen.items():
        entry = entries.get(key)
        if entry is None:
            report.unknown.append(f"{source}: not in the catalogue (run make messages?): {label(key)}")
        elif is_untranslated(entry):
            apply(entry, translation)
            report.filled[source] += 1
        elif translation_of(entry) != translation:
            current = " | ".join(translation_of(entry) or ())
            offered = " | ".join(translation)
            report.differs.append(f"{label(key)}: catalogue keeps {current!r}; {source} has {offered!r}")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("fragments", nargs="*", type=Path, help=f"fragment files (default: {HANDOFF}/*.po)")
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("--dry-run", action="store_true", help="report only; do not save the catalogue")
    parser.add_argument("--strict", action="store_true", help="exit 1 on conflicts or skipped entries")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list differing, unknown entries")
    args = parser.parse_args()

    fragments = sorted(args.fragments or HANDOFF.glob("*.po"))
    catalogue = polib.pofile(str(args.catalogue), wrapwidth=79)
    report = merge(catalogue, fragments)
    if not args.dry_run and report.filled:
        catalogue.save()

    for name in (p.name for p in fragments):
        print(f"{name}: {report.filled[name]} merged")
    print(f"{sum(report.filled.values())} entries merged{' (dry run, not saved)' if args.dry_run else ''}.")
    sections = [("Conflict", report.conflicts), ("Skipped", report.skipped)]
    if args.verbose:
        sections += [("Differs from catalogue", report.differs), ("Unknown", report.unknown)]
    else:
        print(f"{len(report.differs)} differ from the catalogue, {len(report.unknown)} unknown (-v lists).")
    for title, lines in sections:
        for line in lines:
            print(f"{title}: {line}", file=sys.stderr)
    untranslated = sum(1 for e in catalogue if not e.obsolete and is_untranslated(e))
    print(f"{untranslated} catalogue entries still untranslated or fuzzy.")
    return 1 if args.strict and (report.conflicts or report.skipped) else 0


if __name__ == "__main__":
    sys.exit(main())
