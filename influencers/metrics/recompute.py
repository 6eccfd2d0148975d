# ruff: noqa: S608 - SQL is assembled from module constants and dialect pieces; values go in as parameters.
"""The set-based metrics recompute: a few SQL statements per chunk of influencers, on PostgreSQL and SQLite.

Per chunk (an influencer id range, or an explicit set of influencer ids):
1. one statement builds a temporary table with each account's sample statistics (the latest 12 posts
   within 180 days, picked with ROW_NUMBER() over posted_at);
2. one UPDATE writes the account fields from it, skipping rows whose values did not change;
3. the credibility rules run in SQL to find the few influencers with a signal (ER far from benchmark,
   like/comment outliers, undisclosed sponsored posts, follower spikes); only those are scored in Python
   (credibility.py, the same functions as the per-row reference), everyone else gets 100 in SQL;
4. one UPDATE writes the influencer fields (followers, follower-weighted ER, tier, 30-day growth,
   credibility), again skipping unchanged rows, and clears the stale flag set before the run started.
The formulas are the ones in formulas.py/credibility.py; tests check both paths give the same numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from ..kernel.runs import run_in_chunks
from ..models import EngineRun, FeatureChange, Influencer, MetricsSource
from ..search_row import deferred_search_refresh
from ..sql import Dialect, as_date, as_utc_datetime
from ..taxonomy import TIER_BENCHMARK_ER, TIER_FLOORS, VIDEO_PLATFORMS, Platform, Tier
from . import credibility as cred
from .formulas import (
    COMMENTS_NEXT_POSTS,
    ENGAGEMENT_FIELDS,
    ER_SAMPLE_POSTS,
    ER_WINDOW_DAYS,
    MIN_POSTS_PER_SIDE,
    MIN_USABLE_POSTS,
    RECENT_DAYS,
    PostCounts,
    growth_windows,
    post_engagement,
)

logger = logging.getLogger(__name__)

STATS = "engine_account_stats"
CREDIBILITY = "engine_credibility"
# Stored precision: recomputing unchanged inputs then yields identical values, so "skip unchanged
# rows" holds even when the database sums floats in a different order (parallel aggregates).
RATE_DIGITS = 8
AVERAGE_DIGITS = 2


@dataclass(frozen=True)
class Scope:
    """Which influencers a chunk covers: an inclusive id range or an explicit id list."""

    id_range: tuple[int, int] | None = None
    ids: tuple[int, ...] | None = None

    def condition(self, column: str, dialect: Dialect) -> tuple[str, dict]:
        if self.id_range is not None:
            return f"{column} BETWEEN %(scope_lo)s AND %(scope_hi)s", {
                "scope_lo": self.id_range[0],
                "scope_hi": self.id_range[1],
            }
        return dialect.in_ids(column, "scope_ids"), {"scope_ids": dialect.ids_param(self.ids or ())}


def _engagement_sql(alias: str) -> str:
    """SQL for post_engagement(): NULL when any needed count is NULL (NULL + n is NULL)."""
    by_fields: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for platform, fields in ENGAGEMENT_FIELDS.items():
        by_fields[fields].append(platform)
    default = " + ".join(f"p.{f}" for f in ("likes", "comments"))
    whens = " ".join(
        f"WHEN {alias}.platform IN ({', '.join(repr(str(p)) for p in platforms)}) THEN "
        + " + ".join(f"p.{f}" for f in fields)
        for fields, platforms in by_fields.items()
    )
    return f"CASE {whens} ELSE {default} END"


def _tier_sql(column: str) -> str:
    whens = " ".join(f"WHEN {column} >= {int(floor)} THEN '{tier}'" for tier, floor in TIER_FLOORS if floor > 0)
    return f"CASE WHEN {column} IS NULL THEN '' {whens} ELSE '{Tier.NANO}' END"


def _benchmark_sql(platform: str, followers: str) -> str:
    whens = []
    for plat in Platform:
        benchmarks = TIER_BENCHMARK_ER.get(plat, TIER_BENCHMARK_ER[Platform.INSTAGRAM])
        for tier, floor in TIER_FLOORS:
            whens.append(f"WHEN {platform} = '{plat}' AND {followers} >= {int(floor)} THEN {benchmarks[tier]!r}")
    return f"CASE {' '.join(whens)} END"


def _video_platforms_sql() -> str:
    return ", ".join(f"'{p}'" for p in sorted(VIDEO_PLATFORMS))


def _sample_sql(dialect: Dialect) -> str:
    """The ER sample of every scoped account: its latest 12 posts within the window.

    PostgreSQL reads exactly those rows per account from the (account, posted_at) index with a LATERAL
    subquery; the portable form numbers all posts of the window with ROW_NUMBER() and keeps the first 12.
    """
    columns = "p.posted_at, p.likes, p.comments, p.views, p.is_sponsored, p.has_ad_disclosure"
    if dialect.postgres:
        return f"""
            SELECT s.id AS account_id, {columns}, {_engagement_sql("s")} AS engagement
            FROM scoped s CROSS JOIN LATERAL (
                SELECT p.posted_at, p.likes, p.comments, p.shares, p.views, p.is_sponsored, p.has_ad_disclosure
                FROM influencers_post p
                WHERE p.account_id = s.id AND p.posted_at >= %(since)s AND p.posted_at <= %(now)s
                ORDER BY p.posted_at DESC, p.id DESC LIMIT {ER_SAMPLE_POSTS}
            ) AS p
        """
    return f"""
            SELECT * FROM (
                SELECT p.account_id, {columns}, {_engagement_sql("s")} AS engagement,
                       ROW_NUMBER() OVER (PARTITION BY p.account_id ORDER BY p.posted_at DESC, p.id DESC) AS rn
                FROM influencers_post p JOIN scoped s ON s.id = p.account_id
                WHERE p.posted_at >= %(since)s AND p.posted_at <= %(now)s
            ) AS ranked WHERE rn <= {ER_SAMPLE_POSTS}
    """


def _build_account_stats(cursor, dialect: Dialect, scope: Scope, now: dt.datetime) -> None:
    where, params = scope.condition("a.influencer_id", dialect)
    f = "CAST({} AS DOUBLE PRECISION)".format
    sql = f"""
        CREATE TEMP TABLE {STATS} AS
        WITH scoped AS (
            SELECT a.id, a.influencer_id, a.platform, a.handle, a.followers,
                   CASE WHEN a.metrics_source = '{MetricsSource.SELF_REPORTED.value}' THEN 1 ELSE 0 END
                       AS self_reported
            FROM influencers_socialaccount a WHERE {where}
        ), sample AS ({_sample_sql(dialect)}        ), by_comments AS (
            -- Posts by comments, most first (NULLs last on both databases), for the concentration rule.
            SELECT sample.*, ROW_NUMBER() OVER (
                PARTITION BY account_id ORDER BY CASE WHEN comments IS NULL THEN 1 ELSE 0 END, comments DESC
            ) AS comment_rank
            FROM sample
        ), agg AS (
            SELECT account_id,
                   COUNT(engagement) AS n_eng,
                   AVG({f("engagement")}) AS mean_eng,
                   COUNT(CASE WHEN views > 0 THEN engagement END) AS n_views_eng,
                   AVG(CASE WHEN views > 0 THEN {f("engagement")} / views END) AS er_views,
                   COUNT(likes) AS n_likes, AVG({f("likes")}) AS avg_likes,
                   COUNT(comments) AS n_comments, AVG({f("comments")}) AS avg_comments,
                   COUNT(views) AS n_views, AVG({f("views")}) AS avg_views,
                   CAST(SUM(CASE WHEN comments IS NOT NULL THEN likes END) AS BIGINT) AS lc_likes,
                   CAST(SUM(CASE WHEN likes IS NOT NULL THEN comments END) AS BIGINT) AS lc_comments,
                   COUNT(CASE WHEN likes IS NOT NULL AND comments IS NOT NULL THEN 1 END) AS lc_posts,
                   COUNT(CASE WHEN is_sponsored AND NOT has_ad_disclosure THEN 1 END) AS undisclosed,
                   COUNT(CASE WHEN posted_at >= %(recent_since)s THEN engagement END) AS n_recent,
                   AVG(CASE WHEN posted_at >= %(recent_since)s THEN {f("engagement")} END) AS recent_eng,
                   COUNT(CASE WHEN posted_at < %(recent_since)s THEN engagement END) AS n_older,
                   AVG(CASE WHEN posted_at < %(recent_since)s THEN {f("engagement")} END) AS older_eng,
                   CAST(SUM(comments) AS BIGINT) AS comments_total, MAX(comments) AS comments_top,
                   CAST(SUM(CASE WHEN comment_rank BETWEEN 2 AND {1 + COMMENTS_NEXT_POSTS} THEN comments END)
                        AS BIGINT) AS comments_next
            FROM by_comments GROUP BY account_id
        )
        SELECT s.id AS account_id, s.influencer_id, s.platform, s.handle, s.followers,
               CASE WHEN agg.n_eng >= {MIN_USABLE_POSTS} AND s.followers > 0
                    THEN agg.mean_eng / s.followers END AS engagement_rate,
               CASE WHEN s.platform IN ({_video_platforms_sql()}) AND agg.n_views_eng >= {MIN_USABLE_POSTS}
                    THEN agg.er_views END AS engagement_rate_by_views,
               COALESCE(agg.n_eng, 0) AS er_sample_size,
               CASE WHEN agg.n_likes >= {MIN_USABLE_POSTS} THEN agg.avg_likes END AS avg_likes,
               CASE WHEN agg.n_comments >= {MIN_USABLE_POSTS} THEN agg.avg_comments END AS avg_comments,
               CASE WHEN agg.n_views >= {MIN_USABLE_POSTS} THEN agg.avg_views END AS avg_views,
               (SELECT MAX(p.posted_at) FROM influencers_post p
                 WHERE p.account_id = s.id AND p.posted_at <= %(now)s) AS last_post_at,
               COALESCE(agg.lc_likes, 0) AS lc_likes, COALESCE(agg.lc_comments, 0) AS lc_comments,
               COALESCE(agg.lc_posts, 0) AS lc_posts, COALESCE(agg.undisclosed, 0) AS undisclosed,
               CASE WHEN agg.n_recent >= {MIN_POSTS_PER_SIDE} THEN agg.recent_eng END AS recent_eng,
               CASE WHEN agg.n_older >= {MIN_POSTS_PER_SIDE} THEN agg.older_eng END AS older_eng,
               COALESCE(agg.n_comments, 0) AS comment_posts, COALESCE(agg.comments_total, 0) AS comments_total,
               COALESCE(agg.comments_top, 0) AS comments_top, COALESCE(agg.comments_next, 0) AS comments_next,
               (SELECT sn.followers FROM influencers_followersnapshot sn
                 WHERE sn.account_id = s.id AND sn.date >= %(start_from)s AND sn.date <= %(start_to)s
                 ORDER BY sn.date DESC LIMIT 1) AS start_f,
               (SELECT sn.followers FROM influencers_followersnapshot sn
                 WHERE sn.account_id = s.id AND sn.date >= %(end_from)s AND sn.date <= %(end_to)s
                 ORDER BY sn.date DESC LIMIT 1) AS end_f,
               s.self_reported
        FROM scoped s LEFT JOIN agg ON agg.account_id = s.id
    """
    (start_from, start_to), (end_from, end_to) = growth_windows(timezone.localdate(now))
    params |= {
        "since": dialect.datetime_param(now - dt.timedelta(days=ER_WINDOW_DAYS)),
        "now": dialect.datetime_param(now),
        "recent_since": dialect.datetime_param(now - dt.timedelta(days=RECENT_DAYS)),
        "start_from": dialect.date_param(start_from),
        "start_to": dialect.date_param(start_to),
        "end_from": dialect.date_param(end_from),
        "end_to": dialect.date_param(end_to),
    }
    cursor.execute(sql, params)
    if dialect.postgres:
        cursor.execute(f"ANALYZE {STATS}")


def _update_accounts(cursor, dialect: Dialect, now: dt.datetime) -> int:
    rate = dialect.round
    fields = {
        "engagement_rate": rate("s.engagement_rate", RATE_DIGITS),
        "engagement_rate_by_views": rate("s.engagement_rate_by_views", RATE_DIGITS),
        "er_sample_size": "s.er_sample_size",
        "avg_likes": rate("s.avg_likes", AVERAGE_DIGITS),
        "avg_comments": rate("s.avg_comments", AVERAGE_DIGITS),
        "avg_views": rate("s.avg_views", AVERAGE_DIGITS),
        "last_post_at": "s.last_post_at",
    }
    assignments = ", ".join(f"{name} = {expr}" for name, expr in fields.items())
    changed = " OR ".join(f"t.{name} {dialect.distinct} {expr}" for name, expr in fields.items())
    cursor.execute(
        f"""
        UPDATE influencers_socialaccount AS t SET {assignments}, metrics_updated_at = %(now)s
        FROM {STATS} AS s
        WHERE t.id = s.account_id AND ({changed} OR t.metrics_updated_at IS NULL
              OR (t.posts_changed_at IS NOT NULL AND t.posts_changed_at > t.metrics_updated_at))
        """,
        {"now": dialect.datetime_param(now)},
    )
    return max(cursor.rowcount, 0)


def _flagged_influencer_ids(cursor, dialect: Dialect) -> set[int]:
    bench = _benchmark_sql("platform", "followers")
    high_whens = " ".join(
        f"WHEN platform = '{platform}' THEN {ratio!r}"
        for platform, ratio in cred.LIKES_PER_COMMENT_HIGH_BY_PLATFORM.items()
    )
    high = f"(CASE {high_whens} ELSE {cred.LIKES_PER_COMMENT_HIGH!r} END)"
    view_whens = " ".join(f"WHEN platform = '{p}' THEN {rate!r}" for p, rate in cred.ENGAGEMENT_PER_VIEW_HIGH.items())
    per_view = f"(CASE {view_whens} ELSE 1e9 END)"
    cursor.execute(
        f"""
        SELECT DISTINCT influencer_id FROM {STATS} WHERE
            (self_reported = 1 AND engagement_rate IS NOT NULL AND followers > 0)
            OR (engagement_rate IS NOT NULL AND followers > 0
             AND (engagement_rate < {cred.ER_FAR_BELOW_RATIO!r} * {bench}
                  OR engagement_rate > {cred.ER_FAR_ABOVE_RATIO!r} * {bench}))
            OR (lc_posts >= {MIN_USABLE_POSTS} AND lc_likes + lc_comments > 0 AND (
                lc_likes > {high} * (CASE WHEN lc_comments > 1 THEN lc_comments ELSE 1 END)
                OR (lc_comments > 0 AND lc_likes < {cred.LIKES_PER_COMMENT_LOW!r} * lc_comments)))
            OR undisclosed > 0
            OR (start_f > 0 AND end_f >= {1 + cred.GROWTH_WITHOUT_ENGAGEMENT_MIN - 1e-9!r} * start_f
                AND recent_eng IS NOT NULL AND older_eng > 0
                AND (recent_eng - older_eng) / older_eng
                    < {cred.GROWTH_ENGAGEMENT_SHARE!r} * CAST(end_f - start_f AS DOUBLE PRECISION) / start_f)
            OR engagement_rate_by_views > {per_view}
            OR (comment_posts >= {cred.COMMENTS_MIN_POSTS} AND comments_total - comments_top > 0
                AND comments_next > {cred.COMMENTS_CONCENTRATED_SHARE!r} * (comments_total - comments_top))
            OR (platform IN ({_video_platforms_sql()}) AND avg_views IS NOT NULL
                AND followers >= {cred.VIEWS_MIN_FOLLOWERS} AND avg_views < {cred.VIEWS_PER_FOLLOWER_MIN!r} * followers)
        """
    )
    return {row[0] for row in cursor.fetchall()}


def _spike_candidates(cursor, dialect: Dialect, today: dt.date) -> list[tuple[int, cred.SpikeCandidate]]:
    """detect_spike_candidates() for every account of the chunk, as one windowed query."""
    days = dialect.days_between("date", "prev_date")
    if dialect.postgres:
        # Each account's snapshots straight from the (account, date) index, not a scan of the table.
        source = f"""
            SELECT s.account_id, s.influencer_id, sn.date, sn.followers FROM {STATS} s CROSS JOIN LATERAL (
                SELECT sn.date, sn.followers FROM influencers_followersnapshot sn
                WHERE sn.account_id = s.account_id AND sn.date >= %(since)s AND sn.date <= %(today)s
            ) AS sn
        """
    else:
        source = f"""
            SELECT sn.account_id, s.influencer_id, sn.date, sn.followers
            FROM influencers_followersnapshot sn JOIN {STATS} s ON s.account_id = sn.account_id
            WHERE sn.date >= %(since)s AND sn.date <= %(today)s
        """
    cursor.execute(
        f"""
        WITH points AS ({source}), pairs AS (
            SELECT account_id, influencer_id, date, prev_date, prev_f, followers - prev_f AS gain,
                   CAST(followers - prev_f AS DOUBLE PRECISION) / {days} AS daily
            FROM (
                SELECT account_id, influencer_id, date, followers,
                       LAG(date) OVER w AS prev_date, LAG(followers) OVER w AS prev_f
                FROM points
                WINDOW w AS (PARTITION BY account_id ORDER BY date)
            ) AS pts
            WHERE prev_f IS NOT NULL
        ), base AS (
            -- The usual daily change needs every pair of the account; a grouped pass is cheaper
            -- than a second window over all pairs.
            SELECT account_id, SUM(ABS(daily)) AS total_abs, COUNT(*) AS n FROM pairs GROUP BY account_id
        )
        SELECT p.influencer_id, p.account_id, p.date, p.prev_date, p.prev_f, p.gain,
               (b.total_abs - ABS(p.daily)) / (b.n - 1) AS usual
        FROM pairs p JOIN base b ON b.account_id = p.account_id
        WHERE b.n >= {cred.SPIKE_MIN_PAIRS + 1} AND p.gain >= {cred.SPIKE_MIN_GAIN}
          AND p.gain >= {cred.SPIKE_MIN_GAIN_SHARE!r} * p.prev_f
          AND p.daily > {cred.SPIKE_FACTOR!r} * (b.total_abs - ABS(p.daily)) / (b.n - 1)
        """,
        {
            "since": dialect.date_param(today - dt.timedelta(days=cred.SPIKE_WINDOW_DAYS)),
            "today": dialect.date_param(today),
        },
    )
    return [
        (influencer_id, cred.SpikeCandidate(account_id, as_date(d), as_date(prev_d), prev_f, gain, usual))
        for influencer_id, account_id, d, prev_d, prev_f, gain, usual in cursor.fetchall()
    ]


def _explain_spikes(
    cursor, dialect: Dialect, candidates: list[tuple[int, cred.SpikeCandidate]], accounts: dict[int, tuple[str, str]]
) -> dict[int, list[cred.Spike]]:
    """Fetch the posts around each spike (few accounts) and attach the engagement context."""
    if not candidates:
        return {}
    windows = [cred.spike_engagement_windows(c) for _, c in candidates]
    first = min(usual[0] for usual, _ in windows)
    last = max(around[1] for _, around in windows) + dt.timedelta(days=1)
    account_ids = {c.account_id for _, c in candidates}
    cursor.execute(
        f"""
        SELECT p.account_id, p.posted_at, p.likes, p.comments, p.shares
        FROM influencers_post p
        WHERE {dialect.in_ids("p.account_id", "ids")} AND p.posted_at >= %(first)s AND p.posted_at < %(last)s
        """,
        {
            "ids": dialect.ids_param(account_ids),
            # Local midnights: the windows are calendar days of the site's time zone.
            "first": dialect.datetime_param(timezone.make_aware(dt.datetime.combine(first, dt.time()))),
            "last": dialect.datetime_param(timezone.make_aware(dt.datetime.combine(last, dt.time()))),
        },
    )
    engagements: dict[int, list[tuple[dt.date, int | None]]] = defaultdict(list)
    for account_id, posted_at, likes, comments, shares in cursor.fetchall():
        platform = accounts[account_id][0]
        post = PostCounts(posted_at=as_utc_datetime(posted_at), likes=likes, comments=comments, shares=shares)
        engagements[account_id].append((timezone.localtime(post.posted_at).date(), post_engagement(platform, post)))
    spikes: dict[int, list[cred.Spike]] = defaultdict(list)
    for influencer_id, candidate in candidates:
        platform, handle = accounts[candidate.account_id]
        spikes[influencer_id].append(
            cred.explain_spike(
                candidate, platform=platform, handle=handle, engagements=engagements[candidate.account_id]
            )
        )
    return spikes


def _score_flagged(cursor, dialect: Dialect, today: dt.date) -> int:
    """Score influencers with a credibility signal in Python; store them in a temp table. Returns how many."""
    candidates = _spike_candidates(cursor, dialect, today)
    flagged = _flagged_influencer_ids(cursor, dialect) | {influencer_id for influencer_id, _ in candidates}
    columns = f"influencer_id BIGINT PRIMARY KEY, score INTEGER NULL, reasons {dialect.json_type}"
    cursor.execute(f"CREATE TEMP TABLE {CREDIBILITY} ({columns})")
    if not flagged:
        return 0
    cursor.execute(
        f"""
        SELECT influencer_id, account_id, platform, handle, followers, engagement_rate,
               lc_likes, lc_comments, lc_posts, undisclosed, avg_views, start_f, end_f, recent_eng, older_eng,
               engagement_rate_by_views, comment_posts, comments_total, comments_top, comments_next,
               self_reported
        FROM {STATS} WHERE {dialect.in_ids("influencer_id", "ids")}
        """,
        {"ids": dialect.ids_param(flagged)},
    )
    signals: dict[int, list[cred.AccountSignals]] = defaultdict(list)
    accounts: dict[int, tuple[str, str]] = {}
    for row in cursor.fetchall():
        influencer_id, account_id, platform, handle = row[:4]
        accounts[account_id] = (platform, handle)
        # The STATS columns in the order of AccountSignals' fields; self_reported (0/1) is the last one.
        signal = cred.AccountSignals(*row[1:-1])
        signals[influencer_id].append(replace(signal, self_reported=True) if row[-1] else signal)
    spikes = _explain_spikes(cursor, dialect, candidates, accounts)
    rows = []
    for influencer_id in sorted(flagged):
        score, reasons = cred.credibility(signals[influencer_id], spikes.get(influencer_id, ()))
        rows.append((influencer_id, score, json.dumps(reasons)))
    if dialect.postgres:
        with cursor.cursor.copy(f"COPY {CREDIBILITY} (influencer_id, score, reasons) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {CREDIBILITY} (influencer_id, score, reasons) VALUES (%s, %s, %s)", rows)
    return len(rows)


def _update_influencers(
    cursor, dialect: Dialect, scope: Scope, now: dt.datetime, started: dt.datetime
) -> tuple[int, list[int]]:
    """Write the influencer fields: the number of rows written and, on PostgreSQL, their ids (for the search table)."""
    where_accounts, params = scope.condition("a.influencer_id", dialect)
    where_influencers, _ = scope.condition("i.id", dialect)
    (start_from, start_to), (end_from, end_to) = growth_windows(timezone.localdate(now))
    known = "a.engagement_rate IS NOT NULL AND a.followers > 0"
    fields = {
        "total_followers": "s.total_followers",
        "engagement_rate": "s.engagement_rate",
        "er_sample_size": "s.er_sample_size",
        "tier": "s.tier",
        "follower_growth_30d": "s.follower_growth_30d",
        "credibility_score": "s.credibility_score",
        "credibility_reasons": "s.credibility_reasons",
    }
    assignments = ", ".join(f"{name} = {expr}" for name, expr in fields.items())
    changed = " OR ".join(f"t.{name} {dialect.distinct} {expr}" for name, expr in fields.items())
    empty, insufficient = dialect.json_param("empty_reasons"), dialect.json_param("insufficient")
    weighted_er = dialect.round("acc.weighted / CAST(acc.weight AS DOUBLE PRECISION)", RATE_DIGITS)
    growth = dialect.round("CAST(growth.end_total - growth.start_total AS DOUBLE PRECISION) / growth.start_total", 6)
    # The statement starts with UPDATE (its CTEs sit in the FROM subquery): Python's sqlite3 only
    # reports a rowcount for statements that start with a DML keyword.
    cursor.execute(
        f"""
        UPDATE influencers_influencer AS t SET {assignments}, metrics_updated_at = %(now)s,
            metrics_stale_since = CASE WHEN t.metrics_stale_since <= %(started)s THEN NULL
                                       ELSE t.metrics_stale_since END
        FROM (
        WITH acc AS (
            SELECT a.influencer_id, CAST(SUM(a.followers) AS BIGINT) AS total_followers,
                   MAX(a.followers) AS max_followers,
                   SUM(CASE WHEN {known} THEN a.followers * a.engagement_rate END) AS weighted,
                   SUM(CASE WHEN {known} THEN a.followers END) AS weight,
                   CAST(SUM(CASE WHEN {known} THEN a.er_sample_size ELSE 0 END) AS BIGINT) AS sample
            FROM influencers_socialaccount a WHERE {where_accounts} GROUP BY a.influencer_id
        ), per_account AS (
            SELECT a.influencer_id,
                   (SELECT sn.followers FROM influencers_followersnapshot sn
                     WHERE sn.account_id = a.id AND sn.date >= %(start_from)s AND sn.date <= %(start_to)s
                     ORDER BY sn.date DESC LIMIT 1) AS start_f,
                   (SELECT sn.followers FROM influencers_followersnapshot sn
                     WHERE sn.account_id = a.id AND sn.date >= %(end_from)s AND sn.date <= %(end_to)s
                     ORDER BY sn.date DESC LIMIT 1) AS end_f
            FROM influencers_socialaccount a WHERE {where_accounts}
        ), growth AS (
            SELECT influencer_id, CAST(SUM(start_f) AS BIGINT) AS start_total, CAST(SUM(end_f) AS BIGINT) AS end_total
            FROM per_account WHERE start_f IS NOT NULL AND end_f IS NOT NULL GROUP BY influencer_id
        )
            SELECT i.id,
                   COALESCE(acc.total_followers, 0) AS total_followers,
                   {weighted_er} AS engagement_rate,
                   CASE WHEN acc.weight > 0 THEN acc.sample ELSE 0 END AS er_sample_size,
                   {_tier_sql("acc.max_followers")} AS tier,
                   CASE WHEN growth.start_total > 0 THEN {growth} END AS follower_growth_30d,
                   CASE WHEN c.influencer_id IS NOT NULL THEN c.score
                        WHEN acc.weight > 0 THEN {cred.MAX_SCORE} END AS credibility_score,
                   CASE WHEN c.influencer_id IS NOT NULL THEN c.reasons
                        WHEN acc.weight > 0 THEN {empty} ELSE {insufficient} END AS credibility_reasons
            FROM influencers_influencer i
            LEFT JOIN acc ON acc.influencer_id = i.id
            LEFT JOIN growth ON growth.influencer_id = i.id
            LEFT JOIN {CREDIBILITY} c ON c.influencer_id = i.id
            WHERE {where_influencers}
        ) AS s
        WHERE t.id = s.id AND ({changed} OR t.metrics_stale_since IS NOT NULL OR t.metrics_updated_at IS NULL)
        {"RETURNING t.id" if dialect.postgres else ""}
        """,
        params
        | {
            "start_from": dialect.date_param(start_from),
            "start_to": dialect.date_param(start_to),
            "end_from": dialect.date_param(end_from),
            "end_to": dialect.date_param(end_to),
            "now": dialect.datetime_param(now),
            "started": dialect.datetime_param(started),
            "empty_reasons": "[]",
            "insufficient": json.dumps([cred.insufficient_data_reason()]),
        },
    )
    if dialect.postgres:
        ids = [row[0] for row in cursor.fetchall()]
        return len(ids), ids
    return max(cursor.rowcount, 0), []


def recompute_scope(scope: Scope, *, now: dt.datetime, started: dt.datetime | None = None) -> int:
    """Recompute accounts and influencers of one chunk in one transaction. Returns rows written."""
    dialect = Dialect(connection)
    with transaction.atomic(), connection.cursor() as cursor:
        if dialect.postgres:
            # For this transaction only: sorts and hashes of a chunk in memory, and no JIT compile
            # (it costs more than it saves on these statements). A random page cost for cached/SSD
            # data: with the default 4 the planner joined a chunk's 40,000 rows to the accounts and
            # influencers by scanning those tables from their first row, so every later chunk read
            # more (docs/benchmarks.md).
            cursor.execute(
                "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true), "
                "set_config('random_page_cost', %s, true)",
                [settings.ENGINE_PG_WORK_MEM, str(settings.ENGINE_PG_RANDOM_PAGE_COST)],
            )
        try:
            _build_account_stats(cursor, dialect, scope, now)
            touched = _update_accounts(cursor, dialect, now)
            _score_flagged(cursor, dialect, timezone.localdate(now))
            # The search table's rows of the creators written are refreshed once, after the UPDATE, rather
            # than by its row trigger inside it: the trigger's refresh made a 1 % incremental run 3-5x
            # slower (docs/benchmarks.md, "Incremental recompute and the search table").
            written: list[int] = []
            with deferred_search_refresh(written):
                count, ids = _update_influencers(cursor, dialect, scope, now, started or now)
                written += ids
            touched += count
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {STATS}")
            cursor.execute(f"DROP TABLE IF EXISTS {CREDIBILITY}")
    return touched


def full_chunks(chunk_size: int | None = None) -> list[tuple[int, int]]:
    """Influencer id ranges covering every influencer, each of at most `chunk_size` ids."""
    size = chunk_size or settings.METRICS_CHUNK_SIZE
    bounds = Influencer.objects.order_by().aggregate(lo=Min("id"), hi=Max("id"))
    lo, hi = bounds["lo"], bounds["hi"]
    if lo is None:
        return []
    return [(start, min(start + size - 1, hi)) for start in range(lo, hi + 1, size)]


def incremental_influencer_ids(account_ids: Iterable[int] | None = None) -> list[int]:
    """Influencers to recompute: owners of the given accounts, or of accounts whose posts changed after
    their metrics, plus influencers flagged stale or never computed."""
    dialect = Dialect(connection)
    with connection.cursor() as cursor:
        if account_ids is not None:
            cursor.execute(
                f"SELECT DISTINCT influencer_id FROM influencers_socialaccount WHERE {dialect.in_ids('id', 'ids')}",
                {"ids": dialect.ids_param(account_ids)},
            )
        else:
            cursor.execute(
                """
                SELECT influencer_id FROM influencers_socialaccount
                WHERE posts_changed_at IS NOT NULL
                  AND (metrics_updated_at IS NULL OR posts_changed_at > metrics_updated_at)
                UNION
                SELECT id FROM influencers_influencer
                WHERE metrics_stale_since IS NOT NULL OR metrics_updated_at IS NULL
                """
            )
        return sorted(row[0] for row in cursor.fetchall())


def recompute_metrics(
    *,
    account_ids: list[int] | None = None,
    full: bool = False,
    run: EngineRun | None = None,
    influencer_ids: list[int] | None = None,
    now: dt.datetime | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute derived metrics; returns the number of account and influencer rows written.

    full=True covers every influencer in id-range chunks. Otherwise the incremental mode covers the
    owners of `account_ids` / `influencer_ids` when given, or else every influencer whose posts changed
    since its last computation, that is flagged stale or that was never computed.
    """
    now = now or timezone.now()
    started = timezone.now()
    if full:
        scopes = [Scope(id_range=chunk) for chunk in full_chunks()]
    else:
        ids = set(influencer_ids or ())
        if account_ids is not None or not ids:
            ids |= set(incremental_influencer_ids(account_ids))
        size = settings.METRICS_CHUNK_SIZE
        ordered = sorted(ids)
        scopes = [Scope(ids=tuple(ordered[i : i + size])) for i in range(0, len(ordered), size)]
    touched = run_in_chunks(
        run,
        scopes,
        lambda scope: recompute_scope(scope, now=now, started=started),
        on_chunk=on_chunk,
        detail=lambda: {"chunks": len(scopes), "full": full},
    )
    if touched:
        for scope in scopes:
            features_changed(influencer_ids=scope.ids, id_range=scope.id_range)
    return touched


def features_changed(*, influencer_ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None) -> None:
    """Record that matching inputs changed for these influencers (None and no range: possibly all).

    The matching feature store (campaigns.matching.store) patches those rows or reloads. Call it after
    the change committed (on_commit inside a transaction): the change row must not be visible before
    the data it announces.
    """
    ids = None if influencer_ids is None else sorted({int(pk) for pk in influencer_ids})
    if ids is not None and not ids:
        return
    lo, hi = id_range if id_range is not None else (None, None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # One writer at a time, so ids follow commit order: a reader that has seen change N can
            # never later find an N-1 that was still uncommitted (readers are not blocked).
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {FeatureChange._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        FeatureChange.objects.create(influencer_ids=None if id_range else ids, id_from=lo, id_to=hi)
