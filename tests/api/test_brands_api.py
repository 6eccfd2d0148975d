"""The caller's brand and its shortlists over the API: owners edit the brand, every member keeps the
brand's shortlists, moderation fields are read-only, another brand's lists do not exist."""

from __future__ import annotations

import pytest

from brands.models import Brand, BrandMember, Shortlist, ShortlistEntry
from tests.api.conftest import Roles, token_client
from tests.factories import BrandMemberFactory, InfluencerFactory, ShortlistEntryFactory, ShortlistFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("influencer_a", 404), ("brand_a", 200), ("brand_b", 200), ("staff", 404)],
)
def test_brand_me_matrix(api, roles: Roles, role, status):
    response = api(role).get("/api/v1/brands/me/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["role"] == "owner"


def test_owner_edits_the_brand_but_not_its_moderation(api, roles: Roles):
    response = api("brand_a").patch(
        "/api/v1/brands/me/",
        {
            "description": "Outdoor gear",
            "industry_niches": ["sports", "travel"],
            "website": "https://acme.example",
            "verified": True,
            "status": "approved",
            "slug": "renamed",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    brand = Brand.objects.get(pk=roles.brand_a.pk)
    assert brand.description == "Outdoor gear"
    assert sorted(brand.industry_niches.values_list("slug", flat=True)) == ["sports", "travel"]
    assert brand.verified is False
    assert brand.slug == "acme"


def test_a_member_who_is_not_owner_cannot_edit_the_brand(roles: Roles):
    member = BrandMemberFactory(brand=roles.brand_a, role=BrandMember.Role.MEMBER)
    client = token_client(member.user)
    assert client.get("/api/v1/brands/me/").json()["role"] == "member"
    response = client.patch("/api/v1/brands/me/", {"name": "Taken over"}, format="json")
    assert response.status_code == 403
    assert Brand.objects.get(pk=roles.brand_a.pk).name == "Acme"


def test_brand_validation(api, roles: Roles):
    for payload, field in (
        ({"name": ""}, "name"),
        ({"website": "not a url"}, "website"),
        ({"country": "XX"}, "country"),
    ):
        response = api("brand_a").patch("/api/v1/brands/me/", payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]


def test_shortlists_crud_and_entries(api, roles: Roles):
    client = api("brand_a")
    created = client.post("/api/v1/shortlists/", {"name": "Summer"}, format="json")
    assert created.status_code == 201
    url = f"/api/v1/shortlists/{created.json()['id']}/"
    assert client.post("/api/v1/shortlists/", {"name": "summer"}, format="json").status_code == 400  # same name
    added = client.post(f"{url}entries/", {"influencer": "anna.style", "note": "Great fit"}, format="json")
    assert added.status_code == 201
    assert added.json()["influencer"]["handle"] == "anna.style"
    assert added.json()["added_by"] == "alice"
    # Adding again keeps the entry and says so with 200.
    again = client.post(f"{url}entries/", {"influencer": "anna.style"}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == added.json()["id"]
    entry_url = f"{url}entries/{added.json()['id']}/"
    assert client.patch(entry_url, {"note": "Call her"}, format="json").json()["note"] == "Call her"
    assert client.get(url).json()["entry_count"] == 1
    assert client.patch(url, {"name": "Summer 2027"}, format="json").json()["name"] == "Summer 2027"
    assert client.delete(entry_url).status_code == 204
    assert client.delete(url).status_code == 204
    assert not Shortlist.objects.exists()


def test_hidden_creators_cannot_be_shortlisted(api, roles: Roles):
    shortlist = ShortlistFactory(brand=roles.brand_a)
    hidden = InfluencerFactory(status="rejected")
    response = api("brand_a").post(
        f"/api/v1/shortlists/{shortlist.pk}/entries/", {"influencer": hidden.handle}, format="json"
    )
    assert response.status_code == 400
    assert "influencer" in response.json()["fields"]


@pytest.mark.parametrize(
    ("role", "status"), [("brand_b", 404), ("influencer_a", 404), ("staff", 404), ("anonymous", 401)]
)
def test_another_brands_shortlist_does_not_exist(api, roles: Roles, role, status):
    shortlist = ShortlistFactory(brand=roles.brand_a, name="Secret")
    entry = ShortlistEntryFactory(shortlist=shortlist, influencer=roles.influencer_a)
    client = api(role)
    url = f"/api/v1/shortlists/{shortlist.pk}/"
    assert client.get(url).status_code == status
    assert client.patch(url, {"name": "Mine"}, format="json").status_code == status
    assert client.delete(f"{url}entries/{entry.pk}/").status_code == status
    assert client.delete(url).status_code == status
    assert Shortlist.objects.get(pk=shortlist.pk).name == "Secret"
    assert ShortlistEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("count", [2, 20])
def test_shortlist_lists_run_a_fixed_number_of_queries(api, roles: Roles, django_assert_num_queries, count):
    shortlist = ShortlistFactory(brand=roles.brand_a)
    for _ in range(count):
        ShortlistFactory(brand=roles.brand_a)
        ShortlistEntryFactory(shortlist=shortlist, influencer=InfluencerFactory(niches=["food"]))
    client = api("brand_a")
    # token + user, membership with brand, the page with entry counts
    with django_assert_num_queries(3):
        assert len(client.get("/api/v1/shortlists/?page_size=50").json()["results"]) == count + 1
    # token + user, membership with brand, the shortlist, the page of entries, their creators' niches
    with django_assert_num_queries(5):
        assert len(client.get(f"/api/v1/shortlists/{shortlist.pk}/entries/?page_size=50").json()["results"]) == count
