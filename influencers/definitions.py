"""The short, user-facing definition of every number Invloed shows, and where its full text lives.

One place for the hover text (title / <abbr>) and the /metrics/#anchor link of each number, so a page
never explains a metric in its own words. The full definitions are in docs/metrics.md: each anchor
below is the id of a heading there (write `## Engagement rate {#engagement-rate}` or a heading whose
slug is the anchor). tests/influencers/test_profile.py checks that every anchor exists once the file does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The period of the reputation scores (docs/metrics.md#reputation), defined here so that influencers/ can
# say it beside the stored delivers-on-time score; campaigns/reputation.py computes every score over it.
REPUTATION_PERIOD_DAYS = 365


@dataclass(frozen=True)
class Definition:
    anchor: str
    label: str | Promise
    short: str | Promise


DEFINITIONS: dict[str, Definition] = {
    definition_key: Definition(*values)
    for definition_key, values in {
        "followers": (
            "followers",
            _("Followers"),
            _("Followers summed over all of the creator's accounts, as last imported."),
        ),
        "engagement_rate": (
            "engagement-rate",
            _("Engagement rate"),
            _(
                "Mean engagement (likes + comments; + shares on TikTok; + reposts and replies on X) of the latest "
                "12 posts in 180 days, divided by followers. Weighted by followers over accounts. Unknown with "
                "fewer than 3 usable posts."
            ),
        ),
        "engagement_rate_by_views": (
            "engagement-rate-by-views",
            _("ER by views"),
            _("Video platforms: mean of engagement ÷ views over the same sample of recent posts."),
        ),
        "tier_benchmark": (
            "tier-benchmarks",
            _("Tier benchmark"),
            _("The typical engagement rate of accounts of this tier on this platform."),
        ),
        "tier": (
            "tier",
            _("Tier"),
            _("From the largest account: nano < 1,000; micro < 100,000; macro < 1,000,000; mega 1,000,000+."),
        ),
        "growth": (
            "follower-growth",
            _("30-day growth"),
            _("Change in followers over the last 30 days, from daily follower snapshots."),
        ),
        "credibility": (
            "credibility",
            _("Credibility"),
            _(
                "0–100, starting at 100: points off for engagement far from the tier benchmark, unexplained "
                "follower spikes, odd like/comment ratios and sponsored posts without disclosure. Reasons listed."
            ),
        ),
        # Stored from campaigns' reputation score for discovery (docs/metrics.md#delivers-on-time-in-discovery).
        "delivers_on_time": (
            "delivers-on-time",
            _("Delivers on time"),
            _(
                "Share of the creator's deliverables due in the last 365 days that were handed in by their due "
                "date. Shown from 3 deliverables; recomputed at every hand-in and every night."
            ),
        ),
        "averages": (
            "averages",
            _("Averages per post"),
            _("Mean likes, comments and views over the same recent posts as the engagement rate."),
        ),
        "sample_size": (
            "sample-size",
            _("Sample size"),
            _("How many recent posts with visible counts the engagement rate is based on."),
        ),
        "engagement_per_post": (
            "engagement-per-post",
            _("Engagement per post"),
            _("Likes + comments (+ shares on TikTok, + reposts on X). Hidden counts are missing, not zero."),
        ),
        "post_counts": (
            "engagement-per-post",
            _("Post counts"),
            _("Likes, comments and views of one post as the platform reported them; – means the count is hidden."),
        ),
        "spike": (
            "follower-spikes",
            _("Follower spike"),
            _("A jump in followers far above the account's usual daily change, checked against engagement."),
        ),
        "audience": (
            "audience",
            _("Audience shares"),
            _("Share of the creator's audience per age band, gender and country, from the source and date shown."),
        ),
        "price": (
            "rate-card",
            _("Price"),
            _("The creator's own price for one offer of their rate card (active offers only)."),
        ),
        "reach_in_target": (
            "estimated-reach-in-target",
            _("Estimated reach in target"),
            _(
                "Followers on the campaign's platforms × the share of the audience inside its target ages, "
                "genders and countries."
            ),
        ),
        "target_share": (
            "estimated-reach-in-target",
            _("Audience in target"),
            _("Share in target ages × share in target genders × share in target countries (each 100 % if unset)."),
        ),
        "campaign_cost": (
            "cost-per-engagement",
            _("Cost for the campaign"),
            _("The offer's price × the campaign's posts (sponsored posts) or months (ambassadorships)."),
        ),
        "expected_engagements": (
            "cost-per-engagement",
            _("Expected engagements"),
            _(
                "Followers × engagement rate of the largest account on the campaign's platforms (or the offer's "
                "platform), × the number of posts: the engagement the work can expect."
            ),
        ),
        "cpe": (
            "cost-per-engagement",
            _("Cost per engagement"),
            _("Cost ÷ expected engagements."),
        ),
        "cpm": (
            "cpm",
            _("CPM"),
            _("Cost ÷ estimated reach in target × 1,000: the cost of reaching a thousand people in the target."),
        ),
        "match_score": (
            "match-score",
            _("Match score"),
            _("0–100: the credibility gate × the weighted sum of the other five components, each between 0 and 1."),
        ),
        "niche_fit": (
            "match-score",
            _("Niche fit"),
            _("Overlap between the creator's niches and the campaign's; a related niche counts half."),
        ),
        "audience_fit": (
            "match-score",
            _("Audience fit"),
            _("Per targeted dimension (ages, genders, countries) the share inside it against 70 %, multiplied."),
        ),
        "engagement_quality": (
            "match-score",
            _("Engagement quality"),
            _("Engagement rate against the tier benchmark: full from 2× to 3×, falling to 0 at 5× (inflation)."),
        ),
        "credibility_fit": (
            "match-score",
            _("Credibility gate"),
            _("Multiplies the score: 1 from credibility 95, 0 at 60."),
        ),
        "price_fit": (
            "match-score",
            _("Price fit"),
            _("An active offer of the campaign's kind within the budget per creator; no offer = price unknown."),
        ),
        "reach_fit": (
            "match-score",
            _("Reach fit"),
            _("Reach in the target, discounted by credibility, against the campaign's range."),
        ),
        "shared_audience": (
            "shared-audience",
            _("Shared audience"),
            _(
                "Followers of both creators ÷ the smaller of the two audiences, estimated from follower samples "
                "on one platform; ± three standard errors (sketch and sample together)."
            ),
        ),
        "unique_reach": (
            "unique-reach",
            _("Unique reach"),
            _(
                "Followers of at least one of the creators, each counted once, estimated from their follower "
                "samples on one platform; ± three standard errors. Creators without a sample are left out."
            ),
        ),
        "follower_sample": (
            "follower-samples",
            _("Follower sample"),
            _("Follower ids imported for an account (all of them, or one in 2, 4, 8 … by the sampling rule), hashed."),
        ),
        "similarity": (
            "similar-creators",
            _("Similarity"),
            _(
                "0–100: shared niches, audience overlap by age, gender and country, tier and engagement rate "
                "compared with this creator; scaled down for credibility below 80."
            ),
        ),
        "result_count": (
            "discovery-counts",
            _("Result count"),
            _("Exact while counting is cheap; past the cap it is a lower bound, shown as e.g. 1,000+."),
        ),
    }.items()
}


def definition(key: str) -> Definition:
    return DEFINITIONS[key]


def anchors() -> set[str]:
    """Every /metrics/ anchor a page links to."""
    return {d.anchor for d in DEFINITIONS.values()}
