"""The recommendations tab, its recompute progress, and inviting creators from it and from other pages."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, Collaboration
from influencers.kernel.errors import Conflict
from influencers.models import EngineRun
from influencers.taxonomy import ModerationStatus
from tests.discovery_data import brand_member, creator
from tests.factories import (
    BrandFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    EngineRunFactory,
    InfluencerFactory,
    MatchFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def campaign(member):
    return CampaignFactory(brand=member.brand, title="Summer drop")


def url(campaign: Campaign, suffix: str = "") -> str:
    return f"/brand/campaigns/{campaign.pk}/recommendations/{suffix}"


def add_matches(campaign: Campaign, count: int, start: int = 1) -> list:
    return [
        MatchFactory(
            campaign=campaign,
            influencer=creator(f"match{campaign.pk}x{rank}"),
            rank=rank,
            score=90 - rank,
            audience_fit=0.42,
            explanation=f"Reason number {rank}: 42 % of the audience are women 18–34 in NL.",
            price=Decimal("300"),
            cost_per_engagement=0.85,
            cpm=12.5,
        )
        for rank in range(start, start + count)
    ]


def test_ranked_matches_with_score_component_meters_explanation_and_invite(brand_client, campaign):
    add_matches(campaign, 3)
    response = brand_client.get(url(campaign))
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert html.index(f"@match{campaign.pk}x1") < html.index(f"@match{campaign.pk}x2")
    assert "Reason number 1: 42 % of the audience" in html
    assert html.count("<meter") == 18  # six components per match
    assert 'value="0.420"' in html
    assert 'href="/metrics/#match-score"' in html
    assert html.count(">Invite<") == 3
    assert 'style="' not in html
    assert "<script>" not in html


def test_pages_of_matches_by_rank(brand_client, campaign):
    add_matches(campaign, 30)
    first = brand_client.get(url(campaign)).content.decode().replace("\xa0", " ")
    assert first.count('class="card match"') == 20
    assert "?after=20" in first
    second = brand_client.get(url(campaign), {"after": 20}).content.decode().replace("\xa0", " ")
    assert second.count('class="card match"') == 10
    assert "#21" in second


def test_a_creator_already_in_the_campaign_shows_its_status_instead_of_invite(brand_client, campaign):
    (match,) = add_matches(campaign, 1)
    CollaborationFactory(campaign=campaign, influencer=match.influencer, status=Collaboration.Status.ACCEPTED)
    html = brand_client.get(url(campaign)).content.decode().replace("\xa0", " ")
    assert "Accepted" in html
    assert ">Invite<" not in html


def test_other_brands_campaigns_are_404(brand_client):
    theirs = CampaignFactory()
    for suffix in ("", "progress/"):
        assert brand_client.get(url(theirs, suffix)).status_code == 404
    assert brand_client.post(url(theirs, "recompute/")).status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(brand_client, campaign):
    add_matches(campaign, 3)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert brand_client.get(url(campaign)).status_code == 200
        return len(queries)

    few = count()
    add_matches(campaign, 22, start=4)
    assert count() == few


def test_recompute_queues_a_run_and_the_page_polls_its_progress(brand_client, campaign):
    response = brand_client.post(url(campaign, "recompute/"))
    assert response.status_code == 302
    run = EngineRun.objects.get(scope=f"campaign:{campaign.pk}")
    assert run.status == EngineRun.Status.QUEUED
    html = brand_client.get(url(campaign)).content.decode().replace("\xa0", " ")
    assert "Recompute queued" in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{url(campaign, "progress/")}?was=active"' in html


def test_the_progress_partial_shows_chunks_and_stops_polling_when_the_run_ends(brand_client, campaign):
    run = EngineRunFactory(
        kind=EngineRun.Kind.MATCHES_CAMPAIGN,
        scope=f"campaign:{campaign.pk}",
        status=EngineRun.Status.RUNNING,
        total_chunks=4,
        done_chunks=1,
        started_at=timezone.now(),
    )
    running = brand_client.get(url(campaign, "progress/"), {"was": "active"}, HTTP_HX_REQUEST="true")
    body = running.content.decode().replace("\xa0", " ")
    assert "<html" not in body
    assert '<progress max="4" value="1"' in body
    assert "1 of 4 parts done" in body
    assert 'hx-trigger="every 2s"' in body
    assert "HX-Refresh" not in running
    run.status, run.done_chunks, run.finished_at = EngineRun.Status.SUCCEEDED, 4, timezone.now()
    run.save()
    finished = brand_client.get(url(campaign, "progress/"), {"was": "active"}, HTTP_HX_REQUEST="true")
    assert "every 2s" not in finished.content.decode().replace("\xa0", " ")
    assert finished["HX-Refresh"] == "true"  # reload once so the new ranking shows


def test_one_click_invite_from_a_recommendation(brand_client, campaign):
    (match,) = add_matches(campaign, 1)
    response = brand_client.post(
        f"/brand/campaigns/invite/{match.influencer.handle}/",
        {"campaign": campaign.pk, "next": url(campaign)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f"Invitation sent to @{match.influencer.handle} for “Summer drop”." in response.content.decode().replace(
        "\xa0", " "
    )
    collaboration = Collaboration.objects.get(campaign=campaign, influencer=match.influencer)
    assert collaboration.status == Collaboration.Status.INVITED
    assert collaboration.initiated_by == Collaboration.Party.BRAND


def test_the_invite_form_with_message_and_fee_returns_to_where_it_came_from(brand_client, campaign):
    influencer = creator("invitee")
    CampaignFactory(brand=campaign.brand, title="Draft one", status=Campaign.Status.DRAFT)
    form = (
        brand_client.get(f"/brand/campaigns/invite/invitee/?campaign={campaign.pk}")
        .content.decode()
        .replace("\xa0", " ")
    )
    assert "Summer drop" in form
    assert "Draft one" not in form
    assert re.search(rf'<option value="{campaign.pk}" selected>', form)
    response = brand_client.post(
        "/brand/campaigns/invite/invitee/",
        {"campaign": campaign.pk, "message": "Love your reels!", "proposed_fee": "450", "next": "/brand/shortlists/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/brand/shortlists/"
    collaboration = Collaboration.objects.get(campaign=campaign, influencer=influencer)
    assert collaboration.proposed_fee == Decimal("450")
    assert collaboration.messages.get().body == "Love your reels!"
    # An outside "next" is not followed.
    other = creator("second")
    response = brand_client.post(
        "/brand/campaigns/invite/second/", {"campaign": campaign.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/influencers/second/"
    assert Collaboration.objects.filter(influencer=other).exists()


def test_invite_errors_are_clear_and_write_nothing(brand_client, campaign, monkeypatch):
    creator("target")
    too_much = brand_client.post(
        "/brand/campaigns/invite/target/", {"campaign": campaign.pk, "proposed_fee": "200000000"}
    )
    assert too_much.status_code == 400
    assert "A fee must be between 0 and 100,000,000." in too_much.content.decode().replace("\xa0", " ")
    foreign = CampaignFactory(title="Theirs")
    wrong = brand_client.post("/brand/campaigns/invite/target/", {"campaign": foreign.pk})
    assert wrong.status_code == 400
    assert "Select a valid choice" in wrong.content.decode().replace("\xa0", " ")

    def clash(**kwargs):
        raise Conflict("@target is already part of this campaign.")

    monkeypatch.setattr(services, "collaboration_invite", clash)
    conflict = brand_client.post("/brand/campaigns/invite/target/", {"campaign": campaign.pk})
    assert conflict.status_code == 409
    assert "@target is already part of this campaign." in conflict.content.decode().replace("\xa0", " ")
    assert not Collaboration.objects.exists()


def test_a_brand_awaiting_approval_is_told_it_cannot_invite_yet(client):
    member = BrandMemberFactory(brand=BrandFactory(status=ModerationStatus.PENDING))
    campaign = CampaignFactory(brand=member.brand)
    creator("waiting.for.us")
    client.force_login(member.user)
    response = client.post("/brand/campaigns/invite/waiting.for.us/", {"campaign": campaign.pk})
    assert response.status_code == 403
    assert "must be approved by a moderator" in response.content.decode().replace("\xa0", " ")
    assert not Collaboration.objects.exists()


def test_hidden_creators_and_non_brand_users_cannot_be_invited(client, brand_client, campaign):
    creator("paused", is_active=False)
    assert brand_client.get("/brand/campaigns/invite/paused/").status_code == 404
    client.force_login(InfluencerFactory().user)
    assert client.get("/brand/campaigns/invite/paused/").status_code == 404
