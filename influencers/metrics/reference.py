"""The whole metric computation for one influencer in plain Python, from plain values.

It chains the per-row formulas the way the set-based recompute does, so a test (or a curious
developer) can put the same data through both and compare: this is the reference, recompute.py
is the fast path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from . import credibility as cred
from .formulas import (
    AccountMetrics,
    AccountSummary,
    PostCounts,
    account_metrics,
    follower_growth,
    growth_ends,
    influencer_engagement_rate,
    influencer_tier,
    post_engagement,
)


@dataclass(frozen=True)
class AccountInput:
    account_id: int
    platform: str
    handle: str
    followers: int
    posts: list[PostCounts] = field(default_factory=list)
    snapshots: list[tuple[dt.date, int]] = field(default_factory=list)
    self_reported: bool = False


@dataclass(frozen=True)
class InfluencerMetrics:
    accounts: dict[int, AccountMetrics]
    total_followers: int
    engagement_rate: float | None
    er_sample_size: int
    tier: str
    follower_growth_30d: float | None
    credibility_score: int | None
    credibility_reasons: list[dict]


def influencer_metrics(accounts: list[AccountInput], *, now: dt.datetime, today: dt.date) -> InfluencerMetrics:
    per_account = {
        a.account_id: account_metrics(platform=a.platform, followers=a.followers, posts=a.posts, now=now)
        for a in accounts
    }
    summaries = [
        AccountSummary(
            a.platform, a.followers, per_account[a.account_id].engagement_rate, per_account[a.account_id].er_sample_size
        )
        for a in accounts
    ]
    rate, sample = influencer_engagement_rate(summaries)
    signals = []
    spikes = []
    for a in accounts:
        m = per_account[a.account_id]
        signals.append(
            cred.AccountSignals(
                a.account_id,
                a.platform,
                a.handle,
                a.followers,
                m.engagement_rate,
                m.likes_with_comments,
                m.comments_with_likes,
                m.like_comment_posts,
                m.undisclosed_sponsored,
                m.avg_views,
                *growth_ends(a.snapshots, today=today),
                m.recent_engagement,
                m.older_engagement,
                m.engagement_rate_by_views,
                m.comment_posts,
                m.comments_total,
                m.comments_top,
                m.comments_next,
                self_reported=a.self_reported,
            )
        )
        # Calendar days of the site's time zone, like the snapshot dates they are compared with.
        engagements = [(timezone.localtime(p.posted_at).date(), post_engagement(a.platform, p)) for p in a.posts]
        for candidate in cred.detect_spike_candidates(a.account_id, a.snapshots, today=today):
            spikes.append(cred.explain_spike(candidate, platform=a.platform, handle=a.handle, engagements=engagements))
    score, reasons = cred.credibility(signals, spikes)
    return InfluencerMetrics(
        accounts=per_account,
        total_followers=sum(a.followers for a in accounts),
        engagement_rate=rate,
        er_sample_size=sample,
        tier=influencer_tier(summaries),
        follower_growth_30d=follower_growth([a.snapshots for a in accounts], today=today),
        credibility_score=score,
        credibility_reasons=reasons,
    )
