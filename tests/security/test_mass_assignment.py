"""Mass assignment: owner, status, moderation, verification and engine-computed metric fields sent
with a form or an API request are ignored (or refused), never stored. Also what a suspended brand
and a creator pending moderation may do with their own objects.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from brands.models import Brand
from campaigns.models import Campaign, Collaboration
from influencers.models import Influencer, Offer, SocialAccount
from influencers.taxonomy import ModerationStatus
from tests.api.test_campaigns_api import giveaway
from tests.campaigns.test_views import form_data as campaign_form
from tests.factories import (
    BrandMemberFactory,
    CampaignFactory,
    InfluencerFactory,
    SocialAccountFactory,
)
from tests.influencers.test_self_service import profile_data

pytestmark = pytest.mark.django_db
User = get_user_model()

# What a hostile client adds to any request about a creator profile.
INFLUENCER_PRIVILEGED = {
    "status": "approved",
    "status_reason": "self-approved",
    "handle": "hijacked",
    "user": 1,
    "total_followers": 9_000_000,
    "engagement_rate": 0.5,
    "tier": "mega",
    "credibility_score": 100,
    "credibility_reasons": [],
    "follower_growth_30d": 3.0,
    "metrics_updated_at": "2020-01-01T00:00:00Z",
}
PROTECTED_INFLUENCER_FIELDS = (
    "status",
    "status_reason",
    "handle",
    "user_id",
    "total_followers",
    "engagement_rate",
    "tier",
    "credibility_score",
    "follower_growth_30d",
    "metrics_updated_at",
)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def protected(instance, fields: tuple[str, ...]) -> dict:
    instance.refresh_from_db()
    return {name: getattr(instance, name) for name in fields}


@pytest.fixture
def pending():
    return InfluencerFactory(status=ModerationStatus.PENDING)


def test_api_profile_update_cannot_approve_itself_or_set_metrics(pending):
    other = InfluencerFactory()
    before = protected(pending, PROTECTED_INFLUENCER_FIELDS)
    payload = {**INFLUENCER_PRIVILEGED, "user": other.user.pk, "display_name": "Renamed"}
    response = api_as(pending.user).patch("/api/v1/me/profile/", payload, format="json")
    assert response.status_code in (200, 400), response.content
    assert protected(pending, PROTECTED_INFLUENCER_FIELDS) == before
    assert response.status_code == 400 or pending.display_name == "Renamed"  # the allowed part is applied


def test_profile_form_cannot_approve_itself_or_set_metrics(client, pending):
    before = protected(pending, PROTECTED_INFLUENCER_FIELDS)
    client.force_login(pending.user)
    response = client.post(reverse("me:profile"), {**profile_data(display_name="Renamed"), **INFLUENCER_PRIVILEGED})
    assert response.status_code == 302
    assert protected(pending, PROTECTED_INFLUENCER_FIELDS) == before
    assert pending.display_name == "Renamed"


def test_account_metrics_and_owner_cannot_be_written_through_the_api():
    influencer = InfluencerFactory()
    other = InfluencerFactory()
    account = SocialAccountFactory(influencer=influencer)
    fields = ("influencer_id", "engagement_rate", "engagement_rate_by_views", "er_sample_size", "avg_likes")
    before = protected(account, fields)
    payload = {
        "influencer": other.pk,
        "engagement_rate": 0.9,
        "engagement_rate_by_views": 0.9,
        "er_sample_size": 99,
        "avg_likes": 1e6,
        "handle": "renamed_account",
    }
    response = api_as(influencer.user).patch(f"/api/v1/me/accounts/{account.pk}/", payload, format="json")
    assert response.status_code in (200, 400), response.content
    assert protected(account, fields) == before
    # Created rows belong to the caller whatever the body says.
    created = api_as(influencer.user).post(
        "/api/v1/me/accounts/",
        {"platform": "tiktok", "handle": "mine", "influencer": other.pk, "engagement_rate": 0.9},
        format="json",
    )
    assert created.status_code in (201, 400), created.content
    assert not SocialAccount.objects.filter(influencer=other).exists()
    assert SocialAccount.objects.filter(engagement_rate=0.9).count() == 0


def test_offers_are_created_for_the_caller_only():
    influencer = InfluencerFactory()
    other = InfluencerFactory()
    response = api_as(influencer.user).post(
        "/api/v1/me/offers/",
        {"influencer": other.pk, "kind": "sponsored_post", "platform": "instagram", "title": "Post", "price": "99"},
        format="json",
    )
    assert response.status_code in (201, 400), response.content
    assert not Offer.objects.filter(influencer=other).exists()


def test_brand_cannot_approve_or_verify_itself():
    owner = BrandMemberFactory(brand__status=ModerationStatus.PENDING)
    brand = owner.brand
    fields = ("status", "status_reason", "verified", "slug")
    before = protected(brand, fields)
    payload = {"status": "approved", "status_reason": "", "verified": True, "slug": "taken", "name": "Renamed"}
    response = api_as(owner.user).patch("/api/v1/brands/me/", payload, format="json")
    assert response.status_code in (200, 400), response.content
    assert protected(brand, fields) == before


def test_brand_profile_form_cannot_approve_or_verify(client):
    owner = BrandMemberFactory(brand__status=ModerationStatus.PENDING)
    client.force_login(owner.user)
    form = {"name": "Renamed", "website": "", "country": "NL", "description": "", "status": "approved"}
    response = client.post(reverse("brand:profile"), {**form, "verified": "on", "slug": "taken"})
    assert response.status_code == 302
    assert protected(owner.brand, ("name", "status", "verified")) == {
        "name": "Renamed",
        "status": ModerationStatus.PENDING,
        "verified": False,
    }


CAMPAIGN_PRIVILEGED = {
    "status": "open",
    "moderation_status": "approved",
    "moderation_reason": "",
    "published_at": "2020-01-01T00:00:00Z",
    "created_by": 1,
}


def test_api_campaign_create_and_update_keep_brand_status_and_moderation():
    owner = BrandMemberFactory()
    other = BrandMemberFactory()
    client = api_as(owner.user)
    response = client.post("/api/v1/campaigns/", giveaway(brand=other.brand.pk, **CAMPAIGN_PRIVILEGED), format="json")
    assert response.status_code == 201, response.content
    campaign = Campaign.objects.get(pk=response.json()["id"])
    assert (campaign.brand_id, campaign.status, campaign.moderation_status, campaign.published_at) == (
        owner.brand.pk,
        Campaign.Status.DRAFT,
        ModerationStatus.PENDING,
        None,
    )
    assert campaign.created_by_id == owner.user.pk
    response = client.patch(
        f"/api/v1/campaigns/{campaign.pk}/", {"brand": other.brand.pk, **CAMPAIGN_PRIVILEGED}, format="json"
    )
    assert response.status_code in (200, 400)
    assert protected(campaign, ("brand_id", "status", "moderation_status", "published_at")) == {
        "brand_id": owner.brand.pk,
        "status": Campaign.Status.DRAFT,
        "moderation_status": ModerationStatus.PENDING,
        "published_at": None,
    }
    assert not Campaign.objects.filter(brand=other.brand).exists()


def test_campaign_form_keeps_brand_status_and_moderation(client):
    owner = BrandMemberFactory()
    other = BrandMemberFactory()
    client.force_login(owner.user)
    response = client.post(
        reverse("campaigns:create"), {**campaign_form(), "brand": other.brand.pk, **CAMPAIGN_PRIVILEGED}
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.brand_id, campaign.status, campaign.moderation_status) == (
        owner.brand.pk,
        Campaign.Status.DRAFT,
        ModerationStatus.PENDING,
    )


def test_applications_cannot_choose_their_status_fee_or_creator():
    creator = InfluencerFactory()
    other = InfluencerFactory()
    campaign = CampaignFactory()
    payload = {
        "message": "Me",
        "status": "accepted",
        "agreed_fee": "1",
        "influencer": other.handle,
        "initiated_by": "brand",
        "is_giveaway_winner_announced": True,
    }
    response = api_as(creator.user).post(f"/api/v1/campaigns/{campaign.pk}/apply/", payload, format="json")
    assert response.status_code == 201, response.content
    collaboration = Collaboration.objects.get()
    assert (
        collaboration.influencer_id,
        collaboration.status,
        collaboration.agreed_fee,
        collaboration.initiated_by,
    ) == (
        creator.pk,
        Collaboration.Status.APPLIED,
        None,
        Collaboration.Party.INFLUENCER,
    )


def test_collaboration_accept_by_the_creator_cannot_set_the_agreed_fee():
    """Only the brand agrees a fee; an invited creator accepting with `agreed_fee` does not set it."""
    owner = BrandMemberFactory()
    creator = InfluencerFactory()
    collaboration = Collaboration.objects.create(
        campaign=CampaignFactory(brand=owner.brand),
        influencer=creator,
        initiated_by=Collaboration.Party.BRAND,
        status=Collaboration.Status.INVITED,
    )
    response = api_as(creator.user).post(
        f"/api/v1/collaborations/{collaboration.pk}/accept/", {"agreed_fee": "1.00"}, format="json"
    )
    collaboration.refresh_from_db()
    assert response.status_code in (200, 400, 403), response.content
    assert collaboration.agreed_fee != 1


@pytest.mark.parametrize("url_name", ["signup_influencer", "signup_brand"])
def test_signup_cannot_make_staff_or_approved_accounts(client, url_name):
    password = "a-long-and-unusual-passphrase-42"
    data = {
        "username": "mallory",
        "email": "mallory@example.com",
        "password1": password,
        "password2": password,
        "handle": "mallory",
        "display_name": "Mallory",
        "brand_name": "Mallory Inc",
        "website": "",
        "country": "NL",
        "is_staff": "on",
        "is_superuser": "on",
        "status": "approved",
        "verified": "on",
        "role": "owner",
    }
    assert client.post(reverse(url_name), data).status_code == 302
    user = User.objects.get(username="mallory")
    assert (user.is_staff, user.is_superuser) == (False, False)
    profile = Influencer.objects.filter(user=user).first() or Brand.objects.get(members__user=user)
    assert profile.status == ModerationStatus.PENDING
    assert getattr(profile, "verified", False) is False


# --- a suspended brand and a pending creator with their own objects ----------------------------------


@pytest.fixture
def suspended():
    return BrandMemberFactory(brand__status=ModerationStatus.SUSPENDED, brand__status_reason="Spam")


def test_a_suspended_brand_cannot_reopen_invite_or_publish(client, suspended):
    creator = InfluencerFactory()
    paused = CampaignFactory(brand=suspended.brand, status=Campaign.Status.PAUSED)
    draft = CampaignFactory(brand=suspended.brand, status=Campaign.Status.DRAFT)
    open_campaign = CampaignFactory(brand=suspended.brand)
    api = api_as(suspended.user)
    assert api.post(f"/api/v1/campaigns/{paused.pk}/resume/").status_code == 403
    assert api.post(f"/api/v1/campaigns/{draft.pk}/publish/").status_code == 403
    response = api.post(f"/api/v1/campaigns/{open_campaign.pk}/invite/", {"influencer": creator.handle}, format="json")
    assert response.status_code == 403
    assert "approved by a moderator" in response.json()["detail"]
    client.force_login(suspended.user)
    response = client.post(reverse("campaigns:action", args=[paused.pk, "resume"]), follow=True)
    assert "suspended" in response.content.decode()
    # Discovery through the invite page is closed as well (it shows the creator's rate card).
    page = client.get(reverse("recommendations:invite", args=[creator.handle]))
    assert page.status_code == 403
    assert creator.display_name not in page.content.decode()
    assert protected(paused, ("status",)) == {"status": Campaign.Status.PAUSED}
    assert protected(draft, ("status",)) == {"status": Campaign.Status.DRAFT}
    assert not Collaboration.objects.exists()
    # Discovery pages and API are closed with the reason.
    assert client.get(reverse("influencers:discover")).status_code == 403
    assert api.get("/api/v1/influencers/").status_code == 403


def test_a_suspended_brand_still_reads_its_own_campaigns(client, suspended):
    campaign = CampaignFactory(brand=suspended.brand, title="Our own")
    client.force_login(suspended.user)
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
    assert api_as(suspended.user).get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200


def test_a_pending_creator_cannot_apply_or_be_invited(client, pending):
    campaign = CampaignFactory()
    client.force_login(pending.user)
    page = client.post(
        reverse("me:opportunity", args=[campaign.pk]), {"message": "Me", "proposed_fee": "", "offer": ""}
    )
    assert page.status_code == 200
    assert "once a moderator has approved your profile" in page.content.decode()
    response = api_as(pending.user).post(f"/api/v1/campaigns/{campaign.pk}/apply/", {"message": "Me"}, format="json")
    assert response.status_code == 400
    brand = BrandMemberFactory(brand=campaign.brand)
    response = api_as(brand.user).post(f"/api/v1/campaigns/{campaign.pk}/invite/", {"influencer": pending.handle})
    assert response.status_code == 400
    assert not Collaboration.objects.exists()
