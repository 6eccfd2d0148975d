"""The API's contract as a whole: the schema validates, every operation documents its errors, every
error has one JSON shape, input is taken only in the JSON types the schema names, lists page by cursor
with a capped page size, and throttling answers 429 with Retry-After."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.api.conftest import Roles
from tests.factories import CampaignFactory, CollaborationFactory, InfluencerFactory, SocialAccountFactory

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"status", "code", "detail", "fields"}


def api_schema() -> dict:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return yaml.safe_load(out.getvalue())


def test_schema_validates_without_warnings_and_documents_every_error_status():
    schema = api_schema()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 50
    for path, method, operation in operations:
        documented = set(operation["responses"])
        expected = {"400", "401", "403", "404", "429"} | ({"409"} if method != "get" else set())
        assert expected <= documented, (method, path, documented)
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    assert set(schema["components"]["schemas"]["Error"]["required"]) == ERROR_KEYS


def test_schema_and_docs_are_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/influencers/" in response.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from our own static files (CSP: no CDN), its start-up script from a URL.
    assert b"cdn.jsdelivr" not in docs.content
    assert b"drf_spectacular_sidecar" in docs.content
    assert b"<style" not in docs.content
    assert b"<script>" not in docs.content
    assert client.get("/api/docs/?script=").status_code == 200


def test_anonymous_gets_401_with_the_token_scheme():
    response = APIClient().get("/api/v1/campaigns/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "not_authenticated"


def test_invalid_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/campaigns/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_http_basic_credentials_are_refused_even_when_correct(roles: Roles):
    """The API has no password login, so only the page login (locked out by axes) takes passwords."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic YWxpY2U6Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ==")
    assert client.get("/api/v1/brands/me/").status_code == 401


def test_unknown_api_address_answers_the_json_404(api):
    for method in ("get", "post", "delete"):
        response = getattr(api("brand_a"), method)("/api/v1/no/such/thing/")
        assert response.status_code == 404
        assert response.json() == {
            "status": 404,
            "code": "not_found",
            "detail": "No API endpoint at this address.",
            "fields": {},
        }
    # An id too long for a database integer never reaches a query.
    assert api("brand_a").get("/api/v1/campaigns/1234567890123456789012/").status_code == 404


def test_field_errors_name_the_field(api):
    response = api("brand_a").post("/api/v1/campaigns/", {"title": ""}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "required" or body["code"] == "blank"
    assert {"title", "brief", "kind", "budget_total", "starts_on"} <= set(body["fields"])


def test_domain_error_is_400_not_allowed_is_403_conflict_is_409(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a)
    # DomainError: a business rule (budget per creator above the total) -> 400 on that field.
    response = api("brand_a").patch(
        f"/api/v1/campaigns/{campaign.pk}/", {"budget_per_creator": "9000.00"}, format="json"
    )
    assert response.status_code == 400
    assert "budget_per_creator" in response.json()["fields"]
    # NotAllowed: the creator may not complete; only the brand may -> 403.
    collaboration = CollaborationFactory(campaign=campaign, influencer=roles.influencer_a)
    response = api("influencer_a").post(f"/api/v1/collaborations/{collaboration.pk}/complete/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    # Conflict: inviting someone who is already part of the campaign -> 409.
    response = api("brand_a").post(
        f"/api/v1/campaigns/{campaign.pk}/invite/", {"influencer": roles.influencer_a.handle}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": 5}, "title"),  # a number where a string belongs
        ({"budget_total": 350}, "budget_total"),  # money is a string "350.00"
        ({"budget_total": ""}, "budget_total"),
        ({"budget_total": "1e3"}, "budget_total"),
        ({"budget_total": "-5"}, "budget_total"),
        ({"budget_total": "123456789.00"}, "budget_total"),  # above the maximum
        ({"posts_count": "2"}, "posts_count"),  # a string where an integer belongs
        ({"posts_count": 2.5}, "posts_count"),
        ({"posts_count": 10**30}, "posts_count"),
        ({"honest_review_clause": 1}, "honest_review_clause"),  # 1 is not a boolean
        ({"brief": "   "}, "brief"),  # blank text
        ({"brief": "nul\x00byte"}, "brief"),
        ({"min_followers": -1}, "min_followers"),
    ],
)
def test_values_outside_the_schema_are_refused(api, roles: Roles, payload, field):
    campaign = CampaignFactory(brand=roles.brand_a)
    response = api("brand_a").patch(f"/api/v1/campaigns/{campaign.pk}/", payload, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]


def test_json_that_is_not_storable_unicode_or_not_json_is_refused(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a)
    url = f"/api/v1/campaigns/{campaign.pk}/"
    for body in (b'{"title": "\\ud800"}', b'{"title": NaN}', b'{"title": Infinity}', b"{not json"):
        response = api("brand_a").patch(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "parse_error"
    campaign.refresh_from_db()
    assert campaign.title.startswith("Campaign")


def test_unicode_text_round_trips(api, roles: Roles):
    campaign = CampaignFactory(brand=roles.brand_a)
    title = "Zomer 🌞 — «ça va» 日本語 <script>alert(1)</script>"
    response = api("brand_a").patch(f"/api/v1/campaigns/{campaign.pk}/", {"title": title}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == title


# --- pagination -----------------------------------------------------------------------------------


def test_cursor_pages_are_stable_and_complete(api, roles: Roles):
    campaigns = CampaignFactory.create_batch(7, brand=roles.brand_a)
    seen: list[int] = []
    url = "/api/v1/campaigns/?page_size=3"
    while url:
        body = api("brand_a").get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        # A campaign created meanwhile (newest first) does not shift the pages after the cursor.
        if len(seen) == 3:
            CampaignFactory(brand=roles.brand_a)
    assert seen == sorted((c.pk for c in campaigns), reverse=True)


@pytest.mark.parametrize("value", ["0", "101", "-1", "abc", "", "1.5"])
def test_page_size_must_be_1_to_100(api, roles: Roles, value):
    response = api("brand_a").get(f"/api/v1/campaigns/?page_size={value}")
    assert response.status_code == 400
    assert "page_size" in response.json()["fields"]


def test_page_size_100_is_allowed(api, roles: Roles):
    assert api("brand_a").get("/api/v1/campaigns/?page_size=100").status_code == 200


@pytest.mark.parametrize("cursor", ["garbage", "cD1hYmM=", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ=="])
def test_a_forged_cursor_is_404(api, roles: Roles, cursor):
    """ "p=abc" and a 25-digit position would otherwise reach the query."""
    response = api("brand_a").get(f"/api/v1/campaigns/?cursor={cursor}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- throttling -----------------------------------------------------------------------------------


@pytest.fixture
def low_throttle(monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "2/min", "metrics_import": "1/min"}
    )
    cache.clear()
    yield
    cache.clear()


def test_users_are_throttled_with_retry_after(api, roles: Roles, low_throttle):
    client = api("brand_a")
    statuses = [client.get("/api/v1/brands/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/brands/me/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["code"] == "throttled"
    # Counted per user: another user still gets through.
    assert api("brand_b").get("/api/v1/brands/me/").status_code == 200


def test_anonymous_callers_are_throttled_per_address(low_throttle):
    client = APIClient()
    statuses = [client.get("/api/v1/campaigns/").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert "Retry-After" in client.get("/api/v1/campaigns/")
    # Another address has its own budget.
    assert client.get("/api/v1/campaigns/", REMOTE_ADDR="203.0.113.7").status_code == 401


def test_throttling_uses_the_shared_cache(api, roles: Roles, low_throttle):
    """The counter lives in Django's cache (Redis when REDIS_CACHE_URL is set), not in the process."""
    api("brand_a").get("/api/v1/brands/me/")
    history = cache.get(f"throttle_user_{roles.member_a.user.pk}")
    assert isinstance(history, list)
    assert len(history) == 1


def test_hidden_creator_is_not_found_anywhere(api, roles: Roles):
    hidden = InfluencerFactory(status="pending")
    SocialAccountFactory(influencer=hidden)
    for url in (
        f"/api/v1/influencers/{hidden.handle}/",
        f"/api/v1/influencers/{hidden.handle}/follower-history/",
        f"/api/v1/influencers/{hidden.handle}/engagement/",
        f"/api/v1/influencers/{hidden.handle}/similar/",
    ):
        assert api("brand_a").get(url).status_code == 404


def test_a_locked_out_login_does_not_lock_out_tokens(client, roles: Roles, settings):
    """Lock-out guards passwords (the login page); a token is a separate credential, revoked on its own.

    This is also why the schemathesis run, which authenticates with tokens only, can never be locked out.
    """
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    assert client.post("/accounts/login/", {"username": "alice", "password": "wrong"}).status_code == 429
    token = APIClient()
    from brands.accounts.api_tokens import api_token_issue

    token.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=roles.member_a.user).key}")
    assert token.get("/api/v1/brands/me/").status_code == 200
