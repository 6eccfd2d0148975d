"""Import throughput: 100,000 posts through the metric import path (what `import_metrics FILE` runs).

Each timed run imports a fresh CSV file (new external ids on existing accounts), so every row is an
insert; a second line times importing the same file again, where every row is found unchanged.
The timed call is influencers.importers.metrics_import: read, validate every row, COPY + upsert in
one transaction, mark changed accounts, record the EngineRun, and enqueue the incremental recompute
(to the bench's own Redis queue; the recompute itself is measured separately).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import psycopg

from .measure import Measurement, repeat_ms, summarize, with_floor
from .workloads import throughput

IMPORT_POSTS = 100_000
POSTS_PER_ACCOUNT = 10
HEADER = (
    "platform", "account", "external_id", "posted_at", "format", "caption", "url",
    "likes", "comments", "shares", "views", "saves", "is_sponsored", "has_ad_disclosure",
)  # fmt: skip


def write_posts_csv(path: Path, *, dsn: str, posts: int, seed: int) -> int:
    """A CSV of `posts` new posts spread over existing accounts (10 per account)."""
    rng = np.random.default_rng([seed, 4242])
    with psycopg.connect(dsn) as conn:
        accounts = conn.execute(
            "SELECT platform, handle, followers FROM influencers_socialaccount ORDER BY random() LIMIT %s",
            [max(1, posts // POSTS_PER_ACCOUNT)],
        ).fetchall()
    now = dt.datetime.now(dt.UTC)
    written = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(posts):
            platform, account, followers = accounts[number % len(accounts)]
            likes = int(followers * 0.03 * rng.lognormal(0, 0.4))
            posted = now - dt.timedelta(hours=float(rng.uniform(2, 24 * 30)))
            fmt = {"tiktok": "video", "youtube": "video", "twitch": "live", "blog": "article", "podcast": "episode"}
            writer.writerow(
                (
                    platform,
                    account,
                    f"bench-import-{seed}-{number}",
                    posted.isoformat(timespec="seconds"),
                    fmt.get(platform, "image"),
                    "New post #ad" if number % 17 == 0 else "",
                    "",
                    likes,
                    int(likes * 0.03),
                    int(likes * 0.1) if platform in ("tiktok", "x") else "",
                    int(followers * 0.5) if platform in ("tiktok", "youtube") else "",
                    "",
                    "true" if number % 17 == 0 else "false",
                    "true" if number % 17 == 0 else "false",
                )
            )
            written += 1
    return written


def copy_floor(dsn: str, path: Path) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "CREATE TEMP TABLE import_floor (platform text, account text, external_id text, posted_at timestamptz, "
            "format text, caption text, url text, likes bigint, comments bigint, shares bigint, views bigint, "
            "saves bigint, is_sponsored boolean, has_ad_disclosure boolean)"
        )
        with conn.cursor().copy("COPY import_floor FROM STDIN (FORMAT csv, HEADER true)") as copy, path.open("rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)


def measure_import(*, scale: int, dsn: str, runs: int) -> list[Measurement]:
    fresh = Measurement(name="import:posts", scale=scale, group="import")
    again = Measurement(name="import:posts_unchanged_reimport", scale=scale, group="import")
    try:
        from influencers.importers import metrics_import
    except ImportError:
        for line in (fresh, again):
            line.available = False
            line.detail = {"reason": "the metric import path (influencers.importers) does not exist yet"}
        return [fresh, again]

    posts = min(IMPORT_POSTS, max(1_000, scale * 10))
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        files = [Path(folder) / f"posts-{number}.csv" for number in range(runs)]
        for number, path in enumerate(files):
            write_posts_csv(path, dsn=dsn, posts=posts, seed=number)
        pending = iter(files)
        last: list[Path] = []

        def import_next() -> None:
            path = next(pending)
            last.append(path)
            with path.open("rb") as source:
                metrics_import(source=source, fmt="csv", filename=path.name)

        samples = repeat_ms(import_next, warmup=0, runs=runs)
        summarize(fresh, samples)
        throughput(fresh, posts, samples)
        # Floor: the same file's bytes through COPY into a bare temporary table (raw ingest speed).
        with_floor(fresh, repeat_ms(lambda: copy_floor(dsn, files[0]), warmup=0, runs=runs))
        fresh.detail["floor"] = "COPY of the same CSV into an unindexed temporary table"

        def import_same() -> None:
            with last[-1].open("rb") as source:
                metrics_import(source=source, fmt="csv", filename=last[-1].name)

        samples = repeat_ms(import_same, warmup=0, runs=runs)
        summarize(again, samples)
        throughput(again, posts, samples)
    return [fresh, again]
