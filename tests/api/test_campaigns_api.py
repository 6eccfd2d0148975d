"""Campaigns over the API: CRUD for the brand's members through the workflow services, the lifecycle
actions, ranked matches with their components, recompute answered with a run id, and run progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Collaboration
from influencers.models import EngineRun
from tests.api.conftest import Roles
from tests.factories import (
    CampaignFactory,
    CollaborationFactory,
    EngineRunFactory,
    InfluencerFactory,
    MatchFactory,
    niche,
)

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/campaigns/"


def giveaway(**changes) -> dict:
    today = timezone.localdate()
    return {
        "title": "Summer giveaway",
        "brief": "Two festival tickets for your followers.",
        "kind": "giveaway",
        "prize": "Two weekend tickets",
        "prize_value": "300.00",
        "winners_count": 2,
        "entry_end_date": (today + dt.timedelta(days=10)).isoformat(),
        "niches": ["music"],
        "platforms": ["instagram", "tiktok"],
        "target_countries": ["NL", "BE"],
        "budget_total": "3000.00",
        "budget_per_creator": "300.00",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
    } | changes


@pytest.mark.parametrize(
    ("role", "list_status", "detail_status"),
    [
        ("anonymous", 401, 401),
        ("influencer_a", 403, 404),  # a draft is not open to creators
        ("influencer_b", 403, 404),
        ("brand_a", 200, 200),
        ("brand_b", 200, 404),  # another brand's campaign does not exist for it
        ("staff", 200, 200),
    ],
)
def test_permission_matrix_for_reads(api, roles: Roles, role, list_status, detail_status):
    draft = CampaignFactory(brand=roles.brand_a, status=Campaign.Status.DRAFT)
    assert api(role).get(CAMPAIGNS).status_code == list_status
    assert api(role).get(f"{CAMPAIGNS}{draft.pk}/").status_code == detail_status
    ids = [row["id"] for row in api(role).get(CAMPAIGNS).json().get("results", [])]
    assert (draft.pk in ids) == (role in ("brand_a", "staff"))


def test_creators_see_open_public_campaigns_and_their_own(api, roles: Roles):
    public = CampaignFactory(brand=roles.brand_a)
    invite_only = CampaignFactory(brand=roles.brand_a, visibility="invite_only")
    CollaborationFactory(campaign=invite_only, influencer=roles.influencer_a)
    assert api("influencer_a").get(f"{CAMPAIGNS}{public.pk}/").status_code == 200
    assert api("influencer_a").get(f"{CAMPAIGNS}{invite_only.pk}/").status_code == 200
    assert api("influencer_b").get(f"{CAMPAIGNS}{invite_only.pk}/").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("brand_b", 404), ("influencer_a", 404), ("staff", 403)])
def test_only_the_brands_members_change_its_campaign(api, roles: Roles, role, status):
    campaign = CampaignFactory(brand=roles.brand_a, status=Campaign.Status.DRAFT)
    for method, path, body in (
        ("patch", "", {"title": "Hijacked"}),
        ("post", "publish/", {}),
        ("post", "cancel/", {}),
        ("post", "matches/recompute/", {}),
    ):
        response = getattr(api(role), method)(f"{CAMPAIGNS}{campaign.pk}/{path}", body, format="json")
        assert response.status_code == status, (path, response.json())
    campaign.refresh_from_db()
    assert campaign.title != "Hijacked"
    assert campaign.status == Campaign.Status.DRAFT


def test_create_a_giveaway_then_publish_pause_resume_close(api, roles: Roles, django_capture_on_commit_callbacks):
    client = api("brand_a")
    response = client.post(CAMPAIGNS, giveaway(status="completed", moderation_status="approved"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"  # read-only: the service starts every campaign as a draft
    assert body["moderation_status"] == "pending"
    assert body["niches"] == ["music"]
    assert body["brand"] == {"slug": "acme", "name": "Acme"}
    url = f"{CAMPAIGNS}{body['id']}/"
    with django_capture_on_commit_callbacks():
        published = client.post(f"{url}publish/")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "open"
    assert published.json()["published_at"] is not None
    assert client.post(f"{url}pause/").json()["status"] == "paused"
    with django_capture_on_commit_callbacks():
        assert client.post(f"{url}resume/").json()["status"] == "open"
    assert client.post(f"{url}close/").json()["status"] == "completed"
    # Illegal from here: the service says why.
    response = client.post(f"{url}pause/")
    assert response.status_code == 400
    assert "completed" in response.json()["detail"]


def test_patch_keeps_status_and_engine_fields(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a, status=Campaign.Status.DRAFT)
    response = api("brand_a").patch(
        f"{CAMPAIGNS}{campaign.pk}/",
        {"title": "Autumn", "status": "open", "published_at": "2020-01-01T00:00:00Z", "matches_computed_at": None},
        format="json",
    )
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.title == "Autumn"
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.published_at is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"prize": ""}, "prize"),  # a giveaway needs its prize
        ({"kind": "review"}, "product_name"),  # a review needs its product
        ({"budget_per_creator": "5000.00"}, "budget_per_creator"),  # above the total
        ({"ends_on": "2000-01-01"}, "ends_on"),  # before the start
        ({"platforms": ["myspace"]}, "platforms"),
        ({"niches": ["nope"]}, "niches"),
        ({"winners_count": 0}, "winners_count"),
    ],
)
def test_create_validation_names_the_field_and_writes_nothing(api, roles: Roles, changes, field):
    response = api("brand_a").post(CAMPAIGNS, giveaway(**changes), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not Campaign.objects.exists()


def test_creators_cannot_create_campaigns(api, roles: Roles):
    response = api("influencer_a").post(CAMPAIGNS, giveaway(), format="json")
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_cancel_with_a_reason_winds_down_open_invitations(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a)
    invitation = CollaborationFactory(campaign=campaign, influencer=roles.influencer_a)
    response = api("brand_a").post(f"{CAMPAIGNS}{campaign.pk}/cancel/", {"reason": "Budget cut"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    invitation.refresh_from_db()
    assert invitation.status == Collaboration.Status.WITHDRAWN


def test_matches_are_ranked_with_components_and_hidden_creators_left_out(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a)
    MatchFactory(campaign=campaign, influencer=roles.influencer_b, rank=2, score=60)
    MatchFactory(campaign=campaign, influencer=roles.influencer_a, rank=1, score=80)
    MatchFactory(campaign=campaign, influencer=InfluencerFactory(status="suspended"), rank=3, score=50)
    body = api("brand_a").get(f"{CAMPAIGNS}{campaign.pk}/matches/").json()
    assert [row["influencer"]["handle"] for row in body["results"]] == ["anna.style", "bram.tech"]
    first = body["results"][0]
    assert first["score"] == 80
    assert set(first["components"]) == {
        "niche_fit",
        "audience_fit",
        "engagement_quality",
        "credibility_fit",
        "price_fit",
        "reach_fit",
    }
    assert first["explanation"]
    assert api("brand_b").get(f"{CAMPAIGNS}{campaign.pk}/matches/").status_code == 404
    assert api("influencer_a").get(f"{CAMPAIGNS}{campaign.pk}/matches/").status_code == 404


# A stored explanation as the engine writes it (campaigns/matching/explain.py): message ids and raw numbers.
ER_PHRASE = {
    "m": "ER %(er)s on %(platform)s, %(ratio)s the %(tier)s benchmark",
    "a": {
        "er": {"n": 0.056, "f": "pct1"},
        "platform": {"l": "platform", "v": "instagram"},
        "ratio": {"n": 1.87, "f": "times"},
        "tier": {"l": "tier", "v": "micro"},
    },
}


def test_a_matchs_explanation_is_in_the_requests_language(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a)
    MatchFactory(
        campaign=campaign, influencer=roles.influencer_a, explanation="(old text)", explanation_parts=[ER_PHRASE]
    )
    client = api("brand_a")
    english = client.get(f"{CAMPAIGNS}{campaign.pk}/matches/").json()["results"][0]
    dutch = client.get(f"{CAMPAIGNS}{campaign.pk}/matches/", HTTP_ACCEPT_LANGUAGE="nl").json()["results"][0]
    assert english["explanation"] == "ER 5.6 % on Instagram, 1.9× the micro benchmark."
    assert dutch["explanation"] == "ER 5,6 % op Instagram, 1,9× de benchmark voor micro."


@pytest.mark.parametrize("count", [2, 20])
def test_matches_list_runs_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    campaign = CampaignFactory(brand=roles.brand_a)
    for rank in range(1, count + 1):
        MatchFactory(campaign=campaign, influencer=InfluencerFactory(), rank=rank)
    client = api("brand_a")
    # token + user, the actor (one query), the campaign, the page of matches with creators
    with django_assert_num_queries(4):
        response = client.get(f"{CAMPAIGNS}{campaign.pk}/matches/?page_size=20")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_campaign_list_runs_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    CampaignFactory.create_batch(count, brand=roles.brand_a)
    client = api("brand_a")
    # token + user, the actor (membership, brand and creator profile: one query), the page (with brand), niches
    with django_assert_num_queries(4):
        response = client.get(f"{CAMPAIGNS}?page_size=20")
    assert len(response.json()["results"]) == count


def test_recompute_answers_a_run_to_poll(api, roles: Roles, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(brand=roles.brand_a)
    with django_capture_on_commit_callbacks(execute=False):
        response = api("brand_a").post(f"{CAMPAIGNS}{campaign.pk}/matches/recompute/")
    assert response.status_code == 202
    body = response.json()
    run = EngineRun.objects.get(pk=body["run_id"])
    assert run.scope == f"campaign:{campaign.pk}"
    assert body["url"].endswith(f"/api/v1/runs/{run.pk}/")
    progress = api("brand_a").get(f"/api/v1/runs/{run.pk}/").json()
    assert progress["status"] == "queued"
    assert 0 <= progress["progress"] <= 1


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("influencer_a", 404), ("brand_a", 200), ("brand_b", 404), ("staff", 200)],
)
def test_runs_are_visible_to_their_campaigns_brand_and_staff(api, roles: Roles, role, status):
    campaign = CampaignFactory(brand=roles.brand_a)
    run = EngineRunFactory(scope=f"campaign:{campaign.pk}", total_chunks=4, done_chunks=1, status="running")
    response = api(role).get(f"/api/v1/runs/{run.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["progress"] == 0.25


def test_a_run_someone_started_is_theirs(api, roles: Roles):
    run = EngineRunFactory(kind="import", scope="import", triggered_by=roles.influencer_b.user)
    assert api("influencer_b").get(f"/api/v1/runs/{run.pk}/").status_code == 200
    assert api("influencer_a").get(f"/api/v1/runs/{run.pk}/").status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_opportunities_run_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    fashion = niche("fashion")
    for _ in range(count):
        CampaignFactory().niches.set([fashion])
    client = api("influencer_a")
    client.get("/api/v1/me/opportunities/")
    # token + user, the actor (one query); the engine's reverse scoring (fixed number of set-based reads);
    # the fallback list: collaborations, campaigns with niches, the creator's niches and platforms
    with django_assert_num_queries(20):
        body = client.get("/api/v1/me/opportunities/").json()
    assert len(body["recommended"]) + len(body["others"]) == count


def test_only_drafts_are_deleted_and_only_by_the_brand(api, roles: Roles):
    draft = CampaignFactory(brand=roles.brand_a, status=Campaign.Status.DRAFT)
    published = CampaignFactory(brand=roles.brand_a)
    assert api("brand_b").delete(f"{CAMPAIGNS}{draft.pk}/").status_code == 404
    assert api("staff").delete(f"{CAMPAIGNS}{draft.pk}/").status_code == 403
    response = api("brand_a").delete(f"{CAMPAIGNS}{published.pk}/")
    assert response.status_code == 400
    assert "cancelled" in response.json()["detail"]
    assert api("brand_a").delete(f"{CAMPAIGNS}{draft.pk}/").status_code == 204
    assert list(Campaign.objects.values_list("pk", flat=True)) == [published.pk]
