"""The columns of the import format with their meaning and allowed values, for the import page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from sirkel.network.exchange.schema import (
    BOOLEAN_COLUMNS,
    PEOPLE_COLUMNS,
    SUPPORT_COLUMNS,
    SUPPORT_PREFIX,
    TIE_COLUMNS,
)
from sirkel.network.models import (
    RINGS,
    ContactFrequency,
    Direction,
    Sector,
    Side,
    SupportType,
    TieKind,
    Valence,
)

# Documentation of the format for the import page: (column, what it holds) per table; allowed values
# are added from the model choices by `column_reference`.
COLUMN_HELP: dict[str, Any] = {
    "nodeID": gettext_lazy("Number of the person in this file; “from” and “to” in the ties refer to it."),
    "networkCanvasEgoUUID": gettext_lazy("Identifies the network (the child); the same in every row."),
    "networkCanvasUUID": gettext_lazy("Stable identifier of the person or tie."),
    "name": gettext_lazy("Name or role. Required."),
    "side": gettext_lazy("Private or public network."),
    "sector": gettext_lazy("Sector of the network map."),
    "relation": gettext_lazy("Relation to the child or role, free text."),
    "ring": gettext_lazy("Closeness: 1 is closest to the child, 3 furthest away."),
    "support": gettext_lazy("One column per support type: true or false."),
    "valence": gettext_lazy("Resource, stress or both."),
    "direction": gettext_lazy("Whether the person gives help, receives help or both."),
    "contact_frequency": gettext_lazy("How often they are in contact with the child; may be empty."),
    "lives_abroad": gettext_lazy("Whether the person lives abroad."),
    "language": gettext_lazy("Language, free text."),
    "interpreter_needed": gettext_lazy("Whether the person needs an interpreter."),
    "note": gettext_lazy("Note, free text."),
    "edgeID": gettext_lazy("Number of the tie in this file."),
    "networkCanvasSourceUUID": gettext_lazy("The networkCanvasUUID of one of the two people."),
    "networkCanvasTargetUUID": gettext_lazy("The networkCanvasUUID of the other person."),
    "from": gettext_lazy("The nodeID of one of the two people (instead of or as well as the UUID)."),
    "to": gettext_lazy("The nodeID of the other person."),
    "kind": gettext_lazy("Kind of tie; empty means they know each other."),
}


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    description: str
    values: list[tuple[str, str]]


def column_reference() -> dict[str, list[ColumnDoc]]:
    """The people and ties columns with their meaning and allowed values, for the import page."""
    choices: dict[str, Callable[[], list[tuple[str, str]]]] = {
        "side": lambda: [(str(v), str(label)) for v, label in Side.choices],
        "sector": lambda: [(str(v), str(label)) for v, label in Sector.choices],
        "valence": lambda: [(str(v), str(label)) for v, label in Valence.choices],
        "direction": lambda: [(str(v), str(label)) for v, label in Direction.choices],
        "contact_frequency": lambda: [(str(v), str(label)) for v, label in ContactFrequency.choices],
        "kind": lambda: [(str(v), str(label)) for v, label in TieKind.choices],
        "ring": lambda: [(str(r), "") for r in RINGS],
    }

    def doc(column: str) -> ColumnDoc:
        if column in SUPPORT_COLUMNS:
            value = column.removeprefix(SUPPORT_PREFIX)
            label = str(SupportType(value).label)
            return ColumnDoc(column, str(COLUMN_HELP["support"]), [("true", label), ("false", "")])
        if column in BOOLEAN_COLUMNS:
            return ColumnDoc(column, str(COLUMN_HELP[column]), [("true", ""), ("false", "")])
        values = choices[column]() if column in choices else []
        return ColumnDoc(column, str(COLUMN_HELP[column]), values)

    return {
        "people": [doc(c) for c in PEOPLE_COLUMNS],
        "ties": [doc(c) for c in TIE_COLUMNS],
    }
