"""Audience overlap at scale: planted follower samples, then pairwise overlap of 10 creators and the
unique reach of a 50-creator shortlist (docs/metrics.md, "Audience overlap"; target <= 100 ms each).

`plant_samples` (run by `generate`) gives SAMPLED_ACCOUNTS Instagram accounts of approved creators
samples with known overlaps (campaigns/demo/follower_samples.py); only they get one, so a 1M load pays
for a few hundred thousand made-up ids, not for every account. `measure_overlap` times the selector the
pages and the API call (one query for the sketches, then numpy), and checks every estimate against the
planted truth and its stated bound on the way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import psycopg

from campaigns.demo.follower_samples import planted_world

from .measure import Measurement, repeat_ms, summarize

SAMPLED_ACCOUNTS = 120
MAX_FOLLOWERS = 30_000  # per sampled account: the made-up ids are hashed one by one at load
MIN_FOLLOWERS = 1_000
GROUP_SIZE = 10
PAIRS_CREATORS = 10
UNION_CREATORS = 50
WARMUP = 3
RUNS = 30
META_KEY = "overlap"


def plant_samples(dsn: str, *, seed: int, log: Callable[[str], None] = print) -> dict:
    """Samples for up to SAMPLED_ACCOUNTS accounts; what the truth is rebuilt from goes to bench_meta."""
    from django.utils import timezone

    from influencers import overlap
    from influencers.models import FollowerSketch

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT a.id, a.influencer_id, a.followers FROM influencers_socialaccount a "
            "JOIN influencers_influencer i ON i.id = a.influencer_id "
            "WHERE a.platform = 'instagram' AND i.status = 'approved' AND i.is_active "
            "AND a.followers BETWEEN %s AND %s ORDER BY a.influencer_id, a.followers DESC",
            [MIN_FOLLOWERS, MAX_FOLLOWERS],
        ).fetchall()
    chosen, seen = [], set()
    for account_id, influencer_id, followers in rows:
        if influencer_id not in seen:  # one account per creator: the selector takes the largest
            seen.add(influencer_id)
            chosen.append((account_id, influencer_id, followers))
        if len(chosen) == SAMPLED_ACCOUNTS:
            break
    world = planted_world([followers for _a, _i, followers in chosen], group_size=GROUP_SIZE, seed=seed)
    key = overlap.hash_key()
    now = timezone.now()
    sketches = []
    for position, (account_id, _influencer_id, followers) in enumerate(chosen):
        sketch = world.sketch(position, key=key)
        if sketch.sample_size:
            sketches.append(
                FollowerSketch(
                    account_id=account_id,
                    level=sketch.level,
                    sample_size=sketch.sample_size,
                    followers=followers,
                    sketch=sketch.to_bytes(),
                    imported_at=now,
                )
            )
    FollowerSketch.objects.all().delete()
    FollowerSketch.objects.bulk_create(sketches, batch_size=200)
    log(f"  follower samples: {len(sketches)} accounts, {sum(s.sample_size for s in sketches):,} sampled ids")
    return {
        "seed": seed,
        "influencer_ids": [influencer_id for _a, influencer_id, _f in chosen],
        "followers": [followers for _a, _i, followers in chosen],
    }


def save_planted(dsn: str, planted: dict) -> None:
    import json

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [META_KEY, json.dumps(planted)],
        )


def load_planted(dsn: str) -> dict | None:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT value FROM bench_meta WHERE key = %s", [META_KEY]).fetchone()
    return row[0] if row else None


def measure_overlap(*, dsn: str, scale: int, runs: int = RUNS, log: Callable[[str], None] = print) -> list[Measurement]:
    from influencers import overlap
    from influencers.models import Influencer
    from influencers.overlap_selectors import audience_overlap

    pairs_line = Measurement(name="overlap:pairs_10_creators", scale=scale, group="overlap")
    union_line = Measurement(name="overlap:unique_reach_50_creators", scale=scale, group="overlap")
    planted = load_planted(dsn)
    if not planted or len(planted["influencer_ids"]) < 2:
        for line in (pairs_line, union_line):
            line.available = False
            line.detail["reason"] = "no planted follower samples in this data set (regenerate it)"
        return [pairs_line, union_line]
    ids = planted["influencer_ids"]
    world = planted_world(planted["followers"], group_size=GROUP_SIZE, seed=planted["seed"])
    by_id = Influencer.objects.in_bulk(ids)
    creators = [by_id[i] for i in ids]
    position = {influencer_id: k for k, influencer_id in enumerate(ids)}
    for line, count, pairs in ((pairs_line, PAIRS_CREATORS, True), (union_line, UNION_CREATORS, False)):
        chosen = creators[: min(count, len(creators))]
        log(f"Overlap: {len(chosen)} creators ({'pairs and unique reach' if pairs else 'unique reach'})")

        def call(chosen: list = chosen, pairs: bool = pairs):
            return audience_overlap(influencers=chosen, pairs=pairs)

        samples = repeat_ms(call, warmup=WARMUP, runs=runs)
        summarize(line, samples)
        report = call()
        line.queries = 1
        truth = world.union([position[s.influencer_id] for s in report.sampled])
        # Deviations in standard errors (the stated bound is Z of them): a 3-standard-error bound is
        # exceeded by about one estimate in 370, so one line may honestly say "outside" now and then.
        pair_z = [
            abs(pair.shared.value - world.shared(position[pair.a.influencer_id], position[pair.b.influencer_id]))
            / (pair.shared.bound / overlap.Z)
            for pair in report.pairs
        ]
        outside = [
            (pair.a.handle, pair.b.handle) for pair, z in zip(report.pairs, pair_z, strict=True) if z > overlap.Z
        ]
        line.detail.update(
            {
                "creators": len(chosen),
                "sampled": len(report.sampled),
                "pairs": len(report.pairs),
                "pairs_outside_bound": outside,
                "unique_reach": round(report.reach.value) if report.reach else None,
                "unique_reach_bound": round(report.reach.bound) if report.reach else None,
                "unique_reach_truth": truth,
                "pairs_max_z": round(max(pair_z, default=0.0), 2),
                "unique_reach_z": round(abs(report.reach.value - truth) / (report.reach.bound / overlap.Z), 2)
                if report.reach
                else None,
                "within_bound": report.reach is not None
                and abs(report.reach.value - truth) <= report.reach.bound
                and not outside,
                "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
        )
    return [pairs_line, union_line]
