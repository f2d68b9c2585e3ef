"""A POST sent twice with the same Idempotency-Key creates one object: the repeat is sent to it."""

from __future__ import annotations

import pytest

from sirkel.accounts.models import User
from sirkel.cases.models import Case
from sirkel.network.models import NetworkMember
from sirkel.testing.fixtures import api_client_for

MEMBER = {"name": "Randi Hansen", "side": "private", "sector": "family", "ring": 2, "relation": "Tante"}


def members(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/network/members/"


@pytest.mark.django_db
def test_a_repeated_post_creates_one_object_and_is_sent_to_it(caseworker: User, case: Case) -> None:
    client = api_client_for(caseworker)
    first = client.post(members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert first["Location"] == f"{members(case)}{first.json()['id']}/"
    again = client.post(members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 303
    assert again["Location"] == first["Location"]
    assert NetworkMember.objects.filter(case=case, name="Randi Hansen").count() == 1
    followed = client.get(again["Location"])
    assert followed.status_code == 200 and followed.json()["id"] == first.json()["id"]


@pytest.mark.django_db
def test_without_a_key_or_with_a_new_key_each_post_creates(caseworker: User, case: Case) -> None:
    client = api_client_for(caseworker)
    client.post(members(case), MEMBER, content_type="application/json")
    client.post(members(case), MEMBER, content_type="application/json")
    client.post(members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a")
    client.post(members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="b")
    assert NetworkMember.objects.filter(case=case, name="Randi Hansen").count() == 4


@pytest.mark.django_db
def test_the_same_key_for_another_request_is_refused(caseworker: User, case: Case) -> None:
    client = api_client_for(caseworker)
    client.post(members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    other = client.post(
        members(case), {**MEMBER, "name": "Ola"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert not NetworkMember.objects.filter(case=case, name="Ola").exists()


@pytest.mark.django_db
def test_a_refused_request_gives_its_key_back(caseworker: User, case: Case) -> None:
    client = api_client_for(caseworker)
    bad = client.post(members(case), {"name": ""}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert bad.status_code == 400
    fixed = client.post(members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert fixed.status_code == 201
    same_again = client.post(
        members(case), {"name": ""}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert same_again.status_code == 400  # not 303 or 422: the first attempt left no claim


@pytest.mark.django_db
def test_keys_are_per_user_and_a_bad_key_is_a_400(caseworker: User, leader: User, case: Case) -> None:
    api_client_for(caseworker).post(
        members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    by_leader = api_client_for(leader).post(
        members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert by_leader.status_code == 201
    bad = api_client_for(caseworker).post(
        members(case), MEMBER, content_type="application/json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert bad.status_code == 400
    assert "Idempotency-Key" in bad.json()["errors"]
