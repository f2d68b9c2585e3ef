"""The demo's research project: the researcher reaches every page of it; `nabo` and `naboleder` of the
neighbour service, and the demo's own caseworker, reach none of it (404, as for a project that is not)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sirkel.accounts.models import User
from sirkel.demo.loader import load_demo
from sirkel.demo.research_demo import SLUG
from sirkel.research.models import Assignment, ExportJob, Project
from sirkel.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

PAGES = ("project", "assign", "my_files", "tables", "agreement", "disagreements", "export")


@pytest.fixture
def demo(settings: Any) -> Project:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    return Project.objects.get(slug=SLUG)


def _urls(project: Project, forsker: User) -> list[str]:
    assignment = Assignment.objects.create(
        project=project, case_ref="STUDIE-001", coder=forsker, assigned_by=forsker
    )
    job = ExportJob.objects.create(project=project, requested_by=forsker, formats=["csv"])
    return [
        *(reverse(f"research:{name}", args=[project.slug]) for name in PAGES),
        reverse("research:tables_csv", args=[project.slug]) + "?question=birthplace",
        reverse("research:agreement_csv", args=[project.slug]),
        reverse("research:reconcile", args=[project.slug]) + "?case=STUDIE-016",
        reverse("research:code", args=[project.slug, assignment.pk]),
        reverse("research:export_job", args=[project.slug, job.pk]),
    ]


def test_the_researcher_reaches_the_project_and_the_neighbours_reach_nothing(demo: Project) -> None:
    forsker = User.objects.get(username="forsker")
    urls = _urls(demo, forsker)
    for url in urls:
        assert client_for(forsker).get(url).status_code == 200, url
    for username in ("nabo", "naboleder", "saksbehandler"):
        client = client_for(User.objects.get(username=username))
        for url in [*urls, reverse("research:mine")]:
            assert client.get(url).status_code == 404, (username, url)
    # The demo's tables: three double-coded files wait for their consensus, so 85 of the 88 count.
    body = client_for(forsker).get(reverse("research:tables", args=[demo.slug]) + "?question=birthplace")
    page = body.content.decode()
    assert "85 saksmapper" in page and 'id="tables-left-out"' in page and ">3 saksmapper" in page
