"""The export and import pages: downloads, the upload form, and who may use them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import Service, User
from sirkel.audit.models import AuditAction, AuditEvent
from sirkel.cases.models import BreakGlassAccess, Case
from sirkel.network import services
from sirkel.network.exchange.schema import MAX_UPLOAD_BYTES
from sirkel.network.models import NetworkMember, NetworkTie
from sirkel.network.tests.test_exchange import THREE_PEOPLE, build_network, network_zip, person, tie
from sirkel.network.tests.test_exchange_network_canvas import export_zip
from sirkel.testing.fixtures import client_for, make_user


def english(user: User) -> Client:
    """A signed-in client that asks for English, so the tests can read the messages whatever is translated."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def upload(data: bytes, name: str = "nettverk.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


@pytest.fixture
def empty_case(make_case: Callable[..., Case], caseworker: User, service: Service) -> Case:
    return make_case(owner=caseworker, service=service, child_given_name="Ola")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "content_type", "suffix"),
    [
        ("csv", "application/zip", "_network_csv.zip"),
        ("graphml", "application/graphml+xml", "_network.graphml"),
    ],
)
def test_export_downloads_a_file_that_is_not_cached(
    case: Case, caseworker: User, fmt: str, content_type: str, suffix: str
) -> None:
    build_network(case, caseworker)
    response = client_for(caseworker).get(reverse("network:export", args=[case.pk]), {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="sirkel_{case.reference}{suffix}"'
    assert response["Cache-Control"] == "no-store"
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert len(archive.namelist()) == 3
    else:
        assert response.content.startswith(b"<?xml")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["format"] == fmt and event.detail["members"] == 4


@pytest.mark.django_db
def test_export_page_without_a_format_offers_both_and_a_wrong_format_is_a_bad_request(
    case: Case, caseworker: User
) -> None:
    client = client_for(caseworker)
    url = reverse("network:export", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{url}?format=csv" in html and f"{url}?format=graphml" in html
    assert reverse("network:import", args=[case.pk]) in html
    assert client.get(url, {"format": "xlsx"}).status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.django_db
def test_import_page_explains_the_format(case: Case, caseworker: User) -> None:
    services.add_member(acting_user=caseworker, case=case, name="Mor")
    response = client_for(caseworker).get(reverse("network:import", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for column in (
        "nodeID",
        "networkCanvasUUID",
        "ring",
        "support_appraisal",
        "networkCanvasSourceUUID",
        "kind",
    ):
        assert f"<code>{column}</code>" in html
    assert "_attributeList_person.csv" in html and "_edgeList_tie.csv" in html
    assert response.context["member_count"] == 1


@pytest.mark.django_db
def test_uploading_an_export_adds_the_network_and_says_so(
    case: Case, caseworker: User, empty_case: Case
) -> None:
    build_network(case, caseworker)
    client = english(caseworker)
    exported = client.get(reverse("network:export", args=[case.pk]), {"format": "csv"}).content
    url = reverse("network:import", args=[empty_case.pk])
    response = client.post(url, {"file": upload(exported)})
    assert response.status_code == 302 and response["Location"] == url
    assert NetworkMember.objects.filter(case=empty_case).count() == 4
    assert NetworkTie.objects.filter(case=empty_case).count() == 3
    page = client.get(url)
    assert [str(m) for m in page.context["messages"]] == ["Added to the network: 4 people and 3 ties."]
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.detail["outcome"] == "imported" and event.detail["via"] == "web"


@pytest.mark.django_db
def test_a_network_canvas_export_of_several_interviews_asks_which_and_then_says_what_it_kept(
    caseworker: User, empty_case: Case
) -> None:
    client = english(caseworker)
    url = reverse("network:import", args=[empty_case.pk])
    data = export_zip("merged")
    asked = client.post(url, {"file": upload(data)})
    assert asked.status_code == 200
    assert "case-A" in asked.content.decode() and "case-B" in asked.content.decode()
    assert 'name="interview"' in asked.content.decode()
    assert not NetworkMember.objects.filter(case=empty_case).exists()
    response = client.post(url, {"file": upload(data), "interview": "case-A"})
    assert response.status_code == 302
    assert sorted(NetworkMember.objects.filter(case=empty_case).values_list("name", flat=True)) == [
        "Bestemor",
        "Onkel",
    ]
    shown = [str(m) for m in client.get(url).context["messages"]]
    assert shown[0] == "Added to the network: 2 people and 1 tie."
    assert any("Family network study" in m for m in shown) and any("close" in m for m in shown[1:])


@pytest.mark.django_db
def test_a_bad_upload_lists_the_problems_and_imports_nothing(caseworker: User, empty_case: Case) -> None:
    data = network_zip(
        [person(nodeID="1"), person(nodeID="2"), person(nodeID="3", ring="4")],
        [tie(**{"from": "1", "to": "7"})],
    )
    response = english(caseworker).post(
        reverse("network:import", args=[empty_case.pk]), {"file": upload(data)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Row 4 in people (x_attributeList_person.csv): “ring” must be 1, 2 or 3." in html
    assert "Row 2 in ties (x_edgeList_tie.csv)" in html
    assert not NetworkMember.objects.filter(case=empty_case).exists()
    assert AuditEvent.objects.get(action=AuditAction.IMPORT).detail["outcome"] == "rejected"


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_read(caseworker: User, empty_case: Case) -> None:
    data = b"PK" + b"\0" * MAX_UPLOAD_BYTES
    response = client_for(caseworker).post(
        reverse("network:import", args=[empty_case.pk]), {"file": upload(data)}
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not NetworkMember.objects.filter(case=empty_case).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


@pytest.mark.django_db
def test_a_request_over_the_upload_limit_gets_a_page_that_says_so_with_the_limit_and_a_way_back(
    caseworker: User, empty_case: Case
) -> None:
    """Django refuses a form whose text passes DATA_UPLOAD_MAX_MEMORY_SIZE before any view runs."""
    client = english(caseworker)
    url = reverse("network:import", args=[empty_case.pk])
    page = f"http://testserver{url}"
    too_much = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        url, {"file": upload(network_zip(THREE_PEOPLE)), "comment": too_much}, headers={"Referer": page}
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "<h1>The file is too large</h1>" in html
    assert f"(at most {filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)})" in html
    assert "MB" in filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    assert f'<a href="{page}">' in html
    assert "Sign out" in html  # Sirkel's own layout, still signed in
    assert not NetworkMember.objects.filter(case=empty_case).exists()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_way_back_from_a_bad_request_never_leads_to_another_site(
    caseworker: User, empty_case: Case
) -> None:
    response = english(caseworker).post(
        reverse("network:import", args=[empty_case.pk]),
        {"comment": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
        headers={"Referer": "https://example.invalid/phish", "HX-Request": "true"},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "example.invalid" not in html
    assert f'<a href="{reverse("home")}">' in html
    # The message the network pages announce when an htmx request is refused like this.
    assert "<p data-error-message>What you sent is larger than Sirkel accepts at once" in html


@pytest.mark.django_db
def test_other_bad_requests_get_a_plain_page_too(caseworker: User, empty_case: Case) -> None:
    fields = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = english(caseworker).post(reverse("network:import", args=[empty_case.pk]), fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>The request could not be read</h1>" in html and "Bad Request (400)" not in html


@pytest.mark.django_db
def test_an_upload_that_is_not_a_zip_is_explained(caseworker: User, empty_case: Case) -> None:
    response = english(caseworker).post(
        reverse("network:import", args=[empty_case.pk]),
        {"file": upload(b"name,ring\r\nMor,1\r\n", "personer.csv")},
    )
    assert "This is not a zip file." in response.content.decode()
    assert not NetworkMember.objects.filter(case=empty_case).exists()


@pytest.fixture(params=["outsider", "teammate", "researcher"])
def stranger(request: pytest.FixtureRequest) -> User:
    """Someone who may not see the case: another service's leader, an unassigned colleague, a researcher."""
    user: User = request.getfixturevalue(request.param)
    return user


@pytest.mark.django_db
def test_who_may_not_see_the_case_gets_404_on_every_route(
    case: Case, caseworker: User, stranger: User
) -> None:
    build_network(case, caseworker)
    client = client_for(stranger)
    export_url = reverse("network:export", args=[case.pk])
    import_url = reverse("network:import", args=[case.pk])
    assert client.get(export_url).status_code == 404
    assert client.get(export_url, {"format": "csv"}).status_code == 404
    assert client.get(export_url, {"format": "graphml"}).status_code == 404
    assert client.get(import_url).status_code == 404
    response = client.post(import_url, {"file": upload(network_zip(THREE_PEOPLE))})
    assert response.status_code == 404
    assert NetworkMember.objects.filter(case=case).count() == 4
    assert not AuditEvent.objects.filter(action__in=[AuditAction.EXPORT, AuditAction.IMPORT]).exists()
    assert not AuditEvent.objects.filter(actor=stranger).exists()


@pytest.mark.django_db
def test_a_case_that_does_not_exist_is_404(caseworker: User) -> None:
    assert (
        client_for(caseworker).get(reverse("network:export", args=[999_999]), {"format": "csv"}).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_leader_may_export_and_import(case: Case, leader: User) -> None:
    client = client_for(leader)
    assert client.get(reverse("network:export", args=[case.pk]), {"format": "graphml"}).status_code == 200
    response = client.post(
        reverse("network:import", args=[case.pk]), {"file": upload(network_zip(THREE_PEOPLE))}
    )
    assert response.status_code == 302
    assert NetworkMember.objects.filter(case=case).count() == 3


@pytest.mark.django_db
def test_break_glass_may_export_but_not_import(case: Case, service: Service) -> None:
    on_duty = make_user("onduty", service, "caseworker")
    BreakGlassAccess.objects.create(
        case=case,
        user=on_duty,
        reason="Vakt: akutt henvendelse",
        expires_at=timezone.now() + timedelta(hours=2),
    )
    client = client_for(on_duty)
    assert client.get(reverse("network:export", args=[case.pk]), {"format": "csv"}).status_code == 200
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["basis"] == "break_glass"
    assert client.get(reverse("network:import", args=[case.pk])).status_code == 404
    response = client.post(
        reverse("network:import", args=[case.pk]), {"file": upload(network_zip(THREE_PEOPLE))}
    )
    assert response.status_code == 404
    assert not NetworkMember.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_pages_need_a_login(case: Case) -> None:
    for name in ("network:export", "network:import"):
        response = Client().get(reverse(name, args=[case.pk]), {"format": "csv"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_import_page_reads_in_a_fixed_number_of_queries(case: Case, caseworker: User) -> None:
    client = client_for(caseworker)
    url = reverse("network:import", args=[case.pk])
    client.get(url)  # warm up the session and the user's roles

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    empty = count()
    build_network(case, caseworker)
    assert count() == empty
