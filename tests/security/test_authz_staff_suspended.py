"""The permission matrix extended (tests/security/test_authz_matrix.py has the tenants): staff scoped by
their Django permissions, and suspended and pending parties.

Roles added here:
- `staff_plain`: is_staff without any permission — sees what any other outsider sees (issue 13, item 2:
  it used to read every collaboration, message and fee through the API);
- `staff_collabs`: may view collaborations only (as the admin grants) — reads them, but not their
  messages or deliverables, and acts on none;
- `staff_full`: may view collaborations, messages and deliverables — reads them all, acts on none;
- `creator_suspended`, `brand_suspended`: parties of a running collaboration whom moderation suspended —
  they may read their own work, but not start, hand in or message;
- `brand_pending`: a brand not yet approved — invites nobody.

Each cell checks the answer, that the private text is absent where the role may not read it, and that
nothing in the database changed where the role may not write.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Campaign, CollaborationMessage
from campaigns.services import collaboration_accept, collaboration_apply, deliverable_submit
from influencers.models import EngineRun
from influencers.taxonomy import ModerationStatus
from tests.factories import (
    BrandMemberFactory,
    CampaignFactory,
    InfluencerFactory,
    MatchFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "zq-staff-private-4410"
MESSAGE_SECRET = "zq-message-only-5521"
DRAFT_SECRET = "zq-draft-only-6632"


def staff(*codenames: str):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def world():
    brand = BrandMemberFactory(brand__description=SECRET)
    creator = InfluencerFactory()
    campaign = CampaignFactory(brand=brand.brand, title=f"Campaign {SECRET}")
    draft = CampaignFactory(brand=brand.brand, status=Campaign.Status.DRAFT, title=f"Draft {SECRET}")
    application = collaboration_apply(campaign=campaign, influencer=creator, by=creator.user, message=MESSAGE_SECRET)
    collaboration = collaboration_accept(collaboration=application, by=brand.user)
    deliverable = deliverable_submit(
        collaboration=collaboration, by=creator.user, url="https://instagram.com/p/1", draft_text=f"#ad {DRAFT_SECRET}"
    )
    CollaborationMessage.objects.create(collaboration=collaboration, author=brand.user, body=MESSAGE_SECRET)
    MatchFactory(campaign=campaign, influencer=creator)
    run = EngineRun.objects.create(
        kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=f"campaign:{campaign.pk}", triggered_by=brand.user
    )
    pending = BrandMemberFactory(brand__status=ModerationStatus.PENDING)
    return {
        "brand": brand,
        "creator": creator,
        "campaign": campaign,
        "draft": draft,
        "collaboration": collaboration,
        "deliverable": deliverable,
        "run": run,
        "users": {
            "staff_plain": staff(),
            "staff_collabs": staff("view_collaboration"),
            "staff_full": staff(
                "view_collaboration", "view_collaborationmessage", "view_deliverable", "view_campaign", "view_match"
            ),
            "brand_pending": pending.user,
        },
        "pending_campaign": CampaignFactory(brand=pending.brand, status=Campaign.Status.DRAFT),
    }


def fingerprint() -> str:
    digest = hashlib.sha256()
    for label in ("brands", "campaigns", "influencers"):
        for model in apps.get_app_config(label).get_models():
            for row in model.objects.order_by("pk").values():
                digest.update(json.dumps(row, default=str, sort_keys=True).encode())
    for row in apps.get_model(settings.AUTH_USER_MODEL).objects.order_by("pk").values():
        row.pop("last_login", None)
        digest.update(json.dumps(row, default=str, sort_keys=True).encode())
    return digest.hexdigest()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def read(user, name: str, *args):
    response = api(user).get(reverse(name, args=args))
    return response.status_code, response.content.decode()


# --- staff: what their permissions grant, nothing more ------------------------------------------------


def test_plain_staff_read_no_collaboration_campaign_match_or_run(world):
    user = world["users"]["staff_plain"]
    collaboration = world["collaboration"]
    status, body = read(user, "api:collaboration-list")
    assert status == 200
    assert json.loads(body)["results"] == []
    for name, args in (
        ("api:collaboration-detail", [collaboration.pk]),
        ("api:campaign-detail", [world["draft"].pk]),
        ("api:campaign-matches", [world["campaign"].pk]),
        ("api:run-detail", [world["run"].pk]),
    ):
        status, body = read(user, name, *args)
        assert status == 404, name
        assert SECRET not in body
        assert MESSAGE_SECRET not in body
    status, body = read(user, "api:campaign-list")
    assert status == 403


def test_staff_who_may_view_collaborations_read_them_without_messages_or_drafts(world):
    user = world["users"]["staff_collabs"]
    status, body = read(user, "api:collaboration-detail", world["collaboration"].pk)
    assert status == 200
    data = json.loads(body)
    assert data["status"] == "content_submitted"
    assert data["messages"] == []
    assert data["deliverables"] == []
    assert MESSAGE_SECRET not in body
    assert DRAFT_SECRET not in body
    assert data["actions"] == []
    listed = json.loads(read(user, "api:collaboration-list")[1])["results"]
    assert [row["id"] for row in listed] == [world["collaboration"].pk]


def test_staff_with_every_view_permission_read_everything_and_change_nothing(world):
    user = world["users"]["staff_full"]
    collaboration = world["collaboration"]
    status, body = read(user, "api:collaboration-detail", collaboration.pk)
    assert status == 200
    assert MESSAGE_SECRET in body
    assert DRAFT_SECRET in body
    assert read(user, "api:campaign-detail", world["draft"].pk)[0] == 200
    assert read(user, "api:campaign-matches", world["campaign"].pk)[0] == 200
    before = fingerprint()
    client = api(user)
    writes = [
        (reverse("api:collaboration-message", args=[collaboration.pk]), {"body": "x"}),
        (reverse("api:collaboration-cancel", args=[collaboration.pk]), {}),
        (reverse("api:deliverable-approve", args=[collaboration.pk, world["deliverable"].pk]), {}),
        (reverse("api:campaign-pause", args=[world["campaign"].pk]), {}),
    ]
    for url, data in writes:
        assert client.post(url, data, format="json").status_code == 403, url
    assert fingerprint() == before


def test_staff_pages_follow_the_same_rule(world, client):
    """The brand's pages are for the brand: staff, whatever their permissions, are not a brand (404)."""
    client.force_login(world["users"]["staff_full"])
    url = reverse("campaigns:collaboration", args=[world["campaign"].pk, world["collaboration"].pk])
    response = client.get(url)
    assert response.status_code == 404
    assert SECRET.encode() not in response.content


# --- suspended and pending parties --------------------------------------------------------------------


def test_a_suspended_creator_reads_their_work_but_cannot_submit_or_message(world):
    creator = world["creator"]
    creator.status = ModerationStatus.SUSPENDED
    creator.save()
    collaboration = world["collaboration"]
    client = api(creator.user)
    assert client.get(reverse("api:collaboration-detail", args=[collaboration.pk])).status_code == 200
    before = fingerprint()
    submit = client.post(
        reverse("api:collaboration-submit", args=[collaboration.pk]),
        {"url": "https://instagram.com/p/2", "draft_text": "#ad"},
        format="json",
    )
    message = client.post(reverse("api:collaboration-message", args=[collaboration.pk]), {"body": "x"}, format="json")
    assert (submit.status_code, message.status_code) == (403, 403)
    assert "suspended" in submit.json()["detail"]
    assert fingerprint() == before


def test_a_suspended_brand_reviews_running_work_but_accepts_no_one_new(world):
    brand = world["brand"]
    newcomer = InfluencerFactory()
    application = collaboration_apply(campaign=world["campaign"], influencer=newcomer, by=newcomer.user)
    brand.brand.status = ModerationStatus.SUSPENDED
    brand.brand.save()
    client = api(brand.user)
    before = fingerprint()
    accept = client.post(reverse("api:collaboration-accept", args=[application.pk]), {}, format="json")
    assert accept.status_code == 403
    assert fingerprint() == before
    approve = client.post(
        reverse("api:deliverable-approve", args=[world["collaboration"].pk, world["deliverable"].pk]), {}, format="json"
    )
    assert approve.status_code == 200


def test_a_pending_brand_invites_nobody(world):
    user = world["users"]["brand_pending"]
    campaign = world["pending_campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    before = fingerprint()
    response = api(user).post(
        reverse("api:campaign-invite", args=[campaign.pk]), {"influencer": world["creator"].handle}, format="json"
    )
    assert response.status_code == 403
    assert "approved by a moderator" in response.json()["detail"]
    assert fingerprint() == before


def test_discovery_is_for_staff_who_may_view_creators(world, client):
    """The admin's "view influencer" permission opens discovery to staff; is_staff alone does not."""
    plain = world["users"]["staff_plain"]
    viewer = staff("view_influencer")
    client.force_login(plain)
    assert client.get(reverse("influencers:discover")).status_code == 403
    assert api(plain).get(reverse("api:influencer-list")).status_code == 403
    client.force_login(viewer)
    assert client.get(reverse("influencers:discover")).status_code == 200
    assert api(viewer).get(reverse("api:influencer-list")).status_code == 200
