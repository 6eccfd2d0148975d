"""Time a loaded bench data set and write bench/results/*.json and docs/benchmarks.md.

    python -m bench run --scale 100000      (make bench SCALE=… runs generate + run)

Order matters: the full metric recompute runs first (so every derived number is fresh), then
matching, then the read paths, then the workloads that add posts (incremental recompute, import).
Posts added by an earlier run are removed first, so a reused data set starts from the same rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import psycopg

from .database import django_dsn
from .importing import measure_import
from .lookalikes import CREATORS as LOOKALIKE_CREATORS
from .lookalikes import measure_lookalikes
from .measure import Measurement
from .overlap import RUNS as OVERLAP_RUNS
from .overlap import measure_overlap
from .report import RESULTS_DIR, SMALLEST_DOCUMENTED_SCALE, judge, machine, markdown_table, write_json
from .report import write_docs as write_docs_section
from .search_mix import SEARCHES, search_mix
from .search_timing import measure_search_mix
from .web import API_URL, DISCOVERY_URL, endpoint_available, measure_listing, queries_by_page_size
from .workloads import (
    measure_matching,
    measure_metrics_full,
    measure_metrics_incremental,
    remove_bench_posts,
)

WEB_RUNS, WEB_WARMUP = 30, 3
# The creator table and the search table the engine runs just before refreshed (influencers/search_row.py).
VACUUMED_BEFORE_READS = "influencers_influencer, influencers_searchrow"
ENGINE_RUNS, HEAVY_RUNS = 5, 3


def dataset_meta(dsn: str) -> dict:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'dataset'").fetchone()
    if row is None:
        raise RuntimeError("No bench data set in this database: run `python -m bench generate --scale N` first.")
    return row[0]


def _collect_static() -> None:
    """The manifest storage of production needs collected files to render {% static %} links."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from .fixtures import BENCH_USERNAME

    client = Client()
    client.force_login(get_user_model().objects.get(username=BENCH_USERNAME))
    return client


def queries_constant(name: str, scale: int, listing: list[Measurement]) -> Measurement:
    """One line per listing: the query count of every scenario (result pages of 0–24 rows, deep pages)."""
    counts = {m.name.split(":", 1)[1]: m.queries for m in listing if m.available}
    measurement = Measurement(name=name, scale=scale, group="queries", available=bool(counts))
    if counts:
        measurement.queries = max(counts.values())
        measurement.detail = {"queries": counts, "constant": len(set(counts.values())) == 1}
    else:
        measurement.detail = {"reason": "endpoint does not exist yet"}
    return measurement


def run(
    *,
    scale: int,
    repeat: int | None = None,
    output: str | None = None,
    results_dir: str | None = None,
    docs: str | None = None,
    write_docs: bool = True,
    only: str | None = None,
    log: Callable[[str], None] = print,
) -> list[Measurement]:
    """Time everything, or only one group (`only=` "import", "lookalikes", "workload" or "overlap": to `output`)."""
    _collect_static()
    dsn = django_dsn()
    dataset = dataset_meta(dsn)
    if dataset.get("scale") != scale:
        raise RuntimeError(f"The bench database holds SCALE={dataset.get('scale')}, not {scale}: regenerate it.")
    web_runs, engine_runs, heavy_runs = (repeat, repeat, repeat) if repeat else (WEB_RUNS, ENGINE_RUNS, HEAVY_RUNS)
    warmup = min(WEB_WARMUP, max(1, web_runs // 5))
    info = machine(dsn)
    removed = remove_bench_posts(dsn, dataset["max_post_id"])
    if removed:
        log(f"Removed posts of {removed:,} accounts added by an earlier run")
    measurements: list[Measurement] = []
    if only in ("import", "lookalikes", "workload", "overlap"):
        if only == "overlap":
            measurements += measure_overlap(dsn=dsn, scale=scale, runs=repeat or OVERLAP_RUNS, log=log)
        elif only == "import":
            log("Import")
            measurements += measure_import(scale=scale, dsn=dsn, runs=heavy_runs)
        elif only == "workload":
            measurements += _search_mix(dsn=dsn, scale=scale, repeat=repeat, log=log, vacuum=True)
        else:
            measurements += _lookalikes(dsn=dsn, scale=scale, repeat=repeat, log=log)
        return _finish(
            measurements,
            scale=scale,
            info=info,
            dataset=dataset,
            output=output,
            results_dir=None,
            docs=None,
            write_docs=False,
            log=log,
        )

    log("Metric recompute (full)")
    measurements += measure_metrics_full(
        scale=scale, dsn=dsn, runs=heavy_runs, first_run_s=dataset.get("timings_s", {}).get("engine_metrics_full")
    )
    log("Matching")
    measurements += measure_matching(scale=scale, warmup=1, runs=engine_runs, heavy_runs=heavy_runs)
    client = _client()
    with psycopg.connect(dsn, autocommit=True) as floor_conn:
        # The engine runs above rewrote profiles; autovacuum marks their pages all-visible again within
        # a minute or two (migration influencers/0008 sets its threshold to 1 % of the rows), and
        # discovery's index-only scans depend on that. Do it now, so every run reads the same state.
        floor_conn.execute(f"VACUUM (ANALYZE) {VACUUMED_BEFORE_READS}")
        floor_conn.execute("SET TIME ZONE 'UTC'")  # what Django's connection does
        for api, base in ((False, DISCOVERY_URL), (True, API_URL)):
            log(f"{base} ({'available' if endpoint_available(base) else 'not available'})")
            listing = measure_listing(
                client=client, floor_conn=floor_conn, scale=scale, api=api, warmup=warmup, runs=web_runs
            )
            measurements += listing
            line = queries_constant(f"queries:{'api' if api else 'discovery'}", scale, listing)
            if api and line.available:
                line.detail["queries"].update(queries_by_page_size(client, base))
                line.queries = max(line.detail["queries"].values())
                line.detail["constant"] = len(set(line.detail["queries"].values())) == 1
            measurements.append(line)
    measurements += _search_mix(dsn=dsn, scale=scale, repeat=repeat, log=log, vacuum=False)
    measurements += _lookalikes(dsn=dsn, scale=scale, repeat=repeat, log=log)
    measurements += measure_overlap(dsn=dsn, scale=scale, runs=repeat or OVERLAP_RUNS, log=log)
    log("Metric recompute (incremental, 1 % of accounts with new posts)")
    measurements.append(measure_metrics_incremental(scale=scale, dsn=dsn, warmup=1, runs=engine_runs))
    log("Import")
    measurements += measure_import(scale=scale, dsn=dsn, runs=heavy_runs)
    return _finish(
        measurements,
        scale=scale,
        info=info,
        dataset=dataset,
        output=output,
        results_dir=results_dir,
        docs=docs,
        write_docs=write_docs,
        log=log,
    )


def _lookalikes(*, dsn: str, scale: int, repeat: int | None, log: Callable[[str], None]) -> list[Measurement]:
    # One request per creator: 50 random creators, or fewer for a quick --repeat run (the CI smoke test).
    creators = LOOKALIKE_CREATORS if not repeat else max(10, 5 * repeat)
    log(f"Similar creators (one request each for {creators} random creators)")
    with psycopg.connect(dsn, autocommit=True) as floor_conn:
        floor_conn.execute("SET TIME ZONE 'UTC'")
        return measure_lookalikes(client=_client(), floor_conn=floor_conn, scale=scale, creators=creators)


def _search_mix(
    *, dsn: str, scale: int, repeat: int | None, log: Callable[[str], None], vacuum: bool
) -> list[Measurement]:
    """The realistic search mix (bench/search_mix.py): 240 searches, fewer for a quick --repeat run."""
    searches = search_mix(SEARCHES if not repeat else max(30, 15 * repeat))
    with psycopg.connect(dsn, autocommit=True) as floor_conn:
        if vacuum:  # as before the fixed searches (see run()): the same visibility map for every run
            floor_conn.execute(f"VACUUM (ANALYZE) {VACUUMED_BEFORE_READS}")
        floor_conn.execute("SET TIME ZONE 'UTC'")
        return measure_search_mix(client=_client(), floor_conn=floor_conn, scale=scale, searches=searches, log=log)


def _finish(
    measurements: list[Measurement],
    *,
    scale: int,
    info: dict,
    dataset: dict,
    output: str | None,
    results_dir: str | None,
    docs: str | None,
    write_docs: bool,
    log: Callable[[str], None],
) -> list[Measurement]:
    for measurement in measurements:
        judge(measurement)
    meta = {"machine": info, "dataset": dataset}
    folder = Path(results_dir) if results_dir else RESULTS_DIR
    target = Path(output) if output else folder / "latest.json"
    write_json(target, scale=scale, measurements=measurements, meta=meta)
    table = markdown_table(scale=scale, measurements=measurements, meta=meta)
    if write_docs and scale >= SMALLEST_DOCUMENTED_SCALE:
        # The per-scale file keeps the 100k and 1M results side by side (latest.json is the last run).
        write_json(folder / f"scale-{scale}.json", scale=scale, measurements=measurements, meta=meta)
        write_docs_section(scale=scale, table=table, path=Path(docs) if docs else None)
    purge_bench_queue()
    log(table)
    log(f"Results: {target}")
    return measurements


def purge_bench_queue() -> None:
    """Drop the tasks the measured code enqueued (the bench's own Redis database; no worker reads it)."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        return
    import redis

    with contextlib.suppress(redis.RedisError):
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
