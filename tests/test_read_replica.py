"""Reads go to a real streaming replica, and a user who just wrote reads the primary (read-your-own-writes).

A private primary and hot standby (tests/replica_cluster.py) on ports the kernel picks, so the test needs
no reserved range and runs beside others. The app runs in a subprocess whose DATABASE_URL and
DATABASE_REPLICA_URL point at them (tests/replica_app.py), which is exactly how production installs the
router. While the standby's replay is paused, a write reaches only the primary: whoever sees it read the
primary, whoever does not read the standby.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.reliability.procs import ROOT, child_env
from tests.replica_cluster import StreamingReplica, missing_binaries
from tests.services import services_required

from .replica_app import HANDLE, SHORTLIST

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster() -> Iterator[StreamingReplica]:
    reason = missing_binaries()
    if reason is not None:
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)
    pair = StreamingReplica()
    try:
        pair.on_primary("CREATE DATABASE invloed")
        yield pair
    finally:
        pair.destroy()


def app(cluster: StreamingReplica, step: str) -> dict:
    env = child_env(
        DATABASE_URL=cluster.primary_url("invloed"),
        DATABASE_REPLICA_URL=cluster.standby_url("invloed"),
        DB_CONN_MAX_AGE="0",
    )
    env.pop("CELERY_BROKER_URL", None)  # tasks, if any, run in-process against the private primary
    result = subprocess.run(
        [sys.executable, "-m", "tests.replica_app", step],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def reads(statements: list[str], table: str) -> bool:
    return any(f'"{table}"' in sql for sql in statements)


def only_who_is_asking(statements: list[str]) -> bool:
    """Every statement is the session or the signed-in user (whose query joins their profile and brand)."""
    return all('FROM "django_session"' in sql or 'FROM "auth_user"' in sql for sql in statements)


def shortlist_names(answer: dict) -> list[str]:
    assert answer["status"] == 200, answer["body"][:500]
    return [row["name"] for row in json.loads(answer["body"])["results"]]


def test_reads_use_the_replica_until_the_reader_writes(cluster: StreamingReplica) -> None:
    setup = app(cluster, "setup")
    assert setup == {"default_in_recovery": False, "replica_in_recovery": True}, "the alias is the standby"
    cluster.wait_until_caught_up()
    cluster.pause_replay()
    try:
        seen = app(cluster, "scenario")
    finally:
        cluster.resume_replay()

    # (a) Discovery (API) and a profile page: the creator rows come from the standby, sessions from the primary.
    for name in ("anna_discovery", "anna_profile"):
        answer = seen[name]
        assert answer["status"] == 200, answer["body"][:500]
        assert HANDLE in answer["body"]
        assert reads(answer["replica"], "influencers_influencer")
        assert reads(answer["default"], "django_session")
        assert only_who_is_asking(answer["default"]), answer["default"]
        assert not answer["pinned"]

    # (b) Anna writes: the primary, and her answer pins her to it.
    created = seen["anna_creates"]
    assert created["status"] == 201, created["body"][:500]
    assert created["pinned"]
    assert created["replica"] == []
    # Her next read shows her write at once, though the standby has not replayed it.
    after = seen["anna_reads_after_writing"]
    assert shortlist_names(after) == [SHORTLIST]
    assert after["replica"] == []
    assert reads(after["default"], "brands_shortlist")

    # (c) Carl, of the same brand, wrote nothing: he reads the standby, which does not have it yet.
    carl = seen["carl_reads"]
    assert shortlist_names(carl) == []
    assert reads(carl["replica"], "brands_shortlist")
    assert only_who_is_asking(carl["default"]), carl["default"]

    # Once the standby replays again, Carl sees the shortlist — still from the standby.
    cluster.wait_until_caught_up()
    carl_later = app(cluster, "carl-reads")["carl_reads"]
    assert shortlist_names(carl_later) == [SHORTLIST]
    assert reads(carl_later["replica"], "brands_shortlist")
