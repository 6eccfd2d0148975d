"""Discovery and profiles over the API: the page's FilterSet and sorting, profiles with metrics,
charts' series; brands and staff only; a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from influencers.filters import InfluencerFilter
from influencers.models import Influencer
from influencers.taxonomy import ModerationStatus
from tests.api.conftest import ROLES, Roles
from tests.factories import (
    CollaborationFactory,
    FollowerSnapshotFactory,
    InfluencerFactory,
    OfferFactory,
    PostFactory,
    SocialAccountFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/influencers/"


def creators(count: int, **kwargs) -> list[Influencer]:
    made = []
    for number in range(count):
        influencer = InfluencerFactory(total_followers=1_000 * (number + 1), niches=["fitness"], **kwargs)
        SocialAccountFactory(influencer=influencer, followers=influencer.total_followers)
        OfferFactory(influencer=influencer)
        made.append(influencer)
    return made


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("influencer_a", 403),
        ("influencer_b", 403),
        ("brand_a", 200),
        ("brand_b", 200),
        ("staff", 200),
    ],
)
@pytest.mark.parametrize("path", ["", "anna.style/", "anna.style/follower-history/", "anna.style/engagement/"])
def test_permission_matrix(api, roles: Roles, role, status, path):
    assert role in ROLES
    response = api(role).get(LIST + path)
    assert response.status_code == status, response.json()


def test_a_suspended_brand_cannot_browse(api, roles: Roles):
    roles.brand_a.status = ModerationStatus.SUSPENDED
    roles.brand_a.save()
    response = api("brand_a").get(LIST)
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]


def test_list_is_the_discovery_filterset_result(api, roles: Roles):
    creators(5)
    query = "niches=fitness&followers_min=2000&sort=followers"
    response = api("brand_a").get(f"{LIST}?{query}")
    assert response.status_code == 200
    body = response.json()
    from django.http import QueryDict

    expected = list(InfluencerFilter(QueryDict(query)).qs.values_list("handle", flat=True))
    assert [row["handle"] for row in body["results"]] == expected
    assert body["count"] == 4
    assert body["sort"] == "followers"
    assert [row["metrics"]["total_followers"] for row in body["results"]] == [5000, 4000, 3000, 2000]
    assert body["results"][0]["cheapest_offer"] == {"price": "250.00", "currency": "EUR"}


def test_keyset_pages_cover_every_result_once(api, roles: Roles):
    creators(7)
    seen: list[str] = []
    url = f"{LIST}?page_size=3&niches=fitness"
    while url:
        body = api("brand_a").get(url).json()
        seen += [row["handle"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 7


def test_no_collaboration_uses_the_callers_brand(api, roles: Roles):
    CollaborationFactory(campaign__brand=roles.brand_a, influencer=roles.influencer_a)
    handles = {row["handle"] for row in api("brand_a").get(f"{LIST}?no_collaboration=true").json()["results"]}
    assert roles.influencer_a.handle not in handles
    handles_b = {row["handle"] for row in api("brand_b").get(f"{LIST}?no_collaboration=true").json()["results"]}
    assert roles.influencer_a.handle in handles_b


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("followers_min=lots", "followers_min"),
        ("followers_min=5000&followers_max=10", "followers_max"),
        ("followers_min=1e30", "followers_min"),
        ("er_min=101", "er_min"),
        ("niches=underwater-basket-weaving", "niches"),
        ("tier=giant", "tier"),
        ("no_collaboration=maybe", "no_collaboration"),
        ("q=", "q"),
        ("audience_country_min=40", "audience_country_min"),
        ("sort=random", "sort"),
    ],
)
def test_bad_filters_are_400_on_the_field(api, roles: Roles, query, field):
    response = api("brand_a").get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_a_damaged_cursor_is_404(api, roles: Roles):
    assert api("brand_a").get(f"{LIST}?cursor=not-a-cursor").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_list_runs_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    creators(count)
    client = api("brand_a")
    # token + user, the actor (membership, brand, creator profile: one query), niche choices,
    # capped count, page, niches prefetch
    with django_assert_num_queries(6):
        response = client.get(f"{LIST}?page_size=20&niches=fitness")
    assert len(response.json()["results"]) == count


def test_detail_has_accounts_metrics_audience_and_offers(api, roles: Roles):
    influencer = roles.influencer_a
    Influencer.objects.filter(pk=influencer.pk).update(
        total_followers=25_000,
        engagement_rate=0.041,
        er_sample_size=12,
        tier="micro",
        credibility_score=88,
        credibility_reasons=[{"code": "er_far_above_benchmark", "message": "High", "impact": 5}],
        metrics_updated_at=timezone.now(),
    )
    OfferFactory(influencer=influencer, is_active=False, title="Old offer")
    body = api("brand_a").get(f"{LIST}{influencer.handle}/").json()
    assert body["handle"] == "anna.style"
    assert body["metrics"]["engagement_rate"] == 0.041
    assert body["metrics"]["er_sample_size"] == 12
    assert body["metrics"]["tier"] == "micro"
    assert body["metrics"]["er_benchmark"] == 0.03  # micro on Instagram (taxonomy.TIER_BENCHMARK_ER)
    assert body["metrics"]["updated_at"] is not None
    assert body["metrics"]["credibility_reasons"][0]["code"] == "er_far_above_benchmark"
    assert [a["handle"] for a in body["accounts"]] == ["anna.style.ig"]
    assert {"er_sample_size", "metrics_updated_at", "engagement_rate_by_views"} <= set(body["accounts"][0])
    assert body["audience"]["ages"]["18_24"] == 0.35
    assert body["audience"]["countries"][0] == {"country": "NL", "share": 0.7}
    assert [offer["title"] for offer in body["offers"]] == ["One feed post"]  # inactive offers are hidden


def test_detail_runs_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries):
    client = api("brand_a")
    client.get(f"{LIST}anna.style/")
    # token + user, the actor (one query), profile, niches, accounts, audience countries, active offers
    with django_assert_num_queries(7):
        assert client.get(f"{LIST}anna.style/").status_code == 200


def test_follower_history_with_spikes(api, roles: Roles):
    influencer = roles.influencer_a
    account = influencer.accounts.get()
    today = timezone.localdate()
    for days, followers in ((3, 20_000), (2, 24_000), (1, 25_000)):
        FollowerSnapshotFactory(account=account, date=today - dt.timedelta(days=days), followers=followers)
    spike = {
        "code": "follower_spike_unexplained",
        "message": "Spike",
        "impact": 10,
        "account": f"instagram @{account.handle}",
        "date": (today - dt.timedelta(days=2)).isoformat(),
        "gain": 4000,
    }
    Influencer.objects.filter(pk=influencer.pk).update(credibility_reasons=[spike])
    series = api("brand_a").get(f"{LIST}{influencer.handle}/follower-history/").json()
    assert series[0]["platform"] == "instagram"
    assert [p["followers"] for p in series[0]["points"]] == [20_000, 24_000, 25_000]
    assert series[0]["spikes"] == [{"date": spike["date"], "gain": 4000, "explained": False}]


def test_engagement_series_per_post(api, roles: Roles):
    account = roles.influencer_a.accounts.get()
    PostFactory(account=account, likes=400, comments=100)
    PostFactory(account=account, likes=None, comments=10)  # a hidden like count
    points = api("brand_a").get(f"{LIST}anna.style/engagement/").json()
    assert sorted((p["engagement"], p["engagement_rate"]) for p in points if p["engagement"]) == [(500, 0.02)]
    assert any(p["engagement"] is None and p["likes"] is None for p in points)


def test_hidden_and_unknown_creators_are_404(api, roles: Roles):
    paused = InfluencerFactory(is_active=False)
    assert api("brand_a").get(f"{LIST}{paused.handle}/").status_code == 404
    assert api("brand_a").get(f"{LIST}nobody.here/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_chart_series_run_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    account = roles.influencer_a.accounts.get()
    today = timezone.localdate()
    for day in range(count):
        PostFactory(account=account)
        FollowerSnapshotFactory(account=account, date=today - dt.timedelta(days=day))
    client = api("brand_a")
    # token + user, the actor (one query), the creator, the posts with their accounts
    with django_assert_num_queries(4):
        assert len(client.get(f"{LIST}anna.style/engagement/").json()) == count
    # token + user, the actor, the creator, accounts, snapshots
    with django_assert_num_queries(5):
        assert len(client.get(f"{LIST}anna.style/follower-history/").json()[0]["points"]) == count
