"""Demo data for the schemathesis run: a brand and a creator with something behind every endpoint."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from brands.accounts.api_tokens import api_token_issue
from campaigns.models import Collaboration, LedgerEntry
from influencers.models import EngineRun
from tests.factories import (
    AudienceFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    DeliverableFactory,
    EngineRunFactory,
    FollowerSnapshotFactory,
    InfluencerFactory,
    LedgerEntryFactory,
    MatchFactory,
    OfferFactory,
    PostFactory,
    ReviewFactory,
    SavedSearchFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    SocialAccountFactory,
    UserFactory,
    WebhookAttemptFactory,
)


def demo_world(creators: int = 6) -> dict:
    """A brand member and a creator (with tokens), other creators, campaigns, matches, collaborations."""
    member = BrandMemberFactory(user=UserFactory(username="fuzz-brand"), brand__name="Fuzz Brand", brand__slug="fuzz")
    creator = InfluencerFactory(handle="fuzz.creator", user=UserFactory(username="fuzz-creator"), niches=["fashion"])
    influencers = [creator, *(InfluencerFactory(niches=["fashion", "tech"]) for _ in range(creators - 1))]
    for influencer in influencers:
        account = SocialAccountFactory(influencer=influencer)
        PostFactory.create_batch(3, account=account)
        FollowerSnapshotFactory(account=account)
        AudienceFactory(influencer=influencer)
        OfferFactory(influencer=influencer)
    campaigns = [
        CampaignFactory(brand=member.brand),
        CampaignFactory(brand=member.brand, review=True),
        CampaignFactory(brand=member.brand, giveaway=True, status="draft"),
        CampaignFactory(brand=member.brand, ambassadorship=True),
    ]
    for rank, influencer in enumerate(influencers[1:], start=1):
        MatchFactory(campaign=campaigns[0], influencer=influencer, rank=rank)
    invited = CollaborationFactory(campaign=campaigns[0], influencer=creator)
    accepted = CollaborationFactory(campaign=campaigns[1], influencer=creator, status=Collaboration.Status.ACCEPTED)
    DeliverableFactory(collaboration=accepted)
    CollaborationFactory(
        campaign=campaigns[3], influencer=influencers[1], initiated_by="influencer", status=Collaboration.Status.APPLIED
    )
    # A finished ambassadorship with its ledger (a payment marked sent, waiting for the creator) and a review.
    paid = CollaborationFactory(
        campaign=campaigns[3], influencer=creator, status=Collaboration.Status.COMPLETED, agreed_fee=450
    )
    payable = LedgerEntryFactory(collaboration=paid, key="2026-01")
    LedgerEntryFactory(
        collaboration=paid,
        kind=LedgerEntry.Kind.SENT,
        key="",
        payable=payable,
        due_on=None,
        sent_on=paid.created_at.date(),
    )
    ReviewFactory(collaboration=paid)
    # A giveaway whose entries closed, with the creator at work on it: its draw can be uploaded and run.
    closed = timezone.localdate() - dt.timedelta(days=1)
    giveaway = CampaignFactory(
        brand=member.brand, giveaway=True, starts_on=closed - dt.timedelta(days=7), entry_end_date=closed
    )
    CollaborationFactory(campaign=giveaway, influencer=creator, status=Collaboration.Status.ACCEPTED)
    shortlist = ShortlistFactory(brand=member.brand, name="Favourites")
    ShortlistEntryFactory(shortlist=shortlist, influencer=influencers[2])
    SavedSearchFactory(brand=member.brand, name="Fitness on Instagram")
    run = EngineRunFactory(scope=f"campaign:{campaigns[0].pk}", kind=EngineRun.Kind.MATCHES_CAMPAIGN)
    # A webhook endpoint each (port 9 on loopback refuses connections at once) with a logged delivery.
    for owner in ({"brand": member.brand}, {"influencer": creator, "brand": None}):
        WebhookAttemptFactory(
            delivery__endpoint__url="http://127.0.0.1:9/hooks",
            **{f"delivery__endpoint__{k}": v for k, v in owner.items()},
        )
    return {
        "brand_token": api_token_issue(user=member.user).key,
        "influencer_token": api_token_issue(user=creator.user).key,
        "campaign": campaigns[0],
        "invited": invited,
        "run": run,
    }
