"""Ranking quality on planted populations: `python -m campaigns.matching.evaluate` (or `make eval`).

For each seed and campaign kind, a population of creators is *constructed* around the campaign with a
known relevance grade (0–3): right / adjacent / wrong niche × on / partial / off-target audience, and
planted fraud (bought followers, bought likes, comment pods) that looks attractive on the naive signals
(right niche, on-target audience, an in-budget offer, high engagement) and is graded 0. Noise that must
not change the grade is mixed in: missing offers, explained giveaway spikes, creators with several
accounts, engagement that varies around the benchmark. The grades come from the construction only,
never from the engine's score.

The population is written through the real models (posts, snapshots, audiences, offers), the real
metrics engine computes ER, tiers and credibility from the posts, and the real matching engine ranks
the creators. Reported: NDCG@10, NDCG@50 and the planted fraudulent accounts in each top 10.

Run as a module it works in a throwaway test database of the configured database (PostgreSQL when
DATABASE_URL is set, else SQLite), so the real database is never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

# Targets of the evaluation (issue #14): every seed, every kind.
NDCG10_TARGET = 0.95
NDCG50_TARGET = 0.90
DEFAULT_SEEDS = (1, 2, 3, 4, 5)
DEFAULT_SIZE = 160
POSTS_PER_ACCOUNT = 12
SNAPSHOT_EVERY_DAYS = 3
SNAPSHOT_DAYS = 90

FRAUD_KINDS = ("bought_followers", "bought_likes", "comment_pod")


@dataclass(frozen=True)
class CampaignSpec:
    """One kind of campaign the population is built around."""

    name: str
    kind: str
    niche: str
    adjacent: tuple[str, ...]
    wrong: tuple[str, ...]
    platforms: tuple[str, ...]
    age_bands: tuple[str, ...]
    genders: tuple[str, ...]
    countries: tuple[str, ...]
    budget_per_creator: int
    # Offer price units of the campaign (posts of a sponsored post, months of an ambassadorship).
    units: int = 1
    terms: dict = field(default_factory=dict)


SPECS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        name="fashion_post",
        kind="sponsored_post",
        niche="fashion",
        adjacent=("beauty", "lifestyle"),
        wrong=("tech", "food", "finance", "automotive"),
        platforms=("instagram", "tiktok"),
        age_bands=("18_24",),
        genders=("female",),
        countries=("NL",),
        budget_per_creator=600,
        units=2,
        terms={"posts_count": 2, "formats": ["reel"]},
    ),
    CampaignSpec(
        name="tech_review",
        kind="review",
        niche="tech",
        adjacent=("gaming", "education"),
        wrong=("fashion", "beauty", "parenting", "food"),
        platforms=("youtube",),
        age_bands=("25_34",),
        genders=("male",),
        countries=("DE", "NL"),
        budget_per_creator=400,
        terms={"product_name": "Noise-cancelling headphones", "product_value": Decimal("250")},
    ),
    CampaignSpec(
        name="fitness_ambassador",
        kind="ambassadorship",
        niche="fitness",
        adjacent=("health", "sports"),
        wrong=("finance", "gaming", "art", "home"),
        platforms=("instagram",),
        age_bands=("18_24", "25_34"),
        genders=(),
        countries=("NL", "BE"),
        budget_per_creator=1500,
        units=3,
        terms={"duration_months": 3, "posts_per_month": 2, "monthly_fee": Decimal("500")},
    ),
)

AGE_BANDS = ("13_17", "18_24", "25_34", "35_44", "45_54", "55_plus")
GENDERS = ("female", "male", "other")
OTHER_COUNTRIES = ("DE", "FR", "GB", "US", "ES", "IT", "BE", "NL")


@dataclass
class Planted:
    """One constructed creator: its grade and why, and the rows to write."""

    handle: str
    grade: int
    niche: str  # right / adjacent / wrong
    audience: str  # on / partial / off
    fraud: str = ""  # one of FRAUD_KINDS, or ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Result:
    seed: int
    spec: str
    ndcg10: float
    ndcg50: float
    fraud_in_top10: int
    top10: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.ndcg10 >= NDCG10_TARGET and self.ndcg50 >= NDCG50_TARGET and self.fraud_in_top10 == 0


def grade_of(niche: str, audience: str, fraud: str) -> int:
    """Relevance by construction: niche (right 2, adjacent 1, wrong 0) + audience (on 2, partial 1, off 0) − 1."""
    if fraud:
        return 0
    points = {"right": 2, "adjacent": 1, "wrong": 0}[niche] + {"on": 2, "partial": 1, "off": 0}[audience]
    return max(0, min(3, points - 1))


def dcg(grades: Iterable[int], k: int) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(list(grades)[:k]))


def ndcg(ranked_grades: list[int], all_grades: list[int], k: int) -> float:
    ideal = dcg(sorted(all_grades, reverse=True), k)
    return dcg(ranked_grades, k) / ideal if ideal else 1.0


# --- Construction ------------------------------------------------------------------------------------


def _composition(size: int) -> list[tuple[str, str, str]]:
    """(niche, audience, fraud) of every creator: fixed proportions, so every population has enough of each."""
    fraud_each = max(2, size // 20)
    clean = size - 3 * fraud_each
    cells = {
        ("right", "on"): 0.16,
        ("right", "partial"): 0.12,
        ("right", "off"): 0.08,
        ("adjacent", "on"): 0.12,
        ("adjacent", "partial"): 0.10,
        ("adjacent", "off"): 0.07,
        ("wrong", "on"): 0.12,
        ("wrong", "partial"): 0.12,
        ("wrong", "off"): 0.11,
    }
    counts = {cell: round(share * clean) for cell, share in cells.items()}
    counts[("wrong", "off")] += clean - sum(counts.values())
    rows = [(niche, audience, "") for (niche, audience), count in counts.items() for _ in range(count)]
    rows += [("right", "on", fraud) for fraud in FRAUD_KINDS for _ in range(fraud_each)]
    return rows


def _audience(rng: np.random.Generator, spec: CampaignSpec, fit: str) -> dict:
    """Shares per dimension; the target share of each targeted dimension depends on the fit."""
    inside = {"on": (0.62, 0.9), "partial": (0.3, 0.5), "off": (0.04, 0.2)}[fit]

    def split(targets: tuple[str, ...], vocabulary: tuple[str, ...]) -> dict[str, float]:
        if not targets:
            weights = rng.dirichlet(np.ones(len(vocabulary)) * 3)
            return dict(zip(vocabulary, weights, strict=True))
        share = rng.uniform(*inside)
        inner = rng.dirichlet(np.ones(len(targets)) * 2) * share
        others = [v for v in vocabulary if v not in targets]
        outer = rng.dirichlet(np.ones(len(others)) * 2) * (1 - share)
        return dict(zip(targets, inner, strict=True)) | dict(zip(others, outer, strict=True))

    countries = split(spec.countries, OTHER_COUNTRIES)
    return {
        "age": split(spec.age_bands, AGE_BANDS),
        "gender": split(spec.genders, GENDERS),
        "countries": {code: share for code, share in countries.items() if share >= 0.005},
    }


@dataclass
class AccountPlan:
    platform: str
    followers: int
    real_followers: int
    er: float
    posts: list[dict]
    snapshots: list[tuple[dt.date, int]]


def _benchmark(platform: str, followers: int) -> float:
    from influencers.taxonomy import benchmark_er, tier_for_followers

    return benchmark_er(platform, tier_for_followers(followers))


def _account(
    rng: np.random.Generator, platform: str, *, fraud: str, giveaway: bool, now: dt.datetime, today: dt.date
) -> AccountPlan:
    real = int(np.exp(rng.uniform(math.log(4_000), math.log(90_000))))
    followers = real
    er = _benchmark(platform, real) * float(np.clip(rng.lognormal(0.15, 0.35), 0.5, 2.4))
    bought_recently = 0.0
    if fraud == "bought_followers":
        followers = int(real * rng.uniform(2.5, 6.0))
        # Part of the bought followers arrived in the last weeks (the rest long before any snapshot).
        bought_recently = (followers - real) * rng.uniform(0.5, 1.0) / followers
    mean_engagement = er * real
    likes_per_comment = rng.uniform(15, 70)
    # Engagement per view (likes + comments ÷ views): 2–8 % on YouTube, 4–12 % on TikTok.
    per_view = rng.uniform(0.02, 0.08) if platform != "tiktok" else rng.uniform(0.04, 0.12)
    boost = 1.0
    if fraud == "bought_likes":
        # Bought likes come in bulk: the likes of every post multiplied several times over.
        boost = rng.uniform(3.5, 8.0)
    pod_posts: set[int] = set()
    if fraud == "comment_pod":
        pod_posts = set(rng.choice(POSTS_PER_ACCOUNT, size=int(rng.integers(3, 6)), replace=False).tolist())
    giveaway_post = int(rng.integers(2, POSTS_PER_ACCOUNT - 2)) if giveaway else -1
    posts = []
    spacing = rng.uniform(4, 9)
    for index in range(POSTS_PER_ACCOUNT):
        posted_at = now - dt.timedelta(
            days=spacing * (index + 0.3) + rng.uniform(0, 1), minutes=int(rng.integers(0, 600))
        )
        engagement = mean_engagement * float(rng.lognormal(0, 0.3))
        comments = engagement / (1 + likes_per_comment)
        likes = engagement - comments
        if fraud == "bought_likes":
            likes *= boost
        if index in pod_posts:
            # A pod: the same group comments (and likes) on the posts it boosts.
            target_er = _benchmark(platform, followers) * rng.uniform(2.0, 5.0)
            extra = target_er * followers * POSTS_PER_ACCOUNT / len(pod_posts) - engagement
            comments += max(extra, 0) * 0.55
            likes += max(extra, 0) * 0.45
        if index == giveaway_post:
            # "Comment to win": many comments, a few more likes.
            comments += engagement * rng.uniform(3, 8)
            likes *= rng.uniform(1.5, 2.5)
        shares = engagement * rng.uniform(0.02, 0.08) if platform in ("tiktok", "x") else None
        views = None
        if platform in ("youtube", "tiktok", "twitch"):
            # Views follow the organic engagement: bought likes and pods add reactions, not viewers.
            views = int(engagement / per_view * rng.lognormal(0, 0.15))
        posts.append(
            {
                "posted_at": posted_at,
                "likes": int(likes),
                "comments": int(comments),
                "shares": None if shares is None else int(shares),
                "views": views,
            }
        )
    snapshots = _snapshots(
        rng, followers, today, bought=bought_recently, giveaway_at=posts[giveaway_post] if giveaway else None
    )
    return AccountPlan(platform, followers, real, er, posts, snapshots)


def _snapshots(
    rng: np.random.Generator, followers: int, today: dt.date, *, bought: float, giveaway_at: dict | None
) -> list[tuple[dt.date, int]]:
    """Follower history ending at today's count: organic drift, plus planted jumps.

    `bought` is the share of today's followers bought recently: delivered at once (a spike some day in
    the last 80 days) or, half the time, trickled in over the last 4 weeks (no spike to see).
    """
    days = list(range(SNAPSHOT_DAYS, -1, -SNAPSHOT_EVERY_DAYS))
    daily = rng.uniform(0.0002, 0.001)
    jump_day, jump = None, 0.0
    trickle_days = 0
    if bought:
        if rng.random() < 0.5:
            jump_day, jump = int(rng.integers(5, 80)), bought / (1 - bought)
        else:
            trickle_days = 28
    if giveaway_at is not None:
        jump_day = (today - giveaway_at["posted_at"].date()).days - 1
        jump = rng.uniform(0.04, 0.08)
    values = []
    level = 1.0
    for ago in days:
        level *= 1 + daily * SNAPSHOT_EVERY_DAYS * rng.uniform(0.5, 1.5)
        if jump_day is not None and ago <= jump_day < ago + SNAPSHOT_EVERY_DAYS:
            level *= 1 + jump
        if ago < trickle_days:
            level *= (1 / (1 - bought)) ** (SNAPSHOT_EVERY_DAYS / trickle_days)
        values.append(level)
    scale = followers / values[-1]
    return [(today - dt.timedelta(days=ago), int(v * scale)) for ago, v in zip(days, values, strict=True)]


def _plan(rng: np.random.Generator, spec: CampaignSpec, size: int) -> list[tuple[Planted, dict]]:
    rows = _composition(size)
    order = rng.permutation(len(rows))
    plans = []
    for number, index in enumerate(order):
        niche_fit, audience_fit, fraud = rows[index]
        handle = f"{spec.name}_{number:04d}"
        planted = Planted(handle, grade_of(niche_fit, audience_fit, fraud), niche_fit, audience_fit, fraud)
        if niche_fit == "right":
            niches = [spec.niche, *([rng.choice(spec.adjacent)] if rng.random() < 0.4 else [])]
        elif niche_fit == "adjacent":
            niches = list(rng.choice(spec.adjacent, size=int(rng.integers(1, 3)), replace=False))
        else:
            niches = list(rng.choice(spec.wrong, size=int(rng.integers(1, 3)), replace=False))
        has_offer = fraud != "" or rng.random() < 0.7
        if not has_offer:
            planted.notes.append("no offer of the campaign's kind")
        giveaway = not fraud and rng.random() < 0.15
        if giveaway:
            planted.notes.append("giveaway post with a follower spike")
        accounts = [spec.platforms[int(rng.integers(len(spec.platforms)))]]
        if not fraud and rng.random() < 0.25:
            planted.notes.append("second account")
            accounts.append(spec.platforms[int(rng.integers(len(spec.platforms)))])
        lives = spec.countries[0] if spec.countries and audience_fit != "off" else rng.choice(OTHER_COUNTRIES)
        plans.append(
            (
                planted,
                {
                    "niches": [str(n) for n in niches],
                    "audience": _audience(rng, spec, audience_fit),
                    "has_offer": has_offer,
                    "price_share": rng.uniform(0.35, 0.95),
                    "giveaway": giveaway,
                    "platforms": accounts,
                    "country": str(lives),
                },
            )
        )
    return plans


# --- Writing through the models and running the engines ---------------------------------------------------


def _write_population(rng: np.random.Generator, spec: CampaignSpec, size: int, now: dt.datetime) -> list[Planted]:
    from django.utils import timezone

    from influencers.models import (
        Audience,
        AudienceCountry,
        FollowerSnapshot,
        Influencer,
        Niche,
        Offer,
        Post,
        SocialAccount,
    )
    from influencers.taxonomy import ModerationStatus

    today = timezone.localdate(now)
    plans = _plan(rng, spec, size)
    niches = {n.slug: n for n in Niche.objects.all()}
    influencers = Influencer.objects.bulk_create(
        [
            Influencer(
                handle=planted.handle,
                display_name=planted.handle.replace("_", " ").title(),
                country=plan["country"],
                languages=["en"],
                status=ModerationStatus.APPROVED,
            )
            for planted, plan in plans
        ]
    )
    Through = Influencer.niches.through
    Through.objects.bulk_create(
        [
            Through(influencer_id=i.pk, niche_id=niches[slug].pk)
            for i, (_, plan) in zip(influencers, plans, strict=True)
            for slug in plan["niches"]
        ]
    )
    audiences = Audience.objects.bulk_create(
        [
            Audience(
                influencer=influencer,
                as_of=today,
                **{f"age_{band}": round(float(share), 4) for band, share in plan["audience"]["age"].items()},
                **{f"gender_{g}": round(float(share), 4) for g, share in plan["audience"]["gender"].items()},
            )
            for influencer, (_, plan) in zip(influencers, plans, strict=True)
        ]
    )
    AudienceCountry.objects.bulk_create(
        [
            AudienceCountry(audience=audience, country=code, share=round(float(share), 4))
            for audience, (_, plan) in zip(audiences, plans, strict=True)
            for code, share in plan["audience"]["countries"].items()
        ]
    )
    account_rows, post_rows, snapshot_rows, offer_rows = [], [], [], []
    for influencer, (planted, plan) in zip(influencers, plans, strict=True):
        for n, platform in enumerate(plan["platforms"]):
            account = _account(
                rng, platform, fraud=planted.fraud, giveaway=plan["giveaway"] and n == 0, now=now, today=today
            )
            account_rows.append(
                (
                    SocialAccount(
                        influencer=influencer,
                        platform=platform,
                        handle=f"{planted.handle}_{n}",
                        followers=account.followers,
                    ),
                    account,
                )
            )
        if plan["has_offer"]:
            unit_price = spec.budget_per_creator / spec.units * plan["price_share"]
            offer_rows.append(
                Offer(
                    influencer=influencer,
                    kind=spec.kind,
                    platform=plan["platforms"][0],
                    title="Rate card",
                    price=Decimal(str(round(unit_price))),
                )
            )
    SocialAccount.objects.bulk_create([row for row, _ in account_rows])
    for account_row, account_plan in account_rows:
        for n, post in enumerate(account_plan.posts):
            post_rows.append(Post(account=account_row, external_id=f"p{n}", **post))
        for day, followers in account_plan.snapshots:
            snapshot_rows.append(FollowerSnapshot(account=account_row, date=day, followers=followers))
    Post.objects.bulk_create(post_rows, batch_size=2000)
    FollowerSnapshot.objects.bulk_create(snapshot_rows, batch_size=2000)
    Offer.objects.bulk_create(offer_rows)
    return [planted for planted, _ in plans]


def _campaign(spec: CampaignSpec, today: dt.date):
    from brands.models import Brand
    from campaigns.models import Campaign
    from influencers.models import Niche
    from influencers.taxonomy import ModerationStatus

    brand = Brand.objects.create(name=f"Eval {spec.name}", slug=f"eval-{spec.name}", status=ModerationStatus.APPROVED)
    campaign = Campaign.objects.create(
        brand=brand,
        title=f"Evaluation: {spec.name}",
        brief="Planted population.",
        kind=spec.kind,
        platforms=list(spec.platforms),
        target_age_bands=list(spec.age_bands),
        target_genders=list(spec.genders),
        target_countries=list(spec.countries),
        budget_total=Decimal(spec.budget_per_creator * 20),
        budget_per_creator=Decimal(spec.budget_per_creator),
        starts_on=today,
        ends_on=today + dt.timedelta(days=60),
        status=Campaign.Status.OPEN,
        moderation_status=ModerationStatus.APPROVED,
        **spec.terms,
    )
    campaign.niches.set([Niche.objects.get(slug=spec.niche)])
    return campaign


def evaluate_one(seed: int, spec: CampaignSpec, size: int = DEFAULT_SIZE) -> Result:
    """Build, score and measure one population; every row it writes is rolled back."""
    from django.db import transaction
    from django.test.utils import override_settings
    from django.utils import timezone

    from campaigns.matching import load_features, recompute_campaign_matches
    from campaigns.models import Match
    from influencers.metrics import recompute_metrics

    # One seed per (seed, kind) pair, so adding a kind does not reshuffle the others.
    rng = np.random.default_rng([seed, SPECS.index(spec) if spec in SPECS else 99])
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        planted = _write_population(rng, spec, size, now)
        campaign = _campaign(spec, timezone.localdate(now))
        recompute_metrics(full=True, now=now)
        with override_settings(MATCH_TOP_N=max(200, size)):
            recompute_campaign_matches(campaign_id=campaign.pk, features=load_features())
        ranked = list(
            Match.objects.filter(campaign=campaign).order_by("rank").values_list("influencer__handle", flat=True)
        )
        transaction.set_rollback(True)
    by_handle = {p.handle: p for p in planted}
    grades = [by_handle[h].grade for h in ranked]
    all_grades = [p.grade for p in planted]
    return Result(
        seed=seed,
        spec=spec.name,
        ndcg10=round(ndcg(grades, all_grades, 10), 4),
        ndcg50=round(ndcg(grades, all_grades, 50), 4),
        fraud_in_top10=sum(1 for h in ranked[:10] if by_handle[h].fraud),
        top10=tuple(
            f"{h}:{by_handle[h].grade}{'/' + by_handle[h].fraud if by_handle[h].fraud else ''}" for h in ranked[:10]
        ),
    )


def evaluate(
    seeds: Iterable[int] = DEFAULT_SEEDS, specs: Iterable[CampaignSpec] = SPECS, size: int = DEFAULT_SIZE
) -> list[Result]:
    return [evaluate_one(seed, spec, size) for spec in specs for seed in seeds]


def results_table(results: list[Result]) -> str:
    lines = ["| kind | seed | NDCG@10 | NDCG@50 | fraud in top 10 |", "| --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r.spec} | {r.seed} | {r.ndcg10:.3f} | {r.ndcg50:.3f} | {r.fraud_in_top10} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--kinds", nargs="+", choices=[s.name for s in SPECS], default=[s.name for s in SPECS])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="creators per population")
    parser.add_argument("--verbose", action="store_true", help="print each top 10 with grades")
    args = parser.parse_args(argv)
    if args.size < 48:
        parser.error("--size must be at least 48 (each population needs every kind of creator)")

    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        specs = [s for s in SPECS if s.name in args.kinds]
        results = evaluate(args.seeds, specs, args.size)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print(f"database: {connection.vendor}, {args.size} creators per population")
    print(results_table(results))
    if args.verbose:
        for r in results:
            print(f"{r.spec} seed {r.seed}: {', '.join(r.top10)}")
    failed = [r for r in results if not r.passed]
    print(
        f"targets: NDCG@10 >= {NDCG10_TARGET}, NDCG@50 >= {NDCG50_TARGET}, no planted fraud in a top 10: "
        + ("met" if not failed else f"missed in {len(failed)} of {len(results)}")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
