"""Check the translation catalogues: every Bokmål string translated, nothing fuzzy, compiled files current,
and the catalogues up to date with the source. `--fill-english` copies msgids into the English catalogue.

Run by `make check` (and, with --fill-english, by `make messages`). Exits non-zero with a list of problems.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "sirkel"
LOCALE = PKG / "locale"
DOMAINS = ["django"]


def po_path(lang: str, domain: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def fill_english() -> None:
    for domain in DOMAINS:
        path = po_path("en", domain)
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()


def current_msgids() -> set[tuple[str, str]]:
    """The msgids the source has now, extracted into a scratch copy; the real catalogues stay as they are."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "sirkel"
        shutil.copytree(PKG, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "nb", "--no-obsolete"],
            cwd=copy,
            check=True,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin:/usr/local/bin"},
        )
        po = polib.pofile(str(copy / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
        return {(e.msgctxt or "", e.msgid) for e in po if not e.obsolete}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fill-english", action="store_true")
    parser.add_argument("--skip-source", action="store_true", help="do not compare with the source")
    args = parser.parse_args()
    if args.fill_english:
        fill_english()
        return 0
    problems: list[str] = []
    for lang in ("nb", "en"):
        for domain in DOMAINS:
            path = po_path(lang, domain)
            if not path.exists():
                problems.append(f"{path.relative_to(ROOT)} is missing (run make messages)")
                continue
            po = polib.pofile(str(path))
            for entry in po:
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags:
                    problems.append(f"{lang}: fuzzy translation for {entry.msgid!r}")
                elif not entry.translated():
                    problems.append(f"{lang}: missing translation for {entry.msgid!r}")
            mo_path = path.with_suffix(".mo")
            if not mo_path.exists():
                problems.append(f"{mo_path.relative_to(ROOT)} is missing (run make messages)")
            else:
                mo = polib.mofile(str(mo_path))
                compiled = {
                    (e.msgctxt or "", e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo
                }
                for entry in po.translated_entries():
                    key = (entry.msgctxt or "", entry.msgid)
                    want = (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
                    if compiled.get(key) != want:
                        problems.append(f"{lang}: {mo_path.name} is out of date (run make messages)")
                        break
    if not args.skip_source and not problems:
        nb = polib.pofile(str(po_path("nb", "django")))
        have = {(e.msgctxt or "", e.msgid) for e in nb if not e.obsolete}
        missing = current_msgids() - have
        for _ctx, msgid in sorted(missing):
            problems.append(f"nb: the source has a string the catalogue lacks (run make messages): {msgid!r}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} translation problem(s).", file=sys.stderr)
        return 1
    print("Translations complete: nb and en.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
