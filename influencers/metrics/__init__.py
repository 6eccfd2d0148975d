"""The metrics engine (docs/metrics.md): pure per-row formulas and the set-based recompute.

Public entry points other code calls:
- recompute_metrics(*, account_ids=None, full=False, run=None) -> int — see recompute.py;
- the formulas (post_engagement, account_metrics, influencer_engagement_rate, influencer_tier,
  follower_growth) and credibility.credibility(), for explaining a number next to where it is shown.
"""

from . import credibility
from .formulas import (
    ENGAGEMENT_FIELDS,
    ER_SAMPLE_POSTS,
    ER_WINDOW_DAYS,
    MIN_USABLE_POSTS,
    AccountMetrics,
    AccountSummary,
    PostCounts,
    account_metrics,
    follower_growth,
    influencer_engagement_rate,
    influencer_tier,
    post_engagement,
)
from .recompute import (
    Scope,
    features_changed,
    full_chunks,
    incremental_influencer_ids,
    recompute_metrics,
    recompute_scope,
)

__all__ = [
    "ENGAGEMENT_FIELDS",
    "ER_SAMPLE_POSTS",
    "ER_WINDOW_DAYS",
    "MIN_USABLE_POSTS",
    "AccountMetrics",
    "AccountSummary",
    "PostCounts",
    "Scope",
    "account_metrics",
    "credibility",
    "features_changed",
    "follower_growth",
    "full_chunks",
    "incremental_influencer_ids",
    "influencer_engagement_rate",
    "influencer_tier",
    "post_engagement",
    "recompute_metrics",
    "recompute_scope",
]
