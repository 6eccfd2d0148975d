"""The collaboration status machine: legal edges only, by the right party only, one winner."""

import pytest

from campaigns.models import Collaboration
from campaigns.services import collaboration_apply, collaboration_invite, collaboration_transition
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.models import AuditEvent
from tests.factories import BrandMemberFactory, CampaignFactory, CollaborationFactory, InfluencerFactory

pytestmark = pytest.mark.django_db

Status = Collaboration.Status


@pytest.fixture
def brand_member():
    return BrandMemberFactory()


@pytest.fixture
def invitation(brand_member):
    campaign = CampaignFactory(brand=brand_member.brand)
    return collaboration_invite(campaign=campaign, influencer=InfluencerFactory(), by=brand_member.user)


def test_every_status_is_reachable_and_final_states_have_no_exit():
    targets = {to for (_, to) in Collaboration.TRANSITIONS}
    sources = {frm for (frm, _) in Collaboration.TRANSITIONS}
    assert targets | {Status.INVITED, Status.APPLIED} == set(Status.values)
    assert not (sources & Collaboration.FINAL_STATUSES)


def test_influencer_accepts_an_invitation_and_an_audit_row_is_written(invitation):
    accepted = collaboration_transition(collaboration=invitation, to=Status.ACCEPTED, by=invitation.influencer.user)
    assert accepted.status == Status.ACCEPTED
    assert AuditEvent.objects.filter(action="collaboration.accepted", object_id=str(invitation.pk)).exists()


def test_brand_cannot_accept_its_own_invitation(invitation, brand_member):
    with pytest.raises(NotAllowed, match="Only the influencer"):
        collaboration_transition(collaboration=invitation, to=Status.ACCEPTED, by=brand_member.user)
    invitation.refresh_from_db()
    assert invitation.status == Status.INVITED


@pytest.mark.parametrize("target", [Status.COMPLETED, Status.APPROVED, Status.CONTENT_SUBMITTED, "teleported"])
def test_illegal_edges_are_refused_and_change_nothing(invitation, target):
    with pytest.raises(DomainError):
        collaboration_transition(collaboration=invitation, to=target, by=invitation.influencer.user)
    invitation.refresh_from_db()
    assert invitation.status == Status.INVITED


def test_outsiders_cannot_touch_a_collaboration(invitation):
    stranger = BrandMemberFactory().user
    with pytest.raises(NotAllowed):
        collaboration_transition(collaboration=invitation, to=Status.WITHDRAWN, by=stranger)


def test_of_two_transitions_from_the_same_state_exactly_one_wins(invitation):
    # Both requests loaded the collaboration while it was still "invited".
    stale_copy = Collaboration.objects.get(pk=invitation.pk)
    collaboration_transition(collaboration=invitation, to=Status.ACCEPTED, by=invitation.influencer.user)
    with pytest.raises(Conflict, match="changed by someone else"):
        collaboration_transition(collaboration=stale_copy, to=Status.DECLINED, by=invitation.influencer.user)
    invitation.refresh_from_db()
    assert invitation.status == Status.ACCEPTED


def test_full_happy_path_of_an_application(brand_member):
    campaign = CampaignFactory(brand=brand_member.brand)
    influencer = InfluencerFactory()
    collaboration = collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user, message="Hi!")
    steps = [
        (Status.ACCEPTED, brand_member.user),
        (Status.CONTENT_SUBMITTED, influencer.user),
        (Status.REVISION_REQUESTED, brand_member.user),
        (Status.CONTENT_SUBMITTED, influencer.user),
        (Status.APPROVED, brand_member.user),
        (Status.COMPLETED, brand_member.user),
    ]
    for target, user in steps:
        collaboration = collaboration_transition(collaboration=collaboration, to=target, by=user)
        assert collaboration.status == target
    assert collaboration.messages.get().body == "Hi!"
    assert AuditEvent.objects.filter(object_id=str(collaboration.pk)).count() == len(steps) + 1


def test_duplicate_invitation_is_refused(invitation, brand_member):
    with pytest.raises(Conflict, match="already part of this campaign"):
        collaboration_invite(campaign=invitation.campaign, influencer=invitation.influencer, by=brand_member.user)


def test_pending_brand_cannot_invite_and_pending_influencer_cannot_be_invited(brand_member):
    campaign = CampaignFactory(brand=brand_member.brand)
    with pytest.raises(DomainError, match="cannot be invited"):
        collaboration_invite(campaign=campaign, influencer=InfluencerFactory(status="pending"), by=brand_member.user)
    brand_member.brand.status = "suspended"
    brand_member.brand.save()
    with pytest.raises(NotAllowed, match="approved by a moderator"):
        collaboration_invite(campaign=campaign, influencer=InfluencerFactory(), by=brand_member.user)
    assert not Collaboration.objects.exists()


def test_applications_only_to_open_public_campaigns():
    influencer = InfluencerFactory()
    invite_only = CampaignFactory(visibility="invite_only")
    with pytest.raises(DomainError, match="not open for applications"):
        collaboration_apply(campaign=invite_only, influencer=influencer, by=influencer.user)
    other = InfluencerFactory()
    with pytest.raises(NotAllowed):
        collaboration_apply(campaign=CampaignFactory(), influencer=influencer, by=other.user)


def test_collaboration_factory_state_is_consistent_with_machine():
    collaboration = CollaborationFactory(status=Status.APPLIED, initiated_by="influencer")
    assert collaboration.next_statuses("brand") == [Status.ACCEPTED, Status.DECLINED]
    assert collaboration.next_statuses("influencer") == [Status.WITHDRAWN]


def test_notifications_link_each_side_to_where_it_acts(invitation, brand_member):
    from influencers.models import Notification

    invited = Notification.objects.get(user=invitation.influencer.user, verb="collaboration.invited")
    assert invited.url == f"/me/collaborations/{invitation.pk}/"
    collaboration_transition(collaboration=invitation, to=Status.ACCEPTED, by=invitation.influencer.user)
    accepted = Notification.objects.get(user=brand_member.user, verb="collaboration.accepted")
    assert accepted.url == f"/brand/campaigns/{invitation.campaign_id}/collaborations/{invitation.pk}/"
