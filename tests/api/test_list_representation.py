"""The discovery list writes its cards directly (InfluencerCardListSerializer, for speed); its JSON must be
byte for byte what DRF's own field walk over InfluencerCardSerializer — the schema's contract — writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from influencers.filters import InfluencerFilter
from influencers.models import Influencer
from influencers.selectors import PAGE_SIZE, influencer_discovery
from influencers.serializers import InfluencerCardListSerializer, InfluencerCardSerializer, InfluencerPageSerializer
from influencers.taxonomy import Currency, Platform, Tier, WorkKind
from tests.api.conftest import Roles
from tests.factories import AudienceFactory, InfluencerFactory, OfferFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/influencers/"


@pytest.fixture
def varied_creators(roles: Roles) -> list[Influencer]:
    """Creators with every kind of value a card shows: set, empty, unknown and awkward."""
    complete = InfluencerFactory(
        handle="zoë.complete",
        display_name="Zoë “Complete” de Vries",
        country="BE",
        city="Liège",
        languages=["nl", "fr", "en"],
        niches=["fashion", "beauty", "travel"],
        avatar="avatars/2026/03/zoe.jpg",
        total_followers=1_250_000,
        engagement_rate=0.0345678912345,
        er_sample_size=36,
        tier=Tier.MEGA,
        credibility_score=71,
        credibility_reasons=[
            {"code": "follower_spike", "message": "Spike of 40,000 on 2 March", "impact": -12.5, "date": "2026-03-02"},
            {"code": "low_comment_ratio", "message": "Few comments", "impact": -3, "detail": {"ratio": 0.001}},
        ],
        follower_growth_30d=-0.0125,
        # Summer time in the site's zone; microseconds kept.
        metrics_updated_at=dt.datetime(2026, 7, 1, 22, 30, 5, 123456, tzinfo=dt.UTC),
    )
    SocialAccountFactory(influencer=complete, platform=Platform.TIKTOK, followers=1_000_000)
    SocialAccountFactory(influencer=complete, platform=Platform.INSTAGRAM, followers=250_000)
    AudienceFactory(influencer=complete)
    for price, currency in ((Decimal("1200.50"), Currency.EUR), (Decimal("999.99"), Currency.EUR)):
        OfferFactory(influencer=complete, price=price, currency=currency)
    OfferFactory(influencer=complete, price=Decimal("1500"), currency=Currency.USD, kind=WorkKind.REVIEW)
    OfferFactory(influencer=complete, price=Decimal("10"), currency=Currency.EUR, is_active=False)

    # Hidden likes: no engagement rate, no credibility score, no growth, nothing computed yet.
    unknown = InfluencerFactory(
        handle="no.metrics",
        country="",
        city="",
        languages=[],
        total_followers=0,
        engagement_rate=None,
        er_sample_size=0,
        tier="",
        credibility_score=None,
        credibility_reasons=[{"code": "hidden_likes", "message": "Likes are hidden", "impact": None}],
        follower_growth_30d=None,
        metrics_updated_at=None,
    )
    OfferFactory(influencer=unknown, price=Decimal("0.00"), currency=Currency.GBP, kind=WorkKind.GIVEAWAY)

    winter = InfluencerFactory(
        handle="winter.video",
        languages=["en"],
        niches=["gaming"],
        total_followers=45_000,
        engagement_rate=0.08,
        er_sample_size=3,
        tier=Tier.MICRO,
        credibility_score=100,
        follower_growth_30d=0.0,
        metrics_updated_at=dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC),
    )
    SocialAccountFactory(influencer=winter, platform=Platform.YOUTUBE, followers=45_000)
    AudienceFactory(influencer=winter, countries={"GB": 0.6, "US": 0.4})
    OfferFactory(influencer=winter, price=Decimal("75.5"), currency=Currency.GBP, platform=Platform.YOUTUBE)
    OfferFactory(influencer=winter, price=Decimal("80"), currency=Currency.USD, platform=Platform.YOUTUBE)
    return [complete, unknown, winter, roles.influencer_a, roles.influencer_b]


def reference_body(body: dict, query: str) -> bytes:
    """The response as DRF's default path would write it: one InfluencerCardSerializer per card."""
    params = QueryDict(query)
    filterset = InfluencerFilter(params)
    assert filterset.is_valid(), filterset.errors
    page_size = int(params.get("page_size", PAGE_SIZE))
    page = influencer_discovery(filterset=filterset, cursor=params.get("cursor"), page_size=page_size)
    cards = [InfluencerCardSerializer(influencer).data for influencer in page.results]
    return JSONRenderer().render({**body, "results": cards})


QUERIES = [
    "",
    "page_size=2",
    "currency=USD",
    "currency=GBP&sort=price",
    "sort=engagement&niches=fashion&niches=gaming",
    "sort=credibility&page_size=100",
    "sort=growth",
    "q=zoë",
]


@pytest.mark.parametrize("role", ["brand_a", "staff"])
@pytest.mark.parametrize("query", QUERIES)
def test_list_json_is_what_the_declared_card_fields_write(api, varied_creators, role, query):
    response = api(role).get(f"{LIST}?{query}", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    body = response.json()
    assert body["results"], "every query finds at least one creator"
    with translation.override("nl"):
        expected = reference_body(body, query)
    assert response.content == expected


def test_a_following_page_is_what_the_declared_card_fields_write(api, varied_creators):
    first = api("brand_a").get(f"{LIST}?page_size=2&sort=followers").json()
    query = first["next"].split("?", 1)[1]
    response = api("brand_a").get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    assert response.content == reference_body(response.json(), query)


def test_the_creators_cover_every_kind_of_value(api, varied_creators):
    """Guards the test above: the data reaches each branch of a card, so a dropped field shows."""
    cards = {card["handle"]: card for card in api("brand_a").get(f"{LIST}?page_size=100").json()["results"]}
    assert set(cards) == {influencer.handle for influencer in varied_creators}
    complete, unknown, winter = cards["zoë.complete"], cards["no.metrics"], cards["winter.video"]
    assert complete["avatar"].endswith("/avatars/2026/03/zoe.jpg")
    assert complete["niches"] == ["beauty", "fashion", "travel"]
    assert complete["primary_platform"] == "tiktok"
    assert complete["cheapest_offer"] == {"price": "999.99", "currency": "EUR"}
    assert complete["metrics"]["updated_at"] == "2026-07-02T00:30:05.123456+02:00"
    assert complete["metrics"]["er_benchmark"] is not None
    assert complete["metrics"]["credibility_reasons"][1]["detail"] == {"ratio": 0.001}
    assert winter["metrics"]["updated_at"] == "2026-01-15T10:00:00+01:00"
    assert unknown["avatar"] is None
    assert unknown["country"] is None
    assert unknown["primary_platform"] is None
    assert unknown["cheapest_offer"] is None
    assert unknown["metrics"] == {
        "total_followers": 0,
        "engagement_rate": None,
        "er_sample_size": 0,
        "er_benchmark": None,
        "tier": None,
        "credibility_score": None,
        "credibility_reasons": [{"code": "hidden_likes", "message": "Likes are hidden", "impact": None}],
        "follower_growth_30d": None,
        "updated_at": None,
    }
    gbp = {card["handle"]: card for card in api("brand_a").get(f"{LIST}?currency=GBP").json()["results"]}
    assert gbp["no.metrics"]["cheapest_offer"] == {"price": "0.00", "currency": "GBP"}
    assert gbp["winter.video"]["cheapest_offer"] == {"price": "75.50", "currency": "GBP"}


def test_the_fast_list_writes_what_drf_writes_for_every_card(varied_creators):
    """The same comparison without HTTP, for each currency's cheapest offer."""
    fast = InfluencerPageSerializer().fields["results"]
    assert isinstance(fast, InfluencerCardListSerializer)
    for currency in Currency.values:
        page = influencer_discovery(filterset=InfluencerFilter(QueryDict(f"currency={currency}")), page_size=100)
        expected = [dict(InfluencerCardSerializer(influencer).data) for influencer in page.results]
        assert fast.to_representation(page.results) == expected
