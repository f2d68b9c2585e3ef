"""The data migration that gives every existing series its measure (meetings 0002/0003), run forwards and
backwards on the test database."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0001_initial"), ("cases", "0001_initial"), ("actions", None)]
AFTER = [("meetings", "0003_series_measure_required"), ("cases", "0002_measure"), ("actions", "0001_initial")]


def migrate(targets: Sequence[tuple[str, str | None]]) -> Any:
    """Migrate the test database to `targets`; the app registry of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_series_gets_its_measure_with_the_case_kind_and_period() -> None:
    try:
        old = migrate(BEFORE)
        Service = old.get_model("accounts", "Service")
        User = old.get_model("accounts", "User")
        Case = old.get_model("cases", "Case")
        OldMeasure = old.get_model("meetings", "Measure")
        service = Service.objects.create(name="Migrert tjeneste", municipality_numbers="0301", population=1)
        worker = User.objects.create(username="migrert")
        case = Case.objects.create(
            service=service,
            number=1,
            child_given_name="Emma",
            child_family_name="M",
            birth_date=datetime.date(2015, 1, 1),
            first_contact_date=datetime.date(2020, 1, 1),
            caseworker=worker,
        )
        common = {"case": case, "caseworker": worker}
        OldMeasure.objects.create(kind="network_meeting", status="screening", **common)
        OldMeasure.objects.create(
            kind="family_group_conference", status="active", started_on=datetime.date(2026, 9, 1), **common
        )
        OldMeasure.objects.create(
            kind="network_meeting",
            status="completed",
            started_on=datetime.date(2026, 1, 5),
            ended_on=datetime.date(2026, 6, 1),
            end_reason="Målene er nådd.",
            **common,
        )

        new = migrate(AFTER)
        Series = new.get_model("meetings", "Series")
        by_status = {s.status: s.measure for s in Series.objects.select_related("measure")}
        assert by_status["screening"].status == "planned" and by_status["screening"].started_on is None
        assert (
            by_status["active"].kind == "family_group_conference" and by_status["active"].status == "ongoing"
        )
        assert by_status["completed"].end_reason == "Målene er nådd."
        assert {m.case_id for m in by_status.values()} == {case.pk}

        back = migrate(BEFORE)
        restored = back.get_model("meetings", "Measure").objects.order_by("pk")
        assert [(m.kind, m.case_id, m.end_reason) for m in restored] == [
            ("network_meeting", case.pk, ""),
            ("family_group_conference", case.pk, ""),
            ("network_meeting", case.pk, "Målene er nådd."),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # back to the latest schema
