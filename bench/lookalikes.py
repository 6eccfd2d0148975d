"""Similar creators ("lookalikes") at scale: the API list and the profile's htmx card, per random creator.

Each timed request asks for a different creator, drawn at random (fixed seed) from the brand-visible
ones, so the numbers are the spread over creators — popular niches with a dense neighbourhood and
rare ones whose candidate window reaches further — not one warmed-up creator repeated. The floor is
the same SQL per creator (captured once from the request) straight through psycopg.
"""

from __future__ import annotations

import random

import psycopg
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measure import Measurement, percentile, summarize, time_ms, with_floor
from .web import _get, endpoint_available, run_statements

CREATORS = 50
WARMUP = 3
SEED = 14
API_PATH = "/api/v1/influencers/{}/similar/"
PAGE_PATH = "/influencers/{}/similar/"


def random_handles(conn: psycopg.Connection, count: int, seed: int = SEED) -> list[str]:
    """`count` distinct brand-visible creators at random: random ids, each rounded up to the next visible one."""
    low, high = conn.execute("SELECT min(id), max(id) FROM influencers_influencer").fetchone()
    if low is None:
        return []
    picker = random.Random(seed)  # a benchmark sample, not a secret
    handles: list[str] = []
    attempts = 0
    while len(handles) < count and attempts < count * 20:
        attempts += 1
        row = conn.execute(
            "SELECT handle FROM influencers_influencer WHERE id >= %s AND status = 'approved' AND is_active "
            "ORDER BY id LIMIT 1",
            [picker.randint(low, high)],
        ).fetchone()
        if row and row[0] not in handles:
            handles.append(row[0])
    return handles


def measure_lookalike_path(
    *,
    client: Client,
    floor_conn: psycopg.Connection,
    scale: int,
    name: str,
    path: str,
    api: bool,
    handles: list[str],
    warmup_handles: list[str],
) -> Measurement:
    measurement = Measurement(name=name, scale=scale, group="lookalikes")
    if not endpoint_available(path.format(handles[0] if handles else "x")):
        measurement.available = False
        measurement.detail["reason"] = f"{path} does not exist yet"
        return measurement
    headers = {} if api else {"HTTP_HX_REQUEST": "true"}

    def get(handle: str):
        if api:
            return _get(client, path.format(handle), api=True)
        response = client.get(path.format(handle), secure=True, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path.format(handle)} answered {response.status_code}")
        return response

    for handle in warmup_handles:
        get(handle)
    samples, floors, queries, results = [], [], set(), []
    for handle in handles:
        elapsed, response = time_ms(lambda handle=handle: get(handle))
        samples.append(elapsed)
        if api:
            results.append(len(response.json()["results"]))
        with CaptureQueriesContext(connection) as captured:
            get(handle)
        statements = [query["sql"] for query in captured.captured_queries]
        queries.add(len(statements))
        floors.append(time_ms(lambda statements=statements: run_statements(floor_conn, statements))[0])
    summarize(measurement, samples)
    with_floor(measurement, floors)
    measurement.queries = max(queries)
    measurement.detail.update(
        creators=len(handles),
        queries_constant=len(queries) == 1,
        slowest_ms=round(max(samples), 2),
        p99_ms=round(percentile(samples, 99), 2),
    )
    if results:
        measurement.detail["results_min"] = min(results)
    return measurement


def measure_lookalikes(
    *, client: Client, floor_conn: psycopg.Connection, scale: int, creators: int = CREATORS
) -> list[Measurement]:
    """Two lines: `lookalikes:api` and `lookalikes:profile_card` (the htmx fragment the profile loads)."""
    handles = random_handles(floor_conn, creators + WARMUP)
    warmup_handles, handles = handles[:WARMUP], handles[WARMUP:]
    return [
        measure_lookalike_path(
            client=client,
            floor_conn=floor_conn,
            scale=scale,
            name=name,
            path=path,
            api=api,
            handles=handles,
            warmup_handles=warmup_handles,
        )
        for name, path, api in (
            ("lookalikes:api", API_PATH, True),
            ("lookalikes:profile_card", PAGE_PATH, False),
        )
    ]
