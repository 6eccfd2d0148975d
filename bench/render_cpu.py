"""CPU per discovery request: what Python spends rendering the page and the API list (issue 16).

    python -m bench.render_cpu                          a few thousand creators in invloed_render_bench
    python -m bench.render_cpu --scale 3000 --requests 120 --warmup 20
    python -m bench.render_cpu --profile page-table      cProfile of one surface, top functions by own time
    python -m bench.render_cpu --profile api --profile-file /tmp/api.prof   … and the raw stats for pstats

The database is the benchmark's own (bench/database.py refuses names without "bench"); it is loaded with
the bench generator (bench/generate.py) when it does not hold a data set of this scale yet. Requests go
through Django's test client in-process, as the bench's logged-in approved brand user, with production
settings (bench/__main__.py). The searches are the randomized mix of bench/search_mix.py (fixed seed),
first pages only: a deep page costs the same to render as a first one.

For each surface — the page as cards, as a table, the htmx partial (cards) and the API list — every
search is requested once to warm up, then `--requests` requests are timed, cycling through the mix:
`time.process_time` of the whole request (this process's CPU: middleware, auth, form, selectors, template
or serializer, and psycopg's own work), and of the time spent inside `cursor.execute` (via
`connection.execute_wrapper`): sending the statement and reading the rows psycopg fetches with it. Wall
times are shown next to them; the CPU numbers do not depend on what else the machine runs as much as wall
times do, but are still noisier on a busy machine: compare runs made in the same conditions.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .database import check_disposable
from .measure import percentile

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/invloed_render_bench"
DEFAULT_SCALE = 3000
SURFACES = ("page-cards", "page-table", "page-htmx", "api")


@dataclass
class Timings:
    """CPU and wall milliseconds of the timed requests of one surface."""

    surface: str
    cpu: list[float] = field(default_factory=list)
    sql_cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    sql_wall: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        rest = [total - sql for total, sql in zip(self.cpu, self.sql_cpu, strict=True)]
        return {
            "surface": self.surface,
            "requests": len(self.cpu),
            "cpu_p50": statistics.median(self.cpu),
            "cpu_p95": percentile(self.cpu, 95),
            "sql_cpu_p50": statistics.median(self.sql_cpu),
            "rest_cpu_p50": statistics.median(rest),
            "wall_p50": statistics.median(self.wall),
            "sql_wall_p50": statistics.median(self.sql_wall),
            "queries_max": max(self.queries),
        }


class SqlClock:
    """An execute wrapper that adds up CPU and wall time spent inside cursor.execute."""

    def __init__(self) -> None:
        self.cpu = 0.0
        self.wall = 0.0
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.cpu += time.process_time() - cpu
            self.wall += time.perf_counter() - wall
            self.count += 1


def surface_urls(surface: str, queries: list[str]) -> list[tuple[str, dict[str, str]]]:
    """(URL, extra headers) per search for one surface."""
    from .search_timing import api_url
    from .web import DISCOVERY_URL

    urls: list[tuple[str, dict[str, str]]] = []
    for query in queries:
        if surface == "api":
            urls.append((api_url(query), {"HTTP_ACCEPT": "application/json"}))
            continue
        view = "table" if surface == "page-table" else "cards"
        url = f"{DISCOVERY_URL}?{query}&view={view}" if query else f"{DISCOVERY_URL}?view={view}"
        headers = {"HTTP_HX_REQUEST": "true"} if surface == "page-htmx" else {}
        urls.append((url, headers))
    return urls


def _get(client: Any, url: str, headers: dict[str, str]) -> Any:
    response = client.get(url, secure=True, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    return response


def time_surface(client: Any, surface: str, urls: list[tuple[str, dict[str, str]]], *, requests: int) -> Timings:
    from django.db import connection

    for url, headers in urls:  # warm-up: every search once (caches, the planner, Python's own)
        _get(client, url, headers)
    timings = Timings(surface=surface)
    for n in range(requests):
        url, headers = urls[n % len(urls)]
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            cpu, wall = time.process_time(), time.perf_counter()
            _get(client, url, headers)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        timings.cpu.append(cpu * 1000)
        timings.wall.append(wall * 1000)
        timings.sql_cpu.append(clock.cpu * 1000)
        timings.sql_wall.append(clock.wall * 1000)
        timings.queries.append(clock.count)
    return timings


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| surface | requests | CPU p50 ms | CPU p95 ms | CPU in SQL p50 | CPU rest p50 | wall p50 ms "
        "| wall in SQL p50 | queries |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(
            f"| {row['surface']} | {row['requests']} | {row['cpu_p50']:.1f} | {row['cpu_p95']:.1f} "
            f"| {row['sql_cpu_p50']:.1f} | {row['rest_cpu_p50']:.1f} | {row['wall_p50']:.1f} "
            f"| {row['sql_wall_p50']:.1f} | {row['queries_max']} |"
        )
    return "\n".join(lines)


def profile_surface(
    client: Any, urls: list[tuple[str, dict[str, str]]], *, requests: int, top: int = 40, dump: str | None = None
) -> str:
    for url, headers in urls:
        _get(client, url, headers)
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(requests):
        url, headers = urls[n % len(urls)]
        _get(client, url, headers)
    profiler.disable()
    if dump:
        profiler.dump_stats(dump)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


@contextmanager
def _data_set(database_url: str, scale: int, seed: int) -> Iterator[None]:
    """Django set up on the bench database, loaded with `scale` creators if it does not hold them."""
    import psycopg

    from .__main__ import _migrate, _setup_django
    from .database import exists, recreate

    loaded = False
    if exists(database_url):
        try:
            with psycopg.connect(database_url) as conn:
                row = conn.execute("SELECT value FROM bench_meta WHERE key = 'dataset'").fetchone()
            loaded = bool(row and row[0].get("scale") == scale and row[0].get("seed") == seed)
        except psycopg.Error:
            loaded = False
    if not loaded:
        print(f"Loading {scale} creators into {database_url.rsplit('/', 1)[-1]} (bench generator)")
        recreate(database_url)
    _setup_django(database_url)
    if not loaded:
        from .generate import generate

        _migrate()
        generate(scale=scale, seed=seed, workers=1, engine=True)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.render_cpu", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--seed", type=int, default=7, help="the data set's seed")
    parser.add_argument("--searches", type=int, default=60, help="searches drawn from the mix (bench/search_mix.py)")
    parser.add_argument("--requests", type=int, default=120, help="timed requests per surface, after warm-up")
    parser.add_argument("--surface", action="append", choices=SURFACES, help="only these surfaces (repeatable)")
    parser.add_argument("--profile", choices=SURFACES, help="print a cProfile of this surface instead of timing")
    parser.add_argument("--profile-file", help="with --profile, also write the raw stats here (pstats, snakeviz)")
    args = parser.parse_args(argv)
    check_disposable(args.database_url)
    with _data_set(args.database_url, args.scale, args.seed):
        from .run import _client
        from .search_mix import SEED, search_mix

        client = _client()
        searches = search_mix(total=args.searches, seed=SEED)
        if args.profile:
            api = args.profile == "api"
            queries = [search.api_query if api else search.query for search in searches]
            urls = surface_urls(args.profile, queries)
            print(profile_surface(client, urls, requests=args.requests, dump=args.profile_file))
            return 0
        rows = []
        for surface in args.surface or SURFACES:
            queries = [search.api_query if surface == "api" else search.query for search in searches]
            rows.append(time_surface(client, surface, surface_urls(surface, queries), requests=args.requests).row())
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
