"""The data migration that merges the meeting's notes into its internal notes, both ways."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sirkel.meetings.models import Meeting
from sirkel.meetings.tests.preparation_support import meeting, meeting_leader, series

__all__ = ["meeting", "meeting_leader", "series"]  # fixtures used by name

NAME = "0005_merge_meeting_notes_into_internal_notes"
AFTER = [("meetings", NAME)]
BEFORE = list(import_module(f"sirkel.meetings.migrations.{NAME}").Migration.dependencies)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_notes_move_into_the_internal_notes_and_back(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(internal_notes="Intern vurdering.")
    other = Meeting.objects.filter(pk=meeting.pk).values_list("series_id", flat=True).get()
    empty_internal = Meeting.objects.create(series_id=other, sequence=99, kind=meeting.kind)

    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("meetings", "Meeting")
    old.objects.filter(pk=meeting.pk).update(notes="Mor fortalte om morgenene.")
    old.objects.filter(pk=empty_internal.pk).update(notes="Bare notater.")

    migrate(AFTER)
    assert Meeting.objects.get(pk=meeting.pk).internal_notes == (
        "Intern vurdering.\n\nNotater fra møtet:\nMor fortalte om morgenene."
    )
    assert Meeting.objects.get(pk=empty_internal.pk).internal_notes == "Notater fra møtet:\nBare notater."

    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("meetings", "Meeting")
    rows = dict(old.objects.values_list("pk", "notes"))
    internal = dict(old.objects.values_list("pk", "internal_notes"))
    assert (rows[meeting.pk], internal[meeting.pk]) == ("Mor fortalte om morgenene.", "Intern vurdering.")
    assert (rows[empty_internal.pk], internal[empty_internal.pk]) == ("Bare notater.", "")

    migrate(AFTER)
