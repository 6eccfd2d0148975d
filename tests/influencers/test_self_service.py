"""The creator's own pages (/me/): profile with avatar, social accounts, audience, rate card,
opportunities, invitations, collaborations and deliverable submission with the disclosure check."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from campaigns.models import Campaign, Collaboration, Deliverable
from campaigns.services import collaboration_accept, collaboration_apply
from influencers.models import Audience, AuditEvent, Influencer, Offer, SocialAccount
from influencers.taxonomy import ModerationStatus
from tests.factories import (
    AudienceFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    OfferFactory,
    SocialAccountFactory,
    niche,
)

pytestmark = pytest.mark.django_db
Status = Collaboration.Status


@pytest.fixture
def influencer():
    return InfluencerFactory(handle="sanne", niches=["fitness"])


@pytest.fixture
def logged_in(client, influencer):
    client.force_login(influencer.user)
    return client


def profile_data(**overrides) -> dict:
    return {
        "display_name": "Sanne de Vries",
        "bio": "Trail runner from Utrecht.",
        "country": "NL",
        "city": "Utrecht",
        "languages": ["nl", "en"],
        "niches": [niche("fitness").pk, niche("travel").pk],
        "is_active": "on",
        **overrides,
    }


def image_file(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), mode: str = "RGB", exif: bool = False):
    buffer = io.BytesIO()
    image = Image.new(mode, size, "red" if mode != "1" else 1)
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {2: (52.0, 5.0, 0.0)}  # GPS latitude
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(f"me.{fmt.lower()}", buffer.getvalue(), content_type=f"image/{fmt.lower()}")


# --- Dashboard ---------------------------------------------------------------------------------------


def test_dashboard_says_metrics_are_not_computed_yet(logged_in):
    response = logged_in.get(reverse("me:dashboard"))
    assert response.status_code == 200
    assert b"Not computed yet" in response.content
    assert b"Add your social accounts" in response.content


def test_dashboard_shows_metrics_with_their_freshness_and_definitions(logged_in, influencer):
    Influencer.objects.filter(pk=influencer.pk).update(
        engagement_rate=0.041,
        er_sample_size=12,
        total_followers=12_345,
        tier="micro",
        metrics_updated_at=timezone.now() - dt.timedelta(hours=3),
    )
    response = logged_in.get(reverse("me:dashboard"))
    text = response.content.decode().replace("\xa0", " ")
    assert "Computed 3 hours ago from 12 posts." in text
    assert "4.1 %" in text
    assert "12,345" in text
    assert "/metrics/#engagement-rate" in text


# --- Profile and avatar -------------------------------------------------------------------------------


def test_profile_is_saved_through_the_service_with_an_audit_row(logged_in, influencer):
    response = logged_in.post(reverse("me:profile"), profile_data())
    assert response.status_code == 302
    influencer.refresh_from_db()
    assert influencer.display_name == "Sanne de Vries"
    assert influencer.languages == ["nl", "en"]
    assert set(influencer.niches.values_list("slug", flat=True)) == {"fitness", "travel"}
    event = AuditEvent.objects.get(action="influencer.profile_updated")
    assert "niches" in event.data["changed"]


def test_profile_changes_tell_the_engine(logged_in, influencer, monkeypatch):
    calls = []
    monkeypatch.setattr("influencers.services.influencer_changed", lambda **kw: calls.append(kw["influencer"].pk))
    logged_in.post(reverse("me:profile"), profile_data())
    assert calls == [influencer.pk]


def test_avatar_is_reencoded_to_a_small_jpeg_without_metadata(logged_in, influencer):
    upload = image_file("JPEG", size=(2000, 1500), exif=True)
    response = logged_in.post(reverse("me:profile"), {**profile_data(), "avatar": upload})
    assert response.status_code == 302
    influencer.refresh_from_db()
    with Image.open(influencer.avatar.path) as saved:
        assert saved.format == "JPEG"
        assert max(saved.size) == 512
        assert not saved.getexif()
    assert influencer.avatar.name.endswith(".jpg")


def test_png_with_transparency_is_accepted(logged_in, influencer):
    response = logged_in.post(reverse("me:profile"), {**profile_data(), "avatar": image_file("PNG", mode="RGBA")})
    assert response.status_code == 302
    influencer.refresh_from_db()
    assert influencer.avatar


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("me.png", b"definitely not an image", content_type="image/png"), "not one we can read"),
        (SimpleUploadedFile("me.jpg", b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024 + 10)), "larger than 2 MB"),
        (image_file("PNG", size=(6000, 6000), mode="1"), "megapixels"),
        (image_file("GIF", size=(10, 10), mode="P"), "not one we can read"),
    ],
    ids=["not-an-image", "oversize", "pixel-bomb", "gif"],
)
def test_bad_avatars_are_refused_next_to_the_field_and_nothing_is_written(logged_in, influencer, upload, message):
    response = logged_in.post(reverse("me:profile"), {**profile_data(display_name="Changed"), "avatar": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["avatar"])
    influencer.refresh_from_db()
    assert influencer.display_name != "Changed"
    assert not influencer.avatar


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"bio": "x" * 2001}, "bio"),
        ({"display_name": ""}, "display_name"),
        ({"languages": ["klingon"]}, "languages"),
        ({"country": "XX"}, "country"),
    ],
)
def test_bad_profile_input_is_refused_on_the_field(logged_in, influencer, overrides, field):
    response = logged_in.post(reverse("me:profile"), profile_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="influencer.profile_updated").exists()


def test_html_in_the_bio_is_stored_as_text_and_shown_escaped(logged_in, influencer):
    logged_in.post(reverse("me:profile"), profile_data(bio="<img src=x onerror=alert(1)>"))
    influencer.refresh_from_db()
    assert influencer.bio == "<img src=x onerror=alert(1)>"
    page = logged_in.get(reverse("me:profile"))
    assert b"&lt;img src=x onerror=alert(1)&gt;" in page.content
    assert b"<img src=x onerror" not in page.content


# --- Social accounts -------------------------------------------------------------------------------


def test_add_edit_and_remove_a_social_account(logged_in, influencer):
    response = logged_in.post(
        reverse("me:accounts"),
        {
            "platform": "instagram",
            "handle": "@Sanne.Runs",
            "url": "https://www.instagram.com/sanne.runs/",
            "followers": 12000,
        },
    )
    assert response.status_code == 302
    account = SocialAccount.objects.get(influencer=influencer)
    assert account.handle == "sanne.runs"
    response = logged_in.post(
        reverse("me:account_edit", args=[account.pk]),
        {
            "platform": "instagram",
            "handle": "sanne.runs",
            "url": "https://instagram.com/sanne.runs",
            "followers": 13000,
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.followers == 13000
    response = logged_in.post(reverse("me:account_delete", args=[account.pk]))
    assert response.status_code == 302
    assert not SocialAccount.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"social_account.created", "social_account.updated", "social_account.deleted"} <= actions


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"platform": "instagram", "url": "https://www.tiktok.com/@sanne"}, "url", "instagram.com"),
        ({"platform": "youtube", "url": "https://evil.example/youtube.com"}, "url", "youtube.com"),
        ({"platform": "x", "url": "ftp://x.com/sanne"}, "url", ""),
        ({"platform": "tiktok", "handle": "bad handle!"}, "handle", "letters"),
        ({"platform": "instagram", "followers": -5}, "followers", ""),
        ({"platform": "myspace"}, "platform", ""),
    ],
)
def test_bad_social_accounts_are_refused_on_the_field(logged_in, data, field, message):
    payload = {"handle": "sanne", "url": "", "followers": 10, **data}
    response = logged_in.post(reverse("me:accounts"), payload)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not SocialAccount.objects.exists()


def test_blogs_may_live_on_any_host_and_the_url_is_never_fetched(logged_in, monkeypatch):
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("the server fetched a URL"))
    response = logged_in.post(
        reverse("me:accounts"), {"platform": "blog", "handle": "sanne", "url": "https://sanne.blog", "followers": 10}
    )
    assert response.status_code == 302


def test_an_account_already_on_invloed_is_refused_with_a_clear_message(logged_in):
    SocialAccountFactory(platform="instagram", handle="taken")
    response = logged_in.post(
        reverse("me:accounts"), {"platform": "instagram", "handle": "Taken", "url": "", "followers": 10}
    )
    assert "already on Invloed" in " ".join(response.context["form"].errors["handle"])


def test_imported_follower_counts_are_not_overwritten(logged_in, influencer):
    account = SocialAccountFactory(influencer=influencer, followers=50_000, metrics_updated_at=timezone.now())
    logged_in.post(
        reverse("me:account_edit", args=[account.pk]),
        {"platform": "instagram", "handle": account.handle, "url": account.url, "followers": 9_999_999},
    )
    account.refresh_from_db()
    assert account.followers == 50_000


# --- Audience ------------------------------------------------------------------------------------


def audience_data(**overrides) -> dict:
    data = {
        "age_13_17": "5",
        "age_18_24": "35",
        "age_25_34": "35",
        "age_35_44": "15",
        "age_45_54": "7",
        "age_55_plus": "3",
        "gender_female": "60",
        "gender_male": "38",
        "gender_other": "2",
        "country_1": "NL",
        "country_share_1": "70",
        "country_2": "BE",
        "country_share_2": "20",
        "language_1": "nl",
        "language_share_1": "80",
        "language_2": "en",
        "language_share_2": "20",
    }
    return {**data, **overrides}


def test_audience_is_stored_as_fractions(logged_in, influencer):
    response = logged_in.post(reverse("me:audience"), audience_data())
    assert response.status_code == 302
    audience = Audience.objects.get(influencer=influencer)
    assert audience.age_18_24 == pytest.approx(0.35)
    assert audience.gender_female == pytest.approx(0.6)
    assert dict(audience.countries.values_list("country", "share")) == {
        "NL": pytest.approx(0.7),
        "BE": pytest.approx(0.2),
    }
    assert audience.language_shares == {"nl": pytest.approx(0.8), "en": pytest.approx(0.2)}
    page = logged_in.get(reverse("me:audience"))
    assert page.context["form"].initial["age_18_24"] == Decimal("35.0")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"age_18_24": "55"}, "age_13_17", "Age shares add up to 120"),
        ({"gender_female": "20"}, "gender_female", "Gender shares add up to 60"),
        ({"country_share_1": "90"}, "country_1", "at most 100"),
        ({"country_2": "NL"}, "country_2", "only once"),
        ({"language_share_1": "50"}, "language_1", "Language shares add up to 70"),
        ({"age_18_24": "-5"}, "age_18_24", "greater than or equal to 0"),
        ({"age_18_24": "150"}, "age_18_24", "less than or equal to 100"),
        ({"country_3": "", "country_share_3": "10"}, "country_3", "Choose which"),
    ],
)
def test_bad_audience_input_is_refused_and_nothing_is_written(logged_in, influencer, overrides, field, message):
    response = logged_in.post(reverse("me:audience"), audience_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert not Audience.objects.exists()


def test_saving_the_audience_again_replaces_countries(logged_in, influencer):
    AudienceFactory(influencer=influencer, countries={"DE": 0.5})
    logged_in.post(reverse("me:audience"), audience_data())
    assert set(Audience.objects.get().countries.values_list("country", flat=True)) == {"NL", "BE"}


# --- Rate card -------------------------------------------------------------------------------------


def offer_data(**overrides) -> dict:
    return {
        "kind": "review",
        "platform": "instagram",
        "title": "Honest review reel",
        "deliverables": "One reel, two stories",
        "price": "350",
        "currency": "EUR",
        "turnaround_days": "10",
        "is_active": "on",
        **overrides,
    }


@pytest.mark.parametrize("kind", ["sponsored_post", "review", "giveaway", "ambassadorship"])
def test_offers_of_every_kind_are_created_edited_toggled_and_removed(logged_in, influencer, kind):
    assert logged_in.post(reverse("me:offer_create"), offer_data(kind=kind)).status_code == 302
    offer = Offer.objects.get(influencer=influencer)
    assert (offer.kind, offer.price) == (kind, Decimal("350"))
    data = offer_data(kind=kind, price="400")
    del data["is_active"]
    assert logged_in.post(reverse("me:offer_edit", args=[offer.pk]), data).status_code == 302
    offer.refresh_from_db()
    assert (offer.price, offer.is_active) == (Decimal("400"), False)
    assert logged_in.post(reverse("me:offer_delete", args=[offer.pk])).status_code == 302
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": "-1"}, "price"),
        ({"price": "10000001"}, "price"),
        ({"price": "abc"}, "price"),
        ({"turnaround_days": "0"}, "turnaround_days"),
        ({"turnaround_days": "400"}, "turnaround_days"),
        ({"title": "x" * 121}, "title"),
        ({"deliverables": "x" * 2001}, "deliverables"),
        ({"kind": "tattoo"}, "kind"),
    ],
)
def test_bad_offers_are_refused_on_the_field(logged_in, overrides, field):
    response = logged_in.post(reverse("me:offer_create"), offer_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Offer.objects.exists()


# --- Opportunities and applying ------------------------------------------------------------------------


def test_opportunities_list_open_public_campaigns_in_my_niches(logged_in, influencer):
    fit = CampaignFactory(title="Trail running launch")
    fit.niches.set([niche("fitness")])
    elsewhere = CampaignFactory(title="Gaming headset")
    elsewhere.niches.set([niche("gaming")])
    elsewhere.platforms = ["twitch"]
    elsewhere.save()
    hidden = CampaignFactory(title="Secret draft", status=Campaign.Status.DRAFT)
    hidden.niches.set([niche("fitness")])
    invite_only = CampaignFactory(title="Invite only", visibility=Campaign.Visibility.INVITE_ONLY)
    invite_only.niches.set([niche("fitness")])
    response = logged_in.get(reverse("me:opportunities"))
    text = response.content.decode()
    assert "Trail running launch" in text
    assert "Gaming headset" not in text
    assert "Secret draft" not in text
    assert "Invite only" not in text


def test_apply_with_message_and_fee(logged_in, influencer):
    campaign = CampaignFactory()
    offer = OfferFactory(influencer=influencer, kind=campaign.kind)
    response = logged_in.post(
        reverse("me:opportunity", args=[campaign.pk]),
        {"message": "I run 80 km a week <3", "proposed_fee": "450", "offer": offer.pk},
    )
    assert response.status_code == 302
    collaboration = Collaboration.objects.get()
    assert (collaboration.status, collaboration.proposed_fee, collaboration.offer) == (
        Status.APPLIED,
        Decimal("450"),
        offer,
    )
    assert collaboration.messages.get().body == "I run 80 km a week <3"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"message": "", "proposed_fee": "100"}, "message"),
        ({"message": "Hi", "proposed_fee": "-10"}, "proposed_fee"),
        ({"message": "Hi", "proposed_fee": "99999999"}, "proposed_fee"),
        ({"message": "x" * 4001, "proposed_fee": ""}, "message"),
    ],
)
def test_bad_applications_are_refused_on_the_field(logged_in, data, field):
    campaign = CampaignFactory()
    response = logged_in.post(reverse("me:opportunity", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Collaboration.objects.exists()


def test_someone_elses_offer_cannot_be_attached(logged_in):
    campaign = CampaignFactory()
    foreign = OfferFactory(kind=campaign.kind)
    response = logged_in.post(
        reverse("me:opportunity", args=[campaign.pk]), {"message": "Hi", "proposed_fee": "", "offer": foreign.pk}
    )
    assert "offer" in response.context["form"].errors
    assert not Collaboration.objects.exists()


def test_pending_creators_see_opportunities_but_cannot_apply(client):
    pending = InfluencerFactory(status=ModerationStatus.PENDING)
    client.force_login(pending.user)
    campaign = CampaignFactory()
    page = client.get(reverse("me:opportunity", args=[campaign.pk]))
    assert b"once a moderator has approved" in page.content
    client.post(reverse("me:opportunity", args=[campaign.pk]), {"message": "Hi"})
    assert not Collaboration.objects.exists()


def test_drafts_and_invite_only_campaigns_are_404_unless_invited(logged_in, influencer):
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    invite_only = CampaignFactory(visibility=Campaign.Visibility.INVITE_ONLY)
    assert logged_in.get(reverse("me:opportunity", args=[draft.pk])).status_code == 404
    assert logged_in.get(reverse("me:opportunity", args=[invite_only.pk])).status_code == 404
    CollaborationFactory(campaign=invite_only, influencer=influencer)
    assert logged_in.get(reverse("me:opportunity", args=[invite_only.pk])).status_code == 200


# --- Invitations and collaborations -------------------------------------------------------------------


def test_invitation_inbox_accept_and_decline_with_a_message(logged_in, influencer):
    first = CollaborationFactory(influencer=influencer, proposed_fee=Decimal("300"))
    second = CollaborationFactory(influencer=influencer)
    page = logged_in.get(reverse("me:invitations"))
    assert first.campaign.title.encode() in page.content
    logged_in.post(
        reverse("me:collaboration_action", args=[first.pk, "accept"]), {"message": "Happy to!", "next": "invitations"}
    )
    logged_in.post(reverse("me:collaboration_action", args=[second.pk, "decline"]), {"message": "Not my niche"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.agreed_fee) == (Status.ACCEPTED, Decimal("300"))
    assert second.status == Status.DECLINED
    assert first.deliverables.count() == 2


def test_creator_cannot_use_brand_only_actions(logged_in, influencer):
    application = CollaborationFactory(influencer=influencer, status=Status.APPLIED, initiated_by="influencer")
    response = logged_in.post(reverse("me:collaboration_action", args=[application.pk, "accept"]), {"message": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPLIED
    assert logged_in.post(reverse("me:collaboration_action", args=[application.pk, "complete"])).status_code == 404


def test_my_collaborations_show_status_and_next_step_in_fixed_queries(logged_in, influencer, django_assert_num_queries):
    for count in (1, 20):
        Collaboration.objects.all().delete()
        for _ in range(count):
            CollaborationFactory(influencer=influencer, status=Status.ACCEPTED)
        # session, user, influencer, nav, count, page (campaign + brand joined, open deliverables annotated)
        with django_assert_num_queries(6):
            response = logged_in.get(reverse("me:collaborations"))
        assert response.status_code == 200
        assert b"Create the content and submit it for review." in response.content


def test_submit_without_disclosure_warns_then_with_it_succeeds(logged_in, influencer):
    member = BrandMemberFactory()
    campaign = CampaignFactory(brand=member.brand, giveaway=True)
    application = collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user)
    collaboration = collaboration_accept(collaboration=application, by=member.user)
    url = reverse("me:submit", args=[collaboration.pk])
    response = logged_in.post(url, {"submitted_url": "https://instagram.com/p/x", "draft_text": "Win two pairs!"})
    assert response.status_code == 200
    assert b"No ad disclosure found." in response.content
    assert b'name="confirm_without_disclosure"' in response.content
    assert not Deliverable.objects.filter(status="submitted").exists()
    response = logged_in.post(url, {"submitted_url": "https://instagram.com/p/x", "draft_text": "Win two pairs! #ad"})
    assert response.status_code == 302
    deliverable = Deliverable.objects.get(collaboration=collaboration)
    assert (deliverable.status, deliverable.has_ad_disclosure, deliverable.disclosure_found) == (
        "submitted",
        True,
        "#ad",
    )


def test_submit_with_explicit_confirmation_stores_the_missing_disclosure(logged_in, influencer):
    collaboration = CollaborationFactory(influencer=influencer, status=Status.ACCEPTED)
    response = logged_in.post(
        reverse("me:submit", args=[collaboration.pk]),
        {"submitted_url": "https://instagram.com/p/y", "draft_text": "", "confirm_without_disclosure": "on"},
    )
    assert response.status_code == 302
    deliverable = Deliverable.objects.get(collaboration=collaboration, status="submitted")
    assert (deliverable.has_ad_disclosure, deliverable.disclosure_found) == (False, "")


def test_submit_page_for_a_collaboration_not_yet_accepted_explains(logged_in, influencer):
    collaboration = CollaborationFactory(influencer=influencer, status=Status.INVITED)
    page = logged_in.get(reverse("me:submit", args=[collaboration.pk]))
    assert b"once it is accepted" in page.content
    logged_in.post(
        reverse("me:submit", args=[collaboration.pk]), {"submitted_url": "https://x.com/p", "draft_text": "#ad"}
    )
    assert not Deliverable.objects.exists()


def test_brand_users_and_strangers_get_404_on_me_pages(client, influencer):
    collaboration = CollaborationFactory(influencer=influencer)
    client.force_login(BrandMemberFactory().user)
    assert client.get(reverse("me:dashboard")).status_code == 404
    client.force_login(InfluencerFactory().user)
    assert client.get(reverse("me:collaboration", args=[collaboration.pk])).status_code == 404
