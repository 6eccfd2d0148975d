"""Proxy trust is configuration (config/client_ip.py): one client address for throttles, rate limits and axes.

By default no X-Forwarded-For is believed, so rotating the header never buys a fresh budget; with
TRUSTED_PROXIES set, the right-most address that is not a trusted proxy is the client, so people
behind the proxy are counted one by one and a client-written prefix of the header is ignored.
The last test shows the default over real HTTP, against gunicorn.
"""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from axes.helpers import get_client_ip_address
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.client_ip import client_address, client_ip
from tests.factories import PASSWORD, UserFactory
from tests.reliability.procs import ROOT, Gunicorn, child_env, database_url, free_port

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
ROTATING = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture
def anon_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three anonymous API requests a minute (DRF binds the rates to the class at import)."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "100/min"})


def api_get(client: APIClient, forwarded_for: str, remote: str = "203.0.113.50") -> int:
    return client.get("/api/v1/influencers/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR=remote).status_code


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "client"),
    [
        # Default: nothing trusted, the header is ignored whatever it says.
        ("203.0.113.7", "198.51.100.1", (), "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1, 10.0.0.5", (), "203.0.113.7"),
        # A peer that is not a trusted proxy cannot speak for anyone else.
        ("203.0.113.7", "198.51.100.1", ("10.0.0.0/8",), "203.0.113.7"),
        # Behind the proxy: the address the proxy appended.
        (PROXY, "198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
        # The client wrote the left part itself: ignored, the right-most untrusted address counts.
        (PROXY, "1.2.3.4, 198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
        # Two proxies of ours (CDN in 10/8, load balancer 127.0.0.1).
        ("127.0.0.1", "9.9.9.9, 198.51.100.1, 10.1.2.3", ("10.0.0.0/8", "127.0.0.1"), "198.51.100.1"),
        # Only trusted addresses in the chain: the left-most of them.
        (PROXY, "10.9.9.9", ("10.0.0.0/8",), "10.9.9.9"),
        # A garbage hop (written by someone beyond the proxies) stops the walk at the last good one.
        (PROXY, "198.51.100.1, not-an-ip, 10.0.0.7", ("10.0.0.0/8",), "10.0.0.7"),
        (PROXY, "", ("10.0.0.0/8",), PROXY),
        # Ports and IPv6 forms as proxies write them.
        (PROXY, "198.51.100.1:4711", ("10.0.0.0/8",), "198.51.100.1"),
        (PROXY, "[2001:db8::1]:443", ("10.0.0.0/8",), "2001:db8::1"),
        ("::ffff:10.0.0.5", "198.51.100.1", ("10.0.0.0/8",), "198.51.100.1"),
        ("2001:db8::5", "198.51.100.1", ("2001:db8::/64",), "198.51.100.1"),
    ],
)
def test_client_address_is_the_right_most_untrusted_hop(
    remote: str, forwarded: str, trusted: tuple[str, ...], client: str
) -> None:
    assert client_address(remote, forwarded, trusted) == client


def test_axes_drf_and_the_rate_limits_ask_the_same_function(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1", REMOTE_ADDR=PROXY)
    assert client_ip(request) == "198.51.100.1"
    assert get_client_ip_address(request) == "198.51.100.1"


def test_a_wrong_trusted_proxy_setting_stops_the_start() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=child_env(TRUSTED_PROXIES="10.0.0.0/8,proxy.internal"),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy.internal' is not an address or a network" in result.stderr.decode()


# --- the DRF anonymous throttle ------------------------------------------------------------------


def test_by_default_a_new_forwarded_for_is_no_fresh_api_budget(anon_rate: None) -> None:
    client = APIClient()
    answers = [api_get(client, next(ROTATING)) for _ in range(4)]
    assert answers == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_api_budget(anon_rate: None, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)
    client = APIClient()
    assert [api_get(client, "198.51.100.1", remote=PROXY) for _ in range(4)] == [401, 401, 401, 429]
    # Someone else behind the same proxy is not punished …
    assert api_get(client, "198.51.100.2", remote=PROXY) == 401
    # … and the first client cannot escape by writing its own prefix into the header.
    assert api_get(client, "1.2.3.4, 198.51.100.1", remote=PROXY) == 429


# --- config/ratelimit.py (sign-up, per client address) -------------------------------------------


def signup(client: Client, forwarded_for: str, remote: str = "203.0.113.50") -> int:
    return client.post(
        "/accounts/signup/creator/", {}, HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR=remote
    ).status_code


def test_by_default_a_new_forwarded_for_is_no_fresh_signup_budget(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/hour"}
    client = Client()
    assert [signup(client, next(ROTATING)) for _ in range(3)] == [200, 200, 429]


def test_behind_a_trusted_proxy_signup_limits_count_each_client(settings: Any) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/hour"}
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)
    client = Client()
    assert [signup(client, "198.51.100.1", remote=PROXY) for _ in range(3)] == [200, 200, 429]
    assert signup(client, "198.51.100.2", remote=PROXY) == 200


# --- django-axes lock-out ------------------------------------------------------------------------


def login(client: Client, forwarded_for: str, password: str, remote: str = PROXY) -> int:
    data = {"username": "sam", "password": password}
    return client.post("/accounts/login/", data, HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR=remote).status_code


@pytest.fixture
def axes_on(settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    UserFactory(username="sam")


def test_by_default_a_new_forwarded_for_does_not_lift_a_lockout(axes_on: None) -> None:
    client = Client()
    assert [login(client, next(ROTATING), "wrong") for _ in range(3)] == [200, 200, 429]
    assert login(client, next(ROTATING), PASSWORD) == 429


def test_behind_a_trusted_proxy_a_lockout_is_per_client_not_site_wide(axes_on: None, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ("10.0.0.0/8",)
    attacker, owner = Client(), Client()
    assert [login(attacker, "198.51.100.66", "wrong") for _ in range(3)] == [200, 200, 429]
    assert login(attacker, "1.2.3.4, 198.51.100.66", PASSWORD) == 429
    # The account's owner, behind the same proxy, still logs in.
    assert login(owner, "198.51.100.1", PASSWORD) == 302


# --- over real HTTP, against gunicorn ------------------------------------------------------------


def live_get(port: int, path: str, forwarded_for: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-For": forwarded_for})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - our own local server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rotating_forwarded_for_does_not_reset_the_throttle_of_a_live_gunicorn(tmp_path: Path) -> None:
    server = Gunicorn(
        tmp_path / "gunicorn.log",
        child_env(DATABASE_URL=database_url(), API_THROTTLE_ANON="3/min", CELERY_BROKER_URL=""),
        free_port(18391, 18399),
        workers=1,  # the throttle counts in the process's memory cache without REDIS_CACHE_URL
    )
    try:
        answers = [live_get(server.port, "/api/v1/influencers/", next(ROTATING)) for _ in range(5)]
        schema = live_get(server.port, "/api/schema/?format=json", next(ROTATING))
    finally:
        server.stop()
    assert answers == [401, 401, 401, 429, 429]
    assert schema == 429  # the expensive public schema shares the exhausted budget
    log = server.log.read_text()
    assert "Traceback" not in log, log[-3000:]
