"""Saved searches over the API: the caller's brand's only; another brand's id is a 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brands.models import SavedSearch
from tests.api.conftest import Roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("influencer_a", 404), ("brand_a", 200), ("staff", 404)],
)
def test_list_matrix(api, roles: Roles, role, status):
    assert api(role).get("/api/v1/saved-searches/").status_code == status


def test_create_read_update_delete(api, roles: Roles):
    client = api("brand_a")
    response = client.post(
        "/api/v1/saved-searches/",
        {"name": "Gym", "query": "platform=instagram&niches=fitness&cursor=abc"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["query"] == "niches=fitness&platform=instagram"
    assert body["url"] == "/influencers/?niches=fitness&platform=instagram"
    assert body["summary"].startswith("Niches: Fitness · Platforms: Instagram")
    assert body["notify"] is True
    assert body["last_new_count"] is None
    pk = body["id"]
    assert client.get(f"/api/v1/saved-searches/{pk}/").json()["name"] == "Gym"
    patched = client.patch(f"/api/v1/saved-searches/{pk}/", {"name": "Gym NL", "notify": False}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["notify"]) == ("Gym NL", False)
    assert [row["name"] for row in client.get("/api/v1/saved-searches/").json()["results"]] == ["Gym NL"]
    assert client.delete(f"/api/v1/saved-searches/{pk}/").status_code == 204
    assert not SavedSearch.objects.exists()


def test_bad_input_is_400_with_the_reason_and_writes_nothing(api, roles: Roles):
    client = api("brand_a")
    empty = client.post("/api/v1/saved-searches/", {"name": "Nothing", "query": "sort=followers"}, format="json")
    assert empty.status_code == 400
    assert "Save a search with at least one filter." in str(empty.json())
    invalid = client.post("/api/v1/saved-searches/", {"name": "Bad", "query": "er_min=500"}, format="json")
    assert invalid.status_code == 400
    assert "Engagement rate from (%)" in str(invalid.json())
    client.post("/api/v1/saved-searches/", {"name": "Gym", "query": "niches=fitness"}, format="json")
    duplicate = client.post("/api/v1/saved-searches/", {"name": "gym", "query": "niches=beauty"}, format="json")
    assert duplicate.status_code == 400
    assert SavedSearch.objects.count() == 1


def test_another_brands_saved_search_does_not_exist(api, roles: Roles):
    created = api("brand_a").post("/api/v1/saved-searches/", {"name": "A", "query": "niches=fitness"}, format="json")
    pk = created.json()["id"]
    other = api("brand_b")
    assert other.get(f"/api/v1/saved-searches/{pk}/").status_code == 404
    assert other.patch(f"/api/v1/saved-searches/{pk}/", {"name": "B"}, format="json").status_code == 404
    assert other.delete(f"/api/v1/saved-searches/{pk}/").status_code == 404
    assert other.get("/api/v1/saved-searches/").json()["results"] == []
    assert SavedSearch.objects.get().name == "A"


def test_the_list_runs_a_fixed_number_of_queries(api, roles: Roles):
    client = api("brand_a")

    def list_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/saved-searches/").status_code == 200
        return len(queries)

    client.post("/api/v1/saved-searches/", {"name": "S0", "query": "followers_min=1"}, format="json")
    one = list_queries()
    for n in range(1, 6):
        client.post("/api/v1/saved-searches/", {"name": f"S{n}", "query": f"followers_min={n + 1}"}, format="json")
    assert list_queries() == one
