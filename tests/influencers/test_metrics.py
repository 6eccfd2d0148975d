"""The metric formulas against hand-computed numbers, and the set-based recompute against the formulas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from influencers.metrics import (
    AccountSummary,
    PostCounts,
    account_metrics,
    follower_growth,
    influencer_engagement_rate,
    influencer_tier,
    post_engagement,
    recompute_metrics,
)
from influencers.metrics import credibility as cred
from influencers.metrics.recompute import incremental_influencer_ids
from influencers.metrics.reference import AccountInput, influencer_metrics
from influencers.models import EngineRun, Influencer, MetricsSource, SocialAccount
from influencers.taxonomy import Platform, Tier
from tests.factories import FollowerSnapshotFactory, InfluencerFactory, PostFactory, SocialAccountFactory

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
TODAY = timezone.localdate(NOW)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def post(days: float, likes: int | None = 100, comments: int | None = 10, **counts) -> PostCounts:
    return PostCounts(posted_at=days_ago(days), likes=likes, comments=comments, **counts)


# --- engagement per post -------------------------------------------------------------------------


def test_engagement_per_post_depends_on_the_platform() -> None:
    counts = post(1, likes=100, comments=10, shares=5, views=2000)
    assert post_engagement(Platform.INSTAGRAM, counts) == 110
    assert post_engagement(Platform.YOUTUBE, counts) == 110
    assert post_engagement(Platform.TIKTOK, counts) == 115
    # X: likes + reposts (stored as shares) + replies (stored as comments).
    assert post_engagement(Platform.X, counts) == 115


def test_a_hidden_count_makes_the_post_engagement_unknown_not_zero() -> None:
    assert post_engagement(Platform.INSTAGRAM, post(1, likes=None)) is None
    assert post_engagement(Platform.TIKTOK, post(1, shares=None)) is None
    # Shares are not part of Instagram engagement, so hiding them does not matter there.
    assert post_engagement(Platform.INSTAGRAM, post(1, shares=None)) == 110


# --- account engagement rate ---------------------------------------------------------------------


def test_account_er_is_the_mean_engagement_over_followers() -> None:
    posts = [post(1, 200, 20), post(2, 300, 30), post(3, 400, 40), post(4, likes=None)]
    metrics = account_metrics(platform=Platform.INSTAGRAM, followers=10_000, posts=posts, now=NOW)
    # (220 + 330 + 440) / 3 = 330 engagements per post; 330 / 10,000 = 3.3 %. The hidden post is skipped.
    assert metrics.engagement_rate == pytest.approx(0.033)
    assert metrics.er_sample_size == 3
    assert metrics.avg_likes == pytest.approx(300)
    assert metrics.avg_comments == pytest.approx(25)  # (20 + 30 + 40 + 10) / 4: comments of the 4th are visible
    assert metrics.avg_views is None
    assert metrics.engagement_rate_by_views is None
    assert metrics.last_post_at == days_ago(1)


def test_only_the_latest_12_posts_within_180_days_count() -> None:
    recent = [post(day, likes=100, comments=0) for day in range(1, 13)]  # 12 posts, 100 engagements each
    older_in_window = [post(20 + day, likes=10_000, comments=0) for day in range(3)]  # 13th–15th newest
    outside_window = [post(181, likes=10_000, comments=0)]
    future = [PostCounts(posted_at=NOW + dt.timedelta(days=1), likes=10_000, comments=0)]
    metrics = account_metrics(
        platform=Platform.INSTAGRAM,
        followers=1000,
        posts=recent + older_in_window + outside_window + future,
        now=NOW,
    )
    assert metrics.engagement_rate == pytest.approx(0.1)
    assert metrics.er_sample_size == 12
    assert metrics.last_post_at == days_ago(1)


def test_fewer_than_three_usable_posts_gives_unknown_not_zero() -> None:
    posts = [post(1), post(2), post(3, likes=None), post(200)]
    metrics = account_metrics(platform=Platform.INSTAGRAM, followers=5000, posts=posts, now=NOW)
    assert metrics.engagement_rate is None
    assert metrics.er_sample_size == 2
    assert metrics.avg_likes is None


def test_zero_followers_gives_unknown_er() -> None:
    metrics = account_metrics(platform=Platform.INSTAGRAM, followers=0, posts=[post(d) for d in (1, 2, 3)], now=NOW)
    assert metrics.engagement_rate is None
    assert metrics.avg_likes == pytest.approx(100)


def test_video_platforms_also_get_er_by_views() -> None:
    posts = [
        post(1, 100, 10, shares=10, views=1000),  # 120 / 1000 = 12 %
        post(2, 50, 5, shares=5, views=2000),  # 60 / 2000 = 3 %
        post(3, 80, 10, shares=10, views=0),  # no views: skipped for ER by views
        post(4, 30, 5, shares=5, views=1000),  # 40 / 1000 = 4 %
    ]
    metrics = account_metrics(platform=Platform.TIKTOK, followers=2000, posts=posts, now=NOW)
    assert metrics.engagement_rate_by_views == pytest.approx((0.12 + 0.03 + 0.04) / 3)
    assert metrics.engagement_rate == pytest.approx((120 + 60 + 100 + 40) / 4 / 2000)
    assert metrics.avg_views == pytest.approx(1000)
    instagram = account_metrics(platform=Platform.INSTAGRAM, followers=2000, posts=posts, now=NOW)
    assert instagram.engagement_rate_by_views is None


# --- influencer level ----------------------------------------------------------------------------


def test_influencer_er_is_follower_weighted_over_known_accounts() -> None:
    accounts = [
        AccountSummary(Platform.INSTAGRAM, 10_000, 0.05, 12),
        AccountSummary(Platform.TIKTOK, 90_000, 0.01, 8),
        AccountSummary(Platform.YOUTUBE, 500_000, None, 1),  # unknown ER: left out, not counted as 0
    ]
    rate, sample = influencer_engagement_rate(accounts)
    assert rate == pytest.approx((10_000 * 0.05 + 90_000 * 0.01) / 100_000)  # 1.4 %
    assert sample == 20
    assert influencer_engagement_rate([AccountSummary(Platform.X, 0, None, 0)]) == (None, 0)


@pytest.mark.parametrize(
    ("followers", "tier"),
    [(0, Tier.NANO), (999, Tier.NANO), (1000, Tier.MICRO), (99_999, Tier.MICRO), (100_000, Tier.MACRO),
     (999_999, Tier.MACRO), (1_000_000, Tier.MEGA)],
)  # fmt: skip
def test_tier_follows_the_largest_account(followers: int, tier: str) -> None:
    accounts = [AccountSummary(Platform.INSTAGRAM, followers, None, 0), AccountSummary(Platform.X, 10, None, 0)]
    assert influencer_tier(accounts) == tier


def test_no_accounts_means_no_tier() -> None:
    assert influencer_tier([]) == ""


def test_growth_compares_the_snapshot_30_days_ago_with_the_latest() -> None:
    first = [(TODAY - dt.timedelta(days=31), 9_000), (TODAY - dt.timedelta(days=30), 10_000), (TODAY, 11_000)]
    second = [(TODAY - dt.timedelta(days=35), 1_000), (TODAY - dt.timedelta(days=3), 1_400)]  # weekly cadence
    assert follower_growth([first], today=TODAY) == pytest.approx(0.10)
    assert follower_growth([first, second], today=TODAY) == pytest.approx((12_400 - 11_000) / 11_000)


def test_growth_is_unknown_without_both_snapshots() -> None:
    only_recent = [(TODAY, 500), (TODAY - dt.timedelta(days=10), 400)]
    too_old = [(TODAY - dt.timedelta(days=60), 400), (TODAY, 500)]
    assert follower_growth([only_recent], today=TODAY) is None
    assert follower_growth([too_old], today=TODAY) is None
    assert follower_growth([[(TODAY - dt.timedelta(days=30), 0), (TODAY, 50)]], today=TODAY) is None


# --- credibility ---------------------------------------------------------------------------------


def signals(er: float | None, **kwargs) -> cred.AccountSignals:
    values = {"account_id": 1, "platform": Platform.INSTAGRAM, "handle": "anna", "followers": 10_000}
    return cred.AccountSignals(engagement_rate=er, **(values | kwargs))


def test_credibility_is_100_without_signals() -> None:
    assert cred.credibility(
        [signals(0.03, likes_with_comments=3000, comments_with_likes=100, like_comment_posts=10)]
    ) == (
        100,
        [],
    )


def test_er_far_below_the_tier_benchmark_costs_25() -> None:
    # Instagram micro benchmark is 3 %; 0.5 % is a sixth of it.
    score, reasons = cred.credibility([signals(0.005)])
    assert score == 75
    assert [r["code"] for r in reasons] == ["er_far_below_benchmark"]
    assert reasons[0]["impact"] == -25
    assert reasons[0]["benchmark"] == pytest.approx(0.03)
    assert "0.5 %" in reasons[0]["message"]
    assert "3.0 %" in reasons[0]["message"]


def test_er_implausibly_far_above_the_tier_benchmark_costs_20_and_30_beyond_5x() -> None:
    # Definition changed in engine 2.0 (issue #14): above 3× costs 20 (was above 4×, 15), above 5× 30.
    assert cred.credibility([signals(0.087)])[0] == 100  # 2.9× the 3 % micro benchmark: plausible
    score, reasons = cred.credibility([signals(0.12)])
    assert (score, reasons[0]["code"]) == (80, "er_far_above_benchmark")
    assert "4.0× the 3.0 %" in reasons[0]["message"]
    assert cred.credibility([signals(0.18)])[0] == 70


def test_follower_growth_without_engagement_growth_costs_20() -> None:
    grew = {"followers_start": 10_000, "followers_end": 13_000, "older_engagement": 300.0}  # +30 % in 30 days
    assert cred.credibility([signals(0.03, recent_engagement=390.0, **grew)])[0] == 100  # engagement +30 %
    score, reasons = cred.credibility([signals(0.03, recent_engagement=310.0, **grew)])  # engagement +3 %
    assert (score, reasons[0]["code"]) == (80, "follower_growth_without_engagement")
    assert "followers grew +30 % in 30 days but engagement per post changed +3 %" in reasons[0]["message"]
    # Ordinary growth is never questioned.
    steady = {"followers_start": 10_000, "followers_end": 10_500, "older_engagement": 300.0}
    assert cred.credibility([signals(0.03, recent_engagement=250.0, **steady)])[0] == 100


def test_followers_far_above_views_on_video_costs_20() -> None:
    bought = signals(0.03, platform=Platform.YOUTUBE, followers=100_000, avg_views=3_000.0)
    score, reasons = cred.credibility([bought])
    assert (score, reasons[0]["code"]) == (80, "followers_far_above_views")
    assert "3,000 views for 100,000 followers" in reasons[0]["message"]
    watched = signals(0.03, platform=Platform.YOUTUBE, followers=100_000, avg_views=20_000.0)
    assert cred.credibility([watched])[0] == 100
    # Not a video platform: views say nothing about followers there.
    assert cred.credibility([signals(0.03, followers=100_000, avg_views=3_000.0)])[0] == 100


def test_like_comment_ratio_outliers() -> None:
    bought = signals(0.03, likes_with_comments=20_000, comments_with_likes=100, like_comment_posts=10)
    assert cred.credibility([bought])[0] == 80  # 200 likes per comment, Instagram's band ends at 100
    # 120 likes per comment: out of Instagram's band, inside TikTok's (up to 150).
    ratio_120 = {"likes_with_comments": 12_000, "comments_with_likes": 100, "like_comment_posts": 10}
    assert cred.credibility([signals(0.03, **ratio_120)])[0] == 80
    assert cred.credibility([signals(0.08, platform=Platform.TIKTOK, **ratio_120)])[0] == 100
    pods = signals(0.03, likes_with_comments=150, comments_with_likes=100, like_comment_posts=10)
    score, reasons = cred.credibility([pods])
    assert (score, reasons[0]["code"], reasons[0]["likes_per_comment"]) == (95, "likes_per_comment_low", 1.5)
    too_few_posts = signals(0.03, likes_with_comments=20_000, comments_with_likes=0, like_comment_posts=2)
    assert cred.credibility([too_few_posts])[0] == 100


def test_undisclosed_sponsored_posts_cost_5_each_up_to_20() -> None:
    assert cred.credibility([signals(0.03, undisclosed_sponsored=2)])[0] == 90
    score, reasons = cred.credibility([signals(0.03, undisclosed_sponsored=7)])
    assert (score, reasons[0]["posts"]) == (80, 7)


def test_no_known_er_means_unknown_credibility() -> None:
    score, reasons = cred.credibility([signals(None, undisclosed_sponsored=1)])
    assert score is None
    assert [r["code"] for r in reasons] == ["insufficient_data", "undisclosed_sponsored_posts"]


def steady_then_jump(jump: int, *, base: int = 10_000, days: int = 20) -> list[tuple[dt.date, int]]:
    """Daily snapshots growing 10 a day, with a jump of `jump` followers 5 days ago."""
    snapshots, followers = [], base
    for offset in range(days, -1, -1):
        followers += 10 + (jump if offset == 5 else 0)
        snapshots.append((TODAY - dt.timedelta(days=offset), followers))
    return snapshots


def test_a_follower_spike_is_found_with_its_date_and_size() -> None:
    [candidate] = cred.detect_spike_candidates(7, steady_then_jump(2000), today=TODAY)
    assert candidate.date == TODAY - dt.timedelta(days=5)
    assert candidate.gain == 2010
    assert candidate.usual_daily_change == pytest.approx(10)
    # Ordinary growth, or a jump under 2 % of the followers, is no spike.
    assert cred.detect_spike_candidates(7, steady_then_jump(0), today=TODAY) == []
    assert cred.detect_spike_candidates(7, steady_then_jump(150), today=TODAY) == []
    # Too little history to know what is usual.
    assert cred.detect_spike_candidates(7, steady_then_jump(2000, days=6), today=TODAY) == []


def test_an_unexplained_spike_costs_15_and_says_when_and_how_much() -> None:
    [candidate] = cred.detect_spike_candidates(7, steady_then_jump(2000), today=TODAY)
    usual = [(TODAY - dt.timedelta(days=d), 300) for d in (20, 15, 12)]
    spike = cred.explain_spike(candidate, platform="instagram", handle="anna", engagements=usual)
    score, reasons = cred.credibility([signals(0.03)], [spike])
    assert score == 85
    [reason] = reasons
    assert reason["code"] == "follower_spike_unexplained"
    assert reason["date"] == (TODAY - dt.timedelta(days=5)).isoformat()
    assert reason["gain"] == 2010
    assert "2,010" in reason["message"]


def test_a_spike_after_a_viral_post_is_reported_but_not_punished() -> None:
    [candidate] = cred.detect_spike_candidates(7, steady_then_jump(2000), today=TODAY)
    engagements = [(TODAY - dt.timedelta(days=d), 300) for d in (20, 15, 12)] + [(TODAY - dt.timedelta(days=6), 900)]
    spike = cred.explain_spike(candidate, platform="instagram", handle="anna", engagements=engagements)
    assert spike.explained
    score, reasons = cred.credibility([signals(0.03)], [spike])
    assert score == 100
    assert [(r["code"], r["impact"]) for r in reasons] == [("follower_spike_explained", 0)]


def test_a_post_at_2330_utc_counts_on_the_site_local_day() -> None:
    """23:30 UTC on day D is already D+1 in Amsterdam: the viral post falls inside the spike's window."""
    from influencers.metrics.reference import AccountInput, influencer_metrics

    ten_days_ago = TODAY - dt.timedelta(days=10)
    viral = dt.datetime.combine(ten_days_ago, dt.time(23, 30), dt.UTC)
    assert timezone.localtime(viral).date() == TODAY - dt.timedelta(days=9)  # the window opens on D−9
    posts = [PostCounts(posted_at=NOW - dt.timedelta(days=d), likes=280, comments=20) for d in (20, 15, 12)] + [
        PostCounts(posted_at=viral, likes=850, comments=50)
    ]
    account = AccountInput(1, "instagram", "anna", 10_000 + 21 * 10 + 2000, posts, steady_then_jump(2000))
    metrics = influencer_metrics([account], now=NOW, today=TODAY)
    assert [r["code"] for r in metrics.credibility_reasons] == ["follower_spike_explained"]
    assert metrics.credibility_score == 100


def test_spike_penalties_are_capped_at_30() -> None:
    candidates = [
        cred.SpikeCandidate(1, TODAY - dt.timedelta(days=d), TODAY - dt.timedelta(days=d + 1), 1000, 500, 5)
        for d in (3, 9, 15)
    ]
    spikes = [cred.explain_spike(c, platform="x", handle="a", engagements=[]) for c in candidates]
    assert cred.credibility([signals(0.03)], spikes)[0] == 70


# --- set-based recompute equals the formulas -----------------------------------------------------


def make_post(account: SocialAccount, days: float, likes: int | None, comments: int | None, **kwargs) -> None:
    PostFactory(account=account, posted_at=days_ago(days), likes=likes, comments=comments, **kwargs)


def build_dataset() -> dict[str, Influencer]:
    """Influencers covering every rule: ordinary, hidden counts, too few posts, zero followers, spikes …"""
    people = {}
    ordinary = InfluencerFactory(handle="ordinary")
    ig = SocialAccountFactory(influencer=ordinary, platform=Platform.INSTAGRAM, handle="ord_ig", followers=20_000)
    for day in range(1, 16):
        make_post(ig, day * 5, 500 + day * 10, 20 + day, views=None if day % 2 else 4000)
    make_post(ig, 2.5, None, 30)  # hidden likes
    tt = SocialAccountFactory(
        influencer=ordinary, platform=Platform.TIKTOK, handle="ord_tt", followers=150_000, url="https://tiktok.com/@t"
    )
    for day in range(1, 6):
        make_post(tt, day, 6000, 300, shares=200 + day, views=90_000 + day * 1000)
    make_post(tt, 0.5, 7000, 200, shares=None, views=100_000)
    people["ordinary"] = ordinary

    few = InfluencerFactory(handle="few_posts")
    acc = SocialAccountFactory(influencer=few, handle="few_ig", followers=800)
    make_post(acc, 1, 40, 4)
    make_post(acc, 2, 40, 4)
    make_post(acc, 300, 40, 4)
    people["few"] = few

    zero = InfluencerFactory(handle="zero_followers")
    acc = SocialAccountFactory(influencer=zero, handle="zero_ig", followers=0)
    for day in (1, 2, 3):
        make_post(acc, day, 5, 1)
    people["zero"] = zero

    SocialAccountFactory(influencer=InfluencerFactory(handle="no_posts"), handle="nop_x", platform=Platform.X)
    people["no_accounts"] = InfluencerFactory(handle="no_accounts")

    suspicious = InfluencerFactory(handle="suspicious")
    acc = SocialAccountFactory(influencer=suspicious, handle="sus_ig", followers=50_000)
    for day in range(1, 8):
        make_post(acc, day * 3, 200, 0, is_sponsored=day < 3, has_ad_disclosure=False)  # ER 0.4 %, no comments
    for date, followers in steady_then_jump(5000, base=45_000, days=40):
        FollowerSnapshotFactory(account=acc, date=date, followers=followers)
    people["suspicious"] = suspicious

    viral = InfluencerFactory(handle="viral")
    acc = SocialAccountFactory(influencer=viral, handle="viral_ig", followers=12_000)
    for day in (30, 25, 20, 15, 12):
        make_post(acc, day, 300, 30)
    make_post(acc, 6, 3000, 100)
    for date, followers in steady_then_jump(2000, base=10_000, days=40):
        FollowerSnapshotFactory(account=acc, date=date, followers=followers)
    people["viral"] = viral

    # Bought followers on YouTube: few viewers for the following, and a month of growth nobody reacts to.
    bought = InfluencerFactory(handle="bought_followers")
    yt = SocialAccountFactory(
        influencer=bought, platform=Platform.YOUTUBE, handle="bought_yt", followers=60_000, url="https://youtube.com/@b"
    )
    for day in (40, 35, 32, 20, 10, 5):
        make_post(yt, day, 200, 15, views=2800)
    for offset in range(40, -1, -1):
        followers = 40_000 + (40 - offset) * 10 if offset > 30 else 40_100 + (30 - offset) * 663
        FollowerSnapshotFactory(account=yt, date=TODAY - dt.timedelta(days=offset), followers=min(followers, 60_000))
    people["bought_followers"] = bought

    # Bought likes on TikTok: a third of the viewers react, far above what viewers do.
    pumped = InfluencerFactory(handle="pumped")
    tt = SocialAccountFactory(
        influencer=pumped, platform=Platform.TIKTOK, handle="pumped_tt", followers=20_000, url="https://tiktok.com/@p"
    )
    for day in range(1, 7):
        make_post(tt, day * 4, 3000, 100, shares=50, views=10_000)
    people["pumped"] = pumped

    # Self-reported numbers (docs/metrics.md#self-reported): a clean account, capped at 86.
    reported = InfluencerFactory(handle="self_reported")
    acc = SocialAccountFactory(
        influencer=reported, handle="rep_ig", followers=9_000, metrics_source=MetricsSource.SELF_REPORTED
    )
    for day in (2, 5, 9, 14):
        make_post(acc, day, 330, 25)
    people["self_reported"] = reported
    return people


def reference_for(influencer: Influencer) -> object:
    accounts = [
        AccountInput(
            account_id=a.pk,
            platform=a.platform,
            handle=a.handle,
            followers=a.followers,
            posts=[
                PostCounts(p.posted_at, p.likes, p.comments, p.shares, p.views, p.is_sponsored, p.has_ad_disclosure)
                for p in a.posts.all()
            ],
            snapshots=[(s.date, s.followers) for s in a.snapshots.all()],
            self_reported=a.is_self_reported,
        )
        for a in influencer.accounts.all()
    ]
    return influencer_metrics(accounts, now=NOW, today=TODAY)


def assert_matches_reference(influencer: Influencer) -> None:
    expected = reference_for(influencer)
    influencer.refresh_from_db()
    assert influencer.total_followers == expected.total_followers
    assert influencer.engagement_rate == pytest.approx(expected.engagement_rate, abs=1e-7)
    assert influencer.er_sample_size == expected.er_sample_size
    assert influencer.tier == expected.tier
    assert influencer.follower_growth_30d == pytest.approx(expected.follower_growth_30d, abs=1e-6)
    assert influencer.credibility_score == expected.credibility_score
    assert influencer.credibility_reasons == expected.credibility_reasons
    assert influencer.metrics_updated_at is not None
    for account in influencer.accounts.all():
        want = expected.accounts[account.pk]
        assert account.engagement_rate == pytest.approx(want.engagement_rate, abs=1e-7)
        assert account.engagement_rate_by_views == pytest.approx(want.engagement_rate_by_views, abs=1e-7)
        assert account.er_sample_size == want.er_sample_size
        assert account.avg_likes == pytest.approx(want.avg_likes, abs=0.01)
        assert account.avg_comments == pytest.approx(want.avg_comments, abs=0.01)
        assert account.avg_views == pytest.approx(want.avg_views, abs=0.01)
        assert account.last_post_at == want.last_post_at


@pytest.mark.django_db
def test_full_recompute_equals_the_reference_formulas() -> None:
    people = build_dataset()
    touched = recompute_metrics(full=True, now=NOW)
    assert touched > 0
    for influencer in Influencer.objects.all():
        assert_matches_reference(influencer)
    # The dataset exercises the interesting branches, so the comparison above is not vacuous.
    people["suspicious"].refresh_from_db()
    codes = {r["code"] for r in people["suspicious"].credibility_reasons}
    assert codes == {
        "er_far_below_benchmark",
        "likes_per_comment_high",
        "undisclosed_sponsored_posts",
        "follower_spike_unexplained",
    }
    people["bought_followers"].refresh_from_db()
    codes = {r["code"]: r["impact"] for r in people["bought_followers"].credibility_reasons}
    assert codes == {
        "er_far_below_benchmark": -25,
        "followers_far_above_views": -20,
        "follower_growth_without_engagement": -20,
    }
    people["pumped"].refresh_from_db()
    assert [(r["code"], r["impact"]) for r in people["pumped"].credibility_reasons] == [
        ("engagement_per_view_high", -20)
    ]
    assert people["suspicious"].credibility_score == 100 - 25 - 20 - 10 - 15
    people["viral"].refresh_from_db()
    assert [r["code"] for r in people["viral"].credibility_reasons] == ["follower_spike_explained"]
    assert people["viral"].credibility_score == 100
    people["self_reported"].refresh_from_db()
    assert [(r["code"], r["impact"]) for r in people["self_reported"].credibility_reasons] == [("self_reported", -14)]
    assert people["self_reported"].credibility_score == 86
    people["few"].refresh_from_db()
    assert people["few"].engagement_rate is None
    assert people["few"].credibility_score is None
    assert people["few"].tier == Tier.NANO
    people["no_accounts"].refresh_from_db()
    assert (people["no_accounts"].tier, people["no_accounts"].total_followers) == ("", 0)
    ordinary = people["ordinary"]
    ordinary.refresh_from_db()
    assert ordinary.tier == Tier.MACRO
    assert ordinary.total_followers == 170_000
    assert ordinary.follower_growth_30d is None


@pytest.mark.django_db
def test_a_second_run_writes_nothing() -> None:
    build_dataset()
    recompute_metrics(full=True, now=NOW)
    before = list(Influencer.objects.order_by("pk").values_list("pk", "metrics_updated_at", "credibility_reasons"))
    accounts_before = list(SocialAccount.objects.order_by("pk").values_list("pk", "metrics_updated_at"))
    assert recompute_metrics(full=True, now=NOW + dt.timedelta(seconds=1)) == 0
    assert (
        list(Influencer.objects.order_by("pk").values_list("pk", "metrics_updated_at", "credibility_reasons")) == before
    )
    assert list(SocialAccount.objects.order_by("pk").values_list("pk", "metrics_updated_at")) == accounts_before


@pytest.mark.django_db
def test_incremental_recompute_touches_only_accounts_whose_posts_changed() -> None:
    people = build_dataset()
    recompute_metrics(full=True, now=NOW)
    later = NOW + dt.timedelta(minutes=5)
    account = SocialAccount.objects.get(handle="ord_ig")
    make_post(account, 0.1, 5000, 400)
    SocialAccount.objects.filter(pk=account.pk).update(posts_changed_at=later)
    stamps = dict(Influencer.objects.values_list("handle", "metrics_updated_at"))

    touched = recompute_metrics(now=later + dt.timedelta(minutes=1))

    assert touched == 2  # the changed account and its influencer
    after = dict(Influencer.objects.values_list("handle", "metrics_updated_at"))
    assert [handle for handle in after if after[handle] != stamps[handle]] == ["ordinary"]
    assert_matches_reference_at(people["ordinary"], later + dt.timedelta(minutes=1))
    assert recompute_metrics(now=later + dt.timedelta(minutes=2)) == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_incremental_work_list_reads_only_the_pending_rows_indexes() -> None:
    """The work list must not scan every account and profile (2 s at 1M): its partial indexes serve it."""
    build_dataset()
    recompute_metrics(full=True, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE influencers_socialaccount")
        cursor.execute("ANALYZE influencers_influencer")
        cursor.execute("SET enable_seqscan = off")  # a table of a few rows would be read whole
        try:
            captured = []

            def explain(execute, sql, params, many, context):
                raw = context["cursor"].cursor  # the driver's cursor: no wrapper runs again
                raw.execute("EXPLAIN " + sql, params)
                captured.append("\n".join(row[0] for row in raw.fetchall()))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(explain):
                incremental_influencer_ids()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "account_posts_pending" in captured[0], captured[0]
    assert "influencer_metrics_pending" in captured[0], captured[0]


def assert_matches_reference_at(influencer: Influencer, now: dt.datetime) -> None:
    influencer.refresh_from_db()
    account = influencer.accounts.get(platform=Platform.INSTAGRAM)
    posts = [PostCounts(p.posted_at, p.likes, p.comments, p.shares, p.views) for p in account.posts.all()]
    assert account.engagement_rate == pytest.approx(
        account_metrics(platform=account.platform, followers=account.followers, posts=posts, now=now).engagement_rate,
        abs=1e-7,
    )


@pytest.mark.django_db
def test_explicit_account_ids_recompute_just_their_influencers() -> None:
    build_dataset()
    account = SocialAccount.objects.get(handle="few_ig")
    touched = recompute_metrics(account_ids=[account.pk], now=NOW)
    assert touched == 2
    computed = Influencer.objects.filter(metrics_updated_at__isnull=False).values_list("handle", flat=True)
    assert list(computed) == ["few_posts"]


@pytest.mark.django_db
def test_recompute_clears_the_stale_flag_set_before_it_started() -> None:
    early = InfluencerFactory(metrics_stale_since=timezone.now() - dt.timedelta(minutes=10))
    late = InfluencerFactory(metrics_stale_since=timezone.now() + dt.timedelta(hours=1))  # changed during the run
    recompute_metrics(influencer_ids=[early.pk, late.pk])
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.metrics_stale_since is None
    assert late.metrics_stale_since is not None
    assert late.metrics_updated_at is not None


@pytest.mark.django_db
def test_full_recompute_runs_in_chunks_and_records_progress(settings) -> None:
    settings.METRICS_CHUNK_SIZE = 2
    build_dataset()
    run = EngineRun.objects.create(kind=EngineRun.Kind.METRICS_FULL)
    seen = []
    touched = recompute_metrics(full=True, run=run, now=NOW, on_chunk=lambda done, total: seen.append((done, total)))
    run.refresh_from_db()
    ids = list(Influencer.objects.order_by("pk").values_list("pk", flat=True))
    chunks = (ids[-1] - ids[0]) // 2 + 1
    assert seen == [(n, chunks) for n in range(1, chunks + 1)]
    assert (run.status, run.total_chunks, run.done_chunks, run.rows_touched) == (
        EngineRun.Status.SUCCEEDED,
        chunks,
        chunks,
        touched,
    )
    assert run.started_at <= run.finished_at
    for influencer in Influencer.objects.all():
        assert_matches_reference(influencer)
