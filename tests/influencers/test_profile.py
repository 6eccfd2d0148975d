"""A creator's profile as a brand sees it, and the /metrics/ page every number links to."""

from __future__ import annotations

import datetime as dt
import html as html_module
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from influencers import views
from influencers.definitions import DEFINITIONS, anchors
from influencers.taxonomy import ModerationStatus, Platform, WorkKind
from tests.discovery_data import brand_member, creator
from tests.factories import (
    CampaignFactory,
    CollaborationFactory,
    FollowerSnapshotFactory,
    OfferFactory,
    PostFactory,
    SocialAccountFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


def chart_data(html: str) -> dict:
    match = re.search(r'<script id="profile-chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the chart data is in a json_script element"
    return json.loads(match.group(1))


def rich_creator(handle: str = "anna.style", posts: int = 5):
    influencer = creator(
        handle,
        followers=20_000,
        er=0.045,
        credibility=70,
        offers=((WorkKind.SPONSORED_POST, "350"), (WorkKind.REVIEW, "200")),
    )
    instagram = influencer.accounts.get()
    tiktok = SocialAccountFactory(
        influencer=influencer,
        platform=Platform.TIKTOK,
        handle=f"{handle}_tt",
        followers=8_000,
        engagement_rate=0.08,
        engagement_rate_by_views=0.06,
        er_sample_size=9,
        avg_likes=600,
        avg_comments=40,
        avg_views=10_500,
        metrics_updated_at=timezone.now() - dt.timedelta(hours=3),
    )
    today = timezone.localdate()
    for days in range(0, 60, 10):
        FollowerSnapshotFactory(account=instagram, date=today - dt.timedelta(days=days), followers=20_000 - days * 10)
    spike_day = today - dt.timedelta(days=20)
    influencer.credibility_reasons = [
        {
            "code": "follower_spike_unexplained",
            "message": "instagram @x gained 5,000 followers without a post with unusual engagement.",
            "impact": -15,
            "account": f"instagram @{instagram.handle}",
            "date": spike_day.isoformat(),
            "gain": 5000,
        },
        {"code": "undisclosed_sponsored_posts", "message": "1 recent sponsored post without #ad.", "impact": -5},
    ]
    influencer.save(update_fields=["credibility_reasons"])
    for i in range(posts):
        PostFactory(
            account=instagram if i % 2 else tiktok,
            posted_at=timezone.now() - dt.timedelta(days=i + 1),
            likes=400 + i,
            comments=20,
            shares=5,
            views=9_000 if i % 2 == 0 else None,
            is_sponsored=i == 1 or i == 2,
            has_ad_disclosure=i == 2,
        )
    PostFactory(account=instagram, posted_at=timezone.now() - dt.timedelta(days=2), likes=None, comments=3)
    return influencer


def test_the_profile_shows_accounts_numbers_with_sample_size_and_freshness(brand_client):
    rich_creator()
    response = brand_client.get("/influencers/anna.style/")
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert "Anna Style" in html
    assert "@anna.style" in html
    assert "20,000" in html
    assert "8,000" in html
    assert "4.5 %" in html
    assert "8.0 %" in html
    assert "6.0 %" in html  # ER by views on the video platform
    assert "10,500" in html  # average views
    assert ">9<" in html  # sample size of the TikTok account
    assert "metrics updated" in html
    assert "hours ago" in html
    assert 'href="/metrics/#engagement-rate-by-views"' in html
    assert 'title="Sample size:' in html


def test_the_charts_get_follower_history_with_spikes_engagement_per_post_and_audience(brand_client):
    influencer = rich_creator()
    html = brand_client.get("/influencers/anna.style/").content.decode().replace("\xa0", " ")
    data = chart_data(html)
    followers = data["followers"]
    assert len(followers) == 1
    assert len(followers[0]["points"]) == 6
    assert followers[0]["spikes"] == [
        {"date": (timezone.localdate() - dt.timedelta(days=20)).isoformat(), "gain": 5000, "explained": False}
    ]
    by_account = {series["label"]: series["points"] for series in data["engagement"]}
    tiktok = by_account["TikTok @anna.style_tt"]
    assert {point["y"] for point in tiktok} == {425, 427, 429}  # likes + comments + shares on TikTok
    instagram = by_account["Instagram @anna.style_instagram"]
    assert {point["y"] for point in instagram} == {421, 423}  # likes + comments; the hidden-likes post is left out
    assert any(point["sponsored"] for point in tiktok + instagram)
    assert data["audience"]["age"]["values"] == [5.0, 35.0, 35.0, 15.0, 7.0, 3.0]
    assert data["audience"]["gender"]["labels"] == ["Women", "Men", "Other"]
    assert data["audience"]["countries"] == {
        "labels": ["Netherlands", "Belgium", "Germany"],
        "values": [70.0, 20.0, 10.0],
    }
    for canvas in ("chart-followers", "chart-engagement", "chart-age", "chart-gender", "chart-countries"):
        assert f'id="{canvas}"' in html
    assert influencer.accounts.count() == 2
    assert "<script>" not in html
    assert "onclick" not in html
    assert 'style="' not in html


def test_credibility_reasons_recent_posts_and_rate_card(brand_client):
    rich_creator()
    html = brand_client.get("/influencers/anna.style/").content.decode().replace("\xa0", " ")
    assert "without a post with unusual engagement" in html
    assert "-15" in html
    assert "Sponsored · no disclosure" in html
    assert "Sponsored · disclosed" in html
    assert "hidden" in html  # the post with hidden likes has no engagement figure
    assert "EUR 350" in html
    assert "EUR 200" in html
    assert "Product review" in html


def test_the_action_buttons_offer_the_brands_shortlists_and_only_campaigns_open_to_this_creator(brand_client, member):
    influencer = rich_creator()
    member.brand.shortlists.create(name="Autumn picks")
    CampaignFactory(brand=member.brand, title="Spring launch")
    busy = CampaignFactory(brand=member.brand, title="Already in")
    CollaborationFactory(campaign=busy, influencer=influencer)
    CampaignFactory(brand=member.brand, title="Just a draft", status="draft")
    CampaignFactory(title="Someone else's campaign")
    html = brand_client.get("/influencers/anna.style/").content.decode().replace("\xa0", " ")
    assert "Autumn picks" in html
    assert "Add to shortlist" in html
    invite_form = html[html.index('class="invite-form"') :]
    invite_form = invite_form[: invite_form.index("</form>")]
    assert "Spring launch" in invite_form
    assert "Already in" not in invite_form
    assert "Just a draft" not in invite_form
    assert "Someone else" not in html
    assert "Invited" in html  # the existing collaboration is listed with its status


def test_hidden_profiles_are_404_for_brands_and_shown_to_staff_with_a_banner(client, brand_client):
    creator("pending.one", status=ModerationStatus.PENDING)
    assert brand_client.get("/influencers/pending.one/").status_code == 404
    assert brand_client.get("/influencers/nobody/").status_code == 404
    client.force_login(StaffFactory())
    response = client.get("/influencers/pending.one/")
    assert response.status_code == 200
    assert "Brands cannot see this profile" in response.content.decode().replace("\xa0", " ")


def test_a_creator_without_metrics_says_not_computed_yet(brand_client):
    creator("fresh", er=None, credibility=None, growth=None, metrics_updated_at=None, offers=(), audience=False)
    html = brand_client.get("/influencers/fresh/").content.decode().replace("\xa0", " ")
    assert "not computed yet" in html
    assert "unknown" in html
    assert "has not shared audience data yet" in html


def test_the_profile_runs_a_fixed_number_of_queries_whatever_it_holds(brand_client, member):
    member.brand.shortlists.create(name="List")
    CampaignFactory(brand=member.brand)
    rich_creator("small.one", posts=2)
    big = rich_creator("big.one", posts=30)
    for i in range(5):
        OfferFactory(influencer=big, kind=WorkKind.GIVEAWAY, price=100 + i)
        SocialAccountFactory(influencer=big, platform=Platform.YOUTUBE, handle=f"yt{i}", followers=100 * i)

    def count(handle: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert brand_client.get(f"/influencers/{handle}/").status_code == 200
        return len(queries)

    # session, user, the actor (membership + brand, one query), profile (+audience), niches, accounts,
    # audience countries, offers, posts, snapshots, collaborations, campaigns, shortlists, navigation,
    # and the track record (delivery punctuality, ratings: campaigns' profile panel).
    assert count("small.one") == count("big.one") == 16


# --- /metrics/ ------------------------------------------------------------------------------------


def test_the_metrics_page_renders_the_document_with_stable_anchors(client, tmp_path, monkeypatch):
    document = tmp_path / "metrics.md"
    document.write_text(
        "# Metrics\n\n## Engagement rate {#engagement-rate}\n\nMean engagement ÷ followers.\n\n"
        "## Credibility\n\nText.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(views, "METRICS_DOC", document)
    html = client.get("/metrics/").content.decode().replace("\xa0", " ")
    assert '<h2 id="engagement-rate">Engagement rate</h2>' in html
    assert '<h2 id="credibility">Credibility</h2>' in html
    # Anchors the document lacks still land somewhere: on the glossary entry.
    assert 'id="cost-per-engagement"' in html
    assert html.count('id="engagement-rate"') == 1


def test_every_definition_anchor_exists_on_the_metrics_page(client):
    html = client.get("/metrics/").content.decode().replace("\xa0", " ")
    for anchor in anchors():
        assert f'id="{anchor}"' in html, anchor
    for definition in DEFINITIONS.values():
        assert str(definition.short) in html_module.unescape(html)


def test_the_repository_metrics_document_defines_every_anchor_the_pages_link_to():
    if not views.METRICS_DOC.exists():
        pytest.skip("docs/metrics.md is written by the metrics engine's owner")
    document = views.metrics_document()
    missing = sorted(anchor for anchor in anchors() if f'id="{anchor}"' not in document)
    assert not missing, f"docs/metrics.md lacks headings for: {missing}"


def test_faces_are_the_photo_or_initials_on_a_tone_fixed_by_the_handle() -> None:
    from types import SimpleNamespace

    from influencers.templatetags.metric_tags import AVATAR_TONES, avatar, avatar_html

    photo = avatar_html(name="Anna de Vries", handle="anna", url="/media/avatars/a.jpg")
    assert photo.startswith('<img class="avatar" src="/media/avatars/a.jpg" alt=""')
    first = avatar_html(name="Anna de Vries", handle="anna", url=None)
    assert ">AD</span>" in first
    assert 'aria-hidden="true"' in first
    assert first == avatar_html(name="Anna de Vries", handle="anna", url=None)  # same handle, same tone
    tones = {avatar_html(name="X", handle=f"h{n}", url=None).split("tone-")[1][0] for n in range(40)}
    assert len(tones) == AVATAR_TONES  # the handles spread over every tone
    hostile = str(avatar(SimpleNamespace(display_name="<b>x</b> <i>", handle="h", avatar=None), 96))
    assert "<b>" not in hostile
    assert "large" in hostile
