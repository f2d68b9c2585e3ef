"""The generic rating instruments Sirkel ships, from `evaluation/data/instruments.yaml`.

The YAML is read when the migration runs (no app code is imported: the historical models only). Running
it again adds only what is missing: an instrument already there (same key and version, no service) is left
as it is, since ratings keep the version they were made with. Reversing removes the shipped versions the
YAML names that nobody has rated with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SOURCE = Path(__file__).resolve().parent.parent / "data" / "instruments.yaml"


def shipped() -> list[dict[str, Any]]:
    """The instruments in the YAML, as written there."""
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return list(data["instruments"])


def add_shipped(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
    instrument = apps.get_model("evaluation", "Instrument")
    for entry in shipped():
        instrument.objects.get_or_create(
            service=None,
            key=entry["key"],
            version=int(entry["version"]),
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "description": entry.get("description", ""),
                "items": [
                    {"key": i["key"], "label": i["label"], "label_en": i.get("label_en", i["label"])}
                    for i in entry["items"]
                ],
                "sd": float(entry["sd"]),
                "reliability": float(entry["reliability"]),
            },
        )


def remove_shipped(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
    instrument = apps.get_model("evaluation", "Instrument")
    for entry in shipped():
        instrument.objects.filter(
            service=None, key=entry["key"], version=int(entry["version"]), ratings__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(add_shipped, remove_shipped)]
