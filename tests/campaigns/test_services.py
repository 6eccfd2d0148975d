"""Campaign and collaboration services: every action by the right party only, legal edges only,
one winner under concurrency, duplicates refused, kind-specific terms validated, audit rows written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import Campaign, Collaboration, CollaborationMessage, Deliverable
from campaigns.services import (
    DisclosureMissing,
    ad_disclosure_find,
    campaign_cancel,
    campaign_close,
    campaign_create,
    campaign_pause,
    campaign_publish,
    campaign_resume,
    campaign_update,
    collaboration_accept,
    collaboration_act,
    collaboration_apply,
    collaboration_complete,
    collaboration_invite,
    collaboration_message_add,
    deliverable_review,
    deliverable_submit,
    giveaway_winners_record,
)
from campaigns.services.deliverables import _deliverables_plan as deliverables_plan
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.models import AuditEvent, Notification
from influencers.taxonomy import ModerationStatus, WorkKind
from tests.factories import (
    BrandFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    DeliverableFactory,
    InfluencerFactory,
    PostFactory,
    SocialAccountFactory,
    StaffFactory,
    niche,
)

pytestmark = pytest.mark.django_db

Status = Collaboration.Status
CampaignStatus = Campaign.Status


def audited(action: str, target) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(target.pk)).exists()


def campaign_fields(kind: str = WorkKind.SPONSORED_POST, **overrides) -> dict:
    today = timezone.localdate()
    fields = {
        "title": "Spring launch",
        "brief": "Show the new trail shoe on a real run.",
        "kind": kind,
        "platforms": ["instagram"],
        "target_age_bands": ["18_24", "25_34"],
        "target_genders": ["female"],
        "target_countries": ["NL", "BE"],
        "target_languages": ["nl"],
        "tiers": ["micro"],
        "currency": "EUR",
        "budget_total": Decimal("5000"),
        "budget_per_creator": Decimal("500"),
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=30),
        "visibility": Campaign.Visibility.PUBLIC,
    }
    terms = {
        WorkKind.SPONSORED_POST: {"posts_count": 2, "formats": ["reel", "story"]},
        WorkKind.REVIEW: {"product_name": "Trail shoe", "product_value": Decimal("120"), "honest_review_clause": True},
        WorkKind.GIVEAWAY: {
            "prize": "Two pairs",
            "prize_value": Decimal("240"),
            "winners_count": 2,
            "entry_end_date": today + dt.timedelta(days=10),
            "winner_announcement_date": today + dt.timedelta(days=12),
        },
        WorkKind.AMBASSADORSHIP: {
            "duration_months": 3,
            "posts_per_month": 2,
            "monthly_fee": Decimal("150"),
            "exclusivity": True,
        },
    }[kind]
    return {**fields, **terms, **overrides}


@pytest.fixture
def member():
    return BrandMemberFactory()


@pytest.fixture
def other_member():
    return BrandMemberFactory()


@pytest.fixture
def campaign(member):
    return CampaignFactory(brand=member.brand)


@pytest.fixture
def influencer():
    return InfluencerFactory()


# --- Campaign create / update ------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(WorkKind.values))
def test_brand_member_creates_a_draft_of_every_kind_with_an_audit_row(member, kind):
    campaign = campaign_create(by=member.user, fields=campaign_fields(kind), niches=[niche("fitness")])
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.brand == member.brand
    assert list(campaign.niches.values_list("slug", flat=True)) == ["fitness"]
    assert audited("campaign.created", campaign)


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        (WorkKind.SPONSORED_POST, "posts_count"),
        (WorkKind.REVIEW, "product_name"),
        (WorkKind.REVIEW, "product_value"),
        (WorkKind.GIVEAWAY, "prize"),
        (WorkKind.GIVEAWAY, "prize_value"),
        (WorkKind.GIVEAWAY, "winners_count"),
        (WorkKind.GIVEAWAY, "entry_end_date"),
        (WorkKind.AMBASSADORSHIP, "duration_months"),
        (WorkKind.AMBASSADORSHIP, "posts_per_month"),
        (WorkKind.AMBASSADORSHIP, "monthly_fee"),
    ],
)
def test_each_kind_requires_its_terms_and_nothing_is_written(member, kind, missing):
    blank = "" if missing in ("product_name", "prize") else None
    with pytest.raises(ValidationError) as error:
        campaign_create(by=member.user, fields=campaign_fields(kind, **{missing: blank}))
    assert missing in error.value.message_dict
    assert not Campaign.objects.exists()


def test_other_kinds_terms_are_dropped_on_save(member):
    fields = campaign_fields(WorkKind.REVIEW, prize="Leftover prize", posts_count=5, monthly_fee=Decimal("99"))
    campaign = campaign_create(by=member.user, fields=fields)
    assert (campaign.prize, campaign.posts_count, campaign.monthly_fee) == ("", None, None)
    assert campaign.product_name == "Trail shoe"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": timezone.localdate() - dt.timedelta(days=1)}, "ends_on"),
        ({"budget_per_creator": Decimal("6000")}, "budget_per_creator"),
        ({"budget_total": Decimal("-1")}, "budget_total"),
        ({"budget_total": Decimal("1000000000")}, "budget_total"),
        ({"min_followers": 50_000, "max_followers": 1_000}, "max_followers"),
        ({"platforms": ["myspace"]}, "platforms"),
        ({"title": "x" * 161}, "title"),
    ],
)
def test_bad_campaign_input_is_refused_on_the_field(member, overrides, field):
    with pytest.raises(ValidationError) as error:
        campaign_create(by=member.user, fields=campaign_fields(**overrides))
    assert field in error.value.message_dict
    assert not Campaign.objects.exists()


def test_giveaway_dates_and_ambassadorship_budget_are_checked(member):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        campaign_create(
            by=member.user,
            fields=campaign_fields(
                WorkKind.GIVEAWAY,
                entry_end_date=today + dt.timedelta(days=10),
                winner_announcement_date=today + dt.timedelta(days=5),
            ),
        )
    assert "winner_announcement_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        campaign_create(by=member.user, fields=campaign_fields(WorkKind.AMBASSADORSHIP, monthly_fee=Decimal("400")))
    assert "monthly_fee" in error.value.message_dict


def test_users_without_a_brand_cannot_create_campaigns(influencer):
    with pytest.raises(NotAllowed):
        campaign_create(by=influencer.user, fields=campaign_fields())


def test_a_suspended_brand_cannot_create_campaigns():
    member = BrandMemberFactory(brand=BrandFactory(status=ModerationStatus.SUSPENDED, status_reason="Fake company"))
    with pytest.raises(NotAllowed, match="Fake company"):
        campaign_create(by=member.user, fields=campaign_fields())


def test_update_by_another_brand_is_refused(campaign, other_member):
    with pytest.raises(NotAllowed):
        campaign_update(campaign=campaign, by=other_member.user, fields={"title": "Hijacked"}, niches=[])
    campaign.refresh_from_db()
    assert campaign.title != "Hijacked"


def test_update_records_changed_fields_and_keeps_the_kind_of_a_published_campaign(campaign, member):
    updated = campaign_update(campaign=campaign, by=member.user, fields={"title": "New title"}, niches=[niche("tech")])
    assert updated.title == "New title"
    event = AuditEvent.objects.get(action="campaign.updated", object_id=str(campaign.pk))
    assert set(event.data["changed"]) == {"title", "niches"}
    with pytest.raises(DomainError, match="kind"):
        campaign_update(
            campaign=updated, by=member.user, fields=campaign_fields(WorkKind.REVIEW), niches=[niche("tech")]
        )


def test_completed_campaigns_are_read_only(member):
    campaign = CampaignFactory(brand=member.brand, status=CampaignStatus.COMPLETED)
    with pytest.raises(DomainError, match="can no longer be edited"):
        campaign_update(campaign=campaign, by=member.user, fields={"title": "Late edit"}, niches=[])


# --- Campaign lifecycle --------------------------------------------------------------------------


def test_publish_pause_resume_close_along_legal_edges_with_audit_rows(member):
    campaign = CampaignFactory(brand=member.brand, status=CampaignStatus.DRAFT)
    campaign = campaign_publish(campaign=campaign, by=member.user)
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.published_at is not None
    campaign = campaign_pause(campaign=campaign, by=member.user)
    assert campaign.status == CampaignStatus.PAUSED
    campaign = campaign_resume(campaign=campaign, by=member.user)
    assert campaign.status == CampaignStatus.OPEN
    campaign = campaign_close(campaign=campaign, by=member.user)
    assert campaign.status == CampaignStatus.COMPLETED
    for action in ("publish", "pause", "resume", "close"):
        assert audited(f"campaign.{action}", campaign)


def test_publishing_requests_matches(member, monkeypatch):
    calls = []
    monkeypatch.setattr("campaigns.services.campaigns.campaign_matches_request", lambda **kw: calls.append(kw))
    campaign = CampaignFactory(brand=member.brand, status=CampaignStatus.DRAFT)
    campaign_publish(campaign=campaign, by=member.user)
    assert calls == [{"campaign": campaign, "by": member.user}]


@pytest.mark.parametrize(
    ("status", "service"),
    [
        (CampaignStatus.OPEN, campaign_publish),
        (CampaignStatus.DRAFT, campaign_pause),
        (CampaignStatus.OPEN, campaign_resume),
        (CampaignStatus.DRAFT, campaign_close),
        (CampaignStatus.COMPLETED, campaign_cancel),
        (CampaignStatus.CANCELLED, campaign_publish),
    ],
)
def test_illegal_campaign_edges_are_refused(member, status, service):
    campaign = CampaignFactory(brand=member.brand, status=status)
    with pytest.raises(DomainError):
        service(campaign=campaign, by=member.user)
    campaign.refresh_from_db()
    assert campaign.status == status


@pytest.mark.parametrize("service", [campaign_publish, campaign_pause, campaign_close, campaign_cancel])
def test_campaign_actions_by_another_brand_are_refused(other_member, service):
    campaign = CampaignFactory(status=CampaignStatus.OPEN)
    with pytest.raises(NotAllowed):
        service(campaign=campaign, by=other_member.user)


@pytest.mark.parametrize("status", [ModerationStatus.PENDING, ModerationStatus.SUSPENDED])
def test_a_brand_not_approved_cannot_publish(status):
    member = BrandMemberFactory(brand=BrandFactory(status=status))
    campaign = CampaignFactory(brand=member.brand, status=CampaignStatus.DRAFT)
    with pytest.raises(NotAllowed, match="approved"):
        campaign_publish(campaign=campaign, by=member.user)


def test_a_campaign_ending_in_the_past_cannot_be_published(member):
    past = timezone.localdate() - dt.timedelta(days=10)
    campaign = CampaignFactory(
        brand=member.brand, status=CampaignStatus.DRAFT, starts_on=past - dt.timedelta(days=5), ends_on=past
    )
    with pytest.raises(DomainError, match="past"):
        campaign_publish(campaign=campaign, by=member.user)


def test_concurrent_campaign_actions_one_wins(campaign, member):
    stale_copy = Campaign.objects.get(pk=campaign.pk)
    campaign_pause(campaign=campaign, by=member.user)
    with pytest.raises(Conflict, match="just changed"):
        campaign_close(campaign=stale_copy, by=member.user)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED


def test_close_refuses_while_work_is_in_progress(campaign, member):
    CollaborationFactory(campaign=campaign, status=Status.ACCEPTED)
    with pytest.raises(DomainError, match="work in progress"):
        campaign_close(campaign=campaign, by=member.user)


def test_close_answers_open_invitations_and_applications(campaign, member):
    invited = CollaborationFactory(campaign=campaign, status=Status.INVITED)
    applied = CollaborationFactory(
        campaign=campaign, status=Status.APPLIED, initiated_by=Collaboration.Party.INFLUENCER
    )
    campaign_close(campaign=campaign, by=member.user)
    invited.refresh_from_db()
    applied.refresh_from_db()
    assert (invited.status, applied.status) == (Status.WITHDRAWN, Status.DECLINED)


def test_cancel_winds_down_everything_and_tells_creators(campaign, member):
    working = CollaborationFactory(campaign=campaign, status=Status.ACCEPTED)
    invited = CollaborationFactory(campaign=campaign, status=Status.INVITED)
    campaign_cancel(campaign=campaign, by=member.user, reason="Product recall")
    working.refresh_from_db()
    invited.refresh_from_db()
    assert (working.status, invited.status) == (Status.CANCELLED, Status.WITHDRAWN)
    assert CollaborationMessage.objects.filter(collaboration=working, body="Product recall").exists()
    assert Notification.objects.filter(user=working.influencer.user, verb="collaboration.cancelled").exists()


def test_cancel_refuses_when_content_awaits_review(campaign, member):
    CollaborationFactory(campaign=campaign, status=Status.CONTENT_SUBMITTED)
    with pytest.raises(DomainError, match="review"):
        campaign_cancel(campaign=campaign, by=member.user)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


# --- Invitations and applications ----------------------------------------------------------------


def test_duplicate_invitation_and_application_are_refused(campaign, member, influencer):
    collaboration_invite(campaign=campaign, influencer=influencer, by=member.user)
    with pytest.raises(Conflict, match="already part"):
        collaboration_invite(campaign=campaign, influencer=influencer, by=member.user)
    with pytest.raises(Conflict):
        collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user)
    assert Collaboration.objects.filter(campaign=campaign, influencer=influencer).count() == 1


@pytest.mark.parametrize("status", [ModerationStatus.PENDING, ModerationStatus.SUSPENDED])
def test_a_brand_not_approved_cannot_invite(status, influencer):
    member = BrandMemberFactory(brand=BrandFactory(status=status))
    campaign = CampaignFactory(brand=member.brand)
    with pytest.raises(NotAllowed):
        collaboration_invite(campaign=campaign, influencer=influencer, by=member.user)


@pytest.mark.parametrize("status", [ModerationStatus.PENDING, ModerationStatus.SUSPENDED])
def test_hidden_creators_cannot_be_invited_nor_apply(campaign, member, status):
    hidden = InfluencerFactory(status=status)
    with pytest.raises(DomainError):
        collaboration_invite(campaign=campaign, influencer=hidden, by=member.user)
    with pytest.raises(DomainError):
        collaboration_apply(campaign=campaign, influencer=hidden, by=hidden.user)
    assert not Collaboration.objects.exists()


def test_applications_to_invite_only_or_draft_campaigns_are_refused(member, influencer):
    for campaign in (
        CampaignFactory(brand=member.brand, visibility=Campaign.Visibility.INVITE_ONLY),
        CampaignFactory(brand=member.brand, status=CampaignStatus.DRAFT),
        CampaignFactory(brand=member.brand, status=CampaignStatus.PAUSED),
    ):
        with pytest.raises(DomainError, match="not open"):
            collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user)


def test_applying_with_someone_elses_profile_is_refused(campaign, influencer):
    with pytest.raises(NotAllowed):
        collaboration_apply(campaign=campaign, influencer=influencer, by=InfluencerFactory().user)


@pytest.mark.parametrize("fee", [Decimal("-1"), Decimal("100000001")])
def test_absurd_fees_are_refused(campaign, influencer, fee):
    with pytest.raises(DomainError, match="fee"):
        collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user, proposed_fee=fee)
    assert not Collaboration.objects.exists()


def test_application_notifies_and_emails_every_brand_member(
    campaign, member, influencer, django_capture_on_commit_callbacks
):
    teammate = BrandMemberFactory(brand=member.brand, role="member")
    with django_capture_on_commit_callbacks(execute=True):
        collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user, message="I run trails")
    assert Notification.objects.filter(verb="collaboration.applied", user__in=[member.user, teammate.user]).count() == 2
    assert {m.to[0] for m in mail.outbox} == {member.user.email, teammate.user.email}


# --- Accept, decline, withdraw, cancel, complete ------------------------------------------------


@pytest.fixture
def application(campaign, influencer):
    return collaboration_apply(
        campaign=campaign, influencer=influencer, by=influencer.user, proposed_fee=Decimal("400")
    )


def test_brand_accepts_an_application_with_a_fee_and_deliverables_are_planned(application, member):
    accepted = collaboration_accept(collaboration=application, by=member.user, agreed_fee=Decimal("450"))
    assert accepted.status == Status.ACCEPTED
    assert accepted.agreed_fee == Decimal("450")
    assert list(accepted.deliverables.values_list("title", flat=True)) == ["Post 1 of 2", "Post 2 of 2"]
    assert Notification.objects.filter(user=application.influencer.user, verb="collaboration.accepted").exists()
    assert audited("collaboration.accepted", accepted)


def test_creator_accepting_an_invitation_cannot_set_the_fee(campaign, member, influencer):
    invitation = collaboration_invite(
        campaign=campaign, influencer=influencer, by=member.user, proposed_fee=Decimal("300")
    )
    with pytest.raises(NotAllowed, match="brand sets"):
        collaboration_accept(collaboration=invitation, by=influencer.user, agreed_fee=Decimal("9000"))
    accepted = collaboration_accept(collaboration=invitation, by=influencer.user)
    assert accepted.agreed_fee == Decimal("300")


def test_the_applicant_cannot_accept_their_own_application(application):
    with pytest.raises(NotAllowed):
        collaboration_act(collaboration=application, action="accept", by=application.influencer.user)


@pytest.mark.parametrize(
    ("initiated", "action", "party", "result"),
    [
        ("invite", "decline", "influencer", Status.DECLINED),
        ("invite", "withdraw", "brand", Status.WITHDRAWN),
        ("apply", "decline", "brand", Status.DECLINED),
        ("apply", "withdraw", "influencer", Status.WITHDRAWN),
    ],
)
def test_answers_by_the_right_party(campaign, member, influencer, initiated, action, party, result):
    if initiated == "invite":
        collaboration = collaboration_invite(campaign=campaign, influencer=influencer, by=member.user)
    else:
        collaboration = collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user)
    right = member.user if party == "brand" else influencer.user
    wrong = influencer.user if party == "brand" else member.user
    with pytest.raises(NotAllowed):
        collaboration_act(collaboration=collaboration, action=action, by=wrong)
    done = collaboration_act(collaboration=collaboration, action=action, by=right, message="Not this time")
    assert done.status == result
    assert audited(f"collaboration.{result}", done)


def test_outsiders_cannot_act_on_a_collaboration(application, other_member):
    for user in (other_member.user, InfluencerFactory().user, StaffFactory()):
        with pytest.raises(NotAllowed):
            collaboration_act(collaboration=application, action="decline", by=user)


def test_concurrent_answers_exactly_one_wins(application, member):
    teammate = BrandMemberFactory(brand=member.brand, role="member")
    first_view = Collaboration.objects.get(pk=application.pk)
    second_view = Collaboration.objects.get(pk=application.pk)
    collaboration_act(collaboration=first_view, action="accept", by=member.user)
    with pytest.raises(Conflict, match="just changed by someone else"):
        collaboration_act(collaboration=second_view, action="decline", by=teammate.user)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_either_side_cancels_accepted_work(application, member):
    accepted = collaboration_accept(collaboration=application, by=member.user)
    cancelled = collaboration_act(collaboration=accepted, action="cancel", by=application.influencer.user)
    assert cancelled.status == Status.CANCELLED


def test_unknown_action_and_over_long_message_are_refused(application, member):
    with pytest.raises(DomainError, match="Unknown"):
        collaboration_act(collaboration=application, action="teleport", by=member.user)
    with pytest.raises(DomainError, match="4,000"):
        collaboration_act(collaboration=application, action="decline", by=member.user, message="x" * 4001)


def test_messages_reach_the_other_side_only_from_parties(application, member, other_member):
    collaboration_message_add(collaboration=application, by=member.user, body="<b>Hi</b> there")
    assert CollaborationMessage.objects.filter(body="<b>Hi</b> there").exists()
    assert Notification.objects.filter(user=application.influencer.user, verb="collaboration.message").exists()
    with pytest.raises(NotAllowed):
        collaboration_message_add(collaboration=application, by=other_member.user, body="Hello")
    with pytest.raises(DomainError):
        collaboration_message_add(collaboration=application, by=member.user, body="   ")


# --- Deliverables ------------------------------------------------------------------------------


@pytest.fixture
def accepted(application, member):
    return collaboration_accept(collaboration=application, by=member.user)


def test_disclosure_markers_are_whole_words_and_links_are_decoded():
    assert ad_disclosure_find("New shoes! #ad") == "#ad"
    assert ad_disclosure_find("Mijn #Advertentie voor X") == "#advertentie"
    assert ad_disclosure_find("Paid partnership with Acme") == "paid partnership"
    assert ad_disclosure_find("https://example.com/p/1?caption=%23ad") == "#ad"
    assert ad_disclosure_find("#adventure time", "https://insta.com/#address") == ""


def test_submitting_without_disclosure_needs_explicit_confirmation(accepted):
    user = accepted.influencer.user
    with pytest.raises(DisclosureMissing):
        deliverable_submit(collaboration=accepted, by=user, url="https://instagram.com/p/1", draft_text="New shoes!")
    assert not Deliverable.objects.filter(status=Deliverable.Status.SUBMITTED).exists()
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED
    deliverable = deliverable_submit(
        collaboration=accepted,
        by=user,
        url="https://instagram.com/p/1",
        draft_text="New shoes!",
        confirm_without_disclosure=True,
    )
    assert (deliverable.status, deliverable.has_ad_disclosure, deliverable.disclosure_found) == ("submitted", False, "")
    accepted.refresh_from_db()
    assert accepted.status == Status.CONTENT_SUBMITTED


def test_submission_with_disclosure_stores_the_marker_and_notifies_the_brand(accepted, member):
    deliverable = deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://instagram.com/p/2", draft_text="Run! #ad"
    )
    assert (deliverable.has_ad_disclosure, deliverable.disclosure_found) == (True, "#ad")
    assert audited("deliverable.submitted", deliverable)
    assert Notification.objects.filter(user=member.user, verb="collaboration.content_submitted").exists()


@pytest.mark.parametrize(
    ("url", "text", "field"),
    [
        ("", "#ad", "submitted_url"),
        ("javascript:alert(1)", "#ad", "submitted_url"),
        ("https://x.com/" + "a" * 500, "#ad", "submitted_url"),
        ("https://x.com/p", "#ad " + "a" * 5000, "draft_text"),
    ],
)
def test_bad_submissions_are_refused_on_the_field(accepted, url, text, field):
    with pytest.raises(DomainError) as error:
        deliverable_submit(collaboration=accepted, by=accepted.influencer.user, url=url, draft_text=text)
    assert error.value.field == field
    assert not Deliverable.objects.filter(status=Deliverable.Status.SUBMITTED).exists()


def test_only_the_creator_submits_and_only_once_accepted(application, member):
    with pytest.raises(DomainError, match="accepted"):
        deliverable_submit(
            collaboration=application, by=application.influencer.user, url="https://x.com/p", draft_text="#ad"
        )
    accepted = collaboration_accept(collaboration=application, by=member.user)
    with pytest.raises(NotAllowed):
        deliverable_submit(collaboration=accepted, by=member.user, url="https://x.com/p", draft_text="#ad")


def test_submission_links_an_imported_post_at_the_same_url(accepted):
    account = SocialAccountFactory(influencer=accepted.influencer)
    post = PostFactory(account=account, url="https://www.instagram.com/p/abc/")
    deliverable = deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://www.instagram.com/p/abc/", draft_text="#ad"
    )
    assert deliverable.post == post


def test_review_approve_and_revise_move_the_collaboration(accepted, member):
    user = accepted.influencer.user
    first = deliverable_submit(collaboration=accepted, by=user, url="https://x.com/p/1", draft_text="#ad")
    with pytest.raises(DomainError, match="Say what"):
        deliverable_review(deliverable=first, by=member.user, approve=False, comment="")
    deliverable_review(deliverable=first, by=member.user, approve=False, comment="Show the logo")
    accepted.refresh_from_db()
    assert accepted.status == Status.REVISION_REQUESTED
    assert Notification.objects.filter(user=user, verb="collaboration.revision_requested").exists()
    assert CollaborationMessage.objects.filter(collaboration=accepted, body="Show the logo").exists()
    resubmitted = deliverable_submit(collaboration=accepted, by=user, url="https://x.com/p/1b", draft_text="#ad")
    assert resubmitted.pk == first.pk
    deliverable_review(deliverable=resubmitted, by=member.user, approve=True)
    second = deliverable_submit(collaboration=accepted, by=user, url="https://x.com/p/2", draft_text="#ad")
    deliverable_review(deliverable=second, by=member.user, approve=True)
    accepted.refresh_from_db()
    assert accepted.status == Status.APPROVED
    assert audited("deliverable.approved", second)
    done = collaboration_complete(collaboration=accepted, by=member.user)
    assert done.status == Status.COMPLETED


def test_only_the_brand_reviews_and_one_review_wins(accepted, member):
    deliverable = deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://x.com/p", draft_text="#ad"
    )
    with pytest.raises(NotAllowed):
        deliverable_review(deliverable=deliverable, by=accepted.influencer.user, approve=True)
    stale = Deliverable.objects.get(pk=deliverable.pk)
    deliverable_review(deliverable=deliverable, by=member.user, approve=True)
    with pytest.raises(Conflict):
        deliverable_review(deliverable=stale, by=member.user, approve=False, comment="Too late")
    deliverable.refresh_from_db()
    assert deliverable.status == Deliverable.Status.APPROVED


def test_complete_refuses_while_deliverables_are_open(accepted, member):
    deliverable = deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://x.com/p", draft_text="#ad"
    )
    deliverable_review(deliverable=deliverable, by=member.user, approve=True)
    accepted.refresh_from_db()
    assert accepted.status == Status.APPROVED
    with pytest.raises(DomainError, match="not approved yet"):
        collaboration_complete(collaboration=accepted, by=member.user)
    with pytest.raises(NotAllowed):
        collaboration_complete(collaboration=accepted, by=accepted.influencer.user)


def test_ambassadorship_plans_posts_per_month_once(member):
    campaign = CampaignFactory(
        brand=member.brand, ambassadorship=True, starts_on=dt.date(2030, 11, 15), ends_on=dt.date(2031, 3, 1)
    )
    influencer = InfluencerFactory()
    application = collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user)
    accepted = collaboration_accept(collaboration=application, by=member.user)
    periods = list(accepted.deliverables.order_by("period", "pk").values_list("period", "due_date"))
    assert len(periods) == 6
    assert {p for p, _ in periods} == {dt.date(2030, 11, 1), dt.date(2030, 12, 1), dt.date(2031, 1, 1)}
    assert (dt.date(2030, 12, 1), dt.date(2030, 12, 31)) in periods
    assert deliverables_plan(collaboration=accepted) == 0


def test_a_second_deliverable_submitted_while_one_awaits_review_keeps_the_status(accepted, member):
    user = accepted.influencer.user
    deliverable_submit(collaboration=accepted, by=user, url="https://x.com/p/1", draft_text="#ad")
    deliverable_submit(collaboration=accepted, by=user, url="https://x.com/p/2", draft_text="#ad")
    accepted.refresh_from_db()
    assert accepted.status == Status.CONTENT_SUBMITTED
    assert Notification.objects.filter(user=member.user, verb="deliverable.submitted").exists()
    with pytest.raises(DomainError, match="Every planned deliverable"):
        deliverable_submit(collaboration=accepted, by=user, url="https://x.com/p/3", draft_text="#ad")


# --- Giveaways -------------------------------------------------------------------------------------


def test_giveaway_winners_are_recorded_after_entries_close(member):
    campaign = CampaignFactory(
        brand=member.brand, giveaway=True, entry_end_date=timezone.localdate() + dt.timedelta(days=3)
    )
    working = CollaborationFactory(campaign=campaign, status=Status.APPROVED)
    with pytest.raises(DomainError, match="Entries close"):
        giveaway_winners_record(campaign=campaign, by=member.user, announced_in=[working])
    Campaign.objects.filter(pk=campaign.pk).update(entry_end_date=timezone.localdate() - dt.timedelta(days=1))
    campaign.refresh_from_db()
    campaign = giveaway_winners_record(campaign=campaign, by=member.user, announced_in=[working])
    working.refresh_from_db()
    assert campaign.winners_announced_at is not None
    assert working.is_giveaway_winner_announced
    assert audited("campaign.winners_announced", campaign)


def test_winners_only_for_giveaways_and_only_by_the_brand(campaign, member, other_member):
    with pytest.raises(DomainError, match="Only giveaways"):
        giveaway_winners_record(campaign=campaign, by=member.user)
    giveaway = CampaignFactory(brand=member.brand, giveaway=True)
    with pytest.raises(NotAllowed):
        giveaway_winners_record(campaign=giveaway, by=other_member.user)


def test_deliverables_of_other_collaborations_are_refused(accepted, campaign):
    other = DeliverableFactory(collaboration=CollaborationFactory(campaign=campaign, status=Status.ACCEPTED))
    with pytest.raises(NotAllowed):
        deliverable_submit(
            collaboration=accepted,
            by=accepted.influencer.user,
            url="https://x.com/p",
            draft_text="#ad",
            deliverable=other,
        )


# --- Real concurrency (PostgreSQL row locks) ------------------------------------------------------


def _race(calls: list) -> list[str]:
    """Run the calls in threads released at the same moment; each result is "ok" or the error's class."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call) -> None:
        try:
            barrier.wait()
            call()
            results.append("ok")
        except DomainError as error:
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_teammates_answering_one_application_at_once_one_wins():
    member = BrandMemberFactory()
    teammate = BrandMemberFactory(brand=member.brand, role="member")
    influencer = InfluencerFactory()
    application = collaboration_apply(
        campaign=CampaignFactory(brand=member.brand), influencer=influencer, by=influencer.user
    )
    first, second = (Collaboration.objects.get(pk=application.pk) for _ in range(2))
    results = _race(
        [
            lambda: collaboration_act(collaboration=first, action="accept", by=member.user),
            lambda: collaboration_act(collaboration=second, action="decline", by=teammate.user),
        ]
    )
    assert results == ["Conflict", "ok"]
    application.refresh_from_db()
    assert application.status in (Status.ACCEPTED, Status.DECLINED)
    assert (
        AuditEvent.objects.filter(
            object_id=str(application.pk), action__in=["collaboration.accepted", "collaboration.declined"]
        ).count()
        == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviews_of_one_deliverable_at_once_one_wins():
    member = BrandMemberFactory()
    influencer = InfluencerFactory()
    application = collaboration_apply(
        campaign=CampaignFactory(brand=member.brand, review=True), influencer=influencer, by=influencer.user
    )
    accepted = collaboration_accept(collaboration=application, by=member.user)
    deliverable = deliverable_submit(
        collaboration=accepted, by=influencer.user, url="https://x.com/p", draft_text="#ad"
    )
    first, second = (Deliverable.objects.get(pk=deliverable.pk) for _ in range(2))
    results = _race(
        [
            lambda: deliverable_review(deliverable=first, by=member.user, approve=True),
            lambda: deliverable_review(deliverable=second, by=member.user, approve=False, comment="Redo"),
        ]
    )
    assert results == ["Conflict", "ok"]
    accepted.refresh_from_db()
    assert accepted.status in (Status.APPROVED, Status.REVISION_REQUESTED)


@pytest.mark.parametrize("stopped", [ModerationStatus.SUSPENDED, ModerationStatus.REJECTED])
def test_a_brand_stopped_by_moderation_stops_accepting_creators(client, stopped):
    # Its open campaigns leave the creators' opportunities and refuse applications (page, API, service);
    # collaborations already running stay reachable for the creator.
    creator = InfluencerFactory(niches=["fashion"])
    campaign = CampaignFactory()
    campaign.niches.set([niche("fashion")])
    running = CampaignFactory(brand=campaign.brand)
    CollaborationFactory(campaign=running, influencer=creator)
    assert campaign in Campaign.objects.open()
    client.force_login(creator.user)

    def offered() -> list[int]:
        body = client.get("/api/v1/me/opportunities/").json()
        return [item["id"] for group in body.values() if isinstance(group, list) for item in group]

    assert campaign.pk in offered()
    campaign.brand.status = stopped
    campaign.brand.save(update_fields=["status"])
    campaign.refresh_from_db()

    assert campaign not in Campaign.objects.open()
    assert not campaign.is_open
    with pytest.raises(DomainError):
        collaboration_apply(campaign=campaign, influencer=creator, by=creator.user, message="Hi")
    assert client.get(f"/me/opportunities/{campaign.pk}/").status_code == 404
    assert client.post(f"/me/opportunities/{campaign.pk}/", {"message": "Hi"}).status_code == 404
    assert client.get(f"/me/opportunities/{running.pk}/").status_code == 200
    assert campaign.pk not in offered()
    assert not Collaboration.objects.filter(campaign=campaign).exists()
