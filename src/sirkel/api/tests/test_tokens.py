"""Personal access tokens: made on the account page or by an operator, shown once, stored as a hash,
acting as their user, and stopping when they expire, are revoked, or their user signs out everywhere,
is deactivated or loses every role."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from sirkel.accounts.models import ApiToken, Membership, User
from sirkel.accounts.services import logout_everywhere
from sirkel.accounts.tokens import create_token, revoke_token
from sirkel.audit.models import AuditEvent
from sirkel.cases.models import Case
from sirkel.testing.fixtures import client_for

CASES = "/api/v1/cases/"


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_only_a_hash_of_the_secret_is_stored_and_the_secret_works(caseworker: User, case: Case) -> None:
    token, secret = create_token(user=caseworker, name="Fagsystem")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith("sirkel_") and len(secret) > 40
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.digest, stored.prefix, stored.name}
    response = bearer(secret).get(CASES)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [case.pk]
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.django_db
def test_without_a_token_the_api_answers_401_problem_never_a_redirect(case: Case) -> None:
    for client in (
        Client(),
        Client(HTTP_AUTHORIZATION="Bearer sirkel_not-a-real-token"),
        Client(HTTP_AUTHORIZATION="Basic abc"),
    ):
        response = client.get(CASES, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["status"] == 401


@pytest.mark.django_db
def test_a_session_cookie_does_not_open_the_api(caseworker: User, case: Case) -> None:
    response = client_for(caseworker).get(CASES)
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ending", ["revoked", "expired", "signed_out_everywhere", "deactivated", "no_role_left"]
)
def test_a_token_stops_working(ending: str, caseworker: User, case: Case) -> None:
    token, secret = create_token(user=caseworker, name="Rapport")
    assert bearer(secret).get(CASES).status_code == 200
    if ending == "revoked":
        revoke_token(user=caseworker, token_id=token.pk)
    elif ending == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif ending == "signed_out_everywhere":
        logout_everywhere(user=caseworker)
    elif ending == "deactivated":
        User.objects.filter(pk=caseworker.pk).update(is_active=False)
    else:
        Membership.objects.filter(user=caseworker).delete()
    response = bearer(secret).get(CASES)
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


@pytest.mark.django_db
def test_a_token_acts_with_its_users_roles_as_they_are_now(
    caseworker: User, leader: User, make_case: object, case: Case, teammate: User
) -> None:
    other = make_case(owner=teammate, service=case.service)  # type: ignore[operator]
    _token, secret = create_token(user=leader, name="Leder")
    assert {c["id"] for c in bearer(secret).get(CASES).json()["results"]} == {case.pk, other.pk}
    Membership.objects.filter(user=leader).update(role="caseworker")
    # As a caseworker the former leader sees neither case: they own none and are assigned to none.
    assert bearer(secret).get(CASES).json()["results"] == []
    assert bearer(secret).get(f"{CASES}{case.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_read_only_token_may_read_but_not_write(caseworker: User, case: Case) -> None:
    _token, secret = create_token(user=caseworker, name="Les", read_only=True)
    client = bearer(secret)
    assert client.get(f"{CASES}{case.pk}/").status_code == 200
    response = client.patch(
        f"{CASES}{case.pk}/", {"version": case.version, "language": "somali"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    case.refresh_from_db()
    assert case.language == ""


@pytest.mark.django_db
def test_api_reads_are_audited_with_the_token_and_shown_to_leaders(
    caseworker: User, leader: User, case: Case
) -> None:
    token, secret = create_token(user=caseworker, name="Flyt")
    assert bearer(secret).get(f"{CASES}{case.pk}/").status_code == 200
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), actor=caseworker).latest(
        "id"
    )
    assert event.detail["via"] == "api" and event.detail["token"] == token.pk
    bearer(secret).get(CASES)
    listed = AuditEvent.objects.filter(object_type="case", action="list", actor=caseworker).latest("id")
    assert listed.detail["via"] == "api" and listed.detail["cases"] == [case.pk]
    page = client_for(leader)
    page.cookies["django_language"] = "en"
    log = page.get(reverse("cases:access_log", args=[case.pk]))
    assert "through the API, token “Flyt”" in log.content.decode()


@pytest.mark.django_db
def test_page_requests_after_an_api_request_are_not_marked_as_api(caseworker: User, case: Case) -> None:
    _token, secret = create_token(user=caseworker, name="Flyt")
    bearer(secret).get(f"{CASES}{case.pk}/")
    client_for(caseworker).get(reverse("cases:detail", args=[case.pk]))
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).latest("id")
    assert "via" not in event.detail


@pytest.mark.django_db
def test_api_messages_are_bokmal_unless_english_is_asked_for(case: Case) -> None:
    nb = Client().get(CASES).json()
    en = Client().get(CASES, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["title"] == "Not signed in"
    assert nb["title"] != en["title"] and nb["detail"] != en["detail"]


@pytest.mark.django_db
def test_an_unknown_api_url_is_a_404_problem() -> None:
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_token_use_is_rate_limited(caseworker: User, case: Case) -> None:
    _token, secret = create_token(user=caseworker, name="Flyt")
    client = bearer(secret)
    rest = {"REST_FRAMEWORK": {"DEFAULT_THROTTLE_RATES": {"token": "2/min"}}}
    from django.conf import settings

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rest["REST_FRAMEWORK"]}):
        from django.core.cache import cache

        cache.clear()
        assert [client.get(CASES).status_code for _ in range(3)] == [200, 200, 429]
        response = client.get(CASES)
        assert response["Content-Type"] == "application/problem+json"
        assert int(response["Retry-After"]) > 0
    cache.clear()


# --- The operator's command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_the_token_alone_on_the_last_line(caseworker: User, case: Case) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api", "token", "--user", caseworker.username, "--name", "Flyt", "--days", "7", stdout=out, stderr=err
    )
    secret = out.getvalue().splitlines()[-1]
    token = ApiToken.objects.get(user=caseworker)
    assert (token.name, token.read_only) == ("Flyt", False)
    assert token.expires_at - token.created_at == datetime.timedelta(days=7)
    assert secret not in err.getvalue()
    assert bearer(secret).get(CASES).status_code == 200


@pytest.mark.django_db
def test_the_command_makes_read_only_tokens_and_refuses_unknown_users(caseworker: User) -> None:
    out = io.StringIO()
    call_command(
        "api", "token", "--user", caseworker.username, "--read-only", stdout=out, stderr=io.StringIO()
    )
    assert ApiToken.objects.get(user=caseworker).read_only
    with pytest.raises(CommandError, match="no user named"):
        call_command("api", "token", "--user", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="1 to 365"):
        call_command(
            "api",
            "token",
            "--user",
            caseworker.username,
            "--days",
            "0",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


# --- The account page -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_made_on_the_account_page_is_shown_once_then_listed_and_revocable(
    caseworker: User, case: Case
) -> None:
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("accounts:api_token_create"), {"name": "Flyt", "access": "write", "days": "30"}, follow=True
    )
    html = response.content.decode()
    token = ApiToken.objects.get(user=caseworker)
    assert "shown only this once" in html
    secret = html.split('id="new-token-secret"')[1].split('value="')[1].split('"')[0]
    assert bearer(secret).get(CASES).status_code == 200
    again = client.get(reverse("accounts:account")).content.decode()
    assert secret not in again and "Flyt" in again and "Read and write" in again
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert bearer(secret).get(CASES).status_code == 401
    assert "Revoked" in client.get(reverse("accounts:account")).content.decode()


@pytest.mark.django_db
def test_a_token_form_with_errors_keeps_the_input_and_says_why(caseworker: User) -> None:
    client = client_for(caseworker)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:api_token_create"), {"name": "", "access": "read", "days": "30"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_nobody_can_revoke_someone_elses_token(caseworker: User, teammate: User) -> None:
    token, secret = create_token(user=teammate, name="Hers")
    response = client_for(caseworker).post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_a_body_over_the_upload_limit_is_a_413_problem(
    caseworker: User, case: Case, settings: object
) -> None:
    _token, secret = create_token(user=caseworker, name="Flyt", read_only=False)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # type: ignore[attr-defined]
    response = bearer(secret).post(CASES, {"child_given_name": "x" * 500}, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_malformed_json_is_a_400_problem(caseworker: User, case: Case) -> None:
    _token, secret = create_token(user=caseworker, name="Flyt", read_only=False)
    response = bearer(secret).post(CASES, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


@pytest.mark.django_db
def test_the_account_page_costs_the_same_queries_with_one_token_or_many(caseworker: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(caseworker)
    create_token(user=caseworker, name="one")
    client.get(reverse("accounts:account"))  # the session is warm
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("accounts:account")).status_code == 200
    for i in range(5):
        create_token(user=caseworker, name=f"more {i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("accounts:account")).status_code == 200
    assert len(many) == len(one) <= 12


@pytest.mark.django_db
def test_an_api_request_costs_a_bounded_number_of_queries(caseworker: User, case: Case) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _token, secret = create_token(user=caseworker, name="Flyt")
    client = bearer(secret)
    client.get(f"{CASES}{case.pk}/")  # "last used" is written on the first request of the minute
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{CASES}{case.pk}/").status_code == 200
    # token and user, roles, the case, the audit event (3 statements), assignments
    assert len(queries) <= 9, [q["sql"] for q in queries]
