"""Comparing 2–4 creators: metrics, audience in a campaign's target, prices, CPE and CPM."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.recommendation_selectors import compare_columns
from influencers.selectors import influencers_for_compare
from influencers.taxonomy import Platform, WorkKind
from tests.discovery_data import brand_member, creator
from tests.factories import CampaignFactory, InfluencerFactory, StaffFactory

pytestmark = pytest.mark.django_db

URL = "/brand/campaigns/compare/"


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_two_creators_side_by_side_without_a_campaign(brand_client):
    creator("ann", followers=10_000, er=0.03, offers=((WorkKind.SPONSORED_POST, "300"),))
    creator("bob", followers=50_000, er=0.01, offers=((WorkKind.REVIEW, "400"), (WorkKind.SPONSORED_POST, "900")))
    response = brand_client.get(URL, {"h": ["ann", "@Bob"]})
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert "@ann" in html
    assert "@bob" in html
    columns = compare_columns(influencers=influencers_for_compare(handles=["ann", "bob"]), campaign=None)
    ann, bob = columns
    # ann: one post reaches 10,000 × 3 % = 300 engagements for EUR 300.
    assert ann.expected_engagements == pytest.approx(300)
    assert ann.cost_per_engagement == pytest.approx(1.0)
    assert ann.cpm == pytest.approx(30.0)
    # bob: the cheapest offer in EUR is the review (400) on Instagram: 50,000 × 1 % = 500.
    assert bob.offer.kind == WorkKind.REVIEW
    assert bob.cost_per_engagement == pytest.approx(0.8)
    page = text(html)
    assert "EUR 1" in page
    assert "EUR 0.80" in page
    assert "EUR 30" in page
    assert 'href="/metrics/#cost-per-engagement"' in html
    assert 'class="num best"' in html  # the lowest CPE is highlighted


def test_with_a_campaign_the_numbers_are_the_matching_engines(brand_client, member):
    audience = {"age_18_24": 0.35, "age_25_34": 0.35, "gender_female": 0.6}
    creator("ann", followers=10_000, er=0.03, audience=audience, audience_countries={"NL": 0.7, "BE": 0.2, "DE": 0.1})
    creator("tiktok.only", platform=Platform.TIKTOK, followers=30_000)
    campaign = CampaignFactory(
        brand=member.brand,
        title="Summer drop",
        posts_count=2,
        target_age_bands=["18_24", "25_34"],
        target_genders=["female"],
        target_countries=["NL"],
    )
    influencers = influencers_for_compare(handles=["ann", "tiktok.only"])
    ann, tiktok = compare_columns(influencers=influencers, campaign=campaign)
    # Audience in target: (35 % + 35 %) aged 18–34 × 60 % women × 70 % in NL = 29.4 %.
    assert ann.target_share == pytest.approx(0.294)
    assert ann.reach == 2_940
    assert ann.cost == pytest.approx(500.0)  # EUR 250 per post × 2 posts
    assert ann.expected_engagements == pytest.approx(600.0)  # 10,000 × 3 % × 2 posts
    assert ann.cost_per_engagement == pytest.approx(500 / 600, rel=1e-3)
    assert ann.cpm == pytest.approx(500 / 2_940 * 1000, rel=1e-3)
    assert 0 < ann.score <= 100
    assert len(ann.components) == 6
    assert ann.explanation
    assert not tiktok.eligible  # the campaign is Instagram only
    html = (
        brand_client.get(URL, {"h": ["ann", "tiktok.only"], "campaign": campaign.pk})
        .content.decode()
        .replace("\xa0", " ")
    )
    page = text(html)
    assert "29.4 %" in page
    assert "2,940" in page
    assert "EUR 500" in page
    assert "outside the campaign's filters" in page
    assert "selected>Summer drop" in html


def test_someone_elses_campaign_is_ignored(brand_client):
    creator("ann")
    creator("bob")
    theirs = CampaignFactory(title="Not yours", target_countries=["NL"])
    html = brand_client.get(URL, {"h": ["ann", "bob"], "campaign": theirs.pk}).content.decode().replace("\xa0", " ")
    assert "Not yours" not in html
    assert "Without a campaign the whole audience counts" in html


def test_asking_for_too_few_too_many_or_unknown_creators_says_so(brand_client):
    for handle in ("a1", "a2", "a3", "a4", "a5"):
        creator(handle)
    InfluencerFactory(handle="hidden", status="pending")
    one = text(brand_client.get(URL, {"h": ["a1"]}).content.decode().replace("\xa0", " "))
    assert "Choose at least 2 creators to compare." in one
    five = brand_client.get(URL, {"h": ["a1", "a2", "a3", "a4", "a5"]}).content.decode().replace("\xa0", " ")
    assert "Compare at most 4 creators" in five
    assert "@a4" in five
    assert "@a5" not in five
    missing = text(brand_client.get(URL, {"h": ["a1", "a2", "nobody", "hidden"]}).content.decode().replace("\xa0", " "))
    assert "Not found: @nobody, @hidden." in missing


def test_staff_may_compare_and_creators_may_not(client):
    creator("ann")
    creator("bob")
    client.force_login(StaffFactory())
    assert client.get(URL, {"h": ["ann", "bob"]}).status_code == 200
    client.force_login(InfluencerFactory().user)
    assert client.get(URL, {"h": ["ann", "bob"]}).status_code == 403


def test_compare_runs_a_fixed_number_of_queries(brand_client, member):
    campaign = CampaignFactory(brand=member.brand, target_countries=["NL"])
    for handle in ("c1", "c2", "c3", "c4"):
        creator(handle, offers=((WorkKind.SPONSORED_POST, "100"), (WorkKind.REVIEW, "90")))

    def count(handles: list[str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert brand_client.get(URL, {"h": handles, "campaign": campaign.pk}).status_code == 200
        return len(queries)

    assert count(["c1", "c2"]) == count(["c1", "c2", "c3", "c4"])
