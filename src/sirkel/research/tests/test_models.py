"""The research models' database constraints."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from sirkel.accounts.models import Service, User
from sirkel.research.models import FormVersion, Grant, Project, ProjectResearcher, Registration
from sirkel.research.services import STUDY_FORM, latest_form_version, study_form_text

pytestmark = pytest.mark.django_db


def _project(slug: str = "p1") -> Project:
    return Project.objects.create(slug=slug, name="P", form_version=latest_form_version())


def _fails(**create: object) -> None:
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)  # type: ignore[attr-defined]


def test_the_study_form_is_created_once_from_its_yaml_text() -> None:
    first = latest_form_version()
    assert (first.key, first.version) == (STUDY_FORM, 1)
    assert first.definition == study_form_text()  # the YAML text, whole
    assert latest_form_version() == first
    assert FormVersion.objects.count() == 1


def test_a_form_version_is_unique_and_counted_from_one() -> None:
    FormVersion.objects.create(key="f", version=1, definition="x")
    _fails(model=FormVersion, key="f", version=1, definition="y")
    _fails(model=FormVersion, key="g", version=0, definition="y")


def test_a_form_version_in_use_cannot_be_deleted() -> None:
    from django.db.models import ProtectedError

    project = _project()
    with pytest.raises(ProtectedError):
        project.form_version.delete()


def test_project_slug_unique_and_share_a_percentage() -> None:
    _project("p1")
    _fails(model=Project, slug="p1", name="Q", form_version=latest_form_version())
    _fails(model=Project, slug="p2", name="Q", form_version=latest_form_version(), double_coding_share=101)
    assert (
        Project.objects.create(
            slug="p3", name="Q", form_version=latest_form_version(), double_coding_share=100
        ).double_coding_share
        == 100
    )


def test_a_researcher_is_on_a_project_once(researcher: User) -> None:
    project = _project()
    ProjectResearcher.objects.create(project=project, user=researcher)
    _fails(model=ProjectResearcher, project=project, user=researcher)


def test_a_grant_needs_legal_basis_reason_and_a_revoker_with_the_revoking(
    leader: User, service: Service
) -> None:
    project = _project()
    common = {
        "model": Grant,
        "project": project,
        "service": service,
        "valid_until": datetime.date(2030, 1, 1),
        "granted_by": leader,
    }
    _fails(**common, legal_basis="", reason="r")
    _fails(**common, legal_basis="b", reason="")
    from django.utils import timezone

    _fails(**common, legal_basis="b", reason="r", revoked_at=timezone.now())
    _fails(**common, legal_basis="b", reason="r", revoked_by=leader)


def test_one_registration_per_coder_and_one_consensus_per_file() -> None:
    project = _project()
    form = project.form_version
    Registration.objects.create(project=project, form_version=form, case_ref="A1", coder="kari")
    _fails(model=Registration, project=project, form_version=form, case_ref="A1", coder="kari")
    Registration.objects.create(project=project, form_version=form, case_ref="A1", coder="ola")
    Registration.objects.create(
        project=project, form_version=form, case_ref="A1", coder="kari", is_consensus=True
    )
    _fails(
        model=Registration, project=project, form_version=form, case_ref="A1", coder="ola", is_consensus=True
    )
    _fails(model=Registration, project=project, form_version=form, case_ref="", coder="per")
    _fails(model=Registration, project=project, form_version=form, case_ref="A2", coder="per", version=0)


def test_a_registration_keeps_its_form_version() -> None:
    from django.db.models import ProtectedError

    project = _project()
    old = project.form_version
    reg = Registration.objects.create(project=project, form_version=old, case_ref="A1", coder="kari")
    newer = FormVersion.objects.create(key=STUDY_FORM, version=2, definition="v2")
    project.form_version = newer
    project.save()
    assert latest_form_version() == newer
    reg.refresh_from_db()
    assert reg.form_version == old
    with pytest.raises(ProtectedError):
        old.delete()
