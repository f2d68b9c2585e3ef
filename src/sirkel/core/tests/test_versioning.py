"""The one versioned update: a fresh version writes and bumps, a stale one raises and writes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from sirkel.cases.models import Case
from sirkel.core.versioning import ConflictError, update_versioned


@pytest.mark.django_db
def test_update_with_the_current_version_writes_and_bumps_it(case: Case) -> None:
    before = Case.objects.get(pk=case.pk)
    case.phase = "care"
    update_versioned(case, expected_version=before.version, fields=["phase"])
    stored = Case.objects.get(pk=case.pk)
    assert stored.phase == "care"
    assert stored.version == case.version == before.version + 1
    assert stored.updated_at > before.updated_at


@pytest.mark.django_db
def test_stale_version_raises_and_writes_nothing(case: Case) -> None:
    first = Case.objects.get(pk=case.pk)
    second = Case.objects.get(pk=case.pk)
    first.phase = "care"
    update_versioned(first, expected_version=first.version, fields=["phase"])
    second.phase = "closed"
    second.child_given_name = "Overwritten"
    with pytest.raises(ConflictError) as raised, translation.override("en"):
        update_versioned(second, expected_version=second.version, fields=["phase", "child_given_name"])
    stored = Case.objects.get(pk=case.pk)
    assert stored.phase == "care" and stored.child_given_name == case.child_given_name
    assert stored.version == first.version
    assert "Someone else saved this" in raised.value.message


@pytest.mark.django_db
def test_only_the_named_fields_are_written(case: Case) -> None:
    case.phase = "care"
    case.child_given_name = "Not saved"
    update_versioned(case, expected_version=case.version, fields=["phase"])
    stored = Case.objects.get(pk=case.pk)
    assert stored.phase == "care" and stored.child_given_name != "Not saved"


def test_version_itself_is_not_a_field_to_write() -> None:
    with pytest.raises(ValueError):
        update_versioned(Case(pk=1, version=1), expected_version=1, fields=["version"])
