"""Time the search mix (bench/search_mix.py) through the same Django stack as the six fixed searches.

For every search, on the discovery page and on the API list (page size 24, the page's own):
1. a deep-page search first follows "next" until its page (untimed);
2. one request inside CaptureQueriesContext: the SQL Django sends, its query count (also warms the
   search up, as the brand's first look at it would);
3. one timed request — the search's sample; p50/p95/max are taken over the searches of a class, so
   they are the spread over different searches, not one search repeated;
4. the captured SQL once straight through psycopg (the floor) and the capped result count;
5. the same URL at page sizes 12 and 48: the query count must not change with the page size. The API
   takes `page_size` from the URL; the page has a fixed size, so its run calls the view with
   `influencer_discovery` bound to the other size (no discovery code changes for the benchmark).

Lines: workload:page:<class>, workload:api:<class>, workload:page:all, workload:api:all and the query
counts in queries:workload_page / queries:workload_api.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import psycopg
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measure import Measurement, percentile, time_ms, with_floor
from .search_mix import CLASS_WEIGHTS, Search
from .web import API_URL, DISCOVERY_URL, _get, _next_url, endpoint_available, run_statements, shown_count

PAGE_SIZE = 24
CHECKED_PAGE_SIZES = (12, 48)


@dataclass
class Sample:
    """One search on one surface."""

    search: Search
    url: str = ""
    page: int = 1
    ms: float | None = None
    floor_ms: float | None = None
    queries: int | None = None
    count: int | None = None
    queries_by_page_size: dict[int, int] = field(default_factory=dict)
    error: str = ""
    page_size_error: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "search": self.search.number,
            "class": self.search.label,
            "query": self.search.query,
            "page": self.page,
            "ms": self.ms,
            "floor_ms": self.floor_ms,
            "queries": self.queries,
            "count": self.count,
            "queries_by_page_size": {str(size): n for size, n in self.queries_by_page_size.items()},
            **({"error": self.error} if self.error else {}),
            **({"page_size_error": self.page_size_error} if self.page_size_error else {}),
        }


def api_url(query: str, size: int = PAGE_SIZE) -> str:
    return f"{API_URL}?{query}&page_size={size}" if query else f"{API_URL}?page_size={size}"


def with_page_size(url: str, size: int) -> str:
    """The same API URL (filters and cursor) asking for `size` rows."""
    parts = urlsplit(url)
    params = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "page_size"]
    return f"{parts.path}?{urlencode([*params, ('page_size', str(size))])}"


@contextmanager
def page_size_of_discovery_page(size: int) -> Iterator[None]:
    """Render /influencers/ with `size` results per page: the view's selector, bound to another size."""
    from influencers import views

    original = views.influencer_discovery
    views.influencer_discovery = functools.partial(original, page_size=size)  # type: ignore[assignment]
    try:
        yield
    finally:
        views.influencer_discovery = original  # type: ignore[assignment]


def count_queries(request: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        request()
    return len(captured.captured_queries)


def reach_page(client: Client, search: Search, *, api: bool) -> tuple[str, int]:
    """The URL of the search's page, following "next" page-1 times (or to the last page)."""
    base = API_URL if api else DISCOVERY_URL
    query = search.api_query if api else search.query
    url = api_url(query) if api else (f"{base}?{query}" if query else base)
    if api:  # the API's next link keeps page_size; the page's builder below starts from the filters
        query = urlsplit(url).query
    page = 1
    while page < search.page:
        following = _next_url(_get(client, url, api=api), base, query, api=api)
        if following is None:
            break
        url, page = following, page + 1
    return url, page


def time_search(client: Client, floor_conn: psycopg.Connection, search: Search, *, api: bool) -> Sample:
    sample = Sample(search=search)
    try:
        sample.url, sample.page = reach_page(client, search, api=api)
        with CaptureQueriesContext(connection) as captured:
            _get(client, sample.url, api=api)
        statements = [query["sql"] for query in captured.captured_queries]
        sample.queries = len(statements)
        sample.ms, _response = time_ms(lambda: _get(client, sample.url, api=api))
        sample.floor_ms, _rows = time_ms(lambda: run_statements(floor_conn, statements))
        sample.count = shown_count(floor_conn, statements)
    except Exception as error:  # recorded, not hidden: the search and its error go into the results
        sample.error = f"{type(error).__name__}: {str(error)[:200]}"
        return sample
    try:
        for size in CHECKED_PAGE_SIZES:
            if api:
                sized = with_page_size(sample.url, size)
                sample.queries_by_page_size[size] = count_queries(lambda url=sized: _get(client, url, api=True))
            else:
                with page_size_of_discovery_page(size):
                    sample.queries_by_page_size[size] = count_queries(lambda: _get(client, sample.url, api=False))
    except Exception as error:  # e.g. a rewritten view without influencer_discovery: the timing above stands
        sample.page_size_error = f"{type(error).__name__}: {str(error)[:200]}"
    return sample


def class_line(*, name: str, scale: int, samples: list[Sample]) -> Measurement:
    """p50/p95/max over the searches of one class (or all), with the floor and the query counts."""
    timed = [s for s in samples if s.ms is not None and not s.error]
    measurement = Measurement(name=name, scale=scale, group="workload", available=bool(timed))
    errors = [f"#{s.search.number} {s.search.query}: {s.error}" for s in samples if s.error]
    if not timed:
        measurement.detail = {"reason": "; ".join(errors[:3]) or "no searches", "searches": len(samples)}
        return measurement
    times = [s.ms for s in timed if s.ms is not None]
    measurement.p50_ms = round(percentile(times, 50), 2)
    measurement.p95_ms = round(percentile(times, 95), 2)
    measurement.runs = len(times)
    with_floor(measurement, [s.floor_ms for s in timed if s.floor_ms is not None])
    queries = [s.queries for s in timed if s.queries is not None]
    measurement.queries = max(queries)
    counts = [s.count for s in timed if s.count is not None]
    measurement.detail = {
        "searches": len(samples),
        "max_ms": round(max(times), 2),
        "slowest": max(timed, key=lambda s: s.ms or 0).url,
        "queries_min": min(queries),
        "queries_max": max(queries),
        "no_results": sum(1 for count in counts if count == 0),
        "deepest_page": max(s.page for s in timed),
        "pages": [min(s.page for s in timed), max(s.page for s in timed)],
        "errors": errors,
    }
    return measurement


def page_size_line(*, name: str, scale: int, samples: list[Sample]) -> Measurement:
    """Whether every search issued the same number of queries at page sizes 12, 24 and 48."""
    checked = [s for s in samples if not s.error and len(s.queries_by_page_size) == len(CHECKED_PAGE_SIZES)]
    measurement = Measurement(name=name, scale=scale, group="queries", available=bool(checked))
    if not checked:
        reasons = sorted({s.page_size_error for s in samples if s.page_size_error})
        measurement.detail = {"reason": "no search could be checked at page sizes 12 and 48: " + "; ".join(reasons)}
        return measurement
    differing = [s for s in checked if len({s.queries, *s.queries_by_page_size.values()}) != 1]
    measurement.queries = max(max(s.queries_by_page_size.values()) for s in checked)
    per_size = {
        f"page_size={size}": sorted({s.queries_by_page_size[size] for s in checked}) for size in CHECKED_PAGE_SIZES
    }
    measurement.detail = {
        "queries": {
            "searches": len(checked),
            "same at 12, 24 and 48": len(checked) - len(differing),
            **{key: "–".join(str(n) for n in (values[0], values[-1])) for key, values in per_size.items()},
        },
        "constant": not differing,
        "differing": [
            {"url": s.url, "queries": s.queries, **{str(k): v for k, v in s.queries_by_page_size.items()}}
            for s in differing[:10]
        ],
    }
    return measurement


def measure_search_mix(
    *,
    client: Client,
    floor_conn: psycopg.Connection,
    scale: int,
    searches: list[Search],
    log: Callable[[str], None] = print,
) -> list[Measurement]:
    results: list[Measurement] = []
    for api, surface in ((False, "page"), (True, "api")):
        base = API_URL if api else DISCOVERY_URL
        if not endpoint_available(base):
            results.append(
                Measurement(
                    name=f"workload:{surface}:all",
                    scale=scale,
                    group="workload",
                    available=False,
                    detail={"reason": f"{base} does not exist yet"},
                )
            )
            continue
        log(f"Search mix: {len(searches)} searches on {base}")
        samples = [time_search(client, floor_conn, search, api=api) for search in searches]
        for label in CLASS_WEIGHTS:
            of_class = [s for s in samples if s.search.label == label]
            if of_class:
                results.append(class_line(name=f"workload:{surface}:{label}", scale=scale, samples=of_class))
        overall = class_line(name=f"workload:{surface}:all", scale=scale, samples=samples)
        overall.detail["samples"] = [s.as_json() for s in samples]
        results.append(overall)
        results.append(page_size_line(name=f"queries:workload_{surface}", scale=scale, samples=samples))
    return results
