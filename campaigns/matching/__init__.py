"""The matching engine (docs/metrics.md#match-score): which influencers fit a campaign, how well, and why.

Public entry points:
- recompute_campaign_matches(*, campaign_id, run=None) -> int — store a campaign's top N matches;
- recompute_open_campaigns(*, run=None, campaign_ids=None) -> int — every open campaign, one matrix;
- campaigns_for_influencer(influencer_id, limit=10) -> list[Recommendation] — the reverse direction;
- campaigns_affected_by(influencer_ids) -> list[int] — open campaigns to refresh after a change;
- WEIGHTS — the weight of each score component (the only place they live).
"""

from .engine import (
    Recommendation,
    campaigns_affected_by,
    campaigns_for_influencer,
    recompute_campaign_matches,
    recompute_open_campaigns,
)
from .features import Features, forget_cached_features, load_features, matchable_features
from .scoring import COMPONENTS, ENGINE_VERSION, WEIGHTS, Scores, Target, score_campaign

__all__ = [
    "COMPONENTS",
    "ENGINE_VERSION",
    "WEIGHTS",
    "Features",
    "Recommendation",
    "Scores",
    "Target",
    "campaigns_affected_by",
    "campaigns_for_influencer",
    "forget_cached_features",
    "load_features",
    "matchable_features",
    "recompute_campaign_matches",
    "recompute_open_campaigns",
    "score_campaign",
]
