"""The load test's simulated caseworkers (locust), driven by bench/load.py; see bench/README.md.

Each simulated caseworker is signed in as a different real caseworker of the generated data (the
identities bench/load_setup.py wrote, file in SIRKEL_LOAD_USERS) and makes about one request a second
(`constant_throughput(1)`), a mix of a working day: mostly opening their own cases and the case list,
now and then a search, the network page of a case they work on, and adding a person to that network
(a form POST with its CSRF token and submission token, answered by a redirect). Any answer other than
the expected status is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from typing import Any

from locust import FastHttpUser, constant_throughput, task

with open(os.environ["SIRKEL_LOAD_USERS"], encoding="utf-8") as _file:
    DATA: dict[str, Any] = json.load(_file)
_NEXT = itertools.count()
_SIDES = [("private", "family", "mormor"), ("private", "friends", "nabo"), ("public", "school", "lærer")]


class Caseworker(FastHttpUser):
    wait_time = constant_throughput(1)

    def on_start(self) -> None:
        identities = DATA["identities"]
        self.me = identities[next(_NEXT) % len(identities)]
        self.rng = random.Random(hash(self.me["session"]))
        self.headers = {
            "Cookie": f"sessionid={self.me['session']}; csrftoken={self.me['csrf']}",
            "X-CSRFToken": self.me["csrf"],
        }

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(40)
    def case_page(self) -> None:
        self._get(self.rng.choice(self.me["cases"]), "case page")

    @task(20)
    def case_list(self) -> None:
        self._get(DATA["case_list"], "case list")

    @task(5)
    def search(self) -> None:
        terms = self.me["search"] or ["a"]
        self._get(f"{DATA['case_list']}?q={self.rng.choice(terms)}", "case list search")

    @task(15)
    def network_page(self) -> None:
        self._get(self.me["network"], "network page")

    @task(5)
    def add_person(self) -> None:
        side, sector, relation = self.rng.choice(_SIDES)
        form = {
            "name": f"Person {self.rng.randrange(10_000)}",
            "relation": relation,
            "side": side,
            "sector": sector,
            "ring": str(self.rng.randint(1, 3)),
            "support": "practical",
            "valence": "resource",
            "submission_token": str(uuid.uuid4()),
        }
        with self.client.post(
            self.me["member_add"],
            data=form,
            headers=self.headers,
            name="add a person to the network",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
