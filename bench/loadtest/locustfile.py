"""Locust users for `make load` (bench/loadtest/harness.py starts gunicorn and runs this headless).

Three kinds of visitor, all logged in as the bench brand (discovery and profiles are for brand
members; the API needs a token):

- DiscoveryUser: filters /influencers/ with a realistic combination, sometimes pages on with the
  "next" link the way the browser does it (htmx partial), then opens one or two of the creators found.
- ProfileUser: opens profiles of random visible creators (handles picked from the database up front).
- ApiUser: GET /api/v1/influencers/ with the same kinds of filters, sometimes follows `next`.

Every response is checked (status 200 and the content a real page or list has); anything else is a
failure. The harness reads the raw timings this file writes at the end (LOAD_RAW_OUTPUT) and computes
exact percentiles from them.

Configuration (environment, set by the harness): LOAD_SESSION_COOKIE ("sessionid=…; csrftoken=…"),
LOAD_API_TOKEN, LOAD_HANDLES (a JSON file with a list of handles), LOAD_RAW_OUTPUT (where the raw
timings go), LOAD_WAIT_MIN / LOAD_WAIT_MAX (think time in seconds), LOAD_SEED.

The server runs with production settings (HTTPS redirect, secure cookies), as behind a TLS proxy:
every request says `X-Forwarded-Proto: https`, and the session cookie is sent explicitly because an
HTTP client will not send a Secure cookie over plain HTTP.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, events, task

NICHE_WEIGHTS = {
    "lifestyle": 8,
    "fashion": 8,
    "beauty": 8,
    "food": 6,
    "travel": 6,
    "fitness": 6,
    "gaming": 4,
    "tech": 4,
    "parenting": 3,
    "home": 3,
    "music": 3,
    "sports": 3,
    "health": 3,
    "education": 2,
    "finance": 2,
    "pets": 2,
    "art": 2,
    "business": 2,
    "automotive": 1,
    "sustainability": 1,
}
KEYWORDS = ("vegan", "streetwear", "skincare", "running", "coffee", "hiking", "gadgets", "yoga", "vintage", "dogs")
COUNTRIES = ("NL", "NL", "NL", "BE", "DE", "GB", "US")
PLATFORMS = ("instagram", "instagram", "tiktok", "youtube")
TIERS = ("nano", "micro", "micro", "macro")
SORTS = ("followers", "engagement", "growth", "credibility", "price")
OFFER_KINDS = ("sponsored_post", "review", "giveaway", "ambassadorship")
# The benchmark's six fixed searches (bench/web.py), kept in the mix so the load includes them.
FIXED_SEARCHES = (
    "niches=food&country=NL&tier=micro&er_min=3&platform=instagram",
    "niches=fashion&niches=beauty&platform=instagram&sort=engagement",
    "",
    "q=vegan&niches=food&country=NL&credibility_min=60",
    "audience_country=NL&audience_country=BE&audience_country_min=40&audience_gender=female&audience_gender_min=60",
)

PROFILE_LINK = re.compile(r'href="/influencers/([a-z0-9](?:[a-z0-9._]{0,48}[a-z0-9])?)/"')
NEXT_LINK = re.compile(r'<a\b[^>]*\brel="next"[^>]*\bhref="\?([^"]*)"')

_user_numbers = itertools.count()
_raw: list[tuple[str, float, float, str]] = []  # (name, start time, response ms, error or "")


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def random_query(rng: random.Random) -> str:
    """A filter combination a brand would plausibly send: 30 % the bench's fixed ones, else random."""
    if rng.random() < 0.3:
        return rng.choice(FIXED_SEARCHES)
    params: list[tuple[str, str]] = []
    niches, weights = zip(*NICHE_WEIGHTS.items(), strict=True)
    for niche in set(rng.choices(niches, weights=weights, k=rng.choice((1, 1, 2)))):
        params.append(("niches", niche))
    if rng.random() < 0.5:
        params.append(("country", rng.choice(COUNTRIES)))
    if rng.random() < 0.4:
        params.append(("platform", rng.choice(PLATFORMS)))
    if rng.random() < 0.3:
        params.append(("tier", rng.choice(TIERS)))
    if rng.random() < 0.2:
        params.append(("er_min", str(rng.choice((1, 2, 3, 5)))))
    if rng.random() < 0.15:
        params.append(("credibility_min", str(rng.choice((50, 60, 70)))))
    if rng.random() < 0.2:
        params.append(("q", rng.choice(KEYWORDS)))
    if rng.random() < 0.15:
        params += [("audience_country", "NL"), ("audience_country_min", str(rng.choice((20, 30, 40))))]
    if rng.random() < 0.1:
        params += [("offer_kind", rng.choice(OFFER_KINDS)), ("max_price", str(rng.choice((250, 500, 1000))))]
    if rng.random() < 0.4:
        params.append(("sort", rng.choice(SORTS)))
    return urlencode(params)


class _BrandUser(FastHttpUser):
    abstract = True
    wait_time = between(_env_float("LOAD_WAIT_MIN", 1), _env_float("LOAD_WAIT_MAX", 5))
    # The server closes sync-worker connections after every response; reconnect quietly.
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.rng = random.Random(int(os.environ.get("LOAD_SEED", "1")) * 1000 + next(_user_numbers))
        self.page_headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": os.environ["LOAD_SESSION_COOKIE"],
            "Accept-Language": "en",
        }

    def fetch_page(self, path: str, *, name: str, expect: str, partial: bool = False) -> str | None:
        headers = dict(self.page_headers)
        if partial:
            headers["HX-Request"] = "true"
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return None
            if expect not in text:
                response.failure(f"{expect!r} missing from the page")
                return None
            if partial and "<html" in text[:500].lower():
                response.failure("htmx request got the whole page instead of the results fragment")
                return None
            if "Some filters were not applied" in text:
                response.failure("the page rejected a filter")
                return None
            response.success()
            return text


class DiscoveryUser(_BrandUser):
    """Searches, pages on (htmx, like the browser), opens some of the creators it found."""

    weight = 2

    @task
    def search(self) -> None:
        query = random_query(self.rng)
        path = f"/influencers/?{query}" if query else "/influencers/"
        text = self.fetch_page(path, name="discovery", expect='id="results"')
        if text is None:
            return
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            found = NEXT_LINK.search(text)
            if not found:
                break
            text = self.fetch_page(
                f"/influencers/?{found.group(1).replace('&amp;', '&')}",
                name="discovery next page (htmx)",
                expect='id="results"',
                partial=True,
            )
            if text is None:
                return
        handles = PROFILE_LINK.findall(text)
        for handle in self.rng.sample(handles, min(len(handles), self.rng.choice((0, 1, 1, 2)))):
            self.fetch_page(f"/influencers/{handle}/", name="profile", expect=f"@{handle}")


class ProfileUser(_BrandUser):
    """Opens profiles of random visible creators (e.g. from a shortlist or a shared link)."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        with open(os.environ["LOAD_HANDLES"]) as handles:
            self.handles = json.load(handles)

    @task
    def profile(self) -> None:
        handle = self.rng.choice(self.handles)
        self.fetch_page(f"/influencers/{handle}/", name="profile", expect=f"@{handle}")


class ApiUser(FastHttpUser):
    """A script of the brand on the API list with its token."""

    weight = 1
    wait_time = between(_env_float("LOAD_WAIT_MIN", 1), _env_float("LOAD_WAIT_MAX", 5))
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.rng = random.Random(int(os.environ.get("LOAD_SEED", "1")) * 1000 + next(_user_numbers))
        self.headers = {
            "X-Forwarded-Proto": "https",
            "Authorization": f"Token {os.environ['LOAD_API_TOKEN']}",
            "Accept": "application/json",
        }

    def fetch_list(self, path: str, *, name: str) -> dict | None:
        with self.client.get(path, headers=self.headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {(response.text or '')[:200]}")
                return None
            try:
                body = json.loads(response.text or "")
            except ValueError:
                response.failure("the answer is not JSON")
                return None
            results = body.get("results") if isinstance(body, dict) else None
            if not isinstance(results, list) or "next" not in body:
                response.failure("no results list / next link in the answer")
                return None
            if any("handle" not in item for item in results):
                response.failure("a result without a handle")
                return None
            response.success()
            return body

    @task
    def list_influencers(self) -> None:
        query = random_query(self.rng)
        page_size = self.rng.choice(("", "24", "50"))
        if page_size:
            query = f"{query}&page_size={page_size}" if query else f"page_size={page_size}"
        body = self.fetch_list(f"/api/v1/influencers/?{query}" if query else "/api/v1/influencers/", name="api list")
        for _ in range(self.rng.choice((0, 0, 1, 2))):
            if not body or not body.get("next"):
                break
            parts = urlsplit(body["next"])
            body = self.fetch_list(f"{parts.path}?{parts.query}", name="api list next page")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kwargs) -> None:
    started = start_time if start_time is not None else time.time() - response_time / 1000
    _raw.append((name, started, float(response_time), "" if exception is None else str(exception)[:300]))


@events.quitting.add_listener
def _write_raw(environment, **kwargs) -> None:
    path = os.environ.get("LOAD_RAW_OUTPUT")
    if path:
        with open(path, "w") as output:
            json.dump({"requests": _raw}, output)
