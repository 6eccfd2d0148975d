"""Creators with the derived numbers already filled in, for the discovery, profile, shortlist and compare tests.

The metrics engine normally writes the derived fields; these tests are about reading them, so they
set them directly (the engine's own tests cover computing them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from influencers.models import Influencer
from influencers.taxonomy import Platform, WorkKind, tier_for_followers
from tests.factories import (
    AudienceFactory,
    BrandMemberFactory,
    InfluencerFactory,
    OfferFactory,
    SocialAccountFactory,
)


def creator(
    handle: str,
    *,
    followers: int = 10_000,
    er: float | None = 0.03,
    growth: float | None = 0.02,
    credibility: int | None = 80,
    niches: tuple[str, ...] = ("fashion",),
    platform: str = Platform.INSTAGRAM,
    country: str = "NL",
    city: str = "Utrecht",
    languages: tuple[str, ...] = ("nl", "en"),
    audience: dict | bool | None = None,
    audience_countries: dict[str, float] | None = None,
    offers: tuple[tuple[str, str], ...] = ((WorkKind.SPONSORED_POST, "250"),),
    display_name: str | None = None,
    bio: str = "Outfits and city life.",
    **fields,
) -> Influencer:
    """A visible creator with one account, an audience and offers (kind, price in EUR)."""
    influencer = InfluencerFactory(
        handle=handle,
        display_name=display_name or handle.replace(".", " ").title(),
        bio=bio,
        country=country,
        city=city,
        languages=list(languages),
        niches=list(niches),
        total_followers=followers,
        engagement_rate=er,
        er_sample_size=12 if er is not None else 0,
        tier=tier_for_followers(followers),
        credibility_score=credibility,
        credibility_reasons=[],
        follower_growth_30d=growth,
        **{"metrics_updated_at": timezone.now() - dt.timedelta(hours=2), **fields},
    )
    SocialAccountFactory(
        influencer=influencer,
        platform=platform,
        handle=f"{handle}_{platform}",
        followers=followers,
        engagement_rate=er,
        er_sample_size=12 if er is not None else 0,
        avg_likes=followers * (er or 0) * 0.9,
        avg_comments=followers * (er or 0) * 0.1,
        metrics_updated_at=timezone.now() - dt.timedelta(hours=2),
    )
    if audience is not False:
        AudienceFactory(
            influencer=influencer,
            countries=audience_countries if audience_countries is not None else {"NL": 0.7, "BE": 0.2, "DE": 0.1},
            **(audience or {}),
        )
    for kind, price in offers:
        OfferFactory(influencer=influencer, kind=kind, platform=platform, price=Decimal(price))
    return influencer


def brand_member(**kwargs):
    """A brand owner (approved brand) and their login."""
    return BrandMemberFactory(**kwargs)
