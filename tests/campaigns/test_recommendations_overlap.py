"""The optional "avoid overlap" step of a campaign's recommendations (docs/metrics.md, "Shared audience")."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign, Collaboration
from campaigns.recommendation_selectors import overlapping_candidates
from tests.discovery_data import brand_member, creator
from tests.factories import CampaignFactory, CollaborationFactory, MatchFactory
from tests.overlap_data import planted

pytestmark = pytest.mark.django_db


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


@pytest.fixture
def setup(client):
    member = brand_member()
    client.force_login(member.user)
    campaign = CampaignFactory(brand=member.brand, title="Autumn")
    # Planted: r0–r1 share 38 % of the smaller audience, r1–r2 20 %, r2–r3 10 % (+ 4 % all four).
    world, creators = planted([20_000, 24_000, 18_000, 22_000], group_size=4, prefix="r")
    plain = creator("plain", followers=30_000)
    CollaborationFactory(campaign=campaign, influencer=creators[1], status=Collaboration.Status.INVITED)
    for rank, influencer in enumerate([creators[0], creators[2], creators[3], plain], start=1):
        MatchFactory(campaign=campaign, influencer=influencer, rank=rank, score=90 - rank, explanation="fits")
    return client, campaign, world, creators


def url(campaign: Campaign, query: str = "") -> str:
    return f"/brand/campaigns/{campaign.pk}/recommendations/{query}"


def test_avoid_overlap_leaves_out_the_creator_sharing_most_of_an_invited_audience(setup):
    client, campaign, world, _creators = setup
    avoided = overlapping_candidates(campaign=campaign)
    assert [item.handle for item in avoided] == ["r0"]
    assert avoided[0].overlap.handle == "r1"
    truth = world.shared(0, 1) / 20_000
    assert abs(avoided[0].overlap.share.value - truth) <= avoided[0].overlap.share.bound

    text = page_text(client.get(url(campaign, "?avoid_overlap=1")).content.decode())
    assert (
        "1 creator left out: their estimated shared audience with a creator already in this campaign is above 30 %"
        in (text)
    )
    assert f"@r0: shares {avoided[0].overlap.share.value * 100:.0f} %" in text
    assert "with @r1" in text
    assert "@r0" not in text.split("left out")[1].split("with @r1")[1]  # not among the ranked creators
    assert "@r2" in text
    assert "@plain" in text
    assert "@r0" in page_text(client.get(url(campaign)).content.decode())  # off: everyone


def test_without_anyone_in_the_campaign_nothing_is_left_out(setup):
    client, campaign, _world, _creators = setup
    Collaboration.objects.filter(campaign=campaign).update(status=Collaboration.Status.DECLINED)
    assert overlapping_candidates(campaign=campaign) == []
    text = page_text(client.get(url(campaign, "?avoid_overlap=1")).content.decode())
    assert "No recommended creator overlaps that much" in text


def test_avoid_overlap_runs_a_fixed_number_of_queries(setup):
    client, campaign, _world, _creators = setup

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(campaign, "?avoid_overlap=1")).status_code == 200
        return len(queries)

    few = count()
    for rank in range(5, 20):
        MatchFactory(campaign=campaign, influencer=creator(f"more{rank}"), rank=rank, score=50)
    assert count() == few
