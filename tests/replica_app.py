"""The Django side of tests/test_read_replica.py, run as `python -m tests.replica_app <step>`.

Its environment points DATABASE_URL at the private primary and DATABASE_REPLICA_URL at its standby,
so the settings install the router exactly as in production. Each step prints one JSON line: what
each request answered and which connection ("default" or "replica") ran which statements.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import django
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment

HANDLE = "lotte.replica"
SHORTLIST = "Autumn launch"


@contextmanager
def statements_by_alias() -> Iterator[dict[str, list[str]]]:
    """The SQL each connection runs inside the block."""
    seen: dict[str, list[str]] = {"default": [], "replica": []}

    def recorder(alias: str) -> Callable[..., Any]:
        def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            seen[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in seen:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield seen


def request(client: Client, method: str, path: str, **data: Any) -> dict[str, Any]:
    with statements_by_alias() as seen:
        answer = client.get(path) if method == "get" else client.post(path, data, content_type="application/json")
    return {
        "status": answer.status_code,
        "body": answer.content.decode(),
        "pinned": "invloed_primary" in answer.cookies,
        "default": seen["default"],
        "replica": seen["replica"],
    }


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def setup() -> dict[str, Any]:
    from tests.factories import BrandFactory, BrandMemberFactory, InfluencerFactory, SocialAccountFactory

    call_command("migrate", verbosity=0)
    brand = BrandFactory(name="Noorderlicht Koffie", slug="noorderlicht")
    BrandMemberFactory(brand=brand, user__username="anna")
    BrandMemberFactory(brand=brand, user__username="carl", role="member")
    SocialAccountFactory(influencer=InfluencerFactory(handle=HANDLE, display_name="Lotte Replica"))
    return {
        "default_in_recovery": in_recovery("default"),
        "replica_in_recovery": in_recovery("replica"),
    }


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def scenario() -> dict[str, Any]:
    """While the standby replays nothing: Anna reads, writes, reads again; Carl (same brand) reads."""
    anna, carl = client_for("anna"), client_for("carl")
    return {
        "anna_discovery": request(anna, "get", "/api/v1/influencers/"),
        "anna_profile": request(anna, "get", f"/influencers/{HANDLE}/"),
        "anna_creates": request(anna, "post", "/api/v1/shortlists/", name=SHORTLIST),
        "anna_reads_after_writing": request(anna, "get", "/api/v1/shortlists/"),
        "carl_reads": request(carl, "get", "/api/v1/shortlists/"),
    }


def carl_reads() -> dict[str, Any]:
    return {"carl_reads": request(client_for("carl"), "get", "/api/v1/shortlists/")}


STEPS = {"setup": setup, "scenario": scenario, "carl-reads": carl_reads}

if __name__ == "__main__":
    django.setup()
    setup_test_environment()  # the test client's host name, in-memory email
    print(json.dumps(STEPS[sys.argv[1]]()))
