"""The matching engine (docs/metrics.md#match-score): which influencers fit a campaign, how well, and why.

Public entry points:
- recompute_campaign_matches(*, campaign_id, run=None) -> int — store a campaign's top N matches;
- recompute_open_campaigns(*, run=None, campaign_ids=None) -> int — every open campaign, one matrix;
- campaigns_for_influencer(influencer_id, limit=10) -> list[Recommendation] — the reverse direction;
- campaigns_affected_by(influencer_ids) -> list[int] — open campaigns to refresh after a change;
- WEIGHTS — the weight of each additive score component (the only place they live);
- `python -m campaigns.matching.evaluate` — ranking quality on planted populations (evaluate.py).

The names are imported lazily (PEP 562), so `python -m campaigns.matching.evaluate` can configure
Django before anything touches the models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_HOMES = {
    "Recommendation": "engine",
    "campaigns_affected_by": "engine",
    "campaigns_for_influencer": "engine",
    "recompute_campaign_matches": "engine",
    "recompute_open_campaigns": "engine",
    "Features": "features",
    "forget_cached_features": "store",
    "load_features": "features",
    "matchable_features": "store",
    "COMPONENTS": "scoring",
    "ENGINE_VERSION": "scoring",
    "WEIGHTS": "scoring",
    "Scores": "scoring",
    "Target": "scoring",
    "score_campaign": "scoring",
}

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

if TYPE_CHECKING:
    from .engine import (
        Recommendation,
        campaigns_affected_by,
        campaigns_for_influencer,
        recompute_campaign_matches,
        recompute_open_campaigns,
    )
    from .features import Features, load_features
    from .scoring import COMPONENTS, ENGINE_VERSION, WEIGHTS, Scores, Target, score_campaign
    from .store import forget_cached_features, matchable_features


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
