"""Collaborations over the API: invite, apply, accept, decline, withdraw, submit, approve, request a
revision, complete — each an action calling the workflow service, with the pages' permission rules."""

from __future__ import annotations

import pytest

from campaigns.models import Collaboration, Deliverable
from tests.api.conftest import Roles
from tests.factories import CampaignFactory, CollaborationFactory, DeliverableFactory, InfluencerFactory

pytestmark = pytest.mark.django_db

Status = Collaboration.Status
COLLABORATIONS = "/api/v1/collaborations/"


@pytest.fixture
def campaign(roles: Roles):
    return CampaignFactory(brand=roles.brand_a, title="Spring launch")


def test_full_loop_invite_accept_submit_revise_approve_complete(api, roles: Roles, campaign):
    brand, creator = api("brand_a"), api("influencer_a")
    invited = brand.post(
        f"/api/v1/campaigns/{campaign.pk}/invite/",
        {"influencer": "anna.style", "message": "Join us?", "proposed_fee": "450.00"},
        format="json",
    )
    assert invited.status_code == 201, invited.json()
    collaboration = invited.json()
    assert collaboration["status"] == "invited"
    assert collaboration["messages"][0]["body"] == "Join us?"
    url = f"{COLLABORATIONS}{collaboration['id']}/"
    assert creator.get(url).json()["actions"] == ["accept", "decline"]
    assert brand.get(url).json()["actions"] == ["withdraw"]

    accepted = creator.post(f"{url}accept/", {"message": "Happy to!"}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["agreed_fee"] == "450.00"
    deliverables = accepted.json()["deliverables"]
    assert len(deliverables) == 2  # two posts in the sponsored-post terms

    warned = creator.post(f"{url}submit/", {"url": "https://www.instagram.com/p/abc/"}, format="json")
    assert warned.status_code == 400
    assert "disclosure" in warned.json()["fields"]["draft_text"][0]
    submitted = creator.post(
        f"{url}submit/",
        {"url": "https://www.instagram.com/p/abc/", "draft_text": "Loving it #ad"},
        format="json",
    )
    assert submitted.status_code == 201, submitted.json()
    assert submitted.json()["has_ad_disclosure"] is True
    first = submitted.json()["id"]

    revision = brand.post(f"{url}deliverables/{first}/request-revision/", {"comment": "Show the logo"}, format="json")
    assert revision.status_code == 200
    assert revision.json()["status"] == "revision_requested"
    assert brand.get(url).json()["status"] == "revision_requested"

    creator.post(
        f"{url}submit/",
        {"url": "https://www.instagram.com/p/abc2/", "draft_text": "#ad", "deliverable": first},
        format="json",
    )
    second = creator.post(
        f"{url}submit/", {"url": "https://www.instagram.com/p/def/", "confirm_without_disclosure": True}, format="json"
    )
    assert second.status_code == 201
    assert second.json()["has_ad_disclosure"] is False
    for deliverable in (first, second.json()["id"]):
        assert brand.post(f"{url}deliverables/{deliverable}/approve/", {}, format="json").status_code == 200
    assert brand.get(url).json()["status"] == "approved"
    completed = brand.post(f"{url}complete/", {"message": "Thanks!"}, format="json")
    assert completed.status_code == 200, completed.json()
    assert completed.json()["status"] == "completed"


def test_apply_then_the_brand_accepts_with_a_fee(api, roles: Roles, campaign):
    offer = roles.influencer_a.offers.get()
    applied = api("influencer_a").post(
        f"/api/v1/campaigns/{campaign.pk}/apply/", {"message": "Pick me", "offer": offer.pk}, format="json"
    )
    assert applied.status_code == 201, applied.json()
    url = f"{COLLABORATIONS}{applied.json()['id']}/"
    assert applied.json()["offer"] == offer.pk
    # The creator cannot accept their own application.
    assert api("influencer_a").post(f"{url}accept/", {}, format="json").status_code == 403
    accepted = api("brand_a").post(f"{url}accept/", {"agreed_fee": "300.00"}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["agreed_fee"] == "300.00"


def test_apply_with_someone_elses_offer_is_refused(api, roles: Roles, campaign):
    offer = roles.influencer_b.offers.get()
    response = api("influencer_a").post(f"/api/v1/campaigns/{campaign.pk}/apply/", {"offer": offer.pk}, format="json")
    assert response.status_code == 400
    assert "offer" in response.json()["fields"]
    assert not Collaboration.objects.exists()


def test_decline_and_withdraw_by_the_right_side(api, roles: Roles, campaign):
    invitation = CollaborationFactory(campaign=campaign, influencer=roles.influencer_a)
    url = f"{COLLABORATIONS}{invitation.pk}/"
    assert api("brand_a").post(f"{url}decline/", {}, format="json").status_code == 403  # not the brand's to decline
    response = api("influencer_a").post(f"{url}decline/", {"message": "Not this time"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    # Declined is final: nothing more to do, and the attempt says why.
    again = api("influencer_a").post(f"{url}accept/", {}, format="json")
    assert again.status_code == 400
    other = CollaborationFactory(campaign=campaign, influencer=roles.influencer_b)
    assert api("brand_a").post(f"{COLLABORATIONS}{other.pk}/withdraw/", {}, format="json").json()["status"] == (
        "withdrawn"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("influencer_a", 200),  # the creator of the collaboration
        ("influencer_b", 404),
        ("brand_a", 200),  # the brand of the campaign
        ("brand_b", 404),
        ("staff", 200),  # moderators read everything, change nothing
    ],
)
def test_permission_matrix(api, roles: Roles, campaign, role, status):
    invitation = CollaborationFactory(campaign=campaign, influencer=roles.influencer_a)
    url = f"{COLLABORATIONS}{invitation.pk}/"
    assert api(role).get(url).status_code == status
    write_status = {200: 403, 404: 404, 401: 401}[status]
    if role in ("influencer_a",):
        write_status = 200
    response = api(role).post(f"{url}accept/", {}, format="json")
    assert response.status_code == write_status
    listed = api(role).get(COLLABORATIONS)
    if status == 401:
        assert listed.status_code == 401
    else:
        assert (invitation.pk in [row["id"] for row in listed.json()["results"]]) == (status == 200)


def test_invite_refuses_unknown_or_hidden_creators_and_duplicates(api, roles: Roles, campaign):
    hidden = InfluencerFactory(status="pending")
    for handle in ("nobody.here", hidden.handle):
        response = api("brand_a").post(
            f"/api/v1/campaigns/{campaign.pk}/invite/", {"influencer": handle}, format="json"
        )
        assert response.status_code == 400
        assert "influencer" in response.json()["fields"]
    ok = api("brand_a").post(f"/api/v1/campaigns/{campaign.pk}/invite/", {"influencer": "bram.tech"}, format="json")
    assert ok.status_code == 201
    again = api("brand_a").post(f"/api/v1/campaigns/{campaign.pk}/invite/", {"influencer": "bram.tech"}, format="json")
    assert again.status_code == 409
    # Another brand cannot even see the campaign.
    other = api("brand_b").post(f"/api/v1/campaigns/{campaign.pk}/invite/", {"influencer": "anna.style"}, format="json")
    assert other.status_code == 404
    assert Collaboration.objects.count() == 1


def test_a_deliverable_of_another_collaboration_is_404(api, roles: Roles, campaign):
    mine = CollaborationFactory(campaign=campaign, influencer=roles.influencer_a, status=Status.CONTENT_SUBMITTED)
    theirs = DeliverableFactory(
        collaboration__campaign=campaign, collaboration__influencer=roles.influencer_b, status="submitted"
    )
    response = api("brand_a").post(f"{COLLABORATIONS}{mine.pk}/deliverables/{theirs.pk}/approve/", {}, format="json")
    assert response.status_code == 404
    assert Deliverable.objects.get(pk=theirs.pk).status == "submitted"


def test_revision_needs_a_comment(api, roles: Roles, campaign):
    collaboration = CollaborationFactory(
        campaign=campaign, influencer=roles.influencer_a, status=Status.CONTENT_SUBMITTED
    )
    deliverable = DeliverableFactory(collaboration=collaboration, status="submitted")
    url = f"{COLLABORATIONS}{collaboration.pk}/deliverables/{deliverable.pk}/request-revision/"
    response = api("brand_a").post(url, {}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()["fields"]


def test_messages(api, roles: Roles, campaign):
    collaboration = CollaborationFactory(campaign=campaign, influencer=roles.influencer_a)
    response = api("brand_a").post(
        f"{COLLABORATIONS}{collaboration.pk}/messages/", {"body": "Any questions?"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["messages"][-1] == {
        "id": response.json()["messages"][-1]["id"],
        "author": "alice",
        "body": "Any questions?",
        "created_at": response.json()["messages"][-1]["created_at"],
    }
    assert (
        api("brand_a").post(f"{COLLABORATIONS}{collaboration.pk}/messages/", {"body": " "}, format="json").status_code
        == 400
    )


@pytest.mark.parametrize("count", [2, 20])
def test_list_runs_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    for _ in range(count):
        CollaborationFactory(campaign__brand=roles.brand_a)
    client = api("brand_a")
    # token + user, the actor (one query), the page with campaign, brand and creator
    with django_assert_num_queries(3):
        response = client.get(f"{COLLABORATIONS}?page_size=20")
    assert len(response.json()["results"]) == count


def test_list_filters_by_status_and_campaign(api, roles: Roles, campaign):
    CollaborationFactory(campaign=campaign, influencer=roles.influencer_a)
    CollaborationFactory(
        campaign=campaign, influencer=roles.influencer_b, status=Status.APPLIED, initiated_by="influencer"
    )
    other = CollaborationFactory(campaign__brand=roles.brand_a, status=Status.APPLIED, initiated_by="influencer")
    client = api("brand_a")
    applied = client.get(f"{COLLABORATIONS}?status=applied").json()["results"]
    assert {row["id"] for row in applied} == {other.pk, Collaboration.objects.get(influencer=roles.influencer_b).pk}
    in_campaign = client.get(f"{COLLABORATIONS}?campaign={campaign.pk}&status=applied").json()["results"]
    assert len(in_campaign) == 1
    for bad in ("status=pending", "campaign=abc", "campaign=0"):
        assert client.get(f"{COLLABORATIONS}?{bad}").status_code == 400
