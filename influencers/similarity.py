"""Similar creators ("lookalikes"): how alike two creators are, as defined in docs/metrics.md#similar-creators.

One function per component of the definition, named as in the document and vectorised over the
candidates (numpy arrays, one row per candidate), then `similarity_score` combines them and
`rank_similar` picks the best. No database access here: selectors.influencer_similar finds the
candidates set-based and hands their features over as a `Features` table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import formatting
from .taxonomy import AGE_FIELDS, GENDER_FIELDS, Tier

# Weights of the components (they add up to 1); the score is 100 × credibility factor × Σ weight × component.
WEIGHTS: dict[str, float] = {"niches": 0.35, "audience": 0.35, "tier": 0.15, "engagement": 0.15}
SIMILAR_LIMIT = 12
# Candidates per side of the creator's follower count (docs: "Candidates"): 2 × 500 nearest in size.
CANDIDATES_PER_SIDE = 500
# Engagement rates this many times apart (either way) score 0; equal rates score 1.
ENGAGEMENT_RATIO_AT_ZERO = 4.0
# Credibility below the floor is never suggested; from the floor up to FULL it scales the score down.
CREDIBILITY_FLOOR = 50
CREDIBILITY_FULL = 80
TIER_ORDER: tuple[str, ...] = (Tier.NANO, Tier.MICRO, Tier.MACRO, Tier.MEGA)
AGE_BANDS: tuple[str, ...] = tuple(AGE_FIELDS)
GENDERS: tuple[str, ...] = tuple(GENDER_FIELDS)


def tier_index(tier: str | None) -> int:
    """Position of a tier on the nano → mega scale; -1 when the tier is not computed yet."""
    return TIER_ORDER.index(tier) if tier in TIER_ORDER else -1


@dataclass
class Features:
    """What the components compare, one row per creator (the creator itself and its candidates).

    Unknown values: tier -1, engagement rate and credibility NaN, no audience -> has_audience False
    (its share rows are then zeros and never read).
    """

    ids: np.ndarray  # int64 [n]
    followers: np.ndarray  # int64 [n]
    tier: np.ndarray  # int8 [n], index into TIER_ORDER
    engagement_rate: np.ndarray  # float64 [n]
    credibility: np.ndarray  # float64 [n]
    niches: np.ndarray  # bool [n, len(niche_ids)]
    niche_ids: list[int]
    has_audience: np.ndarray  # bool [n]
    age: np.ndarray  # float64 [n, 6], shares per age band
    gender: np.ndarray  # float64 [n, 3]
    countries: np.ndarray  # float64 [n, len(country_codes)], the audience's top countries
    country_codes: list[str]

    def row_of(self, influencer_id: int) -> int:
        return int(np.flatnonzero(self.ids == influencer_id)[0])


# --- the components (docs/metrics.md#similar-creators) -------------------------------------------


def niche_similarity(niches: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Shared niches ÷ niches of either creator (Jaccard); 0 when neither names a niche."""
    shared = (niches & target).sum(axis=1)
    either = (niches | target).sum(axis=1)
    return np.divide(shared, either, out=np.zeros(len(niches)), where=either > 0)


def distribution_overlap(shares: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Σ min(share, target share) over the categories: the part of two audiences that looks the same."""
    return np.minimum(shares, target).sum(axis=1)


def audience_overlap(features: Features, target_row: int) -> dict[str, np.ndarray]:
    """Overlap by age, by gender and by country, and their mean ("audience"); 0 without audience data."""
    known = features.has_audience & features.has_audience[target_row]
    overlaps = {
        "age": distribution_overlap(features.age, features.age[target_row]),
        "gender": distribution_overlap(features.gender, features.gender[target_row]),
        "country": distribution_overlap(features.countries, features.countries[target_row]),
    }
    overlaps = {name: np.where(known, np.clip(values, 0.0, 1.0), 0.0) for name, values in overlaps.items()}
    overlaps["audience"] = (overlaps["age"] + overlaps["gender"] + overlaps["country"]) / 3
    return overlaps


def tier_similarity(tiers: np.ndarray, target: int) -> np.ndarray:
    """1 for the same tier, 0.5 for the next tier up or down, 0 further apart or when unknown."""
    distance = np.abs(tiers.astype(np.int16) - target)
    values = np.select([distance == 0, distance == 1], [1.0, 0.5], default=0.0)
    return np.where((tiers < 0) | (target < 0), 0.0, values)


def engagement_similarity(rates: np.ndarray, target: float) -> np.ndarray:
    """1 − |ln(ER ÷ the creator's ER)| ÷ ln 4, at least 0; 0 when either ER is unknown or 0."""
    if not (target > 0):  # also NaN
        return np.zeros(len(rates))
    with np.errstate(divide="ignore", invalid="ignore"):
        distance = np.abs(np.log(rates / target)) / math.log(ENGAGEMENT_RATIO_AT_ZERO)
    values = np.clip(1.0 - distance, 0.0, 1.0)
    return np.where(np.isfinite(values) & (rates > 0), values, 0.0)


def credibility_factor(credibility: np.ndarray) -> np.ndarray:
    """0 below the floor (50), credibility ÷ 80 up to 1 above it; 1 while not computed yet."""
    factor = np.minimum(1.0, credibility / CREDIBILITY_FULL)
    factor = np.where(credibility < CREDIBILITY_FLOOR, 0.0, factor)
    return np.where(np.isnan(credibility), 1.0, factor)


def similarity_score(components: dict[str, np.ndarray], factor: np.ndarray) -> np.ndarray:
    """100 × credibility factor × Σ weight × component, rounded to one decimal."""
    weighted = sum(WEIGHTS[name] * components[name] for name in WEIGHTS)
    return np.round(100.0 * factor * weighted, 1)


# --- ranking -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Similarity:
    """One candidate's score with everything its reason and the API show."""

    influencer_id: int
    score: float
    components: dict[str, float]  # niches, audience, tier, engagement (0–1)
    audience: dict[str, float]  # overlap by age, gender, country (0–1)
    credibility_factor: float
    shared_niche_ids: tuple[int, ...]


def rank_similar(features: Features, target_id: int, limit: int = SIMILAR_LIMIT) -> list[Similarity]:
    """The `limit` most similar candidates: highest score, then nearest in followers, then oldest id.

    Never the creator itself, never a creator whose credibility factor is 0.
    """
    target = features.row_of(target_id)
    overlaps = audience_overlap(features, target)
    components = {
        "niches": niche_similarity(features.niches, features.niches[target]),
        "audience": overlaps["audience"],
        "tier": tier_similarity(features.tier, int(features.tier[target])),
        "engagement": engagement_similarity(features.engagement_rate, float(features.engagement_rate[target])),
    }
    factor = credibility_factor(features.credibility)
    scores = similarity_score(components, factor)
    eligible = (features.ids != target_id) & (factor > 0)
    size_gap = np.abs(np.log1p(features.followers) - math.log1p(int(features.followers[target])))
    # lexsort sorts by the last key first: score (descending), then size gap, then id.
    order = np.lexsort((features.ids, size_gap, -scores))
    rows = [row for row in order if eligible[row]][:limit]
    target_niches = features.niches[target]
    return [
        Similarity(
            influencer_id=int(features.ids[row]),
            score=float(scores[row]),
            components={name: round(float(values[row]), 4) for name, values in components.items()},
            audience={name: round(float(overlaps[name][row]), 4) for name in ("age", "gender", "country")},
            credibility_factor=round(float(factor[row]), 4),
            shared_niche_ids=tuple(
                features.niche_ids[column] for column in np.flatnonzero(features.niches[row] & target_niches)
            ),
        )
        for row in rows
    ]


# --- the reason a brand reads --------------------------------------------------------------------------


def _percent(value: float) -> str:
    return formatting.percent(value, 0, space=" ")


def _rate(value: float | None) -> str:
    return _("unknown") if value is None else formatting.percent(value, 1, space=" ")


def niche_phrase(shared: Sequence[str], target_count: int, candidate_count: int) -> str:
    if not shared:
        return _("no shared niche")
    names = ", ".join(shared)
    if len(shared) == target_count == candidate_count:
        return ngettext("same niche (%(names)s)", "same niches (%(names)s)", len(shared)) % {"names": names}
    return ngettext("shared niche (%(names)s)", "shared niches (%(names)s)", len(shared)) % {"names": names}


def audience_phrase(similarity: Similarity, has_audience: bool) -> str:
    if not has_audience:
        return _("audience overlap unknown (no audience data on one side)")
    return _("%(overlap)s audience overlap by age, gender and country") % {
        "overlap": _percent(similarity.components["audience"])
    }


def tier_phrase(tier: str, tier_label: str, target_handle: str, target_tier: str, target_tier_label: str) -> str:
    if not tier or not target_tier:
        return _("tier not computed yet")
    if tier == target_tier:
        return _("%(tier)s like @%(handle)s") % {"tier": tier_label.lower(), "handle": target_handle}
    return _("%(tier)s (@%(handle)s is %(target_tier)s)") % {
        "tier": tier_label.lower(),
        "handle": target_handle,
        "target_tier": target_tier_label.lower(),
    }


def _day(when: dt.datetime | None) -> str:
    return _("not computed yet") if when is None else date_format(timezone.localtime(when), "j M Y")


def freshness_phrase(
    metrics_updated_at: dt.datetime | None, target_handle: str, target_updated_at: dt.datetime | None
) -> str:
    """When both creators' numbers were computed (metrics_updated_at), as every number on a profile says."""
    return _("metrics of %(date)s (@%(handle)s: %(target_date)s)") % {
        "date": _day(metrics_updated_at),
        "handle": target_handle,
        "target_date": _day(target_updated_at),
    }


def similarity_reason(
    *,
    similarity: Similarity,
    shared_niches: Sequence[str],
    niche_counts: tuple[int, int],
    has_audience: bool,
    tier: tuple[str, str],
    engagement_rate: float | None,
    metrics_updated_at: dt.datetime | None,
    target_handle: str,
    target_tier: tuple[str, str],
    target_engagement_rate: float | None,
    target_updated_at: dt.datetime | None,
) -> str:
    """ "same niches (Fashion, Beauty) · 82 % audience overlap by age, gender and country · micro like @anna · …"."""
    parts = [
        niche_phrase(shared_niches, *niche_counts),
        audience_phrase(similarity, has_audience),
        tier_phrase(tier[0], tier[1], target_handle, target_tier[0], target_tier[1]),
        _("ER %(rate)s (@%(handle)s: %(target)s)")
        % {"rate": _rate(engagement_rate), "handle": target_handle, "target": _rate(target_engagement_rate)},
        freshness_phrase(metrics_updated_at, target_handle, target_updated_at),
    ]
    return " · ".join(parts)
