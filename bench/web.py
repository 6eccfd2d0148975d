"""Discovery page and API list through the real Django stack, and the same SQL straight to PostgreSQL.

For each of six fixed filter combinations the harness
1. requests the URL once inside CaptureQueriesContext to get the exact SQL Django sends (psycopg 3
   binds parameters client-side, so the captured text is what the server received) and the count;
2. times the request with django.test.Client as a logged-in brand user (middleware, session, auth,
   filters, selectors, template or serializer: everything but the network) — p50/p95 after warm-up;
3. times the captured statements on a plain psycopg connection, one round trip each, fetching every
   row: the floor. stack/floor says how much the framework adds to the database's own work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from .measure import Measurement, repeat_ms, summarize, with_floor

DISCOVERY_URL = "/influencers/"
API_URL = "/api/v1/influencers/"
DEEP_PAGES = 50  # "deep page": the page after following "next" this many times
NEXT_LINK = re.compile(r"<a\b[^>]*\brel=\"next\"[^>]*>")
CURSOR = re.compile(r"[?&](?:amp;)?cursor=([A-Za-z0-9_\-]+)")


@dataclass(frozen=True)
class Scenario:
    name: str
    query: str
    description: str
    deep: bool = False


SCENARIOS = (
    Scenario(
        "narrow",
        "niches=food&country=NL&tier=micro&er_min=3&platform=instagram",
        "food, creator in NL, micro tier, ER >= 3 %, on Instagram",
    ),
    Scenario(
        "broad",
        "niches=fashion&niches=beauty&platform=instagram&sort=engagement",
        "fashion or beauty on Instagram, sorted by engagement rate",
    ),
    Scenario("broadest", "", "no filter at all, sorted by followers"),
    Scenario(
        "keyword_facets",
        "q=vegan&niches=food&country=NL&credibility_min=60",
        'text "vegan" + food niche + creator in NL + credibility >= 60, by relevance',
    ),
    Scenario(
        "audience_share",
        "audience_country=NL&audience_country=BE&audience_country_min=40&audience_gender=female&audience_gender_min=60",
        ">= 40 % of the audience in NL or BE and >= 60 % women",
    ),
    Scenario(
        "deep_page",
        "niches=fashion&niches=beauty&platform=instagram&sort=engagement",
        f"the broad search, page {DEEP_PAGES + 1} (keyset cursor)",
        deep=True,
    ),
)


def endpoint_available(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _get(client: Client, url: str, *, api: bool):
    # secure=True: production settings redirect plain HTTP to HTTPS (SECURE_SSL_REDIRECT).
    response = client.get(url, secure=True, HTTP_ACCEPT="application/json") if api else client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    return response


def _next_url(response, base: str, query: str, *, api: bool) -> str | None:
    if api:
        link = response.json().get("next")
        if not link:
            return None
        parts = urlsplit(link)
        return f"{parts.path}?{parts.query}"
    link = NEXT_LINK.search(response.content.decode())
    match = CURSOR.search(link.group(0)) if link else None
    if not match:
        return None
    return f"{base}?{query}&cursor={match.group(1)}" if query else f"{base}?cursor={match.group(1)}"


def deep_url(client: Client, base: str, query: str, *, api: bool) -> tuple[str, int]:
    """Follow "next" DEEP_PAGES times (or until the last page); returns the URL and its page number."""
    url = f"{base}?{query}" if query else base
    page = 1
    for _ in range(DEEP_PAGES):
        following = _next_url(_get(client, url, api=api), base, query, api=api)
        if following is None:
            break
        url, page = following, page + 1
    return url, page


def run_statements(conn: psycopg.Connection, statements: list[str]) -> int:
    rows = 0
    for statement in statements:
        cursor = conn.execute(statement)
        if cursor.description is not None:
            rows += len(cursor.fetchall())
    return rows


def shown_count(conn: psycopg.Connection, statements: list[str]) -> int | None:
    """The result count the page showed: the answer of its COUNT query (capped at COUNT_CAP + 1).

    On the search table the first statement counts in its last column `total`: with a window
    (`count(*) OVER () AS total`) or, sorted by relevance, with a capped subquery (`… AS total`); a capped
    count of a broad filter is then COUNT_CAP + 1. A page counts other things too (the nav's unread
    notifications): only a count over the creators is the result count.
    """
    for statement in statements:
        if statement.lstrip().upper().startswith("SELECT COUNT(*)") and '"influencers_influencer"' in statement:
            return conn.execute(statement).fetchone()[0]
    for statement in statements:
        if ") AS total" in statement and "influencers_searchrow" in statement:
            row = conn.execute(statement).fetchone()
            return row[-1] if row else 0
    return None


def measure_url(
    *,
    client: Client,
    floor_conn: psycopg.Connection,
    name: str,
    group: str,
    scale: int,
    url: str,
    api: bool,
    warmup: int,
    runs: int,
) -> Measurement:
    measurement = Measurement(name=name, scale=scale, group=group)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url, api=api)
    statements = [query["sql"] for query in captured.captured_queries]
    measurement.queries = len(statements)
    summarize(measurement, repeat_ms(lambda: _get(client, url, api=api), warmup=warmup, runs=runs))
    with_floor(measurement, repeat_ms(lambda: run_statements(floor_conn, statements), warmup=warmup, runs=runs))
    count = shown_count(floor_conn, statements)
    measurement.detail.update(url=url, count=count, count_capped=count is not None and count > count_cap())
    return measurement


def count_cap() -> int:
    """The discovery count cap: the COUNT query asks for one row more to know there are more."""
    try:
        from influencers.selectors import COUNT_CAP
    except ImportError:
        return 10**12
    return COUNT_CAP


def measure_listing(
    *,
    client: Client,
    floor_conn: psycopg.Connection,
    scale: int,
    api: bool,
    warmup: int,
    runs: int,
) -> list[Measurement]:
    base, group = (API_URL, "api") if api else (DISCOVERY_URL, "discovery")
    results = []
    for scenario in SCENARIOS:
        name = f"{group}:{scenario.name}"
        if not endpoint_available(base):
            results.append(
                Measurement(
                    name=name,
                    scale=scale,
                    group=group,
                    available=False,
                    detail={"reason": f"{base} does not exist yet", "scenario": scenario.description},
                )
            )
            continue
        query = scenario.query
        if api and query:
            query += "&page_size=24"
        elif api:
            query = "page_size=24"
        url, page = (f"{base}?{query}" if query else base), 1
        try:
            if scenario.deep:
                url, page = deep_url(client, base, query, api=api)
            measurement = measure_url(
                client=client,
                floor_conn=floor_conn,
                name=name,
                group=group,
                scale=scale,
                url=url,
                api=api,
                warmup=warmup,
                runs=runs,
            )
        except Exception as error:  # recorded, not hidden: the line says what broke
            measurement = Measurement(name=name, scale=scale, group=group, available=False)
            measurement.detail["reason"] = f"error: {type(error).__name__}: {str(error)[:200]}"
        measurement.detail.update(scenario=scenario.description, page=page)
        results.append(measurement)
    return results


def queries_by_page_size(client: Client, base: str, sizes: tuple[int, ...] = (5, 24, 100)) -> dict[str, int]:
    """SQL queries of the unfiltered list at several page sizes (must not grow with the page)."""
    counts = {}
    for size in sizes:
        with CaptureQueriesContext(connection) as captured:
            _get(client, f"{base}?page_size={size}", api=True)
        counts[f"page_size={size}"] = len(captured.captured_queries)
    return counts
