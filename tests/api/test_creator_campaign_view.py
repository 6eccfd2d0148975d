"""The creator-facing API shows no more of a campaign than the creator's pages do (issue 13, item 10).

The moderator's note, the total budget and whom the campaign targets are the brand's business; a
creator's opportunity page shows the brief, the terms, the budget per creator, dates and platforms.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import BrandMemberFactory, CampaignFactory, InfluencerFactory

pytestmark = pytest.mark.django_db

BRAND_ONLY = (
    "moderation_status",
    "moderation_reason",
    "budget_total",
    "target_age_bands",
    "target_genders",
    "target_countries",
    "target_languages",
    "min_followers",
    "max_followers",
    "tiers",
)
MODERATOR_NOTE = "Zq internal: brief borders on misleading claims"


@pytest.fixture
def member():
    return BrandMemberFactory()


@pytest.fixture
def campaign(member):
    return CampaignFactory(
        brand=member.brand,
        budget_total="98765.00",
        moderation_reason=MODERATOR_NOTE,
        target_countries=["NL"],
        target_age_bands=["18-24"],
        min_followers=1000,
        tiers=["micro"],
    )


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_creator_reads_a_campaign_without_the_brands_private_fields(campaign):
    response = as_user(InfluencerFactory().user).get(reverse("api:campaign-detail", args=[campaign.pk]))
    assert response.status_code == 200
    data = response.json()
    assert not set(BRAND_ONLY) & set(data)
    assert MODERATOR_NOTE not in response.content.decode()
    assert "98765" not in response.content.decode()
    # What the opportunity page shows is there.
    assert data["title"] == campaign.title
    assert data["budget_per_creator"] == "500.00"
    assert data["platforms"] == ["instagram"]


def test_the_opportunities_list_shows_no_more_than_the_page(campaign):
    creator = InfluencerFactory()
    response = as_user(creator.user).get(reverse("api:me-opportunities"))
    assert response.status_code == 200
    listed = [c for group in ("recommended", "others") for c in response.json()[group]]
    assert campaign.pk in {c["id"] for c in listed}
    for item in listed:
        assert not set(BRAND_ONLY) & set(item)
    assert MODERATOR_NOTE not in response.content.decode()


def test_the_brand_still_reads_its_whole_campaign(member, campaign):
    data = as_user(member.user).get(reverse("api:campaign-detail", args=[campaign.pk])).json()
    assert set(BRAND_ONLY) <= set(data)
    assert data["moderation_reason"] == MODERATOR_NOTE
    assert data["budget_total"] == "98765.00"
