"""An attacker's probe of a production-like instance: gunicorn, production settings (DEBUG off), PostgreSQL
seeded with two tenants, staff and suspended parties, and only HTTP from outside.

Every role logs in through the real login form (CSRF, session cookie, axes) and tries what it must not
do: read or act on another tenant's campaign and collaboration (pages and API), read collaborations as
staff without the permission to (API and admin agree), start or hand in work while suspended. Each
refusal is checked for its status, the absence of private text, and — through the other party's own
view — that nothing changed. The processes come from tests/reliability/procs.py.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.urls import reverse

from campaigns.models import Collaboration, CollaborationMessage
from campaigns.services import collaboration_accept, collaboration_apply, collaboration_invite, deliverable_submit
from influencers.taxonomy import ModerationStatus
from tests.factories import BrandMemberFactory, CampaignFactory, InfluencerFactory, UserFactory
from tests.reliability.procs import ROOT, Gunicorn, child_env, database_url, free_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PORTS = (18421, 18429)  # reserved for this probe (the reliability tests use 18391-18399)
PASSWORD = "probe-" + secrets.token_urlsafe(12)
SECRET = "zq-probe-secret-9917"  # in the messages, drafts and brand profile: for the parties only
TITLE = "Campaign zq-probe-title-2203"  # the campaign's title: for the brand, its creators and staff
Status = Collaboration.Status


# --- the server -------------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """gunicorn with production settings on the test database; yields its base URL."""
    env = child_env(
        DATABASE_URL=database_url(),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="probe-" + secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Production settings with plain manifest static files: collected in seconds, not minutes
        # (bench/loadtest/settings.py says why); pages render exactly as in production.
        DJANGO_SETTINGS_MODULE="bench.loadtest.settings",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        CELERY_BROKER_URL="",  # nothing the probe does may queue work for somebody's worker
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--link", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    log = tmp_path / "gunicorn.log"
    gunicorn = Gunicorn(log, env, free_port(*PORTS), workers=2)
    try:
        yield f"http://127.0.0.1:{gunicorn.port}"
    finally:
        gunicorn.stop()


@dataclass
class Browser:
    """A client that speaks to the server as a browser behind the TLS proxy would.

    The server sees HTTPS (X-Forwarded-Proto) and sets Secure cookies, which an http:// client would
    not send back; the cookies are kept here by hand instead.
    """

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def _headers(self, extra: dict | None = None) -> dict[str, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.base.replace("http://", "https://") + "/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return headers | (extra or {})

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, self.base + path, headers=self._headers(kwargs.pop("headers", None)), allow_redirects=False,
            timeout=30, **kwargs,
        )  # fmt: skip
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict | None = None) -> requests.Response:
        return self.request(
            "POST", path, data={"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **(data or {})}
        )

    def api(self, method: str, path: str, body: dict | None = None) -> requests.Response:
        return self.request(method, path, json=body, headers={"Accept": "application/json"})

    def login(self, username: str) -> Browser:
        form = self.get(reverse("login"))
        assert form.status_code == 200, form.status_code
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        answer = self.request(
            "POST", reverse("login"), data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        assert answer.status_code == 302, f"login of {username} failed: {answer.status_code}"
        assert "sessionid" in self.cookies
        return self


# --- the seeded world ---------------------------------------------------------------------------------


@dataclass
class World:
    campaign_a: object
    collaboration: Collaboration
    invitation_of_suspended_creator: Collaboration
    application_to_suspended_brand: Collaboration


def users_with_one_password(*users) -> None:
    # One hash with the production hasher, so logging in over HTTP checks it as in production.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    for user in users:
        user.password = hashed
        user.save(update_fields=["password"])


@pytest.fixture
def world() -> World:
    brand_a = BrandMemberFactory(user__username="brand_a", brand__description=SECRET)
    brand_b = BrandMemberFactory(user__username="brand_b")
    brand_s = BrandMemberFactory(user__username="brand_s")
    creator_a = InfluencerFactory(user__username="creator_a")
    creator_b = InfluencerFactory(user__username="creator_b")
    creator_s = InfluencerFactory(user__username="creator_s")
    staff_plain = UserFactory(username="staff_plain", is_staff=True)
    staff_collabs = UserFactory(username="staff_collabs", is_staff=True)
    staff_collabs.user_permissions.set(Permission.objects.filter(codename="view_collaboration"))

    campaign_a = CampaignFactory(brand=brand_a.brand, title=TITLE)
    application = collaboration_apply(campaign=campaign_a, influencer=creator_a, by=creator_a.user)
    collaboration = collaboration_accept(collaboration=application, by=brand_a.user)
    deliverable_submit(
        collaboration=collaboration, by=creator_a.user, url="https://instagram.com/p/1", draft_text=f"#ad {SECRET}"
    )
    CollaborationMessage.objects.create(collaboration=collaboration, author=brand_a.user, body=f"Fee {SECRET}")
    invitation = collaboration_invite(campaign=campaign_a, influencer=creator_s, by=brand_a.user)
    campaign_s = CampaignFactory(brand=brand_s.brand)
    to_suspended = collaboration_apply(campaign=campaign_s, influencer=creator_b, by=creator_b.user)

    # Moderators suspend a creator and a brand after the work started.
    creator_s.status = ModerationStatus.SUSPENDED
    creator_s.save()
    brand_s.brand.status = ModerationStatus.SUSPENDED
    brand_s.brand.save()
    users_with_one_password(
        brand_a.user, brand_b.user, brand_s.user, creator_a.user, creator_b.user, creator_s.user,
        staff_plain, staff_collabs,
    )  # fmt: skip
    return World(campaign_a, collaboration, invitation, to_suspended)


# --- the probe ----------------------------------------------------------------------------------------


def refused(response: requests.Response, status: int, *, hidden: tuple[str, ...] = (SECRET, TITLE)) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    for text in hidden:
        assert text not in response.text


def test_an_attacker_over_http_gets_nothing_across_tenants_staff_rules_or_moderation(server, world: World):
    collaboration = world.collaboration
    campaign = world.campaign_a
    api_detail = reverse("api:collaboration-detail", args=[collaboration.pk])

    # Production settings: no debug page, HTTPS enforced for plain http.
    missing = Browser(server).get("/no-such-page/")
    assert missing.status_code == 404
    assert "URLconf" not in missing.text
    assert requests.get(server + "/healthz", allow_redirects=False, timeout=10).status_code == 301

    # The owners see their own work (so the refusals below are not an empty database speaking).
    brand_a = Browser(server).login("brand_a")
    owned = brand_a.api("GET", api_detail)
    assert owned.status_code == 200
    assert SECRET in owned.text
    assert (
        Browser(server).login("creator_a").get(reverse("me:collaboration", args=[collaboration.pk])).status_code == 200
    )

    # Cross-tenant: another brand and another creator, pages and API, reads and writes.
    brand_b = Browser(server).login("brand_b")
    refused(brand_b.get(reverse("campaigns:detail", args=[campaign.pk])), 404)
    refused(brand_b.get(reverse("campaigns:collaboration", args=[campaign.pk, collaboration.pk])), 404)
    refused(brand_b.api("GET", api_detail), 404)
    refused(brand_b.api("POST", reverse("api:collaboration-cancel", args=[collaboration.pk]), {}), 404)
    refused(brand_b.api("PATCH", reverse("api:campaign-detail", args=[campaign.pk]), {"title": "x"}), 404)
    creator_b = Browser(server).login("creator_b")
    refused(creator_b.get(reverse("me:collaboration", args=[collaboration.pk])), 404)
    refused(creator_b.api("GET", api_detail), 404)
    refused(creator_b.api("POST", reverse("api:collaboration-message", args=[collaboration.pk]), {"body": "x"}), 404)

    # Staff: what their permissions grant, the same in the admin and the API.
    admin_change = reverse("admin:campaigns_collaboration_change", args=[collaboration.pk])
    plain = Browser(server).login("staff_plain")
    refused(plain.api("GET", api_detail), 404)
    assert plain.api("GET", reverse("api:collaboration-list")).json()["results"] == []
    refused(plain.get(admin_change), 403)
    collabs = Browser(server).login("staff_collabs")
    seen = collabs.api("GET", api_detail)
    assert seen.status_code == 200
    assert seen.json()["messages"] == []
    assert SECRET not in seen.text  # the messages and drafts need permissions of their own
    assert collabs.get(admin_change).status_code == 200
    refused(
        collabs.api("POST", reverse("api:collaboration-cancel", args=[collaboration.pk]), {}), 403, hidden=(SECRET,)
    )

    # Suspended parties: a clear refusal, and nothing changes.
    creator_s = Browser(server).login("creator_s")
    invitation = world.invitation_of_suspended_creator
    answer = creator_s.api("POST", reverse("api:collaboration-accept", args=[invitation.pk]), {})
    refused(answer, 403, hidden=(SECRET,))
    assert "suspended" in answer.json()["detail"]
    page = creator_s.post(reverse("me:collaboration_action", args=[invitation.pk, "accept"]), {"message": ""})
    assert page.status_code == 302
    brand_s = Browser(server).login("brand_s")
    application = world.application_to_suspended_brand
    answer = brand_s.api("POST", reverse("api:collaboration-accept", args=[application.pk]), {})
    refused(answer, 403)
    assert "suspended" in answer.json()["detail"]

    # Nothing moved: the other side still sees the invitation and the application unanswered,
    # and the brand's running collaboration as it was.
    assert brand_a.api("GET", reverse("api:collaboration-detail", args=[invitation.pk])).json()["status"] == "invited"
    creator_b_view = creator_b.api("GET", reverse("api:collaboration-detail", args=[application.pk])).json()
    assert creator_b_view["status"] == "applied"
    again = brand_a.api("GET", api_detail).json()
    assert again["status"] == owned.json()["status"]
    assert len(again["messages"]) == len(owned.json()["messages"])
