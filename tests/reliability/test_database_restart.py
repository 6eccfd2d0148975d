"""PostgreSQL restarts while the site serves requests: the next requests succeed.

A private PostgreSQL cluster (so the shared one is never touched) serves a real gunicorn with two sync
workers. Both hold persistent connections (CONN_MAX_AGE). A fast restart cuts every connection; with
CONN_HEALTH_CHECKS each worker notices its dead connection at the start of the next request and opens
a new one, so no request after the restart fails.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from .procs import ROOT, child_env

pytestmark = [pytest.mark.postgres]

# Each one reads the database: the liveness probe, and API pages behind token authentication.
PAGES = ("/healthz", "/api/v1/influencers/", "/api/v1/influencers/?tier=micro")
BURST = 24
BURSTS_TO_REACH_BOTH_WORKERS = 20
# Migrate the private database and create an API user; prints the user's token.
SETUP = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from brands.accounts.api_tokens import api_token_issue
call_command("migrate", verbosity=0)
user = get_user_model().objects.create_superuser("reliability", "reliability@example.com", "unused-1")
print(api_token_issue(user=user).key)
"""


def status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310 - local
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - our own local server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def burst(base: str, token: str) -> list[int]:
    """Requests in parallel, so both gunicorn workers serve some."""
    urls = [base + PAGES[n % len(PAGES)] for n in range(BURST)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(lambda url: status(url, token), urls))


def burst_until_both_workers_connect(base: str, token: str, admin_url: str) -> list[int]:
    """Bursts until two gunicorn workers hold a connection; every request of every burst must succeed.

    Which worker accepts a request is the kernel's choice, so one fast worker can serve a whole burst; a few
    more bursts give the other one its turn.
    """
    for _ in range(BURSTS_TO_REACH_BOTH_WORKERS):
        assert burst(base, token) == [200] * BURST
        connections = app_connections(admin_url)
        if len(connections) >= 2:
            return connections
    pytest.fail(f"only {connections} held a connection after {BURSTS_TO_REACH_BOTH_WORKERS} bursts")


def app_connections(url: str) -> list[int]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = 'invloed' AND backend_type = 'client backend'"
        ).fetchall()
    return sorted(row[0] for row in rows)


def test_requests_after_a_database_restart_succeed(private_postgres, start_gunicorn) -> None:
    with psycopg.connect(private_postgres.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE invloed")
    database_url = private_postgres.url("invloed")
    env = {"DATABASE_URL": database_url, "DB_CONN_MAX_AGE": "600"}
    setup = subprocess.run(
        [sys.executable, "-c", SETUP], cwd=ROOT, env=child_env(**env), check=True, timeout=180, capture_output=True
    )
    token = setup.stdout.decode().split()[-1]
    server = start_gunicorn(**env)
    base = f"http://127.0.0.1:{server.port}"

    # Both gunicorn workers keep a persistent connection.
    before = burst_until_both_workers_connect(base, token, private_postgres.url())

    private_postgres.restart()
    assert app_connections(private_postgres.url()) == [], "the restart cut every connection"

    assert burst(base, token) == [200] * BURST
    after = burst_until_both_workers_connect(base, token, private_postgres.url())
    assert not set(after) & set(before)
    assert "Traceback" not in server.log.read_text()
