"""Assigning case files to coders and a coder's own registration: the distribution (balanced, reproducible,
the share honoured), who may be given files, the registration's checks, prefilled paths, locking, and the
audit events."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sirkel.accounts.models import Role, Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.research import coding_services
from sirkel.research.analysis import project_form
from sirkel.research.coding_services import FileRef, StaleRegistration, linked_case_ref
from sirkel.research.models import Assignment, Project, ProjectResearcher, Registration
from sirkel.research.services import revoke_grant
from sirkel.research.tests.helpers import make_grant
from sirkel.testing.factories import decide
from sirkel.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages in English, as the assertions match them (restored after each test)."""
    with translation.override("en"):
        yield


@pytest.fixture
def project(leader: User, researcher: User, service: Service) -> Project:
    return make_grant(leader=leader, service=service, researchers=(researcher,)).project


@pytest.fixture
def second_coder(service: Service, project: Project) -> User:
    user = make_user("coder2", service, Role.RESEARCHER)
    ProjectResearcher.objects.create(project=project, user=user)
    return user


def _papers(n: int) -> list[FileRef]:
    return [FileRef(f"STUDIE-{i:03d}") for i in range(1, n + 1)]


def test_ten_files_two_coders_thirty_per_cent_make_thirteen_balanced_assignments(
    project: Project, researcher: User, second_coder: User
) -> None:
    made = coding_services.assign_files(
        acting_user=researcher,
        project=project,
        files=_papers(10),
        coders=[researcher, second_coder],
        double_share=30,
    )
    assert len(made) == 13 and Assignment.objects.filter(project=project).count() == 13
    per_file = Counter(a.case_ref for a in made)
    twice = sorted(ref for ref, n in per_file.items() if n == 2)
    assert len(twice) == 3 and set(per_file.values()) == {1, 2}
    # The files coded twice: the first three by the SHA-256 of "slug:case_ref" (reproducible).
    by_hash = sorted(per_file, key=lambda r: hashlib.sha256(f"{project.slug}:{r}".encode()).hexdigest())
    assert twice == sorted(by_hash[:3])
    load = Counter(a.coder_id for a in made)
    assert sorted(load.values()) == [6, 7]  # balanced
    for ref in twice:  # a doubled file has two different coders
        assert {a.coder_id for a in made if a.case_ref == ref} == {researcher.pk, second_coder.pk}
    project.refresh_from_db()
    assert project.double_coding_share == 30
    event = AuditEvent.objects.filter(object_type="research_assignment").get()
    assert (event.action, event.actor, event.object_id) == ("create", researcher, str(project.pk))
    assert event.detail == {
        "project": project.pk,
        "files": 10,
        "skipped": 0,
        "linked": 0,
        "coded_twice": 3,
        "coders": 2,
        "assignments": 13,
        "share": 30,
    }


def test_the_distribution_is_reproducible_and_keeps_what_is_assigned(
    project: Project, researcher: User, second_coder: User
) -> None:
    coders = [second_coder, researcher]  # the order given plays no part
    first = coding_services.assign_files(
        acting_user=researcher, project=project, files=_papers(7), coders=coders, double_share=40
    )
    layout = sorted((a.case_ref, a.coder.username) for a in first)
    Assignment.objects.all().delete()
    again = coding_services.assign_files(
        acting_user=researcher,
        project=project,
        files=list(reversed(_papers(7))),
        coders=coders,
        double_share=40,
    )
    assert sorted((a.case_ref, a.coder.username) for a in again) == layout
    # Assigning the same files again gives nothing new; a new file goes to the coder with fewer.
    assert (
        coding_services.assign_files(
            acting_user=researcher, project=project, files=_papers(7), coders=coders, double_share=0
        )
        == []
    )
    load = Counter(Assignment.objects.values_list("coder__username", flat=True))
    fewer = min(load, key=lambda u: (load[u], u))
    added = coding_services.assign_files(
        acting_user=researcher, project=project, files=_papers(8), coders=coders, double_share=0
    )
    assert [(a.case_ref, a.coder.username) for a in added] == [("STUDIE-008", fewer)]
    assert AuditEvent.objects.filter(object_type="research_assignment").last().detail["skipped"] == 7  # type: ignore[union-attr]


def test_one_coder_codes_every_file_once(project: Project, researcher: User) -> None:
    made = coding_services.assign_files(
        acting_user=researcher, project=project, files=_papers(4), coders=[researcher], double_share=50
    )
    assert len(made) == 4 and {a.coder_id for a in made} == {researcher.pk}


def test_a_coder_off_the_project_or_an_ungranted_case_is_refused_and_nothing_written(
    project: Project,
    researcher: User,
    caseworker: User,
    case: Case,
    make_case: Callable[..., Case],
    other_service: Service,
    outsider: User,
) -> None:
    with pytest.raises(ValidationError, match="researcher on the project"):
        coding_services.assign_files(
            acting_user=researcher, project=project, files=_papers(2), coders=[caseworker], double_share=0
        )
    elsewhere = make_case(owner=outsider, service=other_service)
    with pytest.raises(ValidationError, match="not covered"):
        coding_services.assign_files(
            acting_user=researcher,
            project=project,
            files=[FileRef(linked_case_ref(case), case), FileRef(linked_case_ref(elsewhere), elsewhere)],
            coders=[researcher],
            double_share=20,
        )
    with pytest.raises(ValidationError, match="Only the project's researchers"):
        coding_services.assign_files(
            acting_user=caseworker, project=project, files=_papers(2), coders=[researcher], double_share=0
        )
    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="research_assignment").exists()
    project.refresh_from_db()
    assert project.double_coding_share == 0
    # The granted case alone is fine, under its research reference.
    (made,) = coding_services.assign_files(
        acting_user=researcher,
        project=project,
        files=[FileRef(linked_case_ref(case), case)],
        coders=[researcher],
        double_share=0,
    )
    assert (made.case_ref, made.linked_case) == (f"S{case.service_id}-{case.number:05d}", case)


def test_unassigning_takes_the_draft_but_not_a_finished_file(project: Project, researcher: User) -> None:
    first, second = coding_services.assign_files(
        acting_user=researcher, project=project, files=_papers(2), coders=[researcher], double_share=0
    )
    for assignment, finish in ((first, False), (second, True)):
        coding_services.save_registration(
            acting_user=researcher,
            assignment=assignment,
            answers_from_post={"sex": "boy"},
            finish=finish,
            expected_version=0,
        )
    coding_services.unassign(acting_user=researcher, assignment=first)
    assert not Assignment.objects.filter(pk=first.pk).exists()
    assert not Registration.objects.filter(case_ref=first.case_ref).exists()
    with pytest.raises(ValidationError, match="finished"):
        coding_services.unassign(acting_user=researcher, assignment=second)
    assert Assignment.objects.filter(pk=second.pk).exists()
    event = AuditEvent.objects.filter(object_type="research_assignment", action="delete").get()
    assert event.detail == {"project": project.pk, "draft_deleted": True}


def _linked(project: Project, researcher: User, case: Case) -> Assignment:
    (assignment,) = coding_services.assign_files(
        acting_user=researcher,
        project=project,
        files=[FileRef(linked_case_ref(case), case)],
        coders=[researcher],
        double_share=0,
    )
    return assignment


def test_a_registration_of_a_linked_case_keeps_its_prefilled_paths_while_unchanged(
    project: Project, researcher: User, case: Case
) -> None:
    decide(case=case, kind="network_meeting", decided_on=date(2025, 3, 4))
    assignment = _linked(project, researcher, case)
    start = coding_services.starting_prefill(assignment=assignment, form=project_form(project))
    assert start is not None and "sex" in start.paths and "decisions[1].measures" in start.paths
    answers = {**start.answers, "sex": "boy", "coder": "Researcher"}
    outcome = coding_services.save_registration(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post=answers,
        finish=False,
        expected_version=0,
    )
    registration = outcome.registration
    assert registration is not None and outcome.problems == []
    assert (registration.coder, registration.coder_user, registration.linked_case) == (
        "researcher",
        researcher,
        case,
    )
    assert registration.submitted_at is None and registration.version == 1
    assert "sex" not in registration.prefilled  # changed from the prefill
    assert set(registration.prefilled) == set(start.paths) - {"sex"}
    # A later change takes the changed path out too; marked finished.
    answers["birth_year"] = 2014
    again = coding_services.save_registration(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post=answers,
        finish=True,
        expected_version=1,
    ).registration
    assert again is not None and again.version == 2 and again.submitted_at is not None
    assert "birth_year" not in again.prefilled and "lives_with" in again.prefilled
    events = AuditEvent.objects.filter(object_type="research_registration").order_by("id")
    assert [(e.action, e.detail["finished"], e.detail["changed"]) for e in events] == [
        ("create", False, 2),  # changed from where the coder started: sex, and the coder added
        ("update", True, 1),
    ]
    assert "boy" not in str(events[0].detail)  # no answers in the trail


def test_no_prefill_once_the_grant_is_revoked(
    project: Project, researcher: User, case: Case, leader: User
) -> None:
    assignment = _linked(project, researcher, case)
    revoke_grant(acting_user=leader, grant=project.grants.get(), reason="Project ended")
    assert coding_services.starting_prefill(assignment=assignment, form=project_form(project)) is None
    registration = coding_services.save_registration(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post={"sex": "girl"},
        finish=False,
        expected_version=0,
    ).registration
    assert registration is not None and registration.prefilled == []


def test_problems_save_nothing_and_an_irrelevant_answer_is_dropped(
    project: Project, researcher: User
) -> None:
    (assignment,) = coding_services.assign_files(
        acting_user=researcher, project=project, files=_papers(1), coders=[researcher], double_share=0
    )
    bad = coding_services.save_registration(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post={"birth_year": 1850, "sex": "Jente"},
        finish=False,
        expected_version=0,
    )
    assert bad.registration is None and [p.path for p in bad.problems] == ["birth_year"]
    assert bad.answers["sex"] == "girl"  # normalised from the label
    assert not Registration.objects.exists()
    outcome = coding_services.save_registration(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post={
            "lives_with": "mother",
            "lives_with_other": "Grandmother",  # asked only when lives_with is other
            "decisions": [
                {
                    "measures": ["network_meeting"],
                    "per_measure": {"network_meeting": {"evaluated": "no"}, "pmto": {"evaluated": "yes"}},
                }
            ],
        },
        finish=False,
        expected_version=0,
    )
    assert sorted(outcome.dropped) == ["decisions[1].per_measure.pmto", "lives_with_other"]
    assert outcome.registration is not None
    assert outcome.registration.answers == {
        "lives_with": "mother",
        "decisions": [
            {"measures": ["network_meeting"], "per_measure": {"network_meeting": {"evaluated": "no"}}}
        ],
    }


def test_a_stale_version_is_refused_and_a_finished_one_needs_reopening(
    project: Project, researcher: User, second_coder: User
) -> None:
    (assignment,) = coding_services.assign_files(
        acting_user=researcher, project=project, files=_papers(1), coders=[researcher], double_share=0
    )
    save = coding_services.save_registration
    save(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post={"sex": "boy"},
        finish=False,
        expected_version=0,
    )
    with pytest.raises(StaleRegistration):
        save(
            acting_user=researcher,
            assignment=assignment,
            answers_from_post={"sex": "girl"},
            finish=False,
            expected_version=0,
        )
    assert Registration.objects.get().answers == {"sex": "boy"}
    with pytest.raises(ValidationError, match="own coder"):
        save(
            acting_user=second_coder,
            assignment=assignment,
            answers_from_post={},
            finish=False,
            expected_version=1,
        )
    registration = save(
        acting_user=researcher,
        assignment=assignment,
        answers_from_post={"sex": "girl"},
        finish=True,
        expected_version=1,
    ).registration
    assert registration is not None
    with pytest.raises(ValidationError, match="reopen"):
        save(
            acting_user=researcher,
            assignment=assignment,
            answers_from_post={},
            finish=False,
            expected_version=2,
        )
    with pytest.raises(ValidationError, match="own coder"):
        coding_services.reopen(acting_user=second_coder, registration=registration)
    reopened = coding_services.reopen(acting_user=researcher, registration=registration)
    assert reopened.submitted_at is None and reopened.version == 3
    assert AuditEvent.objects.filter(object_type="research_registration").last().detail["reopened"] is True  # type: ignore[union-attr]
