"""Which database a read goes to (config/db_router.py), without a replica: the decisions themselves.

The router and middleware are called directly, as Django would with DATABASE_REPLICA_URL set; the
real streaming replica is tests/test_read_replica.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from brands.models import ApiToken, Shortlist
from config.db_router import PIN_COOKIE, PRIMARY, REPLICA, ReadReplicaMiddleware, ReplicaRouter
from influencers.models import Influencer, Post

ROOT = Path(__file__).resolve().parents[1]
router = ReplicaRouter()
factory = RequestFactory()


@pytest.fixture(autouse=True)
def _replica_paths(settings):
    # The defaults of config/settings.py, also when the suite runs with a replica configured (conftest.py).
    settings.DATABASE_REPLICA_PATHS = ("/influencers/", "/api/v1/")
    settings.DATABASE_REPLICA_PIN_SECONDS = 10


class Recorder:
    """A view that reads the given models (and writes some) and records where each read went."""

    def __init__(self, reads: tuple[type[Model], ...] = (Influencer,), writes: tuple[type[Model], ...] = ()) -> None:
        self.reads, self.writes = reads, writes
        self.seen: list[str] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for model in self.writes:
            assert router.db_for_write(model) == PRIMARY
        self.seen = [router.db_for_read(model) for model in self.reads]
        return HttpResponse("ok")


def serve(request: HttpRequest, view: Recorder | None = None) -> tuple[list[str], HttpResponse]:
    view = view or Recorder()
    response = ReadReplicaMiddleware(view)(request)
    return view.seen, response


def carry_cookies(response: HttpResponse) -> dict[str, str]:
    return {name: morsel.value for name, morsel in response.cookies.items()}


def test_reads_outside_a_request_go_to_the_primary():
    # Celery tasks, management commands and the shell never pass through the middleware.
    assert router.db_for_read(Influencer) == PRIMARY
    assert router.db_for_write(Influencer) == PRIMARY


@pytest.mark.parametrize("path", ["/influencers/", "/influencers/sanne.bakker/", "/api/v1/influencers/"])
def test_discovery_profile_and_api_reads_go_to_the_replica(path):
    seen, response = serve(factory.get(path), Recorder(reads=(Influencer, Post, Shortlist)))

    assert seen == [REPLICA, REPLICA, REPLICA]
    assert PIN_COOKIE not in response.cookies


def test_logins_sessions_and_api_keys_are_always_read_from_the_primary():
    # A lagging copy of these would log a user out or accept a revoked key.
    seen, _ = serve(factory.get("/api/v1/influencers/"), Recorder(reads=(get_user_model(), Session, ApiToken)))

    assert seen == [PRIMARY, PRIMARY, PRIMARY]


@pytest.mark.parametrize("path", ["/admin/influencers/influencer/", "/brand/shortlists/", "/me/", "/healthz"])
def test_other_pages_read_the_primary(path):
    seen, _ = serve(factory.get(path))

    assert seen == [PRIMARY]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_request_reads_the_primary_and_pins_the_client(method):
    seen, response = serve(getattr(factory, method)("/api/v1/shortlists/"))

    assert seen == [PRIMARY]
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_pinned_client_reads_the_primary_and_another_client_the_replica():
    _, write = serve(factory.post("/api/v1/shortlists/"))

    pinned = factory.get("/api/v1/shortlists/")
    pinned.COOKIES.update(carry_cookies(write))
    assert serve(pinned)[0] == [PRIMARY]
    assert serve(factory.get("/api/v1/shortlists/"))[0] == [REPLICA]


def test_the_pin_ends_after_the_window(monkeypatch):
    _, write = serve(factory.post("/api/v1/shortlists/"))
    later = time.time() + 11
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    request = factory.get("/api/v1/shortlists/")
    request.COOKIES.update(carry_cookies(write))
    assert serve(request)[0] == [REPLICA]


def test_a_forged_pin_cookie_is_ignored():
    request = factory.get("/influencers/")
    request.COOKIES[PIN_COOKIE] = "1"

    assert serve(request)[0] == [REPLICA]


def test_an_api_key_that_wrote_is_pinned_without_cookies():
    # Scripts with `Authorization: Token …` often keep no cookies: the pin follows the header (in the cache).
    serve(factory.post("/api/v1/shortlists/", HTTP_AUTHORIZATION="Token writer-key"))

    assert serve(factory.get("/api/v1/shortlists/", HTTP_AUTHORIZATION="Token writer-key"))[0] == [PRIMARY]
    assert serve(factory.get("/api/v1/shortlists/", HTTP_AUTHORIZATION="Token other-key"))[0] == [REPLICA]


def test_a_write_during_a_read_sends_the_rest_of_the_request_to_the_primary_and_pins():
    seen, response = serve(factory.get("/influencers/"), Recorder(writes=(Shortlist,)))

    assert seen == [PRIMARY]
    assert PIN_COOKIE in response.cookies


def test_bookkeeping_writes_of_primary_only_tables_pin_nobody():
    # An API key's last use is written once a minute on a GET; its reads are the primary's anyway.
    seen, response = serve(factory.get("/api/v1/influencers/"), Recorder(writes=(ApiToken, Session)))

    assert seen == [REPLICA]
    assert PIN_COOKIE not in response.cookies


def test_reads_inside_a_transaction_go_to_the_primary(monkeypatch):
    # transaction.atomic and select_for_update: a transaction reads what it is about to write.
    monkeypatch.setattr(connections[PRIMARY], "in_atomic_block", True)

    assert serve(factory.get("/influencers/"))[0] == [PRIMARY]


def test_the_routing_ends_with_the_request():
    serve(factory.get("/influencers/"))

    assert router.db_for_read(Influencer) == PRIMARY


def test_rows_from_both_databases_may_be_related_and_the_replica_is_never_migrated():
    on_primary, on_replica = Influencer(), Influencer()
    on_primary._state.db, on_replica._state.db = PRIMARY, REPLICA

    assert router.allow_relation(on_primary, on_replica) is True
    assert router.allow_migrate(REPLICA, "influencers") is False
    assert router.allow_migrate(PRIMARY, "influencers") is None


SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "replica_test": settings.DATABASES.get("replica", {}).get("TEST", {}),
    "replica_options": settings.DATABASES.get("replica", {}).get("OPTIONS", {}),
    "routers": settings.DATABASE_ROUTERS,
    "middleware": [m for m in settings.MIDDLEWARE if "db_router" in m],
}))
"""


def settings_with(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_url_nothing_is_routed():
    shown = settings_with(DATABASE_URL="sqlite:///demo.sqlite3")

    assert shown == {"aliases": ["default"], "replica_test": {}, "replica_options": {}, "routers": [], "middleware": []}


def test_a_replica_url_adds_the_alias_router_and_middleware_and_tests_mirror_the_primary():
    shown = settings_with(
        DATABASE_URL="postgres://app@primary.internal:5432/invloed",
        DATABASE_REPLICA_URL="postgres://app@replica.internal:5432/invloed",
    )

    assert shown["aliases"] == ["default", "replica"]
    assert shown["replica_test"]["MIRROR"] == "default"
    assert shown["replica_options"] == {"options": "-c jit=off"}  # the same connection options as the primary
    assert shown["routers"] == ["config.db_router.ReplicaRouter"]
    assert shown["middleware"] == ["config.db_router.ReadReplicaMiddleware"]
