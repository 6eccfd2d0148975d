"""Scoring one campaign against the feature matrix: hard filters, then six components, all vectorised.

Every component is in [0, 1]; the score is 100 × the weighted sum (weights in WEIGHTS, the only place
they live). The definitions are published in docs/metrics.md#match-score.
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
    NO_ACCOUNT,
    PLATFORMS,
    Features,
    share_sum,
)

ENGINE_VERSION = "1.0"

# The weight of each component in the score (they add up to 1).
WEIGHTS: dict[str, float] = {
    "niche_fit": 0.25,
    "audience_fit": 0.25,
    "engagement_quality": 0.15,
    "credibility_fit": 0.10,
    "price_fit": 0.15,
    "reach_fit": 0.10,
}
COMPONENTS: tuple[str, ...] = tuple(WEIGHTS)

# Niche fit is full when the influencer shares two of the campaign's niches (or its only niche).
NICHES_FOR_FULL_FIT = 2
# Engagement quality is full at twice the tier benchmark of the platform (higher earns no more).
ENGAGEMENT_CAP = 2.0
# Credibility not yet known (too few posts) counts as halfway.
UNKNOWN_CREDIBILITY_FIT = 0.5
# No active offer of the campaign's kind: the price is negotiable, neither a fit nor a misfit.
NO_OFFER_PRICE_FIT = 0.25
# Over budget, price fit falls linearly from 1 at the budget to 0 at this multiple of it.
PRICE_ZERO_AT_BUDGET_MULTIPLE = 2.0
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
    niche_columns: list[int]
    audience_share: np.ndarray  # share of the audience inside the target (NaN = no audience data)
    estimated_reach: np.ndarray  # int64
    unit_price: np.ndarray  # NaN = no offer
    cost: np.ndarray  # unit price × price units, NaN = no offer
    cost_per_engagement: np.ndarray
    cpm: np.ndarray
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def top(self, n: int) -> np.ndarray:
        """Positions (into these arrays) of the n best, by score then influencer id."""
        order = np.lexsort((self.ids, -self.score))
        return order[:n]


def _columns(values: tuple[str, ...], vocabulary: list[str]) -> list[int]:
    return [vocabulary.index(v) for v in values if v in vocabulary]


def score_campaign(features: Features, target: Target, *, exclude_ids: list[int] | tuple = ()) -> Scores:
    n = len(features)
    allowed = np.array([not target.platforms or p in target.platforms for p in PLATFORMS], dtype=bool)
    followers = np.where(allowed[None, :], features.followers, NO_ACCOUNT)
    # The numbers of a match refer to the influencer's largest account on the campaign's platforms.
    platform = followers.argmax(axis=1) if n else np.zeros(0, dtype=np.int64)
    largest = followers[np.arange(n), platform]
    tier = np.searchsorted(_FLOORS, np.maximum(largest, 0), side="right") - 1

    eligible = largest >= 0
    if target.tiers:
        eligible &= np.isin(tier, [TIERS.index(t) for t in target.tiers])
    if target.min_followers is not None:
        eligible &= largest >= target.min_followers
    if target.max_followers is not None:
        eligible &= largest <= target.max_followers
    if target.languages:
        columns = _columns(target.languages, LANGUAGES)
        speaks = features.languages[:, columns].any(axis=1)
        audience = share_sum(features.audience_languages, slice(None), columns) >= MIN_TARGET_SHARE
        eligible &= speaks | audience
    if target.countries:
        columns = _columns(target.countries, COUNTRIES)
        lives = np.isin(features.country, columns)
        audience = share_sum(features.audience_countries, slice(None), columns) >= MIN_TARGET_SHARE
        eligible &= lives | audience
    if len(exclude_ids):
        eligible &= ~np.isin(features.ids, np.asarray(list(exclude_ids), dtype=np.int64))
    rows = np.flatnonzero(eligible)
    platform, largest, tier = platform[rows], largest[rows], tier[rows]

    # Niche overlap.
    niche_columns = [features.niche_ids.index(i) for i in target.niche_ids if i in features.niche_ids]
    overlap = features.niches[np.ix_(rows, niche_columns)]
    if target.niche_ids:
        niche_fit = np.minimum(1.0, overlap.sum(axis=1) / min(len(target.niche_ids), NICHES_FOR_FULL_FIT))
    else:
        niche_fit = np.ones(len(rows))

    # Audience fit: share inside the target age bands × genders × countries (dimensions multiply).
    has_audience = features.has_audience[rows]
    if target.has_audience_target:
        share = np.ones(len(rows))
        for values, vocabulary, matrix in (
            (target.age_bands, AGE_BANDS, features.age),
            (target.genders, GENDERS, features.gender),
            (target.countries, COUNTRIES, features.audience_countries),
        ):
            if values:
                share *= share_sum(matrix, rows, _columns(values, vocabulary))
        share = np.clip(share, 0.0, 1.0)
        audience_fit = np.where(has_audience, share, 0.0)
        audience_share = np.where(has_audience, share, np.nan)
    else:
        audience_fit = np.ones(len(rows))
        audience_share = np.where(has_audience, 1.0, np.nan)

    # Engagement quality against the benchmark of the account's platform and tier.
    engagement_rate = features.engagement_rate[rows, platform].astype(np.float64)
    benchmark = BENCHMARK[platform, tier]
    engagement_quality = np.nan_to_num(np.clip(engagement_rate / benchmark / ENGAGEMENT_CAP, 0.0, 1.0), nan=0.0)

    credibility = features.credibility[rows].astype(np.float64)
    credibility_fit = np.where(np.isnan(credibility), UNKNOWN_CREDIBILITY_FIT, credibility / 100.0)

    # Price fit: the cheapest active offer of the campaign's kind in its currency, per unit.
    if target.kind in KINDS and target.currency in CURRENCIES:
        unit_price = features.offer_price[rows, KINDS.index(target.kind), CURRENCIES.index(target.currency)]
    else:
        unit_price = np.full(len(rows), np.nan)
    cost = unit_price * target.price_units
    budget = target.budget_per_creator
    with np.errstate(invalid="ignore", divide="ignore"):
        if budget > 0:
            over = (cost - budget) / (budget * (PRICE_ZERO_AT_BUDGET_MULTIPLE - 1))
            price_fit = np.clip(1.0 - np.maximum(over, 0.0), 0.0, 1.0)
        else:
            price_fit = np.where(cost <= 0, 1.0, 0.0)
    price_fit = np.where(np.isnan(cost), NO_OFFER_PRICE_FIT, price_fit)

    # Estimated reach in the target, and reach fit on a log scale up to the campaign's ceiling.
    reach_followers = np.where(followers[rows] > 0, followers[rows], 0).sum(axis=1)
    estimated_reach = np.rint(reach_followers * audience_fit).astype(np.int64)
    reach_fit = np.clip(np.log1p(estimated_reach) / math.log1p(target.reach_reference()), 0.0, 1.0)

    components = {
        "niche_fit": niche_fit,
        "audience_fit": audience_fit,
        "engagement_quality": engagement_quality,
        "credibility_fit": credibility_fit,
        "price_fit": price_fit,
        "reach_fit": reach_fit,
    }
    components = {name: np.round(values.astype(np.float64), 4) for name, values in components.items()}
    score = np.round(100.0 * sum(WEIGHTS[name] * components[name] for name in COMPONENTS), 2)

    expected_engagements = engagement_rate * largest * target.posts
    with np.errstate(invalid="ignore", divide="ignore"):
        cost_per_engagement = np.where(expected_engagements > 0, cost / expected_engagements, np.nan)
        cpm = np.where(estimated_reach > 0, cost / estimated_reach * 1000.0, np.nan)
    return Scores(
        rows=rows,
        ids=features.ids[rows],
        components=components,
        score=score,
        platform=platform,
        followers=largest,
        tier=tier,
        engagement_rate=engagement_rate,
        benchmark=benchmark,
        credibility=credibility,
        niche_overlap=overlap,
        niche_columns=niche_columns,
        audience_share=audience_share,
        estimated_reach=estimated_reach,
        unit_price=unit_price,
        cost=cost,
        cost_per_engagement=cost_per_engagement,
        cpm=cpm,
    )
