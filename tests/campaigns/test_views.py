"""The brand's campaign pages: list, create/edit of the four kinds, lifecycle buttons, the
applications inbox, deliverable review, giveaway winners, ambassadorship months and the report."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Collaboration, Deliverable
from campaigns.services import collaboration_accept, collaboration_apply, deliverable_submit
from influencers.models import AuditEvent
from influencers.taxonomy import ModerationStatus
from tests.factories import (
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    MatchFactory,
    PostFactory,
    SocialAccountFactory,
    niche,
)

pytestmark = pytest.mark.django_db
Status = Collaboration.Status


@pytest.fixture
def member():
    return BrandMemberFactory()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(kind: str = "sponsored_post", **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Spring launch",
        "brief": "Show the shoe on a real run.",
        "kind": kind,
        "posts_count": "2",
        "formats": ["reel"],
        "product_name": "",
        "product_value": "",
        "prize": "",
        "prize_value": "",
        "winners_count": "",
        "entry_end_date": "",
        "winner_announcement_date": "",
        "duration_months": "",
        "posts_per_month": "",
        "monthly_fee": "",
        "niches": [niche("fitness").pk],
        "platforms": ["instagram"],
        "target_age_bands": ["18_24"],
        "target_genders": ["female"],
        "target_countries": ["NL"],
        "target_languages": ["nl"],
        "min_followers": "1000",
        "max_followers": "100000",
        "tiers": [],
        "currency": "EUR",
        "budget_total": "5000",
        "budget_per_creator": "500",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "visibility": "public",
    }
    kind_terms = {
        "review": {"product_name": "Trail shoe", "product_value": "120", "honest_review_clause": "on"},
        "giveaway": {
            "prize": "Two pairs",
            "prize_value": "240",
            "winners_count": "2",
            "entry_end_date": (today + dt.timedelta(days=10)).isoformat(),
            "winner_announcement_date": (today + dt.timedelta(days=12)).isoformat(),
        },
        "ambassadorship": {"duration_months": "3", "posts_per_month": "2", "monthly_fee": "150", "exclusivity": "on"},
    }.get(kind, {})
    return {**data, **kind_terms, **overrides}


# --- List ------------------------------------------------------------------------------------------


def test_campaign_list_shows_only_my_brand_with_attention_counts(brand_client, member):
    mine = CampaignFactory(brand=member.brand, title="Mine")
    CollaborationFactory(campaign=mine, status=Status.APPLIED, initiated_by="influencer")
    CampaignFactory(title="Someone else's")
    response = brand_client.get(reverse("campaigns:list"))
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [c.title for c in rows] == ["Mine"]
    assert rows[0].applications_waiting == 1


def test_campaign_list_filters_by_status(brand_client, member):
    CampaignFactory(brand=member.brand, title="Draft one", status=Campaign.Status.DRAFT)
    CampaignFactory(brand=member.brand, title="Open one")
    response = brand_client.get(reverse("campaigns:list") + "?status=draft")
    assert [c.title for c in response.context["page"].object_list] == ["Draft one"]


def test_campaign_list_runs_a_fixed_number_of_queries(brand_client, member, django_assert_num_queries):
    for count in (1, 20):
        Campaign.objects.all().delete()
        for _ in range(count):
            campaign = CampaignFactory(brand=member.brand)
            CollaborationFactory(campaign=campaign, status=Status.APPLIED)
        # session, user, membership+brand, nav, count, page with the three annotated counts
        with django_assert_num_queries(6):
            assert brand_client.get(reverse("campaigns:list")).status_code == 200


def test_brand_dashboard_shows_the_campaign_work_waiting(brand_client, member):
    """The dashboard lives in brands/ and gets its campaign panel from this app (no brands -> campaigns import)."""
    mine = CampaignFactory(brand=member.brand, title="Spring drop")
    CollaborationFactory(campaign=mine, status=Status.APPLIED, initiated_by="influencer")
    CampaignFactory(title="Someone else's")
    response = brand_client.get(reverse("brand:dashboard"))
    assert response.status_code == 200
    assert response.context["attention"] == {"applications": 1, "to_review": 0, "to_complete": 0}
    assert [c.title for c in response.context["recent_campaigns"]] == ["Spring drop"]
    assert "Spring drop" in response.content.decode()


# --- Create and edit ---------------------------------------------------------------------------------


def test_create_form_shows_every_kinds_terms_grouped(brand_client):
    response = brand_client.get(reverse("campaigns:create"))
    text = response.content.decode()
    for kind in ("sponsored_post", "review", "giveaway", "ambassadorship"):
        assert f'data-kind="{kind}"' in text
    assert "js/campaign_form.js" in text


@pytest.mark.parametrize("kind", ["sponsored_post", "review", "giveaway", "ambassadorship"])
def test_create_a_draft_of_each_kind(brand_client, member, kind):
    response = brand_client.post(reverse("campaigns:create"), form_data(kind))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert (campaign.kind, campaign.status, campaign.brand) == (kind, Campaign.Status.DRAFT, member.brand)
    assert campaign.platforms == ["instagram"]
    assert list(campaign.niches.all()) == [niche("fitness")]


def test_without_javascript_other_kinds_mistakes_do_not_block_saving(brand_client):
    data = form_data("review", posts_count="-3", winners_count="abc", monthly_fee="-1")
    response = brand_client.post(reverse("campaigns:create"), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.posts_count, campaign.winners_count, campaign.monthly_fee) == (None, None, None)


@pytest.mark.parametrize(
    ("kind", "overrides", "field"),
    [
        ("sponsored_post", {"ends_on": "2020-01-01"}, "ends_on"),
        ("sponsored_post", {"budget_total": "-100"}, "budget_total"),
        ("sponsored_post", {"budget_per_creator": "9000"}, "budget_per_creator"),
        ("sponsored_post", {"budget_total": "999999999999"}, "budget_total"),
        ("sponsored_post", {"posts_count": ""}, "posts_count"),
        ("sponsored_post", {"min_followers": "5000", "max_followers": "10"}, "max_followers"),
        ("sponsored_post", {"title": "x" * 161}, "title"),
        ("sponsored_post", {"brief": "x" * 10_001}, "brief"),
        ("sponsored_post", {"platforms": ["myspace"]}, "platforms"),
        ("review", {"product_name": ""}, "product_name"),
        ("review", {"product_value": "-5"}, "product_value"),
        ("giveaway", {"prize_value": ""}, "prize_value"),
        ("giveaway", {"winner_announcement_date": "2020-01-01"}, "winner_announcement_date"),
        ("ambassadorship", {"monthly_fee": "400"}, "monthly_fee"),
        ("ambassadorship", {"duration_months": "99"}, "duration_months"),
    ],
)
def test_bad_campaign_input_shows_the_error_at_the_field_and_writes_nothing(brand_client, kind, overrides, field):
    response = brand_client.post(reverse("campaigns:create"), form_data(kind, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_html_in_the_brief_is_stored_as_text_and_rendered_escaped(brand_client):
    brand_client.post(reverse("campaigns:create"), form_data(brief="<script>alert('x')</script>"))
    campaign = Campaign.objects.get()
    assert campaign.brief == "<script>alert('x')</script>"
    page = brand_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.content


def test_edit_a_draft_and_the_kind_is_locked_once_published(brand_client, member):
    draft = CampaignFactory(brand=member.brand, status=Campaign.Status.DRAFT)
    response = brand_client.post(reverse("campaigns:edit", args=[draft.pk]), form_data("review", title="Now a review"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.kind, draft.title, draft.posts_count) == ("review", "Now a review", None)
    published = CampaignFactory(brand=member.brand)
    page = brand_client.get(reverse("campaigns:edit", args=[published.pk]))
    assert page.context["form"].fields["kind"].disabled
    brand_client.post(reverse("campaigns:edit", args=[published.pk]), form_data("review", title="Sneaky"))
    published.refresh_from_db()
    assert published.kind == "sponsored_post"
    assert published.title == "Sneaky"


def test_completed_campaigns_cannot_be_edited(brand_client, member):
    done = CampaignFactory(brand=member.brand, status=Campaign.Status.COMPLETED)
    response = brand_client.get(reverse("campaigns:edit", args=[done.pk]))
    assert response.status_code == 302
    assert "no longer be edited" in messages_of(response)[0]


# --- Lifecycle buttons ------------------------------------------------------------------------------


def test_publish_pause_resume_close_buttons(brand_client, member):
    campaign = CampaignFactory(brand=member.brand, status=Campaign.Status.DRAFT)
    detail = brand_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert detail.context["actions"] == ["publish", "cancel"]
    for action, status in (("publish", "open"), ("pause", "paused"), ("resume", "open"), ("close", "completed")):
        response = brand_client.post(reverse("campaigns:action", args=[campaign.pk, action]))
        assert response.status_code == 302
        campaign.refresh_from_db()
        assert campaign.status == status


def test_illegal_or_refused_actions_show_a_message(brand_client, member):
    campaign = CampaignFactory(brand=member.brand, status=Campaign.Status.COMPLETED)
    response = brand_client.post(reverse("campaigns:action", args=[campaign.pk, "publish"]))
    assert "cannot be published" in messages_of(response)[0]
    assert brand_client.post(reverse("campaigns:action", args=[campaign.pk, "explode"])).status_code == 404


def test_a_pending_brand_is_told_it_cannot_publish(client):
    pending = BrandMemberFactory(brand__status=ModerationStatus.PENDING)
    client.force_login(pending.user)
    campaign = CampaignFactory(brand=pending.brand, status=Campaign.Status.DRAFT)
    response = client.post(reverse("campaigns:action", args=[campaign.pk, "publish"]))
    assert "approved by a moderator" in messages_of(response)[0]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_cancel_with_a_reason(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    invited = CollaborationFactory(campaign=campaign)
    brand_client.post(reverse("campaigns:action", args=[campaign.pk, "cancel"]), {"reason": "Budget cut"})
    campaign.refresh_from_db()
    invited.refresh_from_db()
    assert (campaign.status, invited.status) == ("cancelled", "withdrawn")
    assert AuditEvent.objects.get(action="campaign.cancel").reason == "Budget cut"


# --- Applications inbox -----------------------------------------------------------------------------


def apply(campaign, **kwargs) -> Collaboration:
    influencer = kwargs.pop("influencer", None) or InfluencerFactory()
    return collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user, **kwargs)


def test_inbox_lists_applications_with_message_and_fee(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    application = apply(campaign, message="I run <b>trails</b>", proposed_fee=Decimal("400"))
    response = brand_client.get(reverse("campaigns:applications", args=[campaign.pk]))
    text = response.content.decode().replace("\xa0", " ")
    assert f"@{application.influencer.handle}" in text
    assert "I run &lt;b&gt;trails&lt;/b&gt;" in text
    assert "EUR 400" in text


def test_applications_of_creators_suspended_since_are_hidden(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    application = apply(campaign)
    application.influencer.status = ModerationStatus.SUSPENDED
    application.influencer.save()
    response = brand_client.get(reverse("campaigns:applications", args=[campaign.pk]))
    assert list(response.context["page"].object_list) == []


def test_accept_from_the_inbox_with_htmx_swaps_the_row(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    application = apply(campaign, proposed_fee=Decimal("400"))
    response = brand_client.post(
        reverse("campaigns:collaboration_action", args=[campaign.pk, application.pk, "accept"]),
        {"message": "Welcome!", "agreed_fee": "420"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="application-{application.pk}"'.encode() in response.content
    assert b"Accepted" in response.content
    application.refresh_from_db()
    assert (application.status, application.agreed_fee) == (Status.ACCEPTED, Decimal("420"))


def test_decline_without_javascript_redirects_back_to_the_inbox(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    application = apply(campaign)
    inbox = reverse("campaigns:applications", args=[campaign.pk])
    response = brand_client.post(
        reverse("campaigns:collaboration_action", args=[campaign.pk, application.pk, "decline"]),
        {"message": "Not this time", "next": inbox},
    )
    assert response.url == inbox
    application.refresh_from_db()
    assert application.status == Status.DECLINED


def test_negative_agreed_fee_is_refused(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    application = apply(campaign)
    response = brand_client.post(
        reverse("campaigns:collaboration_action", args=[campaign.pk, application.pk, "accept"]),
        {"agreed_fee": "-10"},
        HTTP_HX_REQUEST="true",
    )
    assert b"greater than or equal to 0" in response.content
    application.refresh_from_db()
    assert application.status == Status.APPLIED


def test_second_answer_to_the_same_application_gets_a_clear_message(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    application = apply(campaign)
    url = reverse("campaigns:collaboration_action", args=[campaign.pk, application.pk, "accept"])
    brand_client.post(url, {})
    response = brand_client.post(
        reverse("campaigns:collaboration_action", args=[campaign.pk, application.pk, "decline"]), {}
    )
    assert "cannot become declined" in messages_of(response)[-1]
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_applications_inbox_runs_a_fixed_number_of_queries(brand_client, member, django_assert_num_queries):
    campaign = CampaignFactory(brand=member.brand)
    for count in (1, 15):
        Collaboration.objects.all().delete()
        for _ in range(count):
            apply(campaign, message="Hello", proposed_fee=Decimal("100"))
        # session, user, membership, campaign, nav, count, page (+match score), messages prefetch
        with django_assert_num_queries(8):
            assert brand_client.get(reverse("campaigns:applications", args=[campaign.pk])).status_code == 200


# --- Creators tab, deliverables, winners ------------------------------------------------------------


def test_people_tab_groups_invited_accepted_and_declined(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    CollaborationFactory(campaign=campaign, status=Status.INVITED)
    CollaborationFactory(campaign=campaign, status=Status.ACCEPTED)
    CollaborationFactory(campaign=campaign, status=Status.DECLINED)
    response = brand_client.get(reverse("campaigns:people", args=[campaign.pk]))
    sizes = {group["key"]: len(group["rows"]) for group in response.context["groups"]}
    assert sizes == {"invited": 1, "working": 1, "completed": 0, "closed": 1}


@pytest.fixture
def accepted(member):
    campaign = CampaignFactory(brand=member.brand, review=True)
    return collaboration_accept(collaboration=apply(campaign, proposed_fee=Decimal("300")), by=member.user)


def test_review_tab_approves_and_requests_revisions(brand_client, member, accepted):
    deliverable = deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://instagram.com/p/1", draft_text="#ad"
    )
    url = reverse("campaigns:review", args=[accepted.campaign.pk, deliverable.pk])
    page = brand_client.get(reverse("campaigns:deliverables", args=[accepted.campaign.pk]))
    assert b"Ad disclosure found: #ad" in page.content
    response = brand_client.post(url, {"decision": "revise", "comment": ""})
    assert "Say what needs to change" in messages_of(response)[0]
    brand_client.post(url, {"decision": "revise", "comment": "Show the logo"})
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.review_comment) == ("revision_requested", "Show the logo")
    deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://instagram.com/p/2", draft_text="#ad"
    )
    brand_client.post(url, {"decision": "approve"})
    accepted.refresh_from_db()
    assert accepted.status == Status.APPROVED
    response = brand_client.post(
        reverse("campaigns:collaboration_action", args=[accepted.campaign.pk, accepted.pk, "complete"]), {}
    )
    accepted.refresh_from_db()
    assert accepted.status == Status.COMPLETED


def test_giveaway_winners_are_recorded_from_the_deliverables_tab(brand_client, member):
    campaign = CampaignFactory(
        brand=member.brand, giveaway=True, entry_end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=5))
    collaboration = CollaborationFactory(campaign=campaign, status=Status.APPROVED)
    page = brand_client.get(reverse("campaigns:deliverables", args=[campaign.pk]))
    assert b"Giveaway winners" in page.content
    brand_client.post(reverse("campaigns:winners", args=[campaign.pk]), {"announced_in": [collaboration.pk]})
    campaign.refresh_from_db()
    collaboration.refresh_from_db()
    assert campaign.winners_announced_at is not None
    assert collaboration.is_giveaway_winner_announced


def test_ambassadorship_deliverables_are_grouped_by_month(brand_client, member):
    campaign = CampaignFactory(brand=member.brand, ambassadorship=True)
    accepted = collaboration_accept(collaboration=apply(campaign), by=member.user)
    response = brand_client.get(reverse("campaigns:deliverables", args=[campaign.pk]))
    periods = response.context["periods"]
    assert len(periods) == 3
    assert all(len(rows) == 2 for _, rows in periods)
    assert Deliverable.objects.filter(collaboration=accepted).count() == 6


# --- Report ---------------------------------------------------------------------------------------------


def test_report_shows_fees_then_engagement_cost_per_engagement_and_reach(brand_client, member, accepted):
    report = brand_client.get(reverse("campaigns:report", args=[accepted.campaign.pk]))
    assert b"No post metrics yet" in report.content
    assert report.context["report"].fees_agreed == Decimal("300")
    assert report.context["report"].cost_per_engagement is None
    deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://www.instagram.com/p/abc/", draft_text="#ad"
    )
    # Metrics arrive later: a post imported at the submitted link, and a computed match.
    account = SocialAccountFactory(influencer=accepted.influencer, platform="instagram")
    PostFactory(account=account, url="https://www.instagram.com/p/abc/", likes=900, comments=100)
    MatchFactory(campaign=accepted.campaign, influencer=accepted.influencer, estimated_reach=4200)
    report = brand_client.get(reverse("campaigns:report", args=[accepted.campaign.pk]))
    data = report.context["report"]
    assert (data.engagements, data.measured_posts) == (1000, 1)
    assert data.cost_per_engagement == Decimal("0.3")
    assert data.estimated_reach == 4200
    text = report.content.decode().replace("\xa0", " ")
    assert "#report-definitions" in text
    assert "/metrics/#engagement-per-post" in text
    assert "/metrics/#estimated-reach-in-target" in text
    assert "EUR 0.30" in text


def test_hidden_counts_are_not_measured_as_zero(brand_client, member, accepted):
    deliverable_submit(
        collaboration=accepted, by=accepted.influencer.user, url="https://www.instagram.com/p/hid/", draft_text="#ad"
    )
    account = SocialAccountFactory(influencer=accepted.influencer)
    PostFactory(account=account, url="https://www.instagram.com/p/hid/", likes=None, comments=10)
    data = brand_client.get(reverse("campaigns:report", args=[accepted.campaign.pk])).context["report"]
    assert (data.measured_posts, data.cost_per_engagement) == (0, None)


def test_detail_links_to_the_recommendations_tab(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    response = brand_client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert reverse("recommendations:list", kwargs={"pk": campaign.pk}).encode() in response.content


def test_campaign_page_shows_people_words_not_codes(brand_client, member):
    campaign = CampaignFactory(
        brand=member.brand,
        platforms=["instagram", "tiktok"],
        formats=["reel", "story"],
        target_countries=["NL", "BE"],
        target_genders=["female"],
        tiers=["micro", "macro"],
    )
    html = brand_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Instagram, TikTok" in html
    assert "Netherlands, Belgium" in html
    assert "Micro, Macro" in html
    assert "instagram, tiktok" not in html
    assert "NL, BE" not in html


def test_a_draft_can_be_deleted_and_a_live_campaign_cannot(brand_client, member):
    draft = CampaignFactory(brand=member.brand, status=Campaign.Status.DRAFT, title="Spring idea")
    live = CampaignFactory(brand=member.brand)
    page = brand_client.get(reverse("campaigns:detail", args=[draft.pk])).content.decode()
    assert "Delete draft" in page
    assert "Cancel campaign" not in page  # a draft is deleted, not cancelled

    response = brand_client.post(reverse("campaigns:action", args=[draft.pk, "delete"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:list")
    assert messages_of(response) == ["Draft “Spring idea” deleted."]
    assert not Campaign.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="campaign.deleted").count() == 1

    refused = brand_client.post(reverse("campaigns:action", args=[live.pk, "delete"]))
    assert refused.status_code == 302
    assert "Only drafts can be deleted" in messages_of(refused)[-1]
    assert Campaign.objects.filter(pk=live.pk).exists()


def test_cancelling_is_folded_away_from_the_everyday_actions(brand_client, member):
    campaign = CampaignFactory(brand=member.brand)
    html = brand_client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    actions, danger = html.split('<details class="wf-danger">', 1)
    assert "Cancel campaign" not in actions
    assert "Cancel campaign" in danger


def test_the_report_exports_as_csv_with_numbers_as_numbers(brand_client, member):
    campaign = CampaignFactory(brand=member.brand, title="Summer run")
    CollaborationFactory(campaign=campaign, status=Status.ACCEPTED, agreed_fee=Decimal("250.00"))
    CollaborationFactory(campaign=campaign, status=Status.DECLINED)  # in the table, without a fee
    page = brand_client.get(reverse("campaigns:report", args=[campaign.pk])).content.decode()
    assert reverse("campaigns:report_csv", args=[campaign.pk]) in page

    response = brand_client.get(reverse("campaigns:report_csv", args=[campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="campaign-report-summer-run.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Handle", "Status", "Agreed fee"]
    assert len(rows) == 3  # the same rows as the report page's table
    by_status = {row[1]: row for row in rows[1:]}
    assert by_status["Accepted"][2:4] == ["250.00", "EUR"]
    assert by_status["Declined"][2] == ""  # no fee agreed: empty, not 0


def test_another_brand_cannot_export_the_report(client, member):
    campaign = CampaignFactory(brand=member.brand)
    client.force_login(BrandMemberFactory().user)
    assert client.get(reverse("campaigns:report_csv", args=[campaign.pk])).status_code == 404
