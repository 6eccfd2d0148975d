"""Rate limits on abuse-prone actions (config/ratelimit.py): sign-up, campaign and team invitations,
applications and collaboration messages, on the pages and in the API.

Each test lowers one limit, goes over it, and checks what a person would notice: a 429 with a
message that says what happened and Retry-After, nothing written, other users unaffected, and the
budget back once the window has passed.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from brands.accounts.api_tokens import api_token_issue
from brands.models import Brand
from campaigns.models import Collaboration, CollaborationMessage
from config.ratelimit import Rate, parse_rate, rate_limit_hit
from influencers.models import Influencer
from tests.factories import (
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
)
from tests.services import redis_url

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def limits(settings):
    """Lower one limit: limits(invite="2/hour")."""

    def lower(**rates: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return lower


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
    return client


def assert_limited_page(response, text: str) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert text in response.content.decode()
    assert "Nothing was saved" in response.content.decode()


def assert_limited_api(response, text: str) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.json()
    assert body["status"] == 429
    assert body["code"] == "throttled"
    assert text in body["detail"]
    assert body["fields"] == {}


# --- the limiter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("20/hour", Rate(20, 3600)),
        ("5/10min", Rate(5, 600)),
        ("3/30s", Rate(3, 30)),
        ("100/day", Rate(100, 86400)),
        ("7/minutes", Rate(7, 60)),
        ("off", None),
    ],
)
def test_rates_are_read_as_count_per_period(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["20", "twenty/hour", "5/fortnight", "5/0s"])
def test_a_malformed_rate_is_refused(text):
    with pytest.raises(ValueError, match="20/hour"):
        parse_rate(text)


def test_the_window_resets(limits):
    limits(message="2/1s")
    ident = f"test:{uuid.uuid4()}"
    verdicts = [rate_limit_hit(scope="message", ident=ident) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert verdicts[2].retry_after == 1
    assert rate_limit_hit(scope="message", ident="someone-else").allowed
    time.sleep(1.05)  # the one-second window has passed
    assert rate_limit_hit(scope="message", ident=ident).allowed


def test_an_action_with_the_limit_off_is_never_refused(limits):
    limits(message="off")
    assert all(rate_limit_hit(scope="message", ident="x").allowed for _ in range(50))


@pytest.mark.redis
def test_counters_are_shared_across_processes_through_redis(limits):
    """Two processes with REDIS_CACHE_URL count into the same budget (gunicorn workers, machines)."""
    limits(invite="3/hour")
    ident = f"test:{uuid.uuid4()}"
    script = (
        "import django; django.setup()\n"
        "from config.ratelimit import rate_limit_hit\n"
        f"print([rate_limit_hit(scope='invite', ident='{ident}').allowed for _ in range(2)])\n"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "REDIS_CACHE_URL": redis_url(),
        "RATE_LIMIT_INVITE": "3/hour",
        "PATH": "/usr/bin:/bin",
    }
    root = Path(django_settings.BASE_DIR)
    other = subprocess.run([sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True)
    assert other.stdout.strip() == "[True, True]", other.stderr
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url()}}
    with override_settings(CACHES=redis_cache):
        assert [rate_limit_hit(scope="invite", ident=ident).allowed for _ in range(2)] == [True, False]


# --- sign-up (per client address) ------------------------------------------------------------------


def signup_data(n: int, role: str) -> dict:
    data = {"username": f"new{n}", "email": f"new{n}@example.com", "password1": PASSWORD, "password2": PASSWORD}
    if role == "brand":
        return {**data, "brand_name": f"Fresh Brand {n}", "website": "", "country": "NL"}
    return {**data, "handle": f"fresh.{n}", "display_name": f"Fresh {n}"}


@pytest.mark.parametrize(("role", "url_name"), [("creator", "signup_influencer"), ("brand", "signup_brand")])
def test_signup_is_limited_per_address(client, limits, role, url_name):
    limits(signup="2/hour")
    url = reverse(url_name)
    for n in range(2):
        client.logout()
        assert client.post(url, signup_data(n, role)).status_code == 302
    client.logout()
    users, brands, influencers = User.objects.count(), Brand.objects.count(), Influencer.objects.count()
    response = client.post(url, signup_data(9, role))
    assert_limited_page(response, "Too many accounts were created from your address")
    assert (User.objects.count(), Brand.objects.count(), Influencer.objects.count()) == (users, brands, influencers)
    # The form still shows (GET is never limited), and another address signs up.
    assert client.get(url).status_code == 200
    assert client.post(url, signup_data(10, role), REMOTE_ADDR="203.0.113.9").status_code == 302
    # Both sign-up forms share the address's budget.
    other_form = reverse("signup_brand" if role == "creator" else "signup_influencer")
    client.logout()
    assert client.post(other_form, signup_data(11, "brand" if role == "creator" else "creator")).status_code == 429
    # Once the window is over (here: the counters are gone), the address may sign up again.
    cache.clear()
    client.logout()
    assert client.post(url, signup_data(12, role)).status_code == 302


def test_the_429_page_is_translated(client, limits):
    limits(signup="0/hour")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.post(reverse("signup_influencer"), signup_data(1, "creator"))
    assert response.status_code == 429
    assert "Too many" not in response.content.decode()
    assert 'lang="nl"' in response.content.decode()


# --- campaign invitations ----------------------------------------------------------------------------


@pytest.fixture
def brand_member():
    return BrandMemberFactory()


@pytest.fixture
def campaign(brand_member):
    return CampaignFactory(brand=brand_member.brand)


def invite_page(client, campaign, influencer, **extra):
    url = reverse("recommendations:invite", args=[influencer.handle])
    return client.post(url, {"campaign": campaign.pk, "message": "Join us", "proposed_fee": "", "offer": ""}, **extra)


def test_page_invitations_are_limited_per_user(client, limits, brand_member, campaign):
    limits(invite="2/hour")
    creators = InfluencerFactory.create_batch(4)
    client.force_login(brand_member.user)
    assert [invite_page(client, campaign, c).status_code for c in creators[:2]] == [302, 302]
    response = invite_page(client, campaign, creators[2])
    assert_limited_page(response, "You sent too many invitations in a short time")
    assert Collaboration.objects.filter(campaign=campaign).count() == 2
    # htmx gets only the message, for the place where the answer would go.
    fragment = invite_page(client, campaign, creators[2], HTTP_HX_REQUEST="true")
    assert fragment.status_code == 429
    assert "<html" not in fragment.content.decode()
    assert 'role="alert"' in fragment.content.decode()
    assert "You sent too many invitations" in fragment.content.decode()
    # Another brand's member has their own budget.
    other = BrandMemberFactory()
    client.force_login(other.user)
    assert invite_page(client, CampaignFactory(brand=other.brand), creators[3]).status_code == 302


def test_api_invitations_share_the_page_budget(client, limits, brand_member, campaign):
    limits(invite="2/hour")
    creators = InfluencerFactory.create_batch(3)
    client.force_login(brand_member.user)
    assert invite_page(client, campaign, creators[0]).status_code == 302
    api = token_client(brand_member.user)
    url = f"/api/v1/campaigns/{campaign.pk}/invite/"
    assert api.post(url, {"influencer": creators[1].handle}, format="json").status_code == 201
    response = api.post(url, {"influencer": creators[2].handle}, format="json")
    assert_limited_api(response, "You sent too many invitations in a short time")
    assert not Collaboration.objects.filter(influencer=creators[2]).exists()
    # Reading is never limited.
    assert api.get(f"/api/v1/campaigns/{campaign.pk}/").status_code == 200
    cache.clear()
    assert api.post(url, {"influencer": creators[2].handle}, format="json").status_code == 201


def test_team_invitation_emails_are_limited(
    client, limits, brand_member, mailoutbox, django_capture_on_commit_callbacks
):
    limits(team_invite="2/hour")
    client.force_login(brand_member.user)
    url = reverse("brand:team")
    with django_capture_on_commit_callbacks(execute=True):
        assert [client.post(url, {"email": f"mate{n}@example.com"}).status_code for n in range(2)] == [302, 302]
        response = client.post(url, {"email": "mate9@example.com"})
    assert_limited_page(response, "You sent too many team invitations in a short time")
    assert brand_member.brand.invitations.count() == 2
    assert len(mailoutbox) == 2
    assert client.get(url).status_code == 200


# --- applications ----------------------------------------------------------------------------------


def test_applications_are_limited_on_the_page_and_in_the_api(client, limits):
    limits(apply="2/hour")
    creator = InfluencerFactory()
    campaigns = CampaignFactory.create_batch(4)
    client.force_login(creator.user)
    apply = {"message": "I fit", "proposed_fee": "", "offer": ""}
    assert client.post(reverse("me:opportunity", args=[campaigns[0].pk]), apply).status_code == 302
    api = token_client(creator.user)
    assert api.post(f"/api/v1/campaigns/{campaigns[1].pk}/apply/", {"message": "Me"}, format="json").status_code == 201
    response = client.post(reverse("me:opportunity", args=[campaigns[2].pk]), apply)
    assert_limited_page(response, "You sent too many applications in a short time")
    response = api.post(f"/api/v1/campaigns/{campaigns[3].pk}/apply/", {"message": "Me"}, format="json")
    assert_limited_api(response, "You sent too many applications in a short time")
    assert Collaboration.objects.filter(influencer=creator).count() == 2
    # Another creator applies as usual.
    other = InfluencerFactory()
    client.force_login(other.user)
    assert client.post(reverse("me:opportunity", args=[campaigns[2].pk]), apply).status_code == 302


# --- messages ---------------------------------------------------------------------------------------


def test_messages_are_limited_for_both_sides_on_pages_and_api(client, limits, brand_member, campaign):
    limits(message="2/hour")
    collaboration = CollaborationFactory(campaign=campaign, status=Collaboration.Status.ACCEPTED)
    brand_page = reverse("campaigns:collaboration_message", args=[campaign.pk, collaboration.pk])
    creator_page = reverse("me:collaboration_message", args=[collaboration.pk])
    api_url = f"/api/v1/collaborations/{collaboration.pk}/messages/"

    client.force_login(brand_member.user)
    assert client.post(brand_page, {"message": "One"}).status_code == 302
    brand_api = token_client(brand_member.user)
    assert brand_api.post(api_url, {"body": "Two"}, format="json").status_code == 201
    assert_limited_page(client.post(brand_page, {"message": "Three"}), "You sent too many messages")
    assert_limited_api(brand_api.post(api_url, {"body": "Four"}, format="json"), "You sent too many messages")
    assert list(CollaborationMessage.objects.values_list("body", flat=True).order_by("pk")) == ["One", "Two"]

    # The creator's budget is their own.
    creator = collaboration.influencer.user
    client.force_login(creator)
    assert client.post(creator_page, {"message": "Hi"}).status_code == 302
    creator_api = token_client(creator)
    assert creator_api.post(api_url, {"body": "Hello"}, format="json").status_code == 201
    assert_limited_page(client.post(creator_page, {"message": "Again"}), "You sent too many messages")
    assert_limited_api(creator_api.post(api_url, {"body": "Again"}, format="json"), "You sent too many messages")
    assert CollaborationMessage.objects.count() == 4


def test_default_limits_leave_ordinary_use_alone(client, brand_member, campaign):
    """The shipped limits are far above what a person (or the demo and browser tests) sends."""
    for scope, minimum in {"signup": 10, "invite": 100, "team_invite": 10, "apply": 30, "message": 60}.items():
        rate = parse_rate(django_settings.RATE_LIMITS[scope])
        assert rate is not None, scope
        assert rate.limit * 3600 / rate.period >= minimum, scope
    collaboration = CollaborationFactory(campaign=campaign, status=Collaboration.Status.ACCEPTED)
    client.force_login(brand_member.user)
    url = reverse("campaigns:collaboration_message", args=[campaign.pk, collaboration.pk])
    assert {client.post(url, {"message": f"Note {n}"}).status_code for n in range(30)} == {302}
