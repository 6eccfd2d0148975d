"""Pure per-row formulas: the public definitions of every metric (docs/metrics.md), one function each.

These functions take plain values, never model instances or a database, so they are the reference
the set-based recompute (recompute.py) is tested against. Every constant a rule depends on lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..taxonomy import VIDEO_PLATFORMS, Platform, benchmark_er, tier_for_followers

# The engagement rate sample: the latest 12 posts published in the 180 days before "now".
ER_SAMPLE_POSTS = 12
ER_WINDOW_DAYS = 180
# Fewer usable posts than this and a rate or an average is unknown (NULL), not 0.
MIN_USABLE_POSTS = 3

# Follower growth compares the latest snapshot in the last week with the latest snapshot of the
# week ending 30 days ago, so weekly snapshot cadences still give a growth figure.
GROWTH_DAYS = 30
GROWTH_TOLERANCE_DAYS = 7
# Comment concentration sets the most-commented post aside (a giveaway, a viral post) and looks at the
# share of the remaining comments on the next 4 posts.
COMMENTS_NEXT_POSTS = 4

# Engagement growth compares the mean engagement of the sample's posts of the last 30 days with that
# of its older posts; each side needs at least 2 usable posts.
RECENT_DAYS = 30
MIN_POSTS_PER_SIDE = 2

# Which counts add up to one post's engagement, per platform. On X the importer stores reposts in
# `shares` and replies in `comments`, so X and TikTok use the same three columns.
ENGAGEMENT_FIELDS: dict[str, tuple[str, ...]] = {
    Platform.INSTAGRAM: ("likes", "comments"),
    Platform.YOUTUBE: ("likes", "comments"),
    Platform.TWITCH: ("likes", "comments"),
    Platform.BLOG: ("likes", "comments"),
    Platform.PODCAST: ("likes", "comments"),
    Platform.TIKTOK: ("likes", "comments", "shares"),
    Platform.X: ("likes", "comments", "shares"),
}
DEFAULT_ENGAGEMENT_FIELDS = ("likes", "comments")


@dataclass(frozen=True)
class PostCounts:
    """The counts of one post the engine reads. None = hidden by the platform (missing, not zero)."""

    posted_at: dt.datetime
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    is_sponsored: bool = False
    has_ad_disclosure: bool = False


@dataclass(frozen=True)
class AccountMetrics:
    engagement_rate: float | None
    engagement_rate_by_views: float | None
    er_sample_size: int
    avg_likes: float | None
    avg_comments: float | None
    avg_views: float | None
    last_post_at: dt.datetime | None
    # Inputs of the credibility rules, computed over the same sample.
    likes_with_comments: int = 0
    comments_with_likes: int = 0
    like_comment_posts: int = 0
    undisclosed_sponsored: int = 0
    recent_engagement: float | None = None
    older_engagement: float | None = None
    # How the sample's comments spread over its posts (credibility.comments_concentrated).
    comment_posts: int = 0
    comments_total: int = 0
    comments_top: int = 0  # the most-commented post
    comments_next: int = 0  # the next COMMENTS_NEXT_POSTS posts by comments


def engagement_fields(platform: str) -> tuple[str, ...]:
    return ENGAGEMENT_FIELDS.get(platform, DEFAULT_ENGAGEMENT_FIELDS)


def post_engagement(platform: str, post: PostCounts) -> int | None:
    """Likes + comments (+ shares on TikTok, + reposts on X); None when any of those counts is hidden."""
    total = 0
    for field in engagement_fields(platform):
        value = getattr(post, field)
        if value is None:
            return None
        total += value
    return total


def er_sample(posts: Iterable[PostCounts], *, now: dt.datetime) -> list[PostCounts]:
    """The latest 12 posts published within 180 days before `now` (newest first)."""
    since = now - dt.timedelta(days=ER_WINDOW_DAYS)
    recent = [post for post in posts if since <= post.posted_at <= now]
    recent.sort(key=lambda post: post.posted_at, reverse=True)
    return recent[:ER_SAMPLE_POSTS]


def _mean_or_none(values: Sequence[float]) -> float | None:
    if len(values) < MIN_USABLE_POSTS:
        return None
    return sum(values) / len(values)


def account_metrics(*, platform: str, followers: int, posts: Iterable[PostCounts], now: dt.datetime) -> AccountMetrics:
    """Engagement rates, averages and sample size of one social account."""
    posts = list(posts)
    sample = er_sample(posts, now=now)
    engagements = [e for e in (post_engagement(platform, post) for post in sample) if e is not None]
    mean_engagement = _mean_or_none(engagements)
    er = mean_engagement / followers if mean_engagement is not None and followers > 0 else None
    er_by_views = None
    if platform in VIDEO_PLATFORMS:
        ratios = [
            engagement / post.views
            for post in sample
            if (engagement := post_engagement(platform, post)) is not None and post.views
        ]
        er_by_views = _mean_or_none(ratios)
    recent_since = now - dt.timedelta(days=RECENT_DAYS)
    recent = [
        e for post in sample if post.posted_at >= recent_since and (e := post_engagement(platform, post)) is not None
    ]
    older = [
        e for post in sample if post.posted_at < recent_since and (e := post_engagement(platform, post)) is not None
    ]
    both = [(post.likes, post.comments) for post in sample if post.likes is not None and post.comments is not None]
    comments = sorted((post.comments for post in sample if post.comments is not None), reverse=True)
    published = [post.posted_at for post in posts if post.posted_at <= now]
    return AccountMetrics(
        engagement_rate=er,
        engagement_rate_by_views=er_by_views,
        er_sample_size=len(engagements),
        avg_likes=_mean_or_none([post.likes for post in sample if post.likes is not None]),
        avg_comments=_mean_or_none([post.comments for post in sample if post.comments is not None]),
        avg_views=_mean_or_none([post.views for post in sample if post.views is not None]),
        last_post_at=max(published, default=None),
        likes_with_comments=sum(likes for likes, _comments in both),
        comments_with_likes=sum(comments for _likes, comments in both),
        like_comment_posts=len(both),
        undisclosed_sponsored=sum(1 for post in sample if post.is_sponsored and not post.has_ad_disclosure),
        recent_engagement=sum(recent) / len(recent) if len(recent) >= MIN_POSTS_PER_SIDE else None,
        older_engagement=sum(older) / len(older) if len(older) >= MIN_POSTS_PER_SIDE else None,
        comment_posts=len(comments),
        comments_total=sum(comments),
        comments_top=comments[0] if comments else 0,
        comments_next=sum(comments[1 : 1 + COMMENTS_NEXT_POSTS]),
    )


@dataclass(frozen=True)
class AccountSummary:
    """What the influencer-level formulas need from each of the influencer's accounts."""

    platform: str
    followers: int
    engagement_rate: float | None
    er_sample_size: int


def influencer_engagement_rate(accounts: Iterable[AccountSummary]) -> tuple[float | None, int]:
    """Follower-weighted mean ER over accounts with a known ER, and the number of posts behind it."""
    known = [(a, a.engagement_rate) for a in accounts if a.engagement_rate is not None and a.followers > 0]
    weight = sum(a.followers for a, _rate in known)
    if not weight:
        return None, 0
    rate = sum(a.followers * er for a, er in known) / weight
    return rate, sum(a.er_sample_size for a, _rate in known)


def influencer_tier(accounts: Iterable[AccountSummary]) -> str:
    """The tier of the influencer's largest account; "" when the influencer has no account."""
    largest = max((a.followers for a in accounts), default=None)
    return "" if largest is None else tier_for_followers(largest)


def growth_windows(today: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """(start window, end window) of the 30-day growth, inclusive dates."""
    end = (today - dt.timedelta(days=GROWTH_TOLERANCE_DAYS), today)
    start_last = today - dt.timedelta(days=GROWTH_DAYS)
    start = (start_last - dt.timedelta(days=GROWTH_TOLERANCE_DAYS), start_last)
    return start, end


def growth_ends(snapshots: Iterable[tuple[dt.date, int]], *, today: dt.date) -> tuple[int | None, int | None]:
    """One account's followers at the start and the end of the 30-day growth (None = no snapshot)."""
    (start_from, start_to), (end_from, end_to) = growth_windows(today)
    snapshots = sorted(snapshots)
    starts = [f for d, f in snapshots if start_from <= d <= start_to]
    ends = [f for d, f in snapshots if end_from <= d <= end_to]
    return (starts[-1] if starts else None), (ends[-1] if ends else None)


def follower_growth(snapshots_by_account: Iterable[Iterable[tuple[dt.date, int]]], *, today: dt.date) -> float | None:
    """% change (as a fraction) of followers over 30 days, summed over accounts with both snapshots."""
    start_total = end_total = 0
    found = False
    for snapshots in snapshots_by_account:
        start, end = growth_ends(snapshots, today=today)
        if start is not None and end is not None:
            start_total += start
            end_total += end
            found = True
    if not found or start_total == 0:
        return None
    return (end_total - start_total) / start_total


def benchmark_ratio(*, platform: str, followers: int, engagement_rate: float) -> tuple[float, str, float]:
    """(ER / benchmark, tier, benchmark) of an account against its platform's tier benchmark."""
    tier = tier_for_followers(followers)
    benchmark = benchmark_er(platform, tier)
    return engagement_rate / benchmark, tier, benchmark
