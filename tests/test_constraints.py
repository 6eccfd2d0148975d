"""The database itself refuses rows that break an invariant, whatever code path writes them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaigns.models import Campaign, Collaboration, Match
from influencers.models import Audience, AudienceCountry, FollowerSnapshot, Niche, Offer, Post
from influencers.taxonomy import NICHES, WorkKind
from tests.factories import (
    AudienceFactory,
    CampaignFactory,
    CollaborationFactory,
    FollowerSnapshotFactory,
    InfluencerFactory,
    MatchFactory,
    OfferFactory,
    PostFactory,
    ShortlistEntryFactory,
    SocialAccountFactory,
)

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_niche_taxonomy_is_seeded_by_migration():
    assert set(Niche.objects.values_list("slug", flat=True)) >= {slug for slug, _ in NICHES}


def test_social_account_is_unique_per_platform_and_handle():
    account = SocialAccountFactory(handle="sanne")
    assert refused(lambda: SocialAccountFactory(platform=account.platform, handle="sanne"))
    SocialAccountFactory(platform="tiktok", handle="sanne")  # same handle elsewhere is fine


@pytest.mark.parametrize("field", ["likes", "comments", "shares", "views", "saves"])
def test_post_counts_cannot_be_negative_but_may_be_hidden(field):
    assert refused(lambda: PostFactory(**{field: -1}))
    assert PostFactory(**{field: None}).pk


def test_post_external_id_is_unique_per_account():
    post = PostFactory(external_id="abc")
    assert refused(lambda: Post.objects.create(account=post.account, external_id="abc", posted_at=post.posted_at))


def test_follower_snapshot_one_per_account_per_day_and_non_negative():
    snapshot = FollowerSnapshotFactory()
    assert refused(lambda: FollowerSnapshot.objects.create(account=snapshot.account, date=snapshot.date, followers=5))
    assert refused(lambda: FollowerSnapshotFactory(account=snapshot.account, date=dt.date(2020, 1, 1), followers=-5))


def test_audience_shares_must_be_fractions():
    assert refused(lambda: AudienceFactory(age_18_24=1.5))
    audience = AudienceFactory()
    assert refused(lambda: AudienceCountry.objects.create(audience=audience, country="FR", share=-0.1))
    assert refused(lambda: AudienceCountry.objects.create(audience=audience, country="NL", share=0.1))


def test_audience_clean_requires_each_dimension_to_sum_to_one():
    audience = AudienceFactory.build(influencer=InfluencerFactory(), age_18_24=0.9)
    with pytest.raises(ValidationError, match="Age shares add up to 155"):
        audience.full_clean()
    AudienceFactory.build(influencer=InfluencerFactory()).full_clean()


def test_audience_language_shares_are_validated():
    audience = Audience(influencer=InfluencerFactory(), as_of=dt.date.today(), language_shares={"xx": 1})
    with pytest.raises(ValidationError) as error:
        audience.full_clean()
    assert "language_shares" in error.value.message_dict


def test_offer_price_cannot_be_negative():
    assert refused(lambda: OfferFactory(price=Decimal("-1")))
    offer = OfferFactory.build(influencer=InfluencerFactory(), price=Decimal("-5"))
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert "price" in error.value.message_dict
    assert refused(lambda: OfferFactory(turnaround_days=0))
    assert Offer.objects.count() == 0


def test_campaign_dates_budgets_and_follower_range_are_ordered():
    today = dt.date.today()
    assert refused(lambda: CampaignFactory(starts_on=today, ends_on=today - dt.timedelta(days=1)))
    assert refused(lambda: CampaignFactory(budget_total=Decimal("100"), budget_per_creator=Decimal("200")))
    assert refused(lambda: CampaignFactory(min_followers=10_000, max_followers=1_000))
    assert refused(lambda: CampaignFactory(budget_total=Decimal("-1"), budget_per_creator=Decimal("-1")))


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        (WorkKind.SPONSORED_POST, {"posts_count": None}),
        (WorkKind.REVIEW, {"product_name": "", "product_value": None}),
        (WorkKind.GIVEAWAY, {"prize": "", "prize_value": None, "winners_count": None, "entry_end_date": None}),
        (WorkKind.AMBASSADORSHIP, {"duration_months": None, "posts_per_month": None, "monthly_fee": None}),
    ],
)
def test_each_campaign_kind_requires_its_terms(kind, missing):
    traits = {
        WorkKind.REVIEW: {"review": True},
        WorkKind.GIVEAWAY: {"giveaway": True},
        WorkKind.AMBASSADORSHIP: {"ambassadorship": True},
    }.get(kind, {})
    complete = CampaignFactory.build(brand=CampaignFactory().brand, **traits)
    complete.full_clean()
    incomplete = CampaignFactory.build(brand=complete.brand, **traits, **missing)
    with pytest.raises(ValidationError) as error:
        incomplete.full_clean()
    assert set(missing) <= set(error.value.message_dict)
    assert refused(lambda: CampaignFactory(**traits, **missing))


def test_campaign_clean_explains_kind_specific_rules():
    campaign = CampaignFactory.build(
        brand=CampaignFactory().brand,
        giveaway=True,
        winner_announcement_date=dt.date.today(),
        entry_end_date=dt.date.today() + dt.timedelta(days=3),
    )
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert error.value.message_dict["winner_announcement_date"] == ["Winners are announced after entries close."]

    ambassador = CampaignFactory.build(
        brand=campaign.brand, ambassadorship=True, monthly_fee=Decimal("400"), budget_per_creator=Decimal("500")
    )
    with pytest.raises(ValidationError, match="exceeds the budget per creator"):
        ambassador.full_clean()

    unknown_platform = CampaignFactory.build(brand=campaign.brand, platforms=["myspace"])
    with pytest.raises(ValidationError) as error:
        unknown_platform.full_clean()
    assert "platforms" in error.value.message_dict


def test_collaboration_and_match_are_unique_per_campaign_and_influencer():
    collaboration = CollaborationFactory()
    assert refused(
        lambda: Collaboration.objects.create(
            campaign=collaboration.campaign, influencer=collaboration.influencer, initiated_by="brand", status="invited"
        )
    )
    match = MatchFactory()
    assert refused(lambda: MatchFactory(campaign=match.campaign, influencer=match.influencer))
    assert refused(lambda: MatchFactory(campaign=match.campaign, rank=match.rank))
    assert refused(lambda: MatchFactory(score=101))
    assert Match.objects.count() == 1


def test_shortlist_entry_is_unique():
    entry = ShortlistEntryFactory()
    assert refused(lambda: ShortlistEntryFactory(shortlist=entry.shortlist, influencer=entry.influencer))


def test_campaign_queryset_open_excludes_rejected_and_drafts():
    open_campaign = CampaignFactory()
    CampaignFactory(status=Campaign.Status.DRAFT)
    CampaignFactory(moderation_status="rejected")
    assert list(Campaign.objects.open()) == [open_campaign]
