"""The creator's own profile, accounts, audience and offers over the API: the same services and
validation as the /me/ pages, engine-derived and moderation fields read-only, others' rows 404."""

from __future__ import annotations

import pytest

from influencers.models import Audience, AuditEvent, Influencer, Offer, SocialAccount
from tests.api.conftest import Roles
from tests.factories import OfferFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("influencer_a", 200), ("influencer_b", 200), ("brand_a", 404), ("staff", 404)],
)
@pytest.mark.parametrize("path", ["profile/", "accounts/", "audience/", "offers/", "opportunities/"])
def test_permission_matrix(api, roles: Roles, role, status, path):
    assert api(role).get(ME + path).status_code == status


def test_profile_patch_goes_through_the_service_and_keeps_read_only_fields(api, roles: Roles):
    influencer = roles.influencer_a
    response = api("influencer_a").patch(
        f"{ME}profile/",
        {
            "display_name": "Anna S.",
            "niches": ["fashion", "travel"],
            "languages": ["nl"],
            # Read-only: moderation and engine fields are ignored.
            "status": "approved",
            "handle": "someone.else",
            "metrics": {"total_followers": 10**9},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["display_name"] == "Anna S."
    assert sorted(body["niches"]) == ["fashion", "travel"]
    influencer.refresh_from_db()
    assert influencer.handle == "anna.style"
    assert influencer.total_followers == 0
    assert AuditEvent.objects.filter(action="influencer.profile_updated", object_id=str(influencer.pk)).exists()


def test_pending_profile_stays_pending_whatever_is_sent(api, roles: Roles):
    Influencer.objects.filter(pk=roles.influencer_a.pk).update(status="pending")
    response = api("influencer_a").patch(f"{ME}profile/", {"status": "approved"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"languages": ["xx"]}, "languages"),
        ({"niches": ["not-a-niche"]}, "niches"),
        ({"country": "ZZ"}, "country"),
        ({"is_active": "yes"}, "is_active"),
    ],
)
def test_profile_validation(api, roles: Roles, payload, field):
    response = api("influencer_a").patch(f"{ME}profile/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_accounts_crud(api, roles: Roles):
    client = api("influencer_a")
    created = client.post(
        f"{ME}accounts/",
        {"platform": "tiktok", "handle": "@Anna.Moves", "url": "https://www.tiktok.com/@anna.moves", "followers": 9000},
        format="json",
    )
    assert created.status_code == 201, created.json()
    account = created.json()
    assert account["handle"] == "anna.moves"  # normalised by the service, as on the page
    assert account["engagement_rate"] is None
    url = f"{ME}accounts/{account['id']}/"
    patched = client.patch(url, {"followers": 9500, "engagement_rate": 0.5}, format="json")
    assert patched.status_code == 200
    assert patched.json()["followers"] == 9500
    assert patched.json()["engagement_rate"] is None  # engine-derived: unchanged
    assert client.delete(url).status_code == 204
    assert not SocialAccount.objects.filter(pk=account["id"]).exists()


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"platform": "instagram", "handle": "anna2", "url": "https://evil.example/anna"}, "url", 400),
        ({"platform": "instagram", "handle": "not a handle!"}, "handle", 400),
        ({"platform": "myspace", "handle": "anna"}, "platform", 400),
        ({"platform": "instagram", "handle": "anna", "followers": -5}, "followers", 400),
        ({"platform": "instagram", "handle": "bram.tech.ig"}, "handle", 409),  # someone else's account
    ],
)
def test_account_validation(api, roles: Roles, payload, field, status):
    before = SocialAccount.objects.count()
    response = api("influencer_a").post(f"{ME}accounts/", payload, format="json")
    assert response.status_code == status, response.json()
    assert field in response.json()["fields"]
    assert SocialAccount.objects.count() == before


def test_someone_elses_account_and_offer_are_404(api, roles: Roles):
    account = roles.influencer_b.accounts.get()
    offer = roles.influencer_b.offers.get()
    client = api("influencer_a")
    for url in (f"{ME}accounts/{account.pk}/", f"{ME}offers/{offer.pk}/"):
        assert client.get(url).status_code == 404
        assert client.patch(url, {"title": "Mine now"}, format="json").status_code == 404
        assert client.delete(url).status_code == 404
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert Offer.objects.get(pk=offer.pk).title == "One feed post"


def test_audience_put_replaces_the_breakdown(api, roles: Roles):
    payload = {
        "ages": {"13_17": 0, "18_24": 0.5, "25_34": 0.3, "35_44": 0.1, "45_54": 0.05, "55_plus": 0.05},
        "genders": {"female": 0.7, "male": 0.3, "other": 0},
        "countries": [{"country": "BE", "share": 0.6}, {"country": "NL", "share": 0.4}],
        "languages": [{"language": "nl", "share": 1.0}],
        "source": "platform_insights",  # read-only: the API reports what it stored
    }
    response = api("influencer_a").put(f"{ME}audience/", payload, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["source"] == "self_reported"
    assert body["countries"] == [{"country": "BE", "share": 0.6}, {"country": "NL", "share": 0.4}]
    assert Audience.objects.get(influencer=roles.influencer_a).age_18_24 == 0.5


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ages": {"13_17": 0.9, "18_24": 0.9, "25_34": 0, "35_44": 0, "45_54": 0, "55_plus": 0}}, "ages"),
        ({"genders": {"female": 0.2, "male": 0.2, "other": 0}}, "genders"),
        ({"countries": [{"country": "NL", "share": 0.8}, {"country": "BE", "share": 0.8}]}, "countries"),
        ({"countries": [{"country": "NL", "share": 0.5}, {"country": "NL", "share": 0.1}]}, "countries"),
        ({"languages": [{"language": "nl", "share": 1.5}]}, "languages"),
    ],
)
def test_audience_shares_must_add_up(api, roles: Roles, change, field):
    payload = {
        "ages": {"13_17": 0, "18_24": 0.5, "25_34": 0.3, "35_44": 0.1, "45_54": 0.05, "55_plus": 0.05},
        "genders": {"female": 0.7, "male": 0.3, "other": 0},
        "countries": [],
        "languages": [],
    } | change
    response = api("influencer_a").put(f"{ME}audience/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Audience.objects.get(influencer=roles.influencer_a).age_18_24 == 0.35  # unchanged


def test_offers_crud_and_validation(api, roles: Roles):
    client = api("influencer_a")
    created = client.post(
        f"{ME}offers/",
        {"kind": "review", "platform": "youtube", "title": "Honest review", "price": "480.00", "turnaround_days": 14},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"{ME}offers/{created.json()['id']}/"
    assert client.patch(url, {"price": "520.50"}, format="json").json()["price"] == "520.50"
    for bad in ({"price": "-1"}, {"price": "99999999.00"}, {"turnaround_days": 0}, {"kind": "barter"}):
        response = client.patch(url, bad, format="json")
        assert response.status_code == 400
        assert set(bad) <= set(response.json()["fields"])
    assert Offer.objects.get(pk=created.json()["id"]).price == 520.5
    assert client.delete(url).status_code == 204


@pytest.mark.parametrize("count", [2, 20])
def test_my_lists_run_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    for number in range(count):
        SocialAccountFactory(influencer=roles.influencer_a, handle=f"extra{number}", platform="x", url="")
        OfferFactory(influencer=roles.influencer_a)
    client = api("influencer_a")
    # token + user, the creator profile, the page
    with django_assert_num_queries(3):
        assert len(client.get(f"{ME}accounts/?page_size=100").json()["results"]) == count + 1
    with django_assert_num_queries(3):
        assert len(client.get(f"{ME}offers/?page_size=100").json()["results"]) == count + 1
