"""Credibility: a 0–100 score with its reasons as data, so a brand sees why, not just how much.

The score starts at 100 and each rule that fires subtracts its impact (clamped to 0–100). Rules that
explain rather than accuse (a follower spike that a viral post accounts for) are listed with impact 0.
Every reason is a dict {code, message, impact, ...context}; spikes also carry their date and size.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..taxonomy import VIDEO_PLATFORMS
from .formulas import COMMENTS_NEXT_POSTS, MIN_USABLE_POSTS, benchmark_ratio

MAX_SCORE = 100

# ER against the tier benchmark of the account's platform (taxonomy.TIER_BENCHMARK_ER).
ER_FAR_BELOW_RATIO = 0.25
ER_FAR_BELOW_IMPACT = -25
# Above 3× the benchmark engagement is implausible for an account of that size (engagement groups,
# bought likes); above 5× it costs more.
ER_FAR_ABOVE_RATIO = 3.0
ER_FAR_ABOVE_IMPACT = -20
ER_EXTREME_RATIO = 5.0
ER_EXTREME_IMPACT = -30

# Likes per comment over the ER sample. Bought likes rarely come with comments; comment groups
# (and giveaway posts) give the opposite picture.
# The upper end of the normal band depends on the platform (TikTok and X get more likes per reply).
LIKES_PER_COMMENT_HIGH = 150.0
LIKES_PER_COMMENT_HIGH_BY_PLATFORM: dict[str, float] = {"instagram": 80.0, "youtube": 80.0}
LIKES_PER_COMMENT_HIGH_IMPACT = -20
LIKES_PER_COMMENT_LOW = 2.0
LIKES_PER_COMMENT_LOW_IMPACT = -5

# Video accounts whose posts are seen by fewer than 5 % of their followers (at least 1,000 followers):
# a following far larger than the audience that watches is typical of bought followers.
VIEWS_PER_FOLLOWER_MIN = 0.05
VIEWS_MIN_FOLLOWERS = 1_000
FOLLOWERS_ABOVE_VIEWS_IMPACT = -20

# Video engagement per view: likes and comments that no viewer gave. Typical is 2–8 % of views on
# YouTube and Twitch, 4–12 % on TikTok.
ENGAGEMENT_PER_VIEW_HIGH: dict[str, float] = {"youtube": 0.10, "twitch": 0.10, "tiktok": 0.18}
ENGAGEMENT_PER_VIEW_IMPACT = -20

# Comments concentrated in a few posts: with the most-commented post set aside (one giveaway or viral
# post is normal), more than 65 % of the remaining comments sit on the next 4 posts (at least 8 posts
# showing comments). Engagement groups ("pods") comment on the posts they boost, not on the others.
COMMENTS_MIN_POSTS = 8
COMMENTS_CONCENTRATED_SHARE = 0.65
COMMENTS_CONCENTRATED_IMPACT = -20

# Followers up at least 20 % in 30 days while engagement per post grew less than a third as much:
# real new followers react, bought ones do not.
GROWTH_WITHOUT_ENGAGEMENT_MIN = 0.20
GROWTH_ENGAGEMENT_SHARE = 1 / 3
GROWTH_WITHOUT_ENGAGEMENT_IMPACT = -20

# Sponsored posts in the ER sample without an ad disclosure (#ad, "paid partnership" …).
UNDISCLOSED_IMPACT_PER_POST = -5
UNDISCLOSED_MAX_IMPACT = -20

# Follower spikes: a gain between two snapshots in the last 90 days that is at least 2 % of the
# followers and 100 followers, at more than 5× the account's usual daily change (the mean absolute
# daily change of its other snapshot pairs; at least 7 pairs are needed to know what "usual" is).
SPIKE_WINDOW_DAYS = 90
SPIKE_MIN_PAIRS = 7
SPIKE_FACTOR = 5.0
SPIKE_MIN_GAIN_SHARE = 0.02
SPIKE_MIN_GAIN = 100
# A spike is explained when a post published from 3 days before the jump up to its snapshot reached
# at least 2× the account's usual engagement (mean over posts of the 60 days before that).
SPIKE_LEAD_DAYS = 3
SPIKE_USUAL_DAYS = 60
SPIKE_EXPLAINED_FACTOR = 2.0
SPIKE_UNEXPLAINED_IMPACT = -15
SPIKES_MAX_IMPACT = -30

# Numbers a creator reported themselves (their own insights export or posts typed in) are not checked
# against the platform: the score is capped so that the matching gate counts such a creator no higher
# than one whose credibility is unknown (campaigns/matching/scoring.py: 86 → 0.74 ≤ 0.75).
SELF_REPORTED_MAX_SCORE = 86


@dataclass(frozen=True)
class AccountSignals:
    """One account's inputs to the credibility rules (its computed metrics, see formulas.py)."""

    account_id: int
    platform: str
    handle: str
    followers: int
    engagement_rate: float | None
    likes_with_comments: int = 0
    comments_with_likes: int = 0
    like_comment_posts: int = 0
    undisclosed_sponsored: int = 0
    avg_views: float | None = None
    followers_start: int | None = None  # 30 days ago (formulas.growth_ends)
    followers_end: int | None = None
    recent_engagement: float | None = None  # mean per post, last 30 days of the sample
    older_engagement: float | None = None  # mean per post, older posts of the sample
    engagement_rate_by_views: float | None = None
    comment_posts: int = 0
    comments_total: int = 0
    comments_top: int = 0
    comments_next: int = 0
    self_reported: bool = False  # the account's metrics source (models.MetricsSource)

    @property
    def comments_concentration(self) -> float | None:
        """Share of the comments on the next 4 posts once the most-commented one is set aside."""
        rest = self.comments_total - self.comments_top
        if self.comment_posts < COMMENTS_MIN_POSTS or rest <= 0:
            return None
        return self.comments_next / rest

    @property
    def follower_growth(self) -> float | None:
        if not self.followers_start or self.followers_end is None:
            return None
        return (self.followers_end - self.followers_start) / self.followers_start

    @property
    def engagement_growth(self) -> float | None:
        if self.recent_engagement is None or not self.older_engagement:
            return None
        return (self.recent_engagement - self.older_engagement) / self.older_engagement


def likes_per_comment_high(platform: str) -> float:
    return LIKES_PER_COMMENT_HIGH_BY_PLATFORM.get(platform, LIKES_PER_COMMENT_HIGH)


@dataclass(frozen=True)
class SpikeCandidate:
    account_id: int
    date: dt.date
    previous_date: dt.date
    previous_followers: int
    gain: int
    usual_daily_change: float


@dataclass(frozen=True)
class Spike:
    platform: str
    handle: str
    candidate: SpikeCandidate
    best_post_engagement: int | None
    usual_engagement: float | None

    @property
    def explained(self) -> bool:
        return (
            self.best_post_engagement is not None
            and self.usual_engagement is not None
            and self.best_post_engagement >= SPIKE_EXPLAINED_FACTOR * self.usual_engagement
        )


def _pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def account_reasons(account: AccountSignals) -> list[dict]:
    """The reasons one account contributes: ER against benchmark, like/comment ratio, disclosure."""
    reasons: list[dict] = []
    label = f"{account.platform} @{account.handle}"
    if account.engagement_rate is not None and account.followers > 0:
        ratio, tier, benchmark = benchmark_ratio(
            platform=account.platform, followers=account.followers, engagement_rate=account.engagement_rate
        )
        context = {"account": label, "engagement_rate": account.engagement_rate, "benchmark": benchmark, "tier": tier}
        if ratio < ER_FAR_BELOW_RATIO:
            message = _(
                "%(account)s: engagement rate %(er)s is far below the %(benchmark)s typical of %(tier)s accounts "
                "(less than a quarter): many followers do not react, which often means inactive or bought followers."
            ) % {"account": label, "er": _pct(account.engagement_rate), "benchmark": _pct(benchmark), "tier": tier}
            reasons.append(
                {"code": "er_far_below_benchmark", "message": message, "impact": ER_FAR_BELOW_IMPACT, **context}
            )
        elif ratio > ER_FAR_ABOVE_RATIO:
            message = _(
                "%(account)s: engagement rate %(er)s is %(ratio).1f× the %(benchmark)s typical of %(tier)s accounts, "
                "more than is plausible for an account of this size: it can mean engagement groups or bought likes."
            ) % {
                "account": label,
                "er": _pct(account.engagement_rate),
                "ratio": ratio,
                "benchmark": _pct(benchmark),
                "tier": tier,
            }
            impact = ER_EXTREME_IMPACT if ratio > ER_EXTREME_RATIO else ER_FAR_ABOVE_IMPACT
            reasons.append({"code": "er_far_above_benchmark", "message": message, "impact": impact, **context})
    if account.like_comment_posts >= MIN_USABLE_POSTS and account.likes_with_comments + account.comments_with_likes:
        per_comment = account.likes_with_comments / max(account.comments_with_likes, 1)
        context = {"account": label, "likes_per_comment": round(per_comment, 1)}
        high = likes_per_comment_high(account.platform)
        if per_comment > high:
            message = _(
                "%(account)s: %(ratio).0f likes per comment (normal on %(platform)s is %(low).0f–%(high).0f): "
                "likes without conversation can be bought."
            ) % {
                "account": label,
                "ratio": per_comment,
                "platform": account.platform,
                "low": LIKES_PER_COMMENT_LOW,
                "high": high,
            }
            reasons.append(
                {
                    "code": "likes_per_comment_high",
                    "message": message,
                    "impact": LIKES_PER_COMMENT_HIGH_IMPACT,
                    **context,
                }
            )
        elif account.comments_with_likes and per_comment < LIKES_PER_COMMENT_LOW:
            message = _(
                "%(account)s: only %(ratio).1f likes per comment (usual is 10–100): typical of comment groups "
                "or giveaway posts."
            ) % {"account": label, "ratio": per_comment}
            reasons.append(
                {"code": "likes_per_comment_low", "message": message, "impact": LIKES_PER_COMMENT_LOW_IMPACT, **context}
            )
    if (
        account.platform in VIDEO_PLATFORMS
        and account.avg_views is not None
        and account.followers >= VIEWS_MIN_FOLLOWERS
        and account.avg_views < VIEWS_PER_FOLLOWER_MIN * account.followers
    ):
        message = _(
            "%(account)s: its videos average %(views)s views for %(followers)s followers (under 5 %%): "
            "most followers never watch, which is typical of bought followers."
        ) % {"account": label, "views": f"{account.avg_views:,.0f}", "followers": f"{account.followers:,}"}
        reasons.append(
            {
                "code": "followers_far_above_views",
                "message": message,
                "impact": FOLLOWERS_ABOVE_VIEWS_IMPACT,
                "account": label,
                "avg_views": round(account.avg_views, 2),
                "followers": account.followers,
            }
        )
    per_view_high = ENGAGEMENT_PER_VIEW_HIGH.get(account.platform)
    rate_by_views = account.engagement_rate_by_views or 0.0
    if per_view_high is not None and rate_by_views > per_view_high:
        message = _(
            "%(account)s: %(rate)s of the people who watch react (usual on %(platform)s is under %(high)s): "
            "more likes than viewers is typical of bought likes."
        ) % {
            "account": label,
            "rate": _pct(rate_by_views),
            "platform": account.platform,
            "high": f"{per_view_high * 100:.0f} %",
        }
        reasons.append(
            {
                "code": "engagement_per_view_high",
                "message": message,
                "impact": ENGAGEMENT_PER_VIEW_IMPACT,
                "account": label,
                "engagement_rate_by_views": round(rate_by_views, 6),
            }
        )
    concentration = account.comments_concentration
    if concentration is not None and concentration > COMMENTS_CONCENTRATED_SHARE:
        message = _(
            "%(account)s: leaving the most-commented post aside, %(share)s of the comments sit on just %(n)d "
            "posts: comments concentrated on a few posts are typical of engagement groups."
        ) % {"account": label, "share": f"{concentration * 100:.0f} %", "n": COMMENTS_NEXT_POSTS}
        reasons.append(
            {
                "code": "comments_concentrated",
                "message": message,
                "impact": COMMENTS_CONCENTRATED_IMPACT,
                "account": label,
                "share": round(concentration, 4),
            }
        )
    growth, engagement_growth = account.follower_growth, account.engagement_growth
    if (
        growth is not None
        and engagement_growth is not None
        and growth >= GROWTH_WITHOUT_ENGAGEMENT_MIN
        and engagement_growth < GROWTH_ENGAGEMENT_SHARE * growth
    ):
        message = _(
            "%(account)s: followers grew %(growth)s in 30 days but engagement per post changed %(engagement)s: "
            "new followers that never react are typical of bought followers."
        ) % {"account": label, "growth": f"+{growth * 100:.0f} %", "engagement": f"{engagement_growth * 100:+.0f} %"}
        reasons.append(
            {
                "code": "follower_growth_without_engagement",
                "message": message,
                "impact": GROWTH_WITHOUT_ENGAGEMENT_IMPACT,
                "account": label,
                "follower_growth": round(growth, 4),
                "engagement_growth": round(engagement_growth, 4),
            }
        )
    if account.undisclosed_sponsored:
        impact = max(UNDISCLOSED_MAX_IMPACT, UNDISCLOSED_IMPACT_PER_POST * account.undisclosed_sponsored)
        message = _("%(account)s: %(count)d recent sponsored post(s) without an ad disclosure such as #ad.") % {
            "account": label,
            "count": account.undisclosed_sponsored,
        }
        reasons.append(
            {
                "code": "undisclosed_sponsored_posts",
                "message": message,
                "impact": impact,
                "account": label,
                "posts": account.undisclosed_sponsored,
            }
        )
    return reasons


def spike_reason(spike: Spike) -> dict:
    candidate = spike.candidate
    label = f"{spike.platform} @{spike.handle}"
    share = candidate.gain / candidate.previous_followers if candidate.previous_followers else None
    size = {"account": label, "date": candidate.date.isoformat(), "gain": candidate.gain, "gain_share": share}
    values = {
        "account": label,
        "gain": f"{candidate.gain:,}",
        "share": _pct(share) if share is not None else "–",
        "date": candidate.date.isoformat(),
        "previous": candidate.previous_date.isoformat(),
        "usual": f"{candidate.usual_daily_change:,.0f}",
    }
    best, usual = spike.best_post_engagement, spike.usual_engagement
    if spike.explained and best is not None and usual is not None:  # explained implies both are known
        values["ratio"] = f"{best / usual:.1f}"
        message = (
            _(
                "%(account)s gained %(gain)s followers (+%(share)s) between %(previous)s and %(date)s, against a usual "
                "%(usual)s a day; a post around then reached %(ratio)s× the usual engagement, so the jump looks "
                "organic."
            )
            % values
        )
        return {"code": "follower_spike_explained", "message": message, "impact": 0, **size}
    message = (
        _(
            "%(account)s gained %(gain)s followers (+%(share)s) between %(previous)s and %(date)s, against a usual "
            "%(usual)s a day, without a post with unusual engagement around then: the new followers may not be real."
        )
        % values
    )
    return {"code": "follower_spike_unexplained", "message": message, "impact": SPIKE_UNEXPLAINED_IMPACT, **size}


def insufficient_data_reason() -> dict:
    return {
        "code": "insufficient_data",
        "message": _(
            "Not enough recent posts to judge credibility: it needs at least one account with %(n)d posts "
            "with visible counts in the last 180 days."
        )
        % {"n": MIN_USABLE_POSTS},
        "impact": 0,
    }


def credibility(accounts: Iterable[AccountSignals], spikes: Iterable[Spike] = ()) -> tuple[int | None, list[dict]]:
    """The influencer's score (None when no account has a known ER) and its reasons, largest impact first."""
    accounts = list(accounts)
    reasons = [reason for account in accounts for reason in account_reasons(account)]
    spike_reasons = [spike_reason(spike) for spike in sorted(spikes, key=lambda s: (s.candidate.date, s.handle))]
    spike_penalty = max(SPIKES_MAX_IMPACT, sum(reason["impact"] for reason in spike_reasons))
    reasons.extend(spike_reasons)
    reasons.sort(key=lambda reason: reason["impact"])
    if not any(a.engagement_rate is not None and a.followers > 0 for a in accounts):
        return None, [insufficient_data_reason(), *reasons]
    other_penalty = sum(reason["impact"] for reason in reasons if not reason["code"].startswith("follower_spike"))
    score = max(0, min(MAX_SCORE, MAX_SCORE + other_penalty + spike_penalty))
    reported = [a for a in accounts if a.self_reported and a.engagement_rate is not None and a.followers > 0]
    if reported:
        capped = min(score, SELF_REPORTED_MAX_SCORE)
        reasons.append(self_reported_reason(reported, impact=capped - score))
        reasons.sort(key=lambda reason: reason["impact"])
        score = capped
    return score, reasons


def self_reported_reason(accounts: Sequence[AccountSignals], *, impact: int) -> dict:
    labels = ", ".join(f"{a.platform} @{a.handle}" for a in accounts)
    message = _(
        "%(accounts)s: the numbers are self-reported by the creator, not yet verified by an import, so "
        "credibility is at most %(cap)d."
    ) % {"accounts": labels, "cap": SELF_REPORTED_MAX_SCORE}
    return {"code": "self_reported", "message": message, "impact": impact, "accounts": labels}


def detect_spike_candidates(
    account_id: int, snapshots: Iterable[tuple[dt.date, int]], *, today: dt.date
) -> list[SpikeCandidate]:
    """Follower jumps far above the account's usual daily change (see the constants above)."""
    since = today - dt.timedelta(days=SPIKE_WINDOW_DAYS)
    points = sorted((d, f) for d, f in snapshots if since <= d <= today)
    pairs = [
        (d, prev_d, prev_f, f - prev_f, (f - prev_f) / (d - prev_d).days)
        for (prev_d, prev_f), (d, f) in itertools.pairwise(points)
    ]
    if len(pairs) < SPIKE_MIN_PAIRS + 1:
        return []
    total_abs = sum(abs(daily) for *_, daily in pairs)
    candidates = []
    for d, prev_d, prev_f, gain, daily in pairs:
        usual = (total_abs - abs(daily)) / (len(pairs) - 1)
        if gain >= SPIKE_MIN_GAIN and gain >= SPIKE_MIN_GAIN_SHARE * prev_f and daily > SPIKE_FACTOR * usual:
            candidates.append(SpikeCandidate(account_id, d, prev_d, prev_f, gain, usual))
    return candidates


def spike_engagement_windows(candidate: SpikeCandidate) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """(usual window, around window) as inclusive calendar dates of the site's time zone."""
    around_from = candidate.previous_date - dt.timedelta(days=SPIKE_LEAD_DAYS)
    usual_from = around_from - dt.timedelta(days=SPIKE_USUAL_DAYS)
    return (usual_from, around_from - dt.timedelta(days=1)), (around_from, candidate.date)


def explain_spike(
    candidate: SpikeCandidate, *, platform: str, handle: str, engagements: Sequence[tuple[dt.date, int | None]]
) -> Spike:
    """Attach the engagement context to a spike: the best post around it and the usual engagement before."""
    (usual_from, usual_to), (around_from, around_to) = spike_engagement_windows(candidate)
    usual = [e for day, e in engagements if e is not None and usual_from <= day <= usual_to]
    around = [e for day, e in engagements if e is not None and around_from <= day <= around_to]
    return Spike(
        platform=platform,
        handle=handle,
        candidate=candidate,
        best_post_engagement=max(around, default=None),
        usual_engagement=sum(usual) / len(usual) if usual else None,
    )
