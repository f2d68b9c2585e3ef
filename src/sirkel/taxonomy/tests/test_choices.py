"""Choices from the taxonomy: labels in the active language, members that behave as their keys, and model
choices that migrations store as a reference, not as labels."""

from __future__ import annotations

import copy
import json
import pickle

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.migrations.writer import MigrationWriter
from django.utils import translation

from sirkel.network.models import NetworkMember, Side
from sirkel.taxonomy.choices import ChoicesFrom, TaxonomyChoices, choices, constant, keys


class Sides(TaxonomyChoices, vocabulary="network", key="sides"):
    PRIVATE = constant("private")


def test_choice_labels_follow_the_active_language() -> None:
    pairs = choices("network", "sides")
    with translation.override("nb"):
        assert [(k, str(v)) for k, v in pairs] == [
            ("private", "Privat nettverk"),
            ("public", "Offentlig nettverk"),
        ]
    with translation.override("en"):
        assert [(k, str(v)) for k, v in pairs] == [
            ("private", "Private network"),
            ("public", "Public network"),
        ]


def test_without_an_active_language_labels_are_bokmal() -> None:
    with translation.override(None):
        assert str(Sides.PRIVATE.label) == "Privat nettverk"


def test_a_member_is_its_key() -> None:
    assert Sides.PRIVATE == "private" and isinstance(Sides.PRIVATE, str)
    assert Sides.PRIVATE.value == "private" and type(Sides.PRIVATE.value) is str
    assert str(Sides.PRIVATE) == "private" and f"{Sides.PRIVATE}" == "private"
    assert json.dumps({"side": Sides.PRIVATE}) == '{"side": "private"}'
    assert pickle.loads(pickle.dumps(Sides.PRIVATE)) == Sides.PRIVATE  # noqa: S301 - bytes made here
    assert copy.deepcopy(Sides.PRIVATE) == Sides.PRIVATE
    assert {"private": 1}[Sides.PRIVATE] == 1 and hash(Sides.PRIVATE) == hash("private")


def test_the_values_are_the_files_including_keys_code_does_not_name() -> None:
    assert Sides.values == keys("network", "sides") == ["private", "public"]
    assert [s.value for s in Sides] == ["private", "public"]
    assert Sides("public").label is not None and "public" in Sides and "nope" not in Sides
    assert len(Sides) == 2 and Sides.constants == {"PRIVATE": "private"}
    with translation.override("en"):
        assert [str(label) for label in Sides.labels] == ["Private network", "Public network"]
        assert [(k, str(v)) for k, v in Sides.choices] == [
            ("private", "Private network"),
            ("public", "Public network"),
        ]


def test_a_value_the_file_does_not_have_is_refused_like_an_enum() -> None:
    with pytest.raises(ValueError, match="'nope' is not a valid Sides"):
        Sides("nope")


def test_a_constant_for_a_key_the_file_does_not_have_is_refused_at_import() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"Bad\.SECRET is 'secret', which is not a key of 'sides'"):

        class Bad(TaxonomyChoices, vocabulary="network", key="sides"):
            SECRET = constant("secret")


def test_model_choices_are_stored_in_migrations_as_a_reference_not_as_labels() -> None:
    field = NetworkMember._meta.get_field("side")
    written = {}
    for language in ("nb", "en", None):
        with translation.override(language):
            written[language] = MigrationWriter.serialize(field.deconstruct()[3])[0]
    assert written["nb"] == written["en"] == written[None]
    assert "sirkel.taxonomy.choices.ChoicesFrom('network', 'sides')" in written["nb"]
    assert "Privat nettverk" not in written["nb"] and "Private network" not in written["nb"]


def test_a_model_field_with_taxonomy_choices_validates_and_displays_from_the_file() -> None:
    assert isinstance(NetworkMember._meta.get_field("side"), models.CharField)
    member = NetworkMember(side=Side.PUBLIC)
    with translation.override("nb"):
        assert member.get_side_display() == "Offentlig nettverk"
    assert (
        ChoicesFrom("network", "sides")
        == ChoicesFrom("network", "sides")
        != ChoicesFrom("network", "sectors")
    )
