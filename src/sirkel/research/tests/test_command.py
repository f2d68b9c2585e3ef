"""`sirkel research grant`: the operator's grant, and each refusal."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.access import case_access
from sirkel.cases.models import Case
from sirkel.research.models import FormVersion, Grant, Project

pytestmark = pytest.mark.django_db

UNTIL = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("research", "grant", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _args(service: Service, leader: User, **over: str) -> list[str]:
    values = {
        "--project": "nettverk-2026",
        "--service": service.name,
        "--granted-by": leader.username,
        "--until": UNTIL,
        "--reason": "Case-file review",
        **over,
    }
    return [x for pair in values.items() for x in pair]


def test_the_grant_creates_the_project_and_the_form_and_is_audited(
    service: Service, leader: User, researcher: User, case: Case
) -> None:
    out, _err = _run(
        *_args(service, leader),
        "--legal-basis",
        "Exemption 2026-01",
        "--dpia",
        "DPIA-1",
        "--researcher",
        researcher.username,
    )
    grant = Grant.objects.get()
    assert out.count("\n") == 1 and "nettverk-2026" in out and UNTIL in out
    assert grant.all_cases and grant.granted_by == leader and grant.legal_basis == "Exemption 2026-01"
    assert grant.dpia_ref == "DPIA-1" and grant.valid_until.isoformat() == UNTIL
    assert FormVersion.objects.get().key == "study-2023"
    assert Project.objects.get().form_version.version == 1
    assert case_access(user=researcher, case=case).can_view
    event = AuditEvent.objects.get(object_type="research_grant")
    assert event.detail["via"] == "command" and event.actor == leader


def test_listed_cases_and_an_existing_project(
    service: Service, leader: User, case: Case, researcher: User
) -> None:
    _run(*_args(service, leader))
    out, _err = _run(
        *_args(service, leader), "--cases", str(case.number), "--researcher", researcher.username
    )
    assert "1 case files" in out
    assert Project.objects.count() == 1 and Grant.objects.count() == 2
    listed = Grant.objects.latest("id")
    assert not listed.all_cases and list(listed.cases.all()) == [case]


@pytest.mark.parametrize(
    ("over", "extra", "message"),
    [
        ({"--service": "No such service"}, [], "no service named"),
        ({"--granted-by": "nobody"}, [], "no user named"),
        ({}, ["--researcher", "nobody"], "no user named"),
        ({"--until": "2001-01-01"}, [], "in the past"),
        ({"--project": "Bad Slug"}, [], "short name"),
        ({}, ["--cases", "99999"], "no case numbered"),
    ],
)
def test_refusals(
    over: dict[str, str], extra: list[str], message: str, service: Service, leader: User, case: Case
) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*_args(service, leader, **over), *extra)
    assert not Grant.objects.exists() and not Project.objects.exists()


def test_a_granted_by_who_does_not_lead_the_service_is_refused(
    service: Service, caseworker: User, outsider: User
) -> None:
    for user in (caseworker, outsider):  # the outsider leads another service
        with pytest.raises(CommandError, match="does not lead"):
            _run(*_args(service, user))
    assert not Grant.objects.exists()


def test_the_command_exits_non_zero_with_the_message_on_stderr(service: Service, leader: User) -> None:
    import subprocess
    import sys

    del service, leader
    # The command line: argparse refuses a bad date before anything is read.
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "django",
            "research",
            "grant",
            "--project",
            "p",
            "--service",
            "S",
            "--granted-by",
            "u",
            "--until",
            "tomorrow",
            "--reason",
            "r",
        ],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "sirkel.settings"},
        check=False,
    )
    assert result.returncode != 0
    assert "YYYY-MM-DD" in result.stderr and result.stdout == ""
