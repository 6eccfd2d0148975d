"""Engine workloads: match recompute, metric recompute (full and incremental) and metric import."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import psycopg

from .measure import Measurement, percentile, repeat_ms, summarize, with_floor

INCREMENTAL_SHARE = 0.01  # "after 1 % of accounts received new posts"
NEW_POSTS_PER_ACCOUNT = 2
BENCH_EXTERNAL_PREFIX = "bench-new-"


def _primary_campaign_id() -> int:
    from campaigns.models import Campaign

    from .fixtures import BENCH_USERNAME

    return Campaign.objects.open().filter(brand__slug=BENCH_USERNAME).order_by("pk").values_list("pk", flat=True)[0]


def measure_matching(*, scale: int, warmup: int, runs: int, heavy_runs: int) -> list[Measurement]:
    from django.conf import settings

    from campaigns.matching import recompute_campaign_matches, recompute_open_campaigns
    from campaigns.matching.store import feature_store_build, forget_cached_features
    from campaigns.models import Campaign, Match

    campaign_id = _primary_campaign_id()
    open_ids = list(Campaign.objects.open().values_list("pk", flat=True))

    def clear_one() -> None:
        # Force the store step: an unchanged list would be left alone and not written.
        Match.objects.filter(campaign_id=campaign_id).delete()

    def clear_one_cold() -> None:
        clear_one()
        forget_cached_features()

    def clear_all() -> None:
        Match.objects.filter(campaign_id__in=open_ids).delete()

    # A worker that keeps the feature matrix (MATCH_FEATURE_CACHE_SECONDS > 0) scores a campaign
    # without reading every influencer again; the cold line below is what every run costs without it.
    configured_ttl = settings.MATCH_FEATURE_CACHE_SECONDS
    bench_ttl = max(configured_ttl, 3600)
    settings.MATCH_FEATURE_CACHE_SECONDS = bench_ttl
    one = Measurement(name="matching:one_campaign", scale=scale, group="matching")
    try:
        summarize(
            one,
            repeat_ms(
                lambda: recompute_campaign_matches(campaign_id=campaign_id),
                warmup=warmup,
                runs=runs,
                before_each=clear_one,
            ),
        )
    finally:
        settings.MATCH_FEATURE_CACHE_SECONDS = configured_ttl
        forget_cached_features()
    one.detail = {
        "campaign_id": campaign_id,
        "stored": Match.objects.filter(campaign_id=campaign_id).count(),
        "feature_cache": f"warm (MATCH_FEATURE_CACHE_SECONDS={bench_ttl}; configured: {configured_ttl})",
    }
    # A worker's first campaign (after a start or the cache expiry): the matrix from the feature store
    # (campaigns/matching/store.py), built first as the engine does after a full metric run.
    build = Measurement(name="matching:feature_store_build", scale=scale, group="matching")
    summarize(build, repeat_ms(lambda: feature_store_build(force=True), warmup=0, runs=1))
    build.detail = {"note": "live load of the matrix + compact encoding + one transaction (a background task)"}
    cold_store = Measurement(name="matching:cold_start_store", scale=scale, group="matching")
    summarize(
        cold_store,
        repeat_ms(
            lambda: recompute_campaign_matches(campaign_id=campaign_id),
            warmup=0,
            runs=runs,
            before_each=clear_one_cold,
        ),
    )
    cold_store.detail = {"campaign_id": campaign_id, "feature_cache": "cold (matrix read from the feature store)"}
    # The same without a store: the live loader, what every cold start cost before it.
    configured_store = settings.MATCH_FEATURE_STORE
    settings.MATCH_FEATURE_STORE = False
    cold = Measurement(name="matching:one_campaign_cold", scale=scale, group="matching")
    try:
        summarize(
            cold,
            repeat_ms(
                lambda: recompute_campaign_matches(campaign_id=campaign_id),
                warmup=0,
                runs=heavy_runs,
                before_each=clear_one_cold,
            ),
        )
    finally:
        settings.MATCH_FEATURE_STORE = configured_store
    cold.detail = {"campaign_id": campaign_id, "feature_cache": "cold (feature matrix loaded live from PostgreSQL)"}
    everything = Measurement(name="matching:all_open_campaigns", scale=scale, group="matching")
    summarize(everything, repeat_ms(recompute_open_campaigns, warmup=0, runs=heavy_runs, before_each=clear_all))
    everything.detail = {"campaigns": len(open_ids), "stored": Match.objects.filter(campaign_id__in=open_ids).count()}
    return [one, build, cold_store, cold, everything]


# The least any full recompute must do: read every post of the ER window once and aggregate it per
# account (parallel sequential scan + hash aggregate). The engine's own work on top of this floor is
# picking the latest 12, credibility, growth and writing rows.
METRICS_FLOOR_SQL = """
    SELECT count(*), sum(n), sum(engagement) FROM (
        SELECT account_id, count(*) AS n, sum(coalesce(likes, 0) + coalesce(comments, 0)) AS engagement
        FROM influencers_post WHERE posted_at >= now() - interval '180 days' GROUP BY account_id
    ) per_account
"""


def measure_metrics_full(*, scale: int, dsn: str, runs: int, first_run_s: float | None) -> list[Measurement]:
    from influencers.metrics import recompute_metrics

    results = []
    if first_run_s is not None:
        first = Measurement(name="metrics:full_first_run", scale=scale, group="metrics", runs=1)
        first.p50_ms = first.p95_ms = round(first_run_s * 1000, 2)
        first.detail = {"note": "the generator's engine run: every derived row written for the first time"}
        results.append(first)
    written: list[int] = []
    full = Measurement(name="metrics:full", scale=scale, group="metrics")
    summarize(full, repeat_ms(lambda: written.append(recompute_metrics(full=True)), warmup=0, runs=runs))
    full.detail = {
        "rows_written_last_run": written[-1] if written else None,
        "note": "steady state: unchanged rows are skipped",
        "floor": "one parallel scan + aggregate of every post in the 180-day window",
    }
    with psycopg.connect(dsn, autocommit=True) as conn:
        with_floor(full, repeat_ms(lambda: conn.execute(METRICS_FLOOR_SQL).fetchall(), warmup=0, runs=runs))
    results.append(full)
    return results


def add_new_posts(dsn: str, *, share: float, seed: int) -> int:
    """Give `share` of the accounts new posts, the way an import does (posts + posts_changed_at)."""
    with psycopg.connect(dsn) as conn:
        max_account = conn.execute("SELECT max(id) FROM influencers_socialaccount").fetchone()[0] or 0
        rng = np.random.default_rng([seed, 99])
        count = max(1, int(max_account * share))
        ids = np.unique(rng.integers(1, max_account + 1, count)).tolist()
        conn.execute(
            """INSERT INTO influencers_post (account_id, external_id, posted_at, format, caption, url, likes,
                   comments, shares, views, saves, is_sponsored, has_ad_disclosure, updated_at)
               SELECT a.id, %(prefix)s || %(seed)s || '-' || a.id || '-' || n, now() - n * interval '1 hour',
                      'image', '', '', (a.followers * 0.04)::bigint + n, (a.followers * 0.002)::bigint,
                      NULL, NULL, NULL, false, false, now()
               FROM influencers_socialaccount a CROSS JOIN generate_series(1, %(per)s) n
               WHERE a.id = ANY(%(ids)s)""",
            {"prefix": BENCH_EXTERNAL_PREFIX, "seed": seed, "per": NEW_POSTS_PER_ACCOUNT, "ids": ids},
        )
        conn.execute("UPDATE influencers_socialaccount SET posts_changed_at = now() WHERE id = ANY(%s)", [ids])
    return len(ids)


def measure_metrics_incremental(*, scale: int, dsn: str, warmup: int, runs: int) -> Measurement:
    from influencers.metrics import recompute_metrics

    counter = iter(range(1_000_000))
    accounts: list[int] = []

    def prepare() -> None:
        accounts.append(add_new_posts(dsn, share=INCREMENTAL_SHARE, seed=next(counter)))

    measurement = Measurement(name="metrics:incremental_1pct", scale=scale, group="metrics")
    summarize(measurement, repeat_ms(recompute_metrics, warmup=warmup, runs=runs, before_each=prepare))
    measurement.detail = {
        "accounts_with_new_posts": accounts[-1] if accounts else 0,
        "new_posts_each": NEW_POSTS_PER_ACCOUNT,
    }
    return measurement


def remove_bench_posts(dsn: str, max_generated_post_id: int) -> int:
    """Delete posts added by earlier harness runs (ids above the generated data set)."""
    with psycopg.connect(dsn) as conn:
        deleted = conn.execute(
            """WITH gone AS (DELETE FROM influencers_post WHERE id > %s RETURNING account_id)
               UPDATE influencers_socialaccount SET posts_changed_at = now()
               WHERE id IN (SELECT DISTINCT account_id FROM gone)""",
            [max_generated_post_id],
        ).rowcount
    return deleted


def throughput(measurement: Measurement, rows: int, samples_ms: list[float]) -> None:
    best = percentile(samples_ms, 50)
    measurement.detail["rows_per_run"] = rows
    measurement.detail["rows_per_second_p50"] = round(rows / (best / 1000)) if best else None


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result
