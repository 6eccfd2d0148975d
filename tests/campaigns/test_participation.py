"""Moderation status is a precondition of every collaboration step (campaigns/participation.py).

A suspended brand, a campaign suspended by moderation or a suspended creator is refused with a clear
message and nothing is written, through the services, the brand's pages, the creator's pages and the
API alike; what the policy keeps possible (settling work in progress, winding down) still works.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Collaboration, CollaborationMessage, Deliverable
from campaigns.services import (
    collaboration_accept,
    collaboration_apply,
    collaboration_complete,
    collaboration_invite,
    collaboration_message_add,
    collaboration_transition,
    deliverable_review,
    deliverable_submit,
)
from influencers.kernel.errors import NotAllowed
from influencers.models import AuditEvent, Notification
from influencers.taxonomy import ModerationStatus
from tests.factories import BrandMemberFactory, CampaignFactory, InfluencerFactory

pytestmark = pytest.mark.django_db

Status = Collaboration.Status
SUSPENDED = ModerationStatus.SUSPENDED


def snapshot() -> tuple:
    """What a refused step must leave untouched: statuses, deliverables, messages, audit rows, notifications."""
    return (
        sorted(Collaboration.objects.values_list("pk", "status")),
        sorted(Deliverable.objects.values_list("pk", "status")),
        CollaborationMessage.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def member():
    return BrandMemberFactory()


@pytest.fixture
def campaign(member):
    return CampaignFactory(brand=member.brand)


@pytest.fixture
def creator():
    return InfluencerFactory()


def suspend(obj, field: str = "status") -> None:
    setattr(obj, field, SUSPENDED)
    obj.save()


def fresh(collaboration: Collaboration) -> Collaboration:
    """The collaboration as the next request loads it, after a moderator's decision."""
    return Collaboration.objects.get(pk=collaboration.pk)


def refused(call, match: str) -> None:
    before = snapshot()
    with pytest.raises(NotAllowed, match=match):
        call()
    assert snapshot() == before


# --- starting work ---------------------------------------------------------------------------------


def test_a_suspended_brand_cannot_accept_an_application(member, campaign, creator):
    application = collaboration_apply(campaign=campaign, influencer=creator, by=creator.user)
    suspend(member.brand)
    refused(
        lambda: collaboration_accept(collaboration=fresh(application), by=member.user),
        "suspended by moderation",
    )


def test_a_creator_cannot_accept_a_suspended_brands_invitation(member, campaign, creator):
    invitation = collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
    suspend(member.brand)
    refused(
        lambda: collaboration_accept(collaboration=fresh(invitation), by=creator.user),
        "This brand cannot take on creators right now",
    )


def test_a_campaign_suspended_by_moderation_cannot_invite_nor_be_accepted(member, campaign, creator):
    invitation = collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
    suspend(campaign, "moderation_status")
    refused(
        lambda: collaboration_invite(campaign=campaign, influencer=InfluencerFactory(), by=member.user),
        "Moderation suspended this campaign",
    )
    refused(
        lambda: collaboration_accept(collaboration=fresh(invitation), by=creator.user),
        "This campaign is not open to creators right now",
    )


def test_a_suspended_creator_cannot_accept_an_invitation(member, campaign, creator):
    invitation = collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
    creator.status_reason = "Bought followers."
    suspend(creator)
    refused(
        lambda: collaboration_accept(collaboration=fresh(invitation), by=creator.user),
        "Your profile is suspended by moderation.*Bought followers",
    )


def test_a_brand_cannot_accept_a_suspended_creators_application(member, campaign, creator):
    application = collaboration_apply(campaign=campaign, influencer=creator, by=creator.user)
    suspend(creator)
    refused(lambda: collaboration_accept(collaboration=fresh(application), by=member.user), "This creator cannot be")


def test_a_suspended_creator_cannot_apply(campaign, creator):
    suspend(creator)
    refused(lambda: collaboration_apply(campaign=campaign, influencer=creator, by=creator.user), "suspended")


# --- work in progress ------------------------------------------------------------------------------


@pytest.fixture
def accepted(member, campaign, creator) -> Collaboration:
    invitation = collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
    return collaboration_accept(collaboration=invitation, by=creator.user)


def test_a_suspended_creator_cannot_hand_in_content_nor_send_messages(accepted, creator):
    suspend(creator)
    refused(
        lambda: deliverable_submit(
            collaboration=fresh(accepted), by=creator.user, url="https://instagram.com/p/1", draft_text="#ad"
        ),
        "Your profile is suspended",
    )
    refused(
        lambda: collaboration_message_add(collaboration=fresh(accepted), by=creator.user, body="Pay me"),
        "cannot send messages",
    )


def test_nobody_hands_in_content_for_a_campaign_moderation_suspended(accepted, campaign, creator):
    suspend(campaign, "moderation_status")
    refused(
        lambda: deliverable_submit(
            collaboration=fresh(accepted), by=creator.user, url="https://instagram.com/p/1", draft_text="#ad"
        ),
        "not open to creators",
    )


def test_a_suspended_brand_cannot_send_messages(accepted, member):
    suspend(member.brand)
    refused(lambda: collaboration_message_add(collaboration=fresh(accepted), by=member.user, body="Hi"), "cannot send")


def test_a_suspended_brand_still_settles_work_in_progress(accepted, member, creator):
    """The policy: creators of a suspended brand hand in their content and get it approved and completed."""
    suspend(member.brand)
    accepted = fresh(accepted)
    submitted = [
        deliverable_submit(
            collaboration=accepted, by=creator.user, url=f"https://instagram.com/p/{n}", draft_text="#ad"
        )
        for n in (1, 2)
    ]
    for deliverable in submitted:
        deliverable_review(deliverable=deliverable, by=member.user, approve=True)
    accepted = fresh(accepted)
    assert accepted.status == Status.APPROVED
    completed = collaboration_complete(collaboration=accepted, by=member.user)
    assert completed.status == Status.COMPLETED


def test_winding_down_stays_possible_for_suspended_parties(member, campaign, creator):
    invitation = collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
    suspend(creator)
    suspend(member.brand)
    declined = collaboration_transition(collaboration=fresh(invitation), to=Status.DECLINED, by=creator.user)
    assert declined.status == Status.DECLINED


# --- the same refusals through pages and the API ---------------------------------------------------


def test_the_creators_page_refuses_accepting_a_suspended_brands_invitation(member, campaign, creator):
    invitation = collaboration_invite(campaign=campaign, influencer=creator, by=member.user)
    suspend(member.brand)
    client = Client()
    client.force_login(creator.user)
    before = snapshot()
    url = reverse("me:collaboration_action", args=[invitation.pk, "accept"])
    response = client.post(url, {"message": "Yes!"}, follow=True)
    assert "This brand cannot take on creators right now" in response.content.decode()
    assert snapshot() == before


def test_the_brands_page_refuses_accepting_a_suspended_creators_application(member, campaign, creator):
    application = collaboration_apply(campaign=campaign, influencer=creator, by=creator.user)
    suspend(creator)
    client = Client()
    client.force_login(member.user)
    before = snapshot()
    url = reverse("campaigns:collaboration_action", args=[campaign.pk, application.pk, "accept"])
    response = client.post(url, {"message": ""}, follow=True)
    assert "This creator cannot be invited or accepted right now" in response.content.decode()
    assert snapshot() == before


def test_the_api_refuses_a_suspended_brand_accepting_an_application(member, campaign, creator):
    application = collaboration_apply(campaign=campaign, influencer=creator, by=creator.user)
    suspend(member.brand)
    brand = APIClient()
    brand.force_authenticate(member.user)
    before = snapshot()
    response = brand.post(reverse("api:collaboration-accept", args=[application.pk]), {}, format="json")
    assert response.status_code == 403
    assert "suspended by moderation" in response.json()["detail"]
    assert snapshot() == before


def test_the_api_refuses_a_suspended_creator_handing_in_content(accepted, creator):
    suspend(creator)
    api = APIClient()
    api.force_authenticate(creator.user)
    before = snapshot()
    url = reverse("api:collaboration-submit", args=[accepted.pk])
    response = api.post(url, {"url": "https://instagram.com/p/9", "draft_text": "#ad"}, format="json")
    assert response.status_code == 403
    assert "Your profile is suspended" in response.json()["detail"]
    assert snapshot() == before


def test_the_invite_page_offers_no_campaign_that_moderation_suspended(member, campaign, creator):
    stopped = CampaignFactory(brand=member.brand, title="Stopped by moderation")
    suspend(stopped, "moderation_status")
    client = Client()
    client.force_login(member.user)
    page = client.get(reverse("recommendations:invite", args=[creator.handle])).content.decode()
    assert campaign.title in page
    assert "Stopped by moderation" not in page
    before = snapshot()
    response = client.post(reverse("recommendations:invite", args=[creator.handle]), {"campaign": stopped.pk})
    assert response.status_code == 400
    assert snapshot() == before
