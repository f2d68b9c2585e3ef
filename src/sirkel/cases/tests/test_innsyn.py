"""A party's right of access (innsyn): the copy of a demo case flags other people's contact details and
statements, withholds them unless kept, shows the recipient's own; only those who may edit the case make
one; production and handover are audited; every model that hangs on a case is covered or excluded."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sirkel.accounts.models import Role, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases import innsyn as rules
from sirkel.cases.models import BreakGlassAccess, Case, Innsyn, RecipientRole
from sirkel.demo.loader import load_demo
from sirkel.network.models import NetworkMember
from sirkel.testing.fixtures import make_user

WITHHELD = ("[Unntatt:", "[Withheld:")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def emma(db: None) -> Case:
    load_demo()
    return Case.objects.get(child_given_name="Emma", child_family_name="Hansen")


def _member(case: Case, name: str) -> NetworkMember:
    return NetworkMember.objects.get(case=case, name=name)


def _editor(case: Case) -> User:
    assert case.caseworker is not None
    return case.caseworker


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _produce(client: Client, case: Case, recipient: str, keep: list[str] | None = None) -> Any:
    return client.post(
        reverse("cases:innsyn", args=[case.pk]),
        {"step": "produce", "recipient": recipient, "name": "", "keep": keep or []},
    )


def test_the_parents_are_offered_and_the_review_flags_another_parents_contact_details(emma: Case) -> None:
    mother, father = _member(emma, "Camilla Hansen"), _member(emma, "Thomas Rønning")
    client = _client(_editor(emma))
    page = client.get(reverse("cases:innsyn", args=[emma.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"member:{mother.pk}" in html and f"member:{father.pk}" in html
    assert f"member:{_member(emma, 'Randi Hansen').pk}" not in html  # a grandmother is no parent
    review = client.post(
        reverse("cases:innsyn", args=[emma.pk]), {"step": "review", "recipient": f"member:{mother.pk}"}
    )
    assert review.status_code == 200
    body = review.content.decode()
    assert f'value="network.networkmember:{father.pk}:email"' in body
    assert f'value="network.networkmember:{mother.pk}:email"' not in body  # her own
    assert mother.email in body and father.email in body  # shown to the caseworker, to decide


def test_the_pdf_withholds_another_members_contact_details_by_default_and_not_the_recipients(
    emma: Case,
) -> None:
    mother, father = _member(emma, "Camilla Hansen"), _member(emma, "Thomas Rønning")
    client = _client(_editor(emma))
    response = _produce(client, emma, f"member:{mother.pk}")
    made = Innsyn.objects.get(case=emma)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:innsyn_detail", args=[emma.pk, made.pk])
    assert made.recipient_role == RecipientRole.PARENT and made.recipient_member_id == mother.pk
    assert made.kept == [] and made.flagged_count > 0
    pdf = client.get(reverse("cases:innsyn_pdf", args=[emma.pk, made.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="innsyn-{emma.pk}-{made.pk}.pdf"'
    text = pdf_text(pdf.content)
    assert mother.email in text  # the recipient's own
    assert father.email not in text and _member(emma, "Line Aas").email not in text
    assert any(w in text for w in WITHHELD)
    for section in ("Camilla Hansen", "Thomas Rønning", "Emma Hansen"):
        assert section in text


def test_a_kept_item_is_in_the_pdf(emma: Case) -> None:
    mother, father = _member(emma, "Camilla Hansen"), _member(emma, "Thomas Rønning")
    client = _client(_editor(emma))
    _produce(
        client, emma, f"member:{mother.pk}", keep=[f"network.networkmember:{father.pk}:email", "bogus:1:x"]
    )
    made = Innsyn.objects.get(case=emma)
    assert made.kept == [f"network.networkmember:{father.pk}:email"]  # an unknown key is dropped
    text = pdf_text(client.get(reverse("cases:innsyn_pdf", args=[emma.pk, made.pk])).content)
    assert father.email in text and _member(emma, "Line Aas").email not in text


def test_for_the_youth_every_parents_contact_details_are_withheld(emma: Case) -> None:
    client = _client(_editor(emma))
    _produce(client, emma, "youth")
    made = Innsyn.objects.get(case=emma)
    assert made.recipient_role == RecipientRole.YOUTH and made.recipient_name == "Emma Hansen"
    text = pdf_text(client.get(reverse("cases:innsyn_pdf", args=[emma.pk, made.pk])).content)
    assert _member(emma, "Camilla Hansen").email not in text


def test_the_sections_hold_everything_and_flag_statements(emma: Case) -> None:
    mother = _member(emma, "Camilla Hansen")
    recipient = rules.recipient_for(case=emma, role=RecipientRole.PARENT, member_id=mother.pk, name="")
    sections = rules.build_sections(case=emma, recipient=recipient)
    keys = [s.key for s in sections]
    assert keys[:2] == ["case", "measures"] and keys[-1] == "access"
    assert {"decisions", "network", "meetings", "access"} <= set(keys)
    reasons = {i.reason for s in sections for e in s.entries for i in e.items if i.reason}
    assert str(rules.CONTACT) in reasons and str(rules.INTERNAL) in reasons
    # Emma's network meeting: its internal notes (and what the room said) are flagged.
    keys = rules.flagged_keys(sections)
    assert any(k.startswith("meetings.meeting:") and k.endswith(":internal_notes") for k in keys)
    assert len(keys) == len(set(keys))  # each flagged item has a key of its own


def test_the_zip_holds_the_copy_and_the_plan(emma: Case) -> None:
    client = _client(_editor(emma))
    _produce(client, emma, "youth")
    made = Innsyn.objects.get(case=emma)
    response = client.get(reverse("cases:innsyn_zip", args=[emma.pk, made.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert f"innsyn-{emma.pk}.pdf" in names
    assert (f"tiltaksplan-{emma.pk}.pdf" in names) == hasattr(emma, "plan")


def test_producing_and_handing_over_are_audited_without_names(emma: Case) -> None:
    mother = _member(emma, "Camilla Hansen")
    editor = _editor(emma)
    client = _client(editor)
    _produce(client, emma, f"member:{mother.pk}")
    made = Innsyn.objects.get(case=emma)
    event = AuditEvent.objects.get(object_type="innsyn", action=AuditAction.EXPORT)
    assert event.actor == editor and event.object_id == str(made.pk)
    assert event.detail["recipient"] == "parent" and event.detail["case"] == emma.pk
    assert event.detail["redacted"] == made.flagged_count and event.detail["kept"] == 0
    assert "network" in event.detail["sections"]
    assert "Camilla" not in str(event.detail)
    url = reverse("cases:innsyn_detail", args=[emma.pk, made.pk])
    today = timezone.localdate()
    future = client.post(url, {"on": (today + timedelta(days=1)).isoformat(), "how": "post"})
    assert future.status_code == 200
    made.refresh_from_db()
    assert made.handed_over_on is None
    response = client.post(url, {"on": today.isoformat(), "how": "in_person"})
    assert response.status_code == 302
    made = Innsyn.objects.get(pk=made.pk)
    assert (made.handed_over_on, made.handed_over_how, made.handed_over_by) == (today, "in_person", editor)
    handover = AuditEvent.objects.get(object_type="innsyn", action=AuditAction.UPDATE)
    assert handover.detail == {"case": emma.pk, "handed_over": "in_person", "recipient": "parent"}
    again = client.post(url, {"on": today.isoformat(), "how": "post"})
    assert again.status_code == 200
    assert AuditEvent.objects.filter(object_type="innsyn", action=AuditAction.UPDATE).count() == 1
    page = client.get(reverse("cases:detail", args=[emma.pk])).content.decode()
    assert url in page  # the case's history names the handover


def test_who_may_not_edit_the_case_gets_404(emma: Case) -> None:
    service = emma.service
    researcher = make_user("forsker-x", service, Role.RESEARCHER)
    stranger = User.objects.get(username="nabo")
    reader = make_user("glass", service, Role.CASEWORKER)
    BreakGlassAccess.objects.create(
        case=emma, user=reader, reason="Akutt", expires_at=timezone.now() + timedelta(hours=1)
    )
    _produce(_client(_editor(emma)), emma, "youth")
    made = Innsyn.objects.get(case=emma)
    urls = [
        reverse("cases:innsyn", args=[emma.pk]),
        reverse("cases:innsyn_detail", args=[emma.pk, made.pk]),
        reverse("cases:innsyn_pdf", args=[emma.pk, made.pk]),
        reverse("cases:innsyn_zip", args=[emma.pk, made.pk]),
    ]
    for user in (researcher, stranger, reader):
        client = _client(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert _produce(client, emma, "youth").status_code == 404
    assert Innsyn.objects.filter(case=emma).count() == 1


def test_another_cases_copy_is_404(emma: Case) -> None:
    client = _client(_editor(emma))
    _produce(client, emma, "youth")
    made = Innsyn.objects.get(case=emma)
    other = Case.objects.filter(service=emma.service, caseworker=emma.caseworker).exclude(pk=emma.pk).first()
    assert other is not None
    assert client.get(reverse("cases:innsyn_detail", args=[other.pk, made.pk])).status_code == 404


def test_the_review_and_the_pdf_cost_a_bounded_number_of_queries(
    emma: Case, django_assert_max_num_queries: Any
) -> None:
    client = _client(_editor(emma))
    with django_assert_max_num_queries(60):
        client.post(reverse("cases:innsyn", args=[emma.pk]), {"step": "review", "recipient": "youth"})
    _produce(client, emma, "youth")
    made = Innsyn.objects.get(case=emma)
    with django_assert_max_num_queries(60):
        client.get(reverse("cases:innsyn_pdf", args=[emma.pk, made.pk]))


def _reaches_case(model: type[Model]) -> bool:
    """Whether `model` hangs on a case: a chain of foreign keys (or one-to-ones) ends at `Case`."""
    seen: set[type[Model]] = set()
    frontier = [model]
    while frontier:
        current = frontier.pop()
        if current in seen:
            continue
        seen.add(current)
        for f in current._meta.get_fields():
            target = getattr(f, "related_model", None)
            if not (f.many_to_one or f.one_to_one or f.many_to_many) or not f.concrete or target is None:
                continue
            if target is Case:
                return True
            if (
                isinstance(target, type)
                and issubclass(target, Model)
                and target._meta.app_label != "accounts"
            ):
                frontier.append(target)
    return False


def test_every_model_that_hangs_on_a_case_is_in_the_copy_or_excluded_with_a_reason() -> None:
    covered = {label for c in rules.contributors() for label in c.covers}
    excluded = set(rules.EXCLUDED)
    assert not covered & excluded
    missing = [
        m._meta.label_lower
        for m in apps.get_models()
        if _reaches_case(m) and m._meta.label_lower not in covered | excluded
    ]
    assert missing == []
    assert all(rules.EXCLUDED.values())
