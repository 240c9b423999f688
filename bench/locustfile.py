"""Locust users for `make bench BENCH_ARGS="--only load"` (run by bench/load.py).

Each simulated person signs in through the form once, then reads the feed, opens the
relationships page and a relationship, publishes items through the REST API with their
own token, and answers their round through their personal link: on the answer form
(read it, post every statement) and through REST (``PUT /api/v1/responses/{token}``).
Answering again replaces the earlier answers while the round is open, as a respondent
who changes their mind does. ``LOAD_ACCOUNTS`` (JSON: email, password, token, answer
link token) comes from the bench.
``LOAD_ONLY_HEALTHZ=1`` makes every user poll ``/healthz`` instead (the baseline).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

ACCOUNTS = json.loads(os.environ.get("LOAD_ACCOUNTS", "[]"))
_next = itertools.count()
ONLY_HEALTHZ = os.environ.get("LOAD_ONLY_HEALTHZ") == "1"


class Person(HttpUser):
    wait_time = between(0.0, 0.1)

    def on_start(self) -> None:
        if ONLY_HEALTHZ:
            return
        self.account = ACCOUNTS[next(_next) % len(ACCOUNTS)]
        page = self.client.get("/login", name="/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        self.client.post(
            "/login",
            data={
                "email": self.account["email"],
                "password": self.account["password"],
                "csrf_token": csrf[1] if csrf else "",
            },
            allow_redirects=False,
            name="POST /login",
        )
        self.bearer = {"Authorization": f"Bearer {self.account['token']}"}
        self.posted = 0
        self.answer = self.account.get("answer")
        self.statements: list[str] = []
        self.scale = 5

    @task(1)
    def healthz(self) -> None:
        if ONLY_HEALTHZ:
            self.client.get("/healthz", name="/healthz")

    @task(4)
    def feed(self) -> None:
        if not ONLY_HEALTHZ:
            self.client.get("/feed", name="/feed")

    @task(2)
    def relationships(self) -> None:
        if not ONLY_HEALTHZ:
            self.client.get("/relationships", name="/relationships")

    @task(2)
    def relationship(self) -> None:
        if not ONLY_HEALTHZ and self.account.get("relationship"):
            a, b = self.account["relationship"]
            self.client.get(f"/relationships/{a}/{b}", name="/relationships/{a}/{b}")

    @task(1)
    def post_item(self) -> None:
        if ONLY_HEALTHZ:
            return
        self.posted += 1
        self.client.post(
            "/api/v1/items",
            json={
                "title": f"Load note {self.posted}",
                "body": "Posted by the load test.",
                "audience": {"level": "partners"},
            },
            headers=self.bearer,
            name="POST /api/v1/items",
        )

    @task(2)
    def api_feed(self) -> None:
        if not ONLY_HEALTHZ:
            self.client.get("/api/v1/feed", headers=self.bearer, name="/api/v1/feed")

    @task(1)
    def answer_form(self) -> None:
        if ONLY_HEALTHZ or not self.answer:
            return
        page = self.client.get(f"/answer/{self.answer}", name="/answer/{token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        choices: dict[str, int] = {}
        for statement, value in re.findall(r'name="item-([^"]+)" value="(\d+)"', page.text):
            choices[statement] = max(choices.get(statement, 0), int(value))
        if not choices:
            return
        self.client.post(
            f"/answer/{self.answer}",
            data={
                "csrf_token": csrf[1] if csrf else "",
                **{f"item-{s}": str(random.randint(1, k)) for s, k in choices.items()},
            },
            allow_redirects=False,
            name="POST /answer/{token}",
        )

    @task(1)
    def answer_rest(self) -> None:
        if ONLY_HEALTHZ or not self.answer:
            return
        # The link alone authorises the answer; the token header only keeps the browser's
        # session cookie from making this a cookie-authenticated call (which needs CSRF).
        if not self.statements:
            form = self.client.get(
                f"/api/v1/responses/{self.answer}",
                headers=self.bearer,
                name="/api/v1/responses/{token}",
            )
            if form.status_code != 200:
                return
            body = form.json()
            self.statements = [item["id"] for item in body["items"]]
            self.scale = body["scale"]
        self.client.put(
            f"/api/v1/responses/{self.answer}",
            json={"answers": {s: random.randint(1, self.scale) for s in self.statements}},
            headers=self.bearer,
            name="PUT /api/v1/responses/{token}",
        )
