"""The meeting had two unprinted note fields ("notes from the meeting" and "internal notes") that read as
the same thing. Keep one: each meeting's notes are appended to its internal notes under a heading, and the
notes field is removed. Reversible: going back splits the appended part out again at the heading."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The heading the moved notes are appended under (the data is in Bokmål, like the rest of the records).
HEADING = "Notater fra møtet:"
BATCH = 500


def _heading_at(text: str) -> int:
    """Where the appended heading starts in `text`, or -1."""
    if text.startswith(HEADING + "\n"):
        return 0
    at = text.rfind("\n\n" + HEADING + "\n")
    return at if at < 0 else at + 2


def merge_notes(apps: Any, schema_editor: Any) -> None:
    Meeting = apps.get_model("meetings", "Meeting")
    changed = []
    for meeting in Meeting.objects.exclude(notes="").only("pk", "notes", "internal_notes").iterator(BATCH):
        moved = f"{HEADING}\n{meeting.notes}"
        meeting.internal_notes = f"{meeting.internal_notes}\n\n{moved}" if meeting.internal_notes else moved
        meeting.notes = ""
        changed.append(meeting)
        if len(changed) >= BATCH:
            Meeting.objects.bulk_update(changed, ["internal_notes", "notes"])
            changed = []
    if changed:
        Meeting.objects.bulk_update(changed, ["internal_notes", "notes"])


def split_notes(apps: Any, schema_editor: Any) -> None:
    Meeting = apps.get_model("meetings", "Meeting")
    changed = []
    candidates = Meeting.objects.filter(internal_notes__contains=HEADING).only(
        "pk", "notes", "internal_notes"
    )
    for meeting in candidates.iterator(BATCH):
        at = _heading_at(meeting.internal_notes)
        if at < 0:
            continue
        meeting.notes = meeting.internal_notes[at + len(HEADING) + 1 :]
        meeting.internal_notes = meeting.internal_notes[:at].rstrip("\n")
        changed.append(meeting)
        if len(changed) >= BATCH:
            Meeting.objects.bulk_update(changed, ["internal_notes", "notes"])
            changed = []
    if changed:
        Meeting.objects.bulk_update(changed, ["internal_notes", "notes"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_screening_version")]

    operations = [
        migrations.RunPython(merge_notes, split_notes, elidable=False),
        migrations.RemoveField(model_name="meeting", name="notes"),
    ]
