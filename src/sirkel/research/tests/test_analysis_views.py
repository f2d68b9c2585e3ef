"""A project's tables, agreement, disagreements and reconciliation pages: the same numbers as `sirkel
research`, blind coding (drafts and unfinished files never shown), the consensus saved and audited, and
the number of queries."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.demo.study_registrations import study_registrations
from sirkel.research.models import Assignment, Project, ProjectResearcher, Registration
from sirkel.testing.fixtures import client_for, make_user

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("research", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _import(tmp_path: Path, slug: str, regs: list[dict[str, Any]], researcher: User) -> Project:
    path = tmp_path / f"{slug}.json"
    path.write_text(json.dumps(regs, ensure_ascii=False), encoding="utf-8")
    run("import", "--project", slug, "--form", "study-2023", str(path))
    project = Project.objects.get(slug=slug)
    ProjectResearcher.objects.create(project=project, user=researcher)
    return project


@pytest.fixture
def study(tmp_path: Path, researcher: User) -> Project:
    return _import(tmp_path, "studie-2023", study_registrations(), researcher)


KARI = ["yes"] * 5 + ["no"] * 5
PER = ["yes"] * 4 + ["no"] + ["yes"] + ["no"] * 4


@pytest.fixture
def two_coders(tmp_path: Path, researcher: User) -> Project:
    regs = [{"case": f"f{n}", "coder": "Kari", "interpreter_used": v} for n, v in enumerate(KARI)]
    regs += [{"case": f"f{n}", "coder": "Per", "interpreter_used": v} for n, v in enumerate(PER)]
    return _import(tmp_path, "to-kodere", regs, researcher)


def url(name: str, project: Project) -> str:
    return reverse(f"research:{name}", args=[project.slug])


def _events(page: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="research_project", detail__page=page))


# --- Tables --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suppress", ["3", "0"])
def test_the_tables_page_and_its_csv_give_the_commands_rows(
    study: Project, researcher: User, suppress: str
) -> None:
    client = client_for(researcher)
    cli = run("table", "--project", study.slug, "--question", "birthplace", "--suppress-below", suppress)
    response = client.get(url("tables_csv", study), {"question": "birthplace", "suppress": suppress})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode() == cli
    page = client.get(url("tables", study), {"question": "birthplace", "suppress": suppress}).content.decode()
    shown = re.findall(
        r'<tr data-option="([^"]*)">.*?data-cell="count">(?:<abbr[^>]*>)?([^<]*).*?data-cell="percent">'
        r"(?:<abbr[^>]*>)?([^<]*)",
        page,
        re.S,
    )
    rows = list(csv.reader(cli.splitlines()[1:]))
    assert [(o, c, p) for o, _label, c, p in rows] == [(o, c, p.replace(",", ".")) for o, c, p in shown]
    assert all(label in page for _o, label, _c, _p in rows)
    assert f'href="{url("tables_csv", study)}?question=birthplace&amp;suppress={suppress}"' in page
    assert len(_events("tables")) == 1 and _events("tables")[0].detail["question"] == "birthplace"
    assert len(_events("tables_csv")) == 1


def test_small_counts_are_shown_as_a_colon_with_a_note(study: Project, researcher: User) -> None:
    page = client_for(researcher).get(url("tables", study), {"question": "birthplace"}).content.decode()
    assert re.search(r'<tr data-option="europe_other">.*?data-cell="count"><abbr[^>]*>:</abbr>', page, re.S)
    assert re.search(r'id="tables-suppressed-note">[^<]*\b3\b', page)  # the note says what N is


def test_the_first_choice_question_is_shown_when_none_is_asked_for_and_an_unknown_one_is_said(
    study: Project, researcher: User
) -> None:
    client = client_for(researcher)
    page = client.get(url("tables", study)).content.decode()
    assert 'data-question="sex"' in page  # the form's first choice question
    unknown = client.get(url("tables", study), {"question": "birth_year"})  # not a choice question
    assert unknown.status_code == 200
    assert (
        'id="tables-unknown"' in unknown.content.decode() and "tables-table" not in unknown.content.decode()
    )
    assert client.get(url("tables_csv", study), {"question": "birth_year"}).status_code == 404
    assert client.get(url("tables_csv", study), {"question": "nothing"}).status_code == 404
    assert client.get(url("tables_csv", study)).status_code == 404


def test_the_tables_page_asks_a_fixed_number_of_queries(
    study: Project, researcher: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(researcher)
    client.get(url("tables", study))
    with django_assert_max_num_queries(14):
        assert client.get(url("tables", study), {"question": "reasons_child"}).status_code == 200


# --- Agreement -----------------------------------------------------------------------------------------


def test_the_agreement_page_and_its_csv_give_the_commands_rows(two_coders: Project, researcher: User) -> None:
    client = client_for(researcher)
    cli = run("agreement", "--project", two_coders.slug)
    assert client.get(url("agreement_csv", two_coders)).content.decode() == cli
    page = client.get(url("agreement", two_coders)).content.decode()
    shown = re.findall(
        r'<tr data-question="([^"]+)" data-statistic="([^"]+)">.*?<td class="num">(\d+)</td>\s*'
        r'<td class="num">(\d+)</td>.*?data-cell="value">([^<]*)</td>',
        page,
        re.S,
    )
    assert [(q, c, u, s, v) for q, c, u, s, v in csv.reader(cli.splitlines()[1:])] == [
        (q, c, u, s, v.replace(",", ".")) for q, s, c, u, v in shown
    ]
    assert "Cohen" in page and "<code>cohen_kappa</code>" in page and "0,6000" in page
    assert 'id="agreement-units"' in page and 'id="agreement-blanks"' in page
    assert len(_events("agreement")) == 1 and len(_events("agreement_csv")) == 1


def test_the_agreement_page_asks_a_fixed_number_of_queries(
    study: Project, researcher: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(researcher)
    with django_assert_max_num_queries(14):
        assert client.get(url("agreement", study)).status_code == 200


# --- Blind coding: drafts and unfinished files are not read ----------------------------------------------


def test_drafts_and_unfinished_files_never_appear_in_agreement_disagreements_or_tables(
    two_coders: Project, researcher: User, leader: User, service: Service
) -> None:
    client = client_for(researcher)
    before_cli = run("agreement", "--project", two_coders.slug, "--question", "interpreter_used")
    before_table = run("table", "--project", two_coders.slug, "--question", "sex", "--suppress-below", "0")
    # A third coder assigned to f0 and f9 has only a draft with another answer: those files are not
    # finished, and nobody sees the answers the other coders gave them meanwhile.
    ola = make_user("ola", service, "researcher")
    for case_ref in ("f0", "f9"):
        Assignment.objects.create(project=two_coders, case_ref=case_ref, coder=ola, assigned_by=leader)
    Registration.objects.create(
        project=two_coders,
        form_version=two_coders.form_version,
        case_ref="f0",
        coder="Ola",
        coder_user=ola,
        answers={"interpreter_used": "unknown", "sex": "other"},
    )
    Registration.objects.create(  # f5: Kari "no", Per "yes" and a new coder's draft
        project=two_coders,
        form_version=two_coders.form_version,
        case_ref="f5",
        coder="Ola",
        coder_user=ola,
        answers={"interpreter_used": "unknown"},
    )
    page = client.get(url("disagreements", two_coders)).content.decode()
    assert 'data-coder="Ola"' not in page  # the drafts are never shown
    assert 'data-case="f4"' in page  # Kari "yes", Per "no": finished, shown
    assert 'data-case="f5"' not in page  # unfinished now: Ola's draft
    after = run("agreement", "--project", two_coders.slug, "--question", "interpreter_used")
    assert after != before_cli and "interpreter_used,2,7,percent_agreement,0.8571" in after.splitlines()
    assert client.get(url("agreement_csv", two_coders)).content.decode() == run(
        "agreement", "--project", two_coders.slug
    )
    # Tables: a draft never counts (the two coders' files are left out, no consensus; the draft not used).
    assert (
        run("table", "--project", two_coders.slug, "--question", "sex", "--suppress-below", "0")
        == before_table
    )
    assert client.get(url("reconcile", two_coders), {"case": "f5"}).status_code == 404
    # When Ola finishes f5 it is shown, with all three coders' answers.
    Registration.objects.filter(case_ref="f5", coder="Ola").update(submitted_at=timezone.now())
    page = client.get(url("disagreements", two_coders)).content.decode()
    assert 'data-case="f5"' in page and 'data-coder="Ola"' in page


# --- Disagreements ---------------------------------------------------------------------------------------


def test_the_disagreements_list_each_place_with_the_coders_answers_by_label(
    two_coders: Project, researcher: User
) -> None:
    client = client_for(researcher)
    page = client.get(url("disagreements", two_coders)).content.decode()
    assert page.count("<tr data-case=") == 2  # f4 and f5
    row = re.search(r'<tr data-case="f4".*?</tr>', page, re.S)
    assert row is not None
    assert '<li data-coder="Kari"><strong>Kari:</strong> Ja</li>' in row.group(0)
    assert '<li data-coder="Per"><strong>Per:</strong> Nei</li>' in row.group(0)
    assert f'href="{url("reconcile", two_coders)}?case=f4"' in row.group(0)
    filtered = client.get(url("disagreements", two_coders), {"question": "sex"}).content.decode()
    assert 'id="disagreements-none"' in filtered
    assert client.get(url("disagreements", two_coders), {"question": "nothing"}).status_code == 404
    assert _events("disagreements")[0].detail == {"page": "disagreements", "question": "", "rows": 2}


def test_the_disagreements_are_capped_at_500_with_a_note(tmp_path: Path, researcher: User) -> None:
    regs = [
        {"case": f"c{n}", "coder": c, "sex": s} for n in range(501) for c, s in (("K", "girl"), ("P", "boy"))
    ]
    project = _import(tmp_path, "mange", regs, researcher)
    page = client_for(researcher).get(url("disagreements", project)).content.decode()
    assert page.count("<tr data-case=") == 500 and 'id="disagreements-more"' in page


def test_the_disagreements_page_asks_a_fixed_number_of_queries(
    tmp_path: Path, researcher: User, django_assert_max_num_queries: Any
) -> None:
    regs = [
        {"case": f"c{n}", "coder": c, "sex": s} for n in range(60) for c, s in (("K", "girl"), ("P", "boy"))
    ]
    project = _import(tmp_path, "mange", regs, researcher)
    client = client_for(researcher)
    with django_assert_max_num_queries(14):  # as many for 60 files as for one: no query per row
        assert client.get(url("disagreements", project)).status_code == 200


# --- Reconciliation ------------------------------------------------------------------------------------

KARI_FILE = {
    "case": "R-1",
    "coder": "Kari",
    "sex": "girl",
    "birthplace": "norway",
    "lives_with_other": "Mormor",
    "lives_with": "other",
    "decisions": [{"investigation_report": "yes", "measure_plan_exists": "yes"}],
}
PER_FILE = {
    "case": "R-1",
    "coder": "Per",
    "sex": "boy",
    "birthplace": "norway",
    "lives_with_other": "Mormor",
    "lives_with": "other",
    "decisions": [
        {"investigation_report": "no", "measure_plan_exists": "yes"},
        {"investigation_report": "yes"},  # a decision only Per registered
    ],
}


@pytest.fixture
def to_reconcile(tmp_path: Path, researcher: User) -> Project:
    return _import(tmp_path, "avstemming", [KARI_FILE, PER_FILE], researcher)


def _form_data(page: str) -> dict[str, str]:
    """The hidden fields of the reconciliation form, as the page gives them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def _choice(page: str, place: str, label: str) -> str:
    """The value of the radio button at `place` whose label starts with `label`."""
    fieldset = re.search(rf'<fieldset[^>]*data-place="{re.escape(place)}">(.*?)</fieldset>', page, re.S)
    assert fieldset is not None, place
    for value, text in re.findall(r'value="([^"]+)"[^>]*>\s*<label[^>]*>([^<]*)', fieldset.group(1)):
        if text.strip().startswith(label):
            return str(value)
    raise AssertionError(f"no {label!r} at {place}")


def test_reconciling_a_file_saves_the_agreed_answers_and_the_ones_chosen(
    to_reconcile: Project, researcher: User
) -> None:
    client = client_for(researcher)
    agreement_before = run("agreement", "--project", to_reconcile.slug)
    response = client.get(url("reconcile", to_reconcile), {"case": "R-1"})
    page = response.content.decode()
    assert response.status_code == 200
    differing = re.findall(r'<fieldset[^>]*data-place="([^"]+)"', page)
    assert differing == ["sex", "decisions[1].investigation_report", "decisions[2].investigation_report"]
    assert re.findall(r'<tr data-place="([^"]+)"', page) == [
        "lives_with",
        "lives_with_other",
        "birthplace",
        "decisions[1].measure_plan_exists",
    ]
    assert "Jente <span" in page and "(Kari)" in page  # answers by label, with who gave them
    data = _form_data(page)
    data["choice:sex"] = _choice(page, "sex", "Jente")
    data["choice:decisions[1].investigation_report"] = _choice(
        page, "decisions[1].investigation_report", "Nei"
    )
    data["choice:decisions[2].investigation_report"] = _choice(
        page, "decisions[2].investigation_report", "Ja"
    )
    saved = client.post(url("reconcile", to_reconcile), data)
    assert saved.status_code == 302
    consensus = Registration.objects.get(project=to_reconcile, is_consensus=True)
    assert consensus.answers == {
        "sex": "girl",
        "lives_with": "other",
        "lives_with_other": "Mormor",
        "birthplace": "norway",
        "decisions": [
            {"investigation_report": "no", "measure_plan_exists": "yes"},
            {"investigation_report": "yes"},
        ],
    }
    assert consensus.coder == "konsensus" and consensus.submitted_at is not None
    assert consensus.form_version_id == to_reconcile.form_version_id
    event = AuditEvent.objects.get(object_type="research_consensus")
    assert (
        event.action == "create" and event.object_id == str(consensus.pk) and event.actor_id == researcher.pk
    )
    assert event.detail == {
        "project": to_reconcile.pk,
        "registrations": 2,
        "places_decided": 3,
        "places_agreed": 4,
    }
    assert not _events("reconcile_post")
    # The table counts the file once, by its consensus; agreement leaves the consensus out.
    table = run("table", "--project", to_reconcile.slug, "--question", "sex", "--suppress-below", "0")
    assert "girl,Jente,1,100.0" in table.splitlines() and "boy,Gutt,0,0.0" in table.splitlines()
    assert run("agreement", "--project", to_reconcile.slug) == agreement_before
    # Opened again, the page marks the consensus's choices; saved again, the consensus is updated.
    again = client.get(url("reconcile", to_reconcile), {"case": "R-1"}).content.decode()
    assert 'id="reconcile-existing"' in again
    assert re.search(r'value="0" checked>\s*<label[^>]*>Jente', again)
    data = _form_data(again)
    data["choice:sex"] = _choice(again, "sex", "Gutt")
    data["choice:decisions[1].investigation_report"] = _choice(
        again, "decisions[1].investigation_report", "Nei"
    )
    data["choice:decisions[2].investigation_report"] = "none"
    assert client.post(url("reconcile", to_reconcile), data).status_code == 302
    consensus.refresh_from_db()
    assert consensus.answers["sex"] == "boy"
    assert consensus.answers["decisions"] == [{"investigation_report": "no", "measure_plan_exists": "yes"}]
    assert consensus.version == 2
    assert AuditEvent.objects.filter(object_type="research_consensus", action="update").count() == 1


def test_a_place_not_decided_is_refused_with_the_choices_kept(
    to_reconcile: Project, researcher: User
) -> None:
    client = client_for(researcher)
    page = client.get(url("reconcile", to_reconcile), {"case": "R-1"}).content.decode()
    data = _form_data(page)
    data["choice:sex"] = _choice(page, "sex", "Gutt")
    data["choice:decisions[2].investigation_report"] = "none"
    response = client.post(url("reconcile", to_reconcile), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "decisions[1].investigation_report" in body and 'id="error-summary"' in body
    assert re.search(r'value="1" checked>\s*<label[^>]*>Gutt', body)  # the choice made is kept
    assert re.search(r'value="none" checked>', body)
    assert re.search(r'<fieldset class="field field--error" data-place="decisions\[1\]', body)
    assert not Registration.objects.filter(is_consensus=True).exists()
    assert not AuditEvent.objects.filter(object_type="research_consensus").exists()


def test_answers_the_form_refuses_are_not_saved_and_a_choice_that_is_no_answer_is_not_decided(
    tmp_path: Path, researcher: User
) -> None:
    kari = {"case": "V-1", "coder": "Kari", "lives_with": "other", "lives_with_other": "Mormor"}
    per = {"case": "V-1", "coder": "Per", "lives_with": "mother"}
    project = _import(tmp_path, "gyldig", [kari, per], researcher)
    client = client_for(researcher)
    page = client.get(url("reconcile", project), {"case": "V-1"}).content.decode()
    data = _form_data(page)
    data["choice:lives_with"] = _choice(page, "lives_with", "Mor")
    data["choice:lives_with_other"] = "7"  # no such answer: not decided
    response = client.post(url("reconcile", project), data)
    assert response.status_code == 400 and "lives_with_other" in response.content.decode()
    # "Lives with mother" and the text for "other": the form does not ask the text then.
    data["choice:lives_with_other"] = _choice(page, "lives_with_other", "Mormor")
    response = client.post(url("reconcile", project), data)
    assert response.status_code == 400
    assert (
        "lives_with_other" in response.content.decode() and 'id="error-summary"' in response.content.decode()
    )
    assert not Registration.objects.filter(is_consensus=True).exists()
    assert not AuditEvent.objects.filter(object_type="research_consensus").exists()
    data["choice:lives_with_other"] = "none"
    assert client.post(url("reconcile", project), data).status_code == 302
    assert Registration.objects.get(is_consensus=True).answers == {"lives_with": "mother"}


def test_the_consensus_keeps_the_linked_case_the_coders_share(
    to_reconcile: Project, researcher: User, case: Case
) -> None:
    Registration.objects.filter(project=to_reconcile).update(linked_case=case)
    client = client_for(researcher)
    page = client.get(url("reconcile", to_reconcile), {"case": "R-1"}).content.decode()
    data = _form_data(page)
    for place in re.findall(r'<fieldset[^>]*data-place="([^"]+)"', page):
        data[f"choice:{place}"] = "0"
    assert client.post(url("reconcile", to_reconcile), data).status_code == 302
    assert Registration.objects.get(is_consensus=True).linked_case_id == case.pk


def test_a_registration_changed_since_the_page_was_shown_is_refused(
    to_reconcile: Project, researcher: User
) -> None:
    client = client_for(researcher)
    page = client.get(url("reconcile", to_reconcile), {"case": "R-1"}).content.decode()
    data = _form_data(page)
    for place in re.findall(r'<fieldset[^>]*data-place="([^"]+)"', page):
        data[f"choice:{place}"] = "0"
    kari = Registration.objects.get(coder="Kari")
    Registration.objects.filter(pk=kari.pk).update(version=kari.version + 1)
    response = client.post(url("reconcile", to_reconcile), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="error-summary"' in body
    assert f'name="version-{kari.pk}" value="{kari.version + 1}"' in body  # drawn again with the new one
    assert not Registration.objects.filter(is_consensus=True).exists()
    assert not AuditEvent.objects.filter(object_type="research_consensus").exists()
    assert len(_events("reconcile")) == 2  # the page, and its drawing again


def test_only_a_finished_file_of_two_coders_may_be_reconciled(
    to_reconcile: Project, two_coders: Project, researcher: User, outsider: User
) -> None:
    client = client_for(researcher)
    assert client.get(url("reconcile", to_reconcile)).status_code == 404  # no ?case=
    assert client.get(url("reconcile", to_reconcile), {"case": "nothing"}).status_code == 404
    Registration.objects.filter(coder="Per").update(submitted_at=None)  # Per's is a draft again
    assert client.get(url("reconcile", to_reconcile), {"case": "R-1"}).status_code == 404
    assert client.post(url("reconcile", to_reconcile), {"case": "R-1"}).status_code == 404
    assert client_for(outsider).get(url("reconcile", two_coders), {"case": "f4"}).status_code == 404
    event = _events("reconcile")
    assert event == []


def test_the_reconcile_page_asks_a_fixed_number_of_queries(
    to_reconcile: Project, researcher: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(researcher)
    with django_assert_max_num_queries(14):
        assert client.get(url("reconcile", to_reconcile), {"case": "R-1"}).status_code == 200


def test_the_project_page_links_to_its_work(study: Project, researcher: User) -> None:
    page = client_for(researcher).get(url("project", study)).content.decode()
    for name in ("tables", "agreement", "disagreements"):
        assert f'href="{url(name, study)}"' in page


def test_others_get_404(study: Project, outsider: User, caseworker: User) -> None:
    for user in (outsider, caseworker):
        client: Client = client_for(user)
        for name in ("tables", "tables_csv", "agreement", "agreement_csv", "disagreements", "reconcile"):
            assert client.get(url(name, study), {"question": "sex", "case": "STUDIE-001"}).status_code == 404
