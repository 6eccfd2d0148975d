"""Collaborations brought to approved work through the real services, for the ledger and review tests."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Collaboration
from campaigns.services import (
    collaboration_accept,
    collaboration_apply,
    collaboration_complete,
    deliverable_review,
    deliverable_submit,
)
from tests.factories import BrandMemberFactory, CampaignFactory, InfluencerFactory


def accepted_collaboration(*, fee: str | None = "350", member=None, influencer=None, **campaign) -> Collaboration:
    member = member or BrandMemberFactory()
    influencer = influencer or InfluencerFactory()
    application = collaboration_apply(
        campaign=CampaignFactory(brand=member.brand, **campaign), influencer=influencer, by=influencer.user
    )
    return collaboration_accept(
        collaboration=application, by=member.user, agreed_fee=Decimal(fee) if fee is not None else None
    )


def approve_all(collaboration: Collaboration, *, complete: bool = False) -> Collaboration:
    """Submit and approve every planned deliverable (and complete the collaboration if asked)."""
    brand_user = collaboration.campaign.brand.members.first().user
    for deliverable in collaboration.deliverables.order_by("pk"):
        deliverable_submit(
            collaboration=collaboration,
            by=collaboration.influencer.user,
            url=f"https://instagram.com/p/{deliverable.pk}",
            draft_text="#ad",
            deliverable=deliverable,
        )
        deliverable_review(deliverable=deliverable, by=brand_user, approve=True)
    collaboration.refresh_from_db()
    if complete:
        collaboration_complete(collaboration=collaboration, by=brand_user)
        collaboration.refresh_from_db()
    return collaboration


def approved_collaboration(*, complete: bool = False, **kwargs) -> Collaboration:
    return approve_all(accepted_collaboration(**kwargs), complete=complete)
