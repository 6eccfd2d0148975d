"""Scoring one campaign against the feature matrix: hard filters, components, the credibility gate.

Every component is in [0, 1] and has one function below, named as in docs/metrics.md#match-score:

    score = 100 × credibility_fit × Σ WEIGHTS[c] × c   over niche, audience, engagement, price, reach

Credibility is a gate, not an addend: an account with inflation signals is scaled down as a whole, so it
cannot outrank a clean account of similar fit. Everything is vectorised over all candidate rows at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from influencers.taxonomy import TIER_BENCHMARK_ER, TIER_FLOORS, Platform, Tier, WorkKind, tier_bounds

if TYPE_CHECKING:
    from ..models import Campaign

from .features import (
    AGE_BANDS,
    COUNTRIES,
    CURRENCIES,
    GENDERS,
    KINDS,
    LANGUAGES,
    PLATFORMS,
    Features,
    share_sum,
)

ENGINE_VERSION = "2.0"

# The weight of each additive component (they add up to 1). Credibility is not among them: it gates.
WEIGHTS: dict[str, float] = {
    "niche_fit": 0.30,
    "audience_fit": 0.30,
    "engagement_quality": 0.15,
    "price_fit": 0.10,
    "reach_fit": 0.15,
}
# Every stored component, the gate included (the Match model has one column each).
COMPONENTS: tuple[str, ...] = (
    "niche_fit",
    "audience_fit",
    "engagement_quality",
    "credibility_fit",
    "price_fit",
    "reach_fit",
)

# Niche fit is full when the influencer shares two of the campaign's niches (or its only niche).
NICHES_FOR_FULL_FIT = 2
# A campaign niche the influencer does not have but works in a related one (a beauty creator for a
# fashion campaign) counts half. Related niches, both ways (slugs of the seeded taxonomy):
RELATED_NICHE_CREDIT = 0.5
RELATED_NICHES: tuple[tuple[str, str], ...] = (
    ("fashion", "beauty"),
    ("fashion", "lifestyle"),
    ("beauty", "lifestyle"),
    ("beauty", "health"),
    ("tech", "gaming"),
    ("tech", "education"),
    ("tech", "business"),
    ("fitness", "health"),
    ("fitness", "sports"),
    ("health", "food"),
    ("travel", "lifestyle"),
    ("travel", "food"),
    ("parenting", "home"),
    ("parenting", "education"),
    ("finance", "business"),
    ("home", "lifestyle"),
    ("home", "sustainability"),
    ("music", "art"),
    ("pets", "lifestyle"),
    ("automotive", "tech"),
)
# Audience fit: a targeted dimension (ages, genders, countries) is fully on target when at least this
# share of the audience is inside it; below, its fit falls in proportion.
AUDIENCE_FULL_SHARE = 0.7
# Engagement quality against the tier benchmark of the platform (ratio = ER ÷ benchmark): rises to 1
# at 2×, stays 1 up to 3× (the plausible band), then falls to 0 at 5×: engagement that far above what
# accounts of this size get is a sign of bought likes or engagement groups, not of quality.
ENGAGEMENT_FULL_FROM = 2.0
ENGAGEMENT_PLAUSIBLE_UP_TO = 3.0
ENGAGEMENT_ZERO_AT = 5.0
# Credibility gate: 1 from 95 up (at most one minor reason), falling linearly to 0 at 60; unknown
# credibility (too few posts to judge) counts 0.75.
CREDIBILITY_FULL_FROM = 95.0
CREDIBILITY_ZERO_AT = 60.0
UNKNOWN_CREDIBILITY_FIT = 0.75
# Reach is discounted by credibility ÷ 100 (an account scoring 70 may have bought part of its
# following); unknown credibility discounts like the gate's unknown value.
UNKNOWN_CREDIBILITY_REACH = 0.75
# Price fit: 1 within the budget; an offer over budget starts at 0.6 and falls linearly to 0 at twice
# the budget; no active offer of the campaign's kind = price unknown, lightly penalised and always
# better than any over-budget offer.
OVER_BUDGET_FIT = 0.6
PRICE_ZERO_AT_BUDGET_MULTIPLE = 2.0
NO_OFFER_PRICE_FIT = 0.85
# Language/country constraints pass when the creator creates in / lives in a target one, or at
# least this share of their audience speaks / lives there.
MIN_TARGET_SHARE = 0.2
# Reach fit reference when a campaign sets no follower ceiling, and for the open-ended mega tier.
DEFAULT_REACH_REFERENCE = 1_000_000
MEGA_REACH_REFERENCE = 10_000_000

TIERS: list[str] = [Tier.NANO, Tier.MICRO, Tier.MACRO, Tier.MEGA]
_FLOORS = np.array([dict(TIER_FLOORS)[tier] for tier in TIERS], dtype=np.int64)
# BENCHMARK[platform index, tier index] = typical ER (taxonomy.TIER_BENCHMARK_ER).
BENCHMARK = np.array(
    [[TIER_BENCHMARK_ER.get(p, TIER_BENCHMARK_ER[Platform.INSTAGRAM])[t] for t in TIERS] for p in PLATFORMS],
    dtype=np.float64,
)


@dataclass(frozen=True)
class Target:
    """What a campaign asks for, in the terms the scorer uses."""

    campaign_id: int
    kind: str
    currency: str
    budget_per_creator: float
    platforms: tuple[str, ...] = ()
    niche_ids: tuple[int, ...] = ()
    age_bands: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    min_followers: int | None = None
    max_followers: int | None = None
    # Offer price × price_units is the cost; expected engagements are per post × posts.
    price_units: int = 1
    posts: int = 1

    @classmethod
    def from_campaign(cls, campaign: Campaign) -> Target:
        price_units = posts = 1
        if campaign.kind == WorkKind.SPONSORED_POST:
            price_units = posts = campaign.posts_count or 1
        elif campaign.kind == WorkKind.AMBASSADORSHIP:
            price_units = campaign.duration_months or 1
            posts = price_units * (campaign.posts_per_month or 1)
        return cls(
            campaign_id=campaign.pk,
            kind=campaign.kind,
            currency=campaign.currency,
            budget_per_creator=float(campaign.budget_per_creator),
            platforms=tuple(campaign.platforms or ()),
            niche_ids=tuple(sorted(n.pk for n in campaign.niches.all())),
            age_bands=tuple(campaign.target_age_bands or ()),
            genders=tuple(campaign.target_genders or ()),
            countries=tuple(campaign.target_countries or ()),
            languages=tuple(campaign.target_languages or ()),
            tiers=tuple(campaign.tiers or ()),
            min_followers=campaign.min_followers,
            max_followers=campaign.max_followers,
            price_units=price_units,
            posts=posts,
        )

    @property
    def has_audience_target(self) -> bool:
        return bool(self.age_bands or self.genders or self.countries)

    def reach_reference(self) -> int:
        if self.max_followers:
            return self.max_followers
        if self.tiers:
            top = max(self.tiers, key=TIERS.index)
            upper = tier_bounds(top)[1]
            return upper - 1 if upper else MEGA_REACH_REFERENCE
        return DEFAULT_REACH_REFERENCE


@dataclass
class Scores:
    """Scores of the influencers that pass the hard filters; arrays are aligned with `rows`."""

    rows: np.ndarray  # row indexes into the feature matrix
    ids: np.ndarray
    components: dict[str, np.ndarray]
    score: np.ndarray
    platform: np.ndarray  # index into PLATFORMS of the account the numbers refer to
    followers: np.ndarray  # that account's followers
    tier: np.ndarray  # index into TIERS
    engagement_rate: np.ndarray  # NaN = unknown
    benchmark: np.ndarray
    credibility: np.ndarray  # 0–100, NaN = unknown
    niche_overlap: np.ndarray  # bool [rows, campaign niches in the matrix]
    niche_related: np.ndarray  # bool [rows, campaign niches]: not shared, a related niche is
    niche_columns: list[int]
    audience_share: np.ndarray  # share of the audience inside the target (NaN = no audience data)
    estimated_reach: np.ndarray  # int64, followers on the campaign's platforms × audience share
    credible_reach: np.ndarray  # int64, estimated reach × credibility discount
    unit_price: np.ndarray  # NaN = no offer
    cost: np.ndarray  # unit price × price units, NaN = no offer
    cost_per_engagement: np.ndarray
    cpm: np.ndarray
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def top(self, n: int) -> np.ndarray:
        """Positions (into these arrays) of the n best, by score then influencer id."""
        positions = np.arange(len(self.score))
        if 0 < n < len(self.score):
            # Only rows scoring at least the n-th best score can be among the n best (ties included), so
            # sorting just those gives the same order as sorting all 100,000+ candidates.
            nth_best = np.partition(self.score, len(self.score) - n)[len(self.score) - n]
            positions = np.flatnonzero(self.score >= nth_best)
        order = positions[np.lexsort((self.ids[positions], -self.score[positions]))]
        return order[:n]


def _columns(values: tuple[str, ...], vocabulary: list[str]) -> list[int]:
    return [vocabulary.index(v) for v in values if v in vocabulary]


# --- Hard filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidates:
    """The rows that pass the hard filters, with the account the numbers refer to."""

    rows: np.ndarray
    platform: np.ndarray  # the largest account on the campaign's platforms
    followers: np.ndarray  # its followers
    tier: np.ndarray  # its tier (index into TIERS)


def hard_filters(features: Features, target: Target, exclude_ids: list[int] | tuple = ()) -> Candidates:
    n = len(features)
    columns = np.array(
        [i for i, p in enumerate(PLATFORMS) if not target.platforms or p in target.platforms], dtype=np.intp
    )
    if not len(columns) or not n:
        none = np.zeros(0, dtype=np.intp)
        return Candidates(rows=none, platform=none, followers=np.zeros(0, dtype=np.int64), tier=none)
    # The numbers of a match refer to the influencer's largest account on the campaign's platforms (the
    # first of equals). Only the follower tests run over every row; each later test runs over the rows
    # still in, so a campaign at 1M creators reads the wide audience matrices for a fraction of them.
    best: np.ndarray | None = None
    if len(columns) == 1:
        largest = features.followers[:, columns[0]]
    else:
        on_platforms = features.followers if len(columns) == len(PLATFORMS) else features.followers[:, columns]
        best = on_platforms.argmax(axis=1)
        largest = on_platforms[np.arange(n), best]

    eligible = largest >= 0
    if target.min_followers is not None:
        eligible &= largest >= target.min_followers
    if target.max_followers is not None:
        eligible &= largest <= target.max_followers
    rows = np.flatnonzero(eligible)
    tier = np.searchsorted(_FLOORS, np.maximum(largest[rows], 0), side="right") - 1

    def keep(mask: np.ndarray) -> None:
        nonlocal rows, tier
        rows, tier = rows[mask], tier[mask]

    if target.tiers:
        keep(np.isin(tier, [TIERS.index(t) for t in target.tiers]))
    if target.languages:
        wanted = _columns(target.languages, LANGUAGES)
        speaks = features.languages.take(rows, axis=0)[:, wanted].any(axis=1)
        keep(speaks | (share_sum(features.audience_languages, rows, wanted) >= MIN_TARGET_SHARE))
    if target.countries:
        wanted = _columns(target.countries, COUNTRIES)
        lives = np.isin(features.country[rows], wanted)
        keep(lives | (share_sum(features.audience_countries, rows, wanted) >= MIN_TARGET_SHARE))
    if len(exclude_ids):
        keep(~np.isin(features.ids[rows], np.asarray(list(exclude_ids), dtype=np.int64)))
    platform = np.full(len(rows), columns[0], dtype=np.intp) if best is None else columns[best[rows]]
    return Candidates(rows=rows, platform=platform, followers=largest[rows], tier=tier)


# --- Components -----------------------------------------------------------------------------------


def related_niche_matrix(features: Features, niche_columns: list[int]) -> np.ndarray:
    """bool [all niches, campaign niches]: niche j is related to the campaign's niche c (RELATED_NICHES)."""
    pairs = {frozenset(pair) for pair in RELATED_NICHES}
    slugs = [features.niche_slugs.get(niche_id, "") for niche_id in features.niche_ids]
    return np.array(
        [[frozenset((slug, slugs[c])) in pairs for c in niche_columns] for slug in slugs], dtype=bool
    ).reshape(len(slugs), len(niche_columns))


def related_overlap(features: Features, rows: np.ndarray, niche_columns: list[int], overlap: np.ndarray) -> np.ndarray:
    """bool [rows, campaign niches]: not shared, but the influencer works in a related niche."""
    related = related_niche_matrix(features, niche_columns)
    hits = np.zeros(overlap.shape, dtype=bool)
    for c in range(len(niche_columns)):
        columns = np.flatnonzero(related[:, c])
        if len(columns):
            hits[:, c] = features.niches[np.ix_(rows, columns)].any(axis=1)
    return hits & ~overlap


def niche_fit(overlap: np.ndarray, related: np.ndarray, target: Target) -> np.ndarray:
    """(Shared niches + ½ × related ones) ÷ min(2, the campaign's niches), at most 1; 1 without niches."""
    if not target.niche_ids:
        return np.ones(len(overlap))
    matched = overlap.sum(axis=1) + RELATED_NICHE_CREDIT * related.sum(axis=1)
    return np.minimum(1.0, matched / min(len(target.niche_ids), NICHES_FOR_FULL_FIT))


def _target_dimensions(features: Features, target: Target, rows: np.ndarray) -> list[np.ndarray]:
    """The share of the audience inside each dimension the campaign targets (ages, genders, countries)."""
    dimensions = []
    for values, vocabulary, matrix in (
        (target.age_bands, AGE_BANDS, features.age),
        (target.genders, GENDERS, features.gender),
        (target.countries, COUNTRIES, features.audience_countries),
    ):
        if values:
            dimensions.append(np.clip(share_sum(matrix, rows, _columns(values, vocabulary)), 0.0, 1.0))
    return dimensions


def audience_share(dimensions: list[np.ndarray], has_audience: np.ndarray) -> np.ndarray:
    """Estimated share of the audience inside the whole target: the dimensions multiplied.

    Platforms report each dimension separately, so the joint share is estimated assuming age, gender
    and country are independent. NaN without audience data.
    """
    share = np.ones(len(has_audience))
    for dimension in dimensions:
        share = share * dimension
    return np.where(has_audience, share, np.nan)


def audience_fit(dimensions: list[np.ndarray], has_audience: np.ndarray) -> np.ndarray:
    """Π over targeted dimensions of min(1, share inside ÷ 70 %); 1 without a target; 0 without data.

    Judging each dimension on its own scale lets a creator whose audience is on target in every
    dimension reach 1, which the product of raw shares (0.8 × 0.8 × 0.8 = 0.51) never does.
    """
    fit = np.ones(len(has_audience))
    for dimension in dimensions:
        fit = fit * np.minimum(1.0, dimension / AUDIENCE_FULL_SHARE)
    return np.where(has_audience, fit, 0.0) if dimensions else fit


def engagement_quality(engagement_rate: np.ndarray, benchmark: np.ndarray) -> np.ndarray:
    """ER ÷ benchmark: rises to 1 at 2×, 1 up to 3×, falls to 0 at 5× (inflation); 0 when unknown."""
    ratio = engagement_rate / benchmark
    rising = ratio / ENGAGEMENT_FULL_FROM
    falling = 1.0 - (ratio - ENGAGEMENT_PLAUSIBLE_UP_TO) / (ENGAGEMENT_ZERO_AT - ENGAGEMENT_PLAUSIBLE_UP_TO)
    quality = np.where(ratio <= ENGAGEMENT_PLAUSIBLE_UP_TO, np.minimum(rising, 1.0), falling)
    return np.nan_to_num(np.clip(quality, 0.0, 1.0), nan=0.0)


def credibility_fit(credibility: np.ndarray) -> np.ndarray:
    """The gate: 1 from credibility 95 up, linearly down to 0 at 60; 0.75 when credibility is unknown."""
    gate = (credibility - CREDIBILITY_ZERO_AT) / (CREDIBILITY_FULL_FROM - CREDIBILITY_ZERO_AT)
    return np.where(np.isnan(credibility), UNKNOWN_CREDIBILITY_FIT, np.clip(gate, 0.0, 1.0))


def campaign_cost(features: Features, target: Target, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(unit price, cost for the campaign) of the cheapest active offer of its kind in its currency."""
    if target.kind in KINDS and target.currency in CURRENCIES:
        unit_price = features.offer_price[rows, KINDS.index(target.kind), CURRENCIES.index(target.currency)]
    else:
        unit_price = np.full(len(rows), np.nan)
    return unit_price, unit_price * target.price_units


def price_fit(cost: np.ndarray, budget: float) -> np.ndarray:
    """1 within budget; over it 0.6 falling to 0 at twice the budget; 0.85 when the price is unknown."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if budget > 0:
            over = (cost - budget) / (budget * (PRICE_ZERO_AT_BUDGET_MULTIPLE - 1))
            fit = np.where(cost <= budget, 1.0, OVER_BUDGET_FIT * np.clip(1.0 - over, 0.0, 1.0))
        else:
            fit = np.where(cost <= 0, 1.0, 0.0)
    return np.where(np.isnan(cost), NO_OFFER_PRICE_FIT, fit)


def estimated_reach(features: Features, target: Target, rows: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Followers of all accounts on the campaign's platforms × the share of the audience inside the target."""
    allowed = np.array([not target.platforms or p in target.platforms for p in PLATFORMS], dtype=bool)
    followers = features.platform_followers[rows][:, allowed].sum(axis=1)
    return np.rint(followers * np.nan_to_num(share, nan=0.0)).astype(np.int64)


def credible_reach(reach: np.ndarray, credibility: np.ndarray) -> np.ndarray:
    """Estimated reach × credibility ÷ 100: followers an inflated account may have bought do not count."""
    discount = np.where(np.isnan(credibility), UNKNOWN_CREDIBILITY_REACH, np.clip(credibility, 0, 100) / 100.0)
    return np.rint(reach * discount).astype(np.int64)


def reach_fit(reach: np.ndarray, target: Target) -> np.ndarray:
    """log(1 + credible reach) ÷ log(1 + the campaign's ceiling), at most 1."""
    return np.clip(np.log1p(reach) / math.log1p(target.reach_reference()), 0.0, 1.0)


# Delivery punctuality (docs/metrics.md#reputation-in-matching): a small multiplier applied by the engine
# after scoring, from the creator's delivers-on-time share; without enough history it changes nothing.
PUNCTUALITY_FLOOR = 0.95


def punctuality_factor(share_on_time: np.ndarray) -> np.ndarray:
    """0.95 + 0.05 × share on time; exactly 1 where the history is too short (NaN)."""
    share = np.clip(np.nan_to_num(share_on_time, nan=1.0), 0.0, 1.0)
    return PUNCTUALITY_FLOOR + (1.0 - PUNCTUALITY_FLOOR) * share


def match_score(components: dict[str, np.ndarray]) -> np.ndarray:
    """100 × credibility gate × the weighted sum of the other components, 2 decimals."""
    weighted = sum(WEIGHTS[name] * components[name] for name in WEIGHTS)
    return np.round(100.0 * components["credibility_fit"] * weighted, 2)


# --- One campaign against the matrix ----------------------------------------------------------------


def score_campaign(features: Features, target: Target, *, exclude_ids: list[int] | tuple = ()) -> Scores:
    candidates = hard_filters(features, target, exclude_ids)
    rows, platform, tier = candidates.rows, candidates.platform, candidates.tier

    niche_columns = [features.niche_ids.index(i) for i in target.niche_ids if i in features.niche_ids]
    overlap = features.niches[np.ix_(rows, np.array(niche_columns, dtype=np.intp))]
    related = related_overlap(features, rows, niche_columns, overlap)
    has_audience = features.has_audience[rows]
    dimensions = _target_dimensions(features, target, rows)
    share = audience_share(dimensions, has_audience)
    engagement_rate = features.engagement_rate[rows, platform].astype(np.float64)
    benchmark = BENCHMARK[platform, tier]
    credibility = features.credibility[rows].astype(np.float64)
    unit_price, cost = campaign_cost(features, target, rows)
    # Without an audience target every follower is inside it.
    reach = estimated_reach(features, target, rows, share if target.has_audience_target else np.ones(len(rows)))
    discounted = credible_reach(reach, credibility)

    components = {
        "niche_fit": niche_fit(overlap, related, target),
        "audience_fit": audience_fit(dimensions, has_audience),
        "engagement_quality": engagement_quality(engagement_rate, benchmark),
        "credibility_fit": credibility_fit(credibility),
        "price_fit": price_fit(cost, target.budget_per_creator),
        "reach_fit": reach_fit(discounted, target),
    }
    components = {name: np.round(values.astype(np.float64), 4) for name, values in components.items()}

    expected_engagements = engagement_rate * candidates.followers * target.posts
    with np.errstate(invalid="ignore", divide="ignore"):
        cost_per_engagement = np.where(expected_engagements > 0, cost / expected_engagements, np.nan)
        cpm = np.where(reach > 0, cost / reach * 1000.0, np.nan)
    return Scores(
        rows=rows,
        ids=features.ids[rows],
        components=components,
        score=match_score(components),
        platform=platform,
        followers=candidates.followers,
        tier=tier,
        engagement_rate=engagement_rate,
        benchmark=benchmark,
        credibility=credibility,
        niche_overlap=overlap,
        niche_related=related,
        niche_columns=niche_columns,
        audience_share=share if target.has_audience_target else np.where(has_audience, 1.0, np.nan),
        estimated_reach=reach,
        credible_reach=discounted,
        unit_price=unit_price,
        cost=cost,
        cost_per_engagement=cost_per_engagement,
        cpm=cpm,
    )
