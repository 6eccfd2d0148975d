"""Reads for the recommendations tab and the side-by-side comparison of creators.

With a campaign chosen, the comparison scores the compared creators with the matching engine
itself (campaigns/matching: same hard filters, audience share, reach, cost, CPE and CPM as the
stored matches), so a number never differs between the two pages. Without a campaign it shows the
plain per-post figures of each creator's cheapest offer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from influencers.models import EngineRun, Influencer, Niche, Offer, SocialAccount
from influencers.overlap_selectors import OverlapWithCampaign, overlap_with_creators
from influencers.taxonomy import Currency

from .matching.explain import explanation
from .matching.features import load_features
from .matching.scoring import COMPONENTS, Target, score_campaign
from .models import Campaign, Collaboration, Match

COMPARE_MIN = 2
COMPARE_MAX = 4
RUNNING_STATUSES = (EngineRun.Status.QUEUED, EngineRun.Status.RUNNING)


# "Avoid overlap": creators whose shared audience with one already in the campaign is above this share
# (docs/metrics.md, "Shared audience") are left out of the recommendations when the brand asks.
OVERLAP_AVOID_ABOVE = 0.3
# Creators the brand already chose or asked: their audiences are the ones not to pay for twice.
CHOSEN_STATUSES = (
    Collaboration.Status.INVITED,
    Collaboration.Status.ACCEPTED,
    Collaboration.Status.CONTENT_SUBMITTED,
    Collaboration.Status.REVISION_REQUESTED,
    Collaboration.Status.APPROVED,
    Collaboration.Status.COMPLETED,
)


@dataclass(frozen=True)
class AvoidedCandidate:
    influencer_id: int
    handle: str
    overlap: OverlapWithCampaign


def overlapping_candidates(*, campaign: Campaign, above: float = OVERLAP_AVOID_ABOVE) -> list[AvoidedCandidate]:
    """Stored matches whose estimated shared audience with a creator already in the campaign is above `above`.

    Three queries: the creators in the campaign, the matched creators, and every sketch of both.
    Candidates without a follower sample are never left out: no sample, no guess.
    """
    anchors = dict(
        Collaboration.objects.filter(campaign=campaign, status__in=CHOSEN_STATUSES).values_list(
            "influencer_id", "influencer__handle"
        )
    )
    if not anchors:
        return []
    candidates = dict(Match.objects.filter(campaign=campaign).values_list("influencer_id", "influencer__handle"))
    overlaps = overlap_with_creators(candidate_ids=list(candidates), anchors=anchors)
    avoided = [
        AvoidedCandidate(influencer_id=i, handle=candidates[i], overlap=found)
        for i, found in overlaps.items()
        if found.share.value > above
    ]
    return sorted(avoided, key=lambda item: -item.overlap.share.value)


def campaign_matches(*, campaign: Campaign, after_rank: int = 0) -> QuerySet[Match]:
    """Stored matches after a rank (keyset by rank), with the creator and its niches.

    Only creators brands may see now: one suspended or paused since the last recompute drops out at once.
    """
    return (
        Match.objects.filter(
            campaign=campaign, rank__gt=after_rank, influencer__in=Influencer.objects.visible_to_brands()
        )
        .select_related("influencer")
        .prefetch_related(Prefetch("influencer__niches", queryset=Niche.objects.only("slug", "name")))
        .order_by("rank")
    )


@dataclass(frozen=True)
class MatchPage:
    """One page of a campaign's matches by rank; `next_after` is the rank the next page starts after, or None."""

    matches: list[Match]
    next_after: int | None


def campaign_match_page(
    *, campaign: Campaign, after_rank: int = 0, size: int, left_out: Iterable[int] = ()
) -> MatchPage:
    """`size` matches after a rank (keyset: no gaps or repeats however the pages are cut), without `left_out`.

    Two queries whatever the size: the matches with their creators, and the creators' niches.
    One row more than asked tells whether a next page exists without counting.
    """
    rows = list(
        campaign_matches(campaign=campaign, after_rank=after_rank).exclude(influencer_id__in=list(left_out))[: size + 1]
    )
    page = rows[:size]
    return MatchPage(matches=page, next_after=page[-1].rank if len(rows) > size else None)


def collaboration_statuses(*, campaign: Campaign, influencer_ids: Iterable[int]) -> dict[int, str]:
    rows = Collaboration.objects.filter(campaign=campaign, influencer_id__in=list(influencer_ids))
    return dict(rows.values_list("influencer_id", "status"))


def latest_run(campaign: Campaign) -> EngineRun | None:
    """The newest matching run for this campaign (scope "campaign:<id>")."""
    return EngineRun.objects.filter(scope=f"campaign:{campaign.pk}").order_by("-created_at", "-pk").first()


# --- compare --------------------------------------------------------------------------------


@dataclass
class CompareColumn:
    """One creator's column: the offer priced, and the campaign numbers when a campaign is chosen."""

    influencer: Influencer
    offer: Offer | None
    cost: float | None
    reach: int | None
    expected_engagements: float | None
    cost_per_engagement: float | None
    cpm: float | None
    offers: list[Offer]
    eligible: bool = True
    target_share: float | None = None
    score: float | None = None
    components: list[dict] = field(default_factory=list)
    explanation: str = ""


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def compare_handles(values: Iterable[str]) -> list[str]:
    """The distinct handles asked for, in order, lowercased, without a leading @."""
    seen: list[str] = []
    for value in values:
        handle = (value or "").strip().lstrip("@").lower()
        if "\x00" in handle:  # no handle holds NUL, and PostgreSQL cannot compare text with it
            continue
        if handle and handle not in seen:
            seen.append(handle)
    return seen


def _cheapest(offers: Sequence[Offer], *, currency: str, kind: str | None = None) -> Offer | None:
    candidates = [o for o in offers if o.currency == currency and (kind is None or o.kind == kind)]
    return min(candidates, key=lambda o: o.price, default=None)


def _offer_account(influencer: Influencer, offer: Offer | None) -> SocialAccount | None:
    """The creator's largest account on the offer's platform (accounts are prefetched largest first)."""
    accounts = list(influencer.accounts.all())
    if offer is not None:
        on_platform = [a for a in accounts if a.platform == offer.platform]
        if on_platform:
            return on_platform[0]
    return accounts[0] if accounts else None


def _plain_column(influencer: Influencer) -> CompareColumn:
    """Without a campaign: the whole audience, the cheapest offer in EUR, one post's engagement."""
    offers = list(influencer.active_offers)
    offer = _cheapest(offers, currency=Currency.EUR)
    account = _offer_account(influencer, offer)
    engagements = None
    if account is not None and account.engagement_rate is not None and account.followers:
        engagements = account.engagement_rate * account.followers
    cost = float(offer.price) if offer is not None else None
    reach = influencer.total_followers
    return CompareColumn(
        influencer=influencer,
        offer=offer,
        cost=cost,
        reach=reach,
        expected_engagements=engagements,
        cost_per_engagement=cost / engagements if cost is not None and engagements else None,
        cpm=cost / reach * 1000 if cost is not None and reach else None,
        offers=offers,
    )


def compare_columns(*, influencers: Sequence[Influencer], campaign: Campaign | None) -> list[CompareColumn]:
    """One column per creator; with a campaign, the engine's numbers for that campaign."""
    if campaign is None:
        return [_plain_column(influencer) for influencer in influencers]
    target = Target.from_campaign(campaign)
    features = load_features([influencer.pk for influencer in influencers])
    scores = score_campaign(features, target)
    position = {int(influencer_id): k for k, influencer_id in enumerate(scores.ids)}
    columns = []
    for influencer in influencers:
        offers = list(influencer.active_offers)
        offer = _cheapest(offers, currency=campaign.currency, kind=campaign.kind)
        k = position.get(influencer.pk)
        if k is None:
            # Outside the campaign's hard filters (platform, follower range, language or country).
            columns.append(
                CompareColumn(
                    influencer=influencer,
                    offer=offer,
                    cost=None,
                    reach=None,
                    expected_engagements=None,
                    cost_per_engagement=None,
                    cpm=None,
                    offers=offers,
                    eligible=False,
                )
            )
            continue
        cost = _number(scores.cost[k])
        engagements = _number(scores.engagement_rate[k] * scores.followers[k] * target.posts)
        columns.append(
            CompareColumn(
                influencer=influencer,
                offer=offer,
                cost=cost,
                reach=int(scores.estimated_reach[k]),
                expected_engagements=engagements,
                cost_per_engagement=_number(scores.cost_per_engagement[k]),
                cpm=_number(scores.cpm[k]),
                offers=offers,
                target_share=_number(scores.audience_share[k]),
                score=float(scores.score[k]),
                components=[{"key": name, "value": float(scores.components[name][k])} for name in COMPONENTS],
                explanation=explanation(target, features, scores, k),
            )
        )
    return columns
