"""Load a synthetic population of N influencers into the real tables, then run the engine once.

    python -m bench generate --scale 100000        (see bench/__main__.py and docs/benchmarks.md)

Rows are built column-wise with numpy in worker processes (forked, so they share the population
arrays), encoded as binary COPY, and streamed by the main process into one transaction
(bench/load.py explains the COPY FREEZE / index rebuild strategy). Deterministic: the same seed,
scale and load day give the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator

import numpy as np
import psycopg

from .database import django_dsn
from .load import (
    META_DDL,
    column_types,
    copy_stream,
    encode,
    finish_pending_ddl,
    run_parallel,
    secondary_ddl,
    temporary_defaults,
)
from .overlap import plant_samples, save_planted
from .population import Population, build_population
from .tables import (
    account_rows,
    audience_rows,
    influencer_niche_rows,
    influencer_rows,
    offer_rows,
    post_rows,
    snapshot_rows,
    snapshots_per_account,
)

INFLUENCER_CHUNK = 50_000
ACCOUNT_CHUNK = 200_000
POST_ACCOUNT_CHUNK = 20_000  # ~400,000 posts per chunk
SNAPSHOT_ACCOUNT_CHUNK = 100_000

T_INFLUENCER = "influencers_influencer"
T_NICHES = "influencers_influencer_niches"
T_ACCOUNT = "influencers_socialaccount"
T_POST = "influencers_post"
T_SNAPSHOT = "influencers_followersnapshot"
T_AUDIENCE = "influencers_audience"
T_COUNTRY = "influencers_audiencecountry"
T_OFFER = "influencers_offer"
LOADED_TABLES = [T_INFLUENCER, T_NICHES, T_ACCOUNT, T_POST, T_SNAPSHOT, T_AUDIENCE, T_COUNTRY, T_OFFER]
# Everything that hangs off influencers or brands is emptied too, so a re-run starts clean.
TRUNCATED = [
    *LOADED_TABLES,
    "brands_brand",
    "influencers_enginerun",
    "influencers_auditevent",
    "influencers_notification",
]

# State shared with forked workers (set before the pool starts; read-only afterwards).
_STATE: dict[str, object] = {}


def _chunk_bytes(
    task: tuple[str, int, int, int],
) -> tuple[list[str], bytes] | tuple[list[str], bytes, list[str], bytes]:
    kind, start, stop, chunk = task
    pop: Population = _STATE["pop"]  # type: ignore[assignment]
    anchor: np.datetime64 = _STATE["anchor"]  # type: ignore[assignment]
    types: dict[str, dict[str, str]] = _STATE["types"]  # type: ignore[assignment]
    if kind == "influencer":
        rows, table = influencer_rows(pop, start, stop, anchor), T_INFLUENCER
    elif kind == "account":
        rows, table = account_rows(pop, start, stop, anchor), T_ACCOUNT
    elif kind == "post":
        rows, table = post_rows(pop, start, stop, chunk, anchor), T_POST
    elif kind == "snapshot":
        offsets: np.ndarray = _STATE["snapshot_offsets"]  # type: ignore[assignment]
        rows, table = snapshot_rows(pop, start, stop, chunk, anchor, int(offsets[start])), T_SNAPSHOT
    elif kind == "offer":
        rows, table = offer_rows(pop, start, stop, chunk, anchor), T_OFFER
    elif kind == "audience":
        audience, countries = audience_rows(pop, start, stop, chunk, anchor)
        return (
            list(audience),
            encode(audience, types[T_AUDIENCE]),
            list(countries),
            encode(countries, types[T_COUNTRY]),
        )
    else:
        raise ValueError(kind)
    return list(rows), encode(rows, types[table])


def _tasks(kind: str, total: int, size: int) -> list[tuple[str, int, int, int]]:
    return [(kind, start, min(start + size, total), number) for number, start in enumerate(range(0, total, size))]


def _ordered(pool, tasks: list, ahead: int) -> Iterator:
    """Results in task order, with at most `ahead` chunks in flight (bounded memory)."""
    if pool is None:
        yield from map(_chunk_bytes, tasks)
        return
    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(_chunk_bytes, (task,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _stream(conn: psycopg.Connection, table: str, results: Iterator, columns_seen: set[str]) -> int:
    """COPY every (columns, bytes) result into `table`; returns the number of bytes sent."""
    first = next(results, None)
    if first is None:
        return 0
    columns, data = first[0], first[1]
    columns_seen.update(columns)
    sent = len(data)

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield data
        for result in results:
            sent += len(result[1])
            yield result[1]

    copy_stream(conn, table, columns, chunks(), freeze=True)
    return sent


def load_day_anchor() -> np.datetime64:
    """Midnight UTC of the load day: every date in the data set is relative to it."""
    today = dt.datetime.now(dt.UTC).date()
    return np.datetime64(today.isoformat(), "us")


def generate(
    *, scale: int, seed: int = 7, workers: int | None = None, engine: bool = True, log: Callable[[str], None] = print
) -> dict:
    """Load `scale` influencers into the Django database (which must be a bench/test database)."""
    from django.db import connections

    from brands.models import Brand  # noqa: F401 - ensures apps are loaded before model lookups
    from influencers.models import (
        Audience,
        AudienceCountry,
        FollowerSnapshot,
        Influencer,
        Offer,
        Post,
        SocialAccount,
    )

    from .fixtures import create_brands_and_campaigns

    models_by_table = {
        T_INFLUENCER: Influencer,
        T_NICHES: Influencer.niches.through,
        T_ACCOUNT: SocialAccount,
        T_POST: Post,
        T_SNAPSHOT: FollowerSnapshot,
        T_AUDIENCE: Audience,
        T_COUNTRY: AudienceCountry,
        T_OFFER: Offer,
    }
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str, since: float) -> float:
        timings[name] = round(time.perf_counter() - since, 2)
        log(f"  {name}: {timings[name]:.1f} s")
        return time.perf_counter()

    anchor = load_day_anchor()
    t = time.perf_counter()
    pop = build_population(scale, seed)
    snapshot_counts = snapshots_per_account(pop)
    counts = {
        "influencers": pop.n,
        "accounts": pop.n_accounts,
        "posts": pop.n_posts,
        "follower_snapshots": int(snapshot_counts.sum()),
    }
    log(f"Population: {counts}")
    t = lap("population", t)

    connections.close_all()  # forked workers must not inherit Django's connection
    dsn = django_dsn()
    with psycopg.connect(dsn) as conn:
        conn.execute(META_DDL)
        conn.commit()
        finish_pending_ddl(conn, dsn, workers, log)
        types = {table: column_types(conn, table) for table in LOADED_TABLES}
        niche_ids = dict(conn.execute("SELECT slug, id FROM influencers_niche").fetchall())
        _STATE.update(
            pop=pop, anchor=anchor, types=types, snapshot_offsets=np.cumsum(snapshot_counts) - snapshot_counts
        )
        pool = multiprocessing.get_context("fork").Pool(workers) if workers > 1 and scale > 20_000 else None
        try:
            conn.execute("SET synchronous_commit = off")
            # The search table is built once after the load, not refreshed by its triggers per COPY.
            conn.execute("SELECT set_config('invloed.search_deferred', 'on', false)")
            conn.execute("TRUNCATE " + ", ".join(TRUNCATED) + " RESTART IDENTITY CASCADE")
            pending = secondary_ddl(conn, LOADED_TABLES)
            conn.execute(
                "INSERT INTO bench_meta VALUES ('pending_ddl', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [json.dumps(pending)],
            )
            for statement in pending:
                conn.execute(statement["drop"])
            copied: dict[str, set[str]] = {table: set() for table in LOADED_TABLES}
            anchor_sql = f"'{anchor.astype('datetime64[s]')}+00'::timestamptz"
            # Columns are known only once the first chunk is built; collect, then set defaults lazily.
            undo: list[str] = []

            def stream(table: str, results: Iterator) -> None:
                peeked = next(results, None)
                if peeked is None:
                    return
                undo.extend(temporary_defaults(conn, models_by_table[table], set(peeked[0]), anchor_sql))

                def again() -> Iterator:
                    yield peeked
                    yield from results

                _stream(conn, table, again(), copied[table])

            t = time.perf_counter()
            stream(T_INFLUENCER, _ordered(pool, _tasks("influencer", pop.n, INFLUENCER_CHUNK), 4))
            niche_rows = influencer_niche_rows(pop, niche_ids)
            stream(T_NICHES, iter([(list(niche_rows), encode(niche_rows, types[T_NICHES]))]))
            t = lap("copy influencers + niches", t)
            stream(T_ACCOUNT, _ordered(pool, _tasks("account", pop.n_accounts, ACCOUNT_CHUNK), 4))
            t = lap("copy accounts", t)
            country_chunks: list[tuple[list[str], bytes]] = []

            def audiences() -> Iterator:
                for result in _ordered(pool, _tasks("audience", pop.n, INFLUENCER_CHUNK), 4):
                    country_chunks.append((result[2], result[3]))
                    yield result[0], result[1]

            stream(T_AUDIENCE, audiences())
            stream(T_COUNTRY, iter(country_chunks))
            t = lap("copy audiences + countries", t)
            stream(T_OFFER, _ordered(pool, _tasks("offer", pop.n, INFLUENCER_CHUNK), 4))
            t = lap("copy offers", t)
            stream(T_POST, _ordered(pool, _tasks("post", pop.n_accounts, POST_ACCOUNT_CHUNK), 2 * workers + 1))
            t = lap("copy posts", t)
            stream(T_SNAPSHOT, _ordered(pool, _tasks("snapshot", pop.n_accounts, SNAPSHOT_ACCOUNT_CHUNK), 4))
            t = lap("copy follower snapshots", t)
            for statement in undo:
                conn.execute(statement)
            conn.commit()
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            _STATE.clear()

        finish_pending_ddl(conn, dsn, workers, log)
        t = lap("rebuild indexes and foreign keys", t)
        for table in LOADED_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        conn.commit()
        run_parallel(dsn, [f"ANALYZE {table}" for table in LOADED_TABLES], workers=workers)
        t = lap("analyze", t)
        build_search_table(dsn, workers)
        t = lap("search table", t)

    counts.update(create_brands_and_campaigns(seed=seed))
    t = lap("brands, campaigns, collaborations", t)
    planted = plant_samples(dsn, seed=seed, log=log)
    save_planted(dsn, planted)
    counts["follower_samples"] = len(planted["influencer_ids"])
    t = lap("follower samples (planted overlaps)", t)
    timings["load_total"] = round(time.perf_counter() - started, 2)
    with psycopg.connect(dsn, autocommit=True) as conn:
        max_post_id = conn.execute(f"SELECT coalesce(max(id), 0) FROM {T_POST}").fetchone()[0]
    meta = {
        "scale": scale,
        "seed": seed,
        "anchor": str(anchor.astype("datetime64[D]")),
        "counts": counts,
        "timings_s": timings,
        "max_post_id": max_post_id,
        "engine": False,
    }
    save_meta(dsn, meta)
    if engine:
        meta = engine_pass(dsn, log)
    log(f"Generated {scale:,} influencers in {time.perf_counter() - started:.1f} s")
    return meta


def build_search_table(dsn: str, workers: int = 2) -> None:
    """Fill the discovery search table from the loaded tables (influencers/search_row.py), then vacuum it.

    Its secondary indexes are dropped for the fill and built again afterwards, two at a time (several
    times faster than maintaining them row by row). Vacuumed so its visibility map is set.
    """
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('influencers_searchrow') IS NOT NULL").fetchone()[0]
        if not exists:
            return
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'influencers_searchrow' "
            "AND indexname <> 'influencers_searchrow_pkey'"
        ).fetchall()
        with conn.transaction():
            for name, _definition in indexes:
                conn.execute(f"DROP INDEX {name}")
            conn.execute("SELECT influencers_search_rebuild()")
    run_parallel(dsn, [definition for _name, definition in indexes], workers=workers)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE influencers_searchrow")


def save_meta(dsn: str, meta: dict) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO bench_meta VALUES ('dataset', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(meta)],
        )


def engine_pass(dsn: str, log: Callable[[str], None] = print) -> dict:
    """Run the engine once over a loaded data set and record its timings with the data set."""
    with psycopg.connect(dsn) as conn:
        meta = conn.execute("SELECT value FROM bench_meta WHERE key = 'dataset'").fetchone()[0]
    engine_timings = run_engine(log)
    meta["timings_s"].update(engine_timings)
    meta["engine"] = "engine_missing" not in engine_timings
    with psycopg.connect(dsn, autocommit=True) as conn:
        # The engine rewrote influencer and account rows: refresh visibility map and statistics.
        for table in (T_INFLUENCER, T_ACCOUNT, "influencers_searchrow", "campaigns_match", "campaigns_campaign"):
            conn.execute(f"VACUUM ANALYZE {table}")
    save_meta(dsn, meta)
    return meta


def run_engine(log: Callable[[str], None]) -> dict:
    """Fill every derived table once: full metric recompute, then matches for all open campaigns."""
    timings: dict = {}
    try:
        from influencers.metrics import recompute_metrics
    except ImportError as error:
        log(f"  metrics engine not available ({error}); derived fields stay empty")
        return {"engine_missing": str(error)}
    t = time.perf_counter()
    recompute_metrics(full=True)
    timings["engine_metrics_full"] = round(time.perf_counter() - t, 2)
    log(f"  engine: full metric recompute {timings['engine_metrics_full']:.1f} s")
    try:
        from campaigns.matching import recompute_open_campaigns
    except ImportError as error:
        log(f"  matching engine not available ({error}); no matches stored")
        timings["engine_missing"] = str(error)
        return timings
    t = time.perf_counter()
    recompute_open_campaigns()
    timings["engine_matches_open"] = round(time.perf_counter() - t, 2)
    log(f"  engine: matches for all open campaigns {timings['engine_matches_open']:.1f} s")
    return timings
