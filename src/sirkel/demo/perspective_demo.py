"""Demo perspective maps for Emma Hansen: her own map (drawn beside the caseworker), her mother's and the
caseworker's from the register, so the comparison side by side has differences to name (the grandmother
close for the mother and further out for Emma; the football coach named by Emma alone; one friend Emma did
not want shown to others)."""

from __future__ import annotations

from sirkel.cases.models import Case
from sirkel.network import perspectives
from sirkel.network.models import NetworkMember, Perspective, PerspectiveMap

# (name as drawn, ring, support, hidden)
EMMAS = [
    ("Mamma", 1, ["emotional", "practical"], False),
    ("Ida", 1, ["emotional"], False),
    ("Mormor", 2, ["emotional"], False),
    ("Trude Moe", 1, ["appraisal"], False),
    ("Pappa", 3, [], False),
    ("Sara i klassen", 2, ["emotional"], True),
]
MOTHERS = [
    ("Randi Hansen", 1, ["emotional", "practical"], False),
    ("Kjell Hansen", 2, ["practical"], False),
    ("Ida Lien", 2, ["emotional"], False),
    ("Line Aas", 2, ["informational"], False),
]
# Emma's names that are register members: she says "Mamma", the register "Camilla Hansen".
EMMAS_MEMBERS = {
    "Mamma": "Camilla Hansen",
    "Ida": "Ida Lien",
    "Mormor": "Randi Hansen",
    "Pappa": "Thomas Rønning",
}


def _draw(
    *,
    case: Case,
    perspective: str,
    drawer: str,
    rows: list[tuple[str, int, list[str], bool]],
    members: dict[str, NetworkMember],
    aliases: dict[str, str],
) -> None:
    user = case.caseworker
    drawn = perspectives.start_map(acting_user=user, case=case, perspective=perspective, drawn_by_name=drawer)
    for name, ring, support, hidden in rows:
        member = members.get(aliases.get(name, name))
        entry = perspectives.add_entry(
            drawer=user, perspective_map=drawn, name=name, ring=ring, member_id=member.pk if member else None
        )
        for key in support:
            perspectives.change_entry(
                drawer=user, perspective_map=drawn, entry_id=entry.pk, op="help", value=key
            )
        if hidden:
            perspectives.change_entry(drawer=user, perspective_map=drawn, entry_id=entry.pk, op="hide")


def load_perspective_maps(*, case: Case, members: dict[str, NetworkMember]) -> None:
    """Emma's, her mother's and the caseworker's maps (unless the case has maps already)."""
    if PerspectiveMap.objects.filter(case=case).exists() or not members:
        return
    _draw(
        case=case,
        perspective=Perspective.CHILD,
        drawer="Emma",
        rows=EMMAS,
        members=members,
        aliases=EMMAS_MEMBERS,
    )
    _draw(
        case=case, perspective=Perspective.MOTHER, drawer="Camilla", rows=MOTHERS, members=members, aliases={}
    )
    perspectives.map_from_register(acting_user=case.caseworker, case=case)
