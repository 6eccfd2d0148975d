"""Every page with an object id, for every role: the owner gets the page, everyone else a 404 (never
a 403 that would confirm the object exists), anonymous visitors the login page. Outsiders' POSTs
write nothing (no audit row, no state change).

The full matrix (eight roles including a suspended brand and a pending creator, every page and API
route that takes an id, a check that no route is left out) is tests/security/test_authz_matrix.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.urls import reverse

from brands.models import BrandMember
from campaigns.draws import GiveawayDraw
from campaigns.models import Campaign, Collaboration
from campaigns.services import collaboration_accept, collaboration_apply, deliverable_submit, draw_entries_upload
from campaigns.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from influencers.models import AuditEvent, Notification
from tests.factories import (
    BrandInvitationFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    NotificationFactory,
    OfferFactory,
    SavedSearchFactory,
    SocialAccountFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "influencer_b", "brand_b", "staff", "influencer_a", "brand_a")
LOGIN, NOT_FOUND, OK = "login", "404", "ok"


@dataclass
class World:
    users: dict
    campaign: Campaign
    draft: Campaign
    invite_only: Campaign
    collaboration: Collaboration
    deliverable: object
    account: object
    offer: object
    invitation: object
    teammate: BrandMember
    notification: Notification
    draw: GiveawayDraw
    webhook: WebhookEndpoint
    webhook_delivery: WebhookDelivery
    saved_search: object


@pytest.fixture
def world() -> World:
    brand_a = BrandMemberFactory()
    brand_b = BrandMemberFactory()
    influencer_a = InfluencerFactory()
    influencer_b = InfluencerFactory()
    campaign = CampaignFactory(brand=brand_a.brand, giveaway=True)
    draft = CampaignFactory(brand=brand_a.brand, status=Campaign.Status.DRAFT)
    invite_only = CampaignFactory(brand=brand_a.brand, visibility=Campaign.Visibility.INVITE_ONLY)
    CollaborationFactory(campaign=invite_only, influencer=influencer_a)
    application = collaboration_apply(campaign=campaign, influencer=influencer_a, by=influencer_a.user)
    collaboration = collaboration_accept(collaboration=application, by=brand_a.user)
    deliverable = deliverable_submit(
        collaboration=collaboration, by=influencer_a.user, url="https://instagram.com/p/1", draft_text="#ad"
    )
    Campaign.objects.filter(pk=campaign.pk).update(entry_end_date=campaign.starts_on)  # entries closed
    campaign.refresh_from_db()
    collaboration.campaign = campaign
    draw = draw_entries_upload(collaboration=collaboration, by=brand_a.user, entries_csv="handle\nann\nbob\n")
    GiveawayDraw.objects.filter(pk=draw.pk).update(
        status=GiveawayDraw.Status.COMMITTED, seed_hex="00" * 32, seed_sha256="0" * 64, committed_at=draw.uploaded_at
    )
    webhook = WebhookEndpoint.objects.create(
        brand=brand_a.brand, url="http://127.0.0.1:9/hooks", events=["draw.completed"], secret="whsec_matrix"
    )
    return World(
        users={
            "anonymous": None,
            "influencer_a": influencer_a.user,
            "influencer_b": influencer_b.user,
            "brand_a": brand_a.user,
            "brand_b": brand_b.user,
            "staff": StaffFactory(),
        },
        campaign=campaign,
        draft=draft,
        invite_only=invite_only,
        collaboration=collaboration,
        deliverable=deliverable,
        account=SocialAccountFactory(influencer=influencer_a),
        offer=OfferFactory(influencer=influencer_a),
        invitation=BrandInvitationFactory(brand=brand_a.brand),
        teammate=BrandMemberFactory(brand=brand_a.brand, role=BrandMember.Role.MEMBER),
        notification=NotificationFactory(user=influencer_a.user),
        draw=draw,
        webhook=webhook,
        webhook_delivery=WebhookDelivery.objects.create(
            event=WebhookEvent.objects.create(type="collaboration.invited", data={}),
            endpoint=webhook,
            status=WebhookDelivery.Status.SUCCEEDED,
        ),
        saved_search=SavedSearchFactory(brand=brand_a.brand),
    )


def only(owner: str | tuple[str, ...]) -> dict[str, str]:
    owners = (owner,) if isinstance(owner, str) else owner
    return {role: OK if role in owners else (LOGIN if role == "anonymous" else NOT_FOUND) for role in ROLES}


BRAND_A = only("brand_a")
INFLUENCER_A = only("influencer_a")
ANY_CREATOR = only(("influencer_a", "influencer_b"))
PUBLIC = dict.fromkeys(ROLES, OK)  # no login needed: a published giveaway draw

# (url name, args from the world, expected per role)
GET_PAGES = [
    ("campaigns:detail", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:edit", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:applications", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:people", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:deliverables", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:report", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:report_csv", lambda w: [w.campaign.pk], BRAND_A),
    ("campaigns:detail", lambda w: [w.draft.pk], BRAND_A),
    ("campaigns:collaboration", lambda w: [w.campaign.pk, w.collaboration.pk], BRAND_A),
    ("recommendations:list", lambda w: [w.campaign.pk], BRAND_A),
    ("me:account_edit", lambda w: [w.account.pk], INFLUENCER_A),
    ("me:account_delete", lambda w: [w.account.pk], INFLUENCER_A),
    ("me:offer_edit", lambda w: [w.offer.pk], INFLUENCER_A),
    ("me:offer_delete", lambda w: [w.offer.pk], INFLUENCER_A),
    ("me:collaboration", lambda w: [w.collaboration.pk], INFLUENCER_A),
    ("me:submit", lambda w: [w.collaboration.pk], INFLUENCER_A),
    ("me:opportunity", lambda w: [w.campaign.pk], ANY_CREATOR),
    ("me:opportunity", lambda w: [w.invite_only.pk], INFLUENCER_A),
    ("me:opportunity", lambda w: [w.draft.pk], only(())),
    ("giveaways:manage", lambda w: [w.collaboration.pk], only(("brand_a", "influencer_a"))),
    ("giveaways:draw", lambda w: [w.draw.public_id], PUBLIC),
    ("giveaways:draw_entries", lambda w: [w.draw.public_id], PUBLIC),
    ("webhooks:detail", lambda w: [w.webhook.pk], BRAND_A),
]

POST_ACTIONS = [
    ("campaigns:action", lambda w: [w.draft.pk, "publish"], BRAND_A),
    ("campaigns:action", lambda w: [w.campaign.pk, "pause"], BRAND_A),
    ("campaigns:action", lambda w: [w.draft.pk, "delete"], BRAND_A),
    ("campaigns:collaboration_action", lambda w: [w.campaign.pk, w.collaboration.pk, "cancel"], BRAND_A),
    ("campaigns:collaboration_message", lambda w: [w.campaign.pk, w.collaboration.pk], BRAND_A),
    ("campaigns:review", lambda w: [w.campaign.pk, w.deliverable.pk], BRAND_A),
    ("campaigns:winners", lambda w: [w.campaign.pk], BRAND_A),
    ("brand:invitation_revoke", lambda w: [w.invitation.pk], BRAND_A),
    ("brand:member_remove", lambda w: [w.teammate.pk], BRAND_A),
    ("me:collaboration_action", lambda w: [w.collaboration.pk, "cancel"], INFLUENCER_A),
    ("me:collaboration_message", lambda w: [w.collaboration.pk], INFLUENCER_A),
    ("me:account_delete", lambda w: [w.account.pk], INFLUENCER_A),
    ("me:offer_delete", lambda w: [w.offer.pk], INFLUENCER_A),
    ("me:submit", lambda w: [w.collaboration.pk], INFLUENCER_A),
    ("notifications:read", lambda w: [w.notification.pk], INFLUENCER_A),
    ("giveaways:manage", lambda w: [w.collaboration.pk], only(("brand_a", "influencer_a"))),
    ("webhooks:rotate", lambda w: [w.webhook.pk], BRAND_A),
    ("webhooks:redeliver", lambda w: [w.webhook.pk, w.webhook_delivery.pk], BRAND_A),
    ("webhooks:delete", lambda w: [w.webhook.pk], BRAND_A),
    # Saved searches (brands/views.py): the brand's own only
    ("brand:saved_search_notify", lambda w: [w.saved_search.pk], BRAND_A),
    ("brand:saved_search_delete", lambda w: [w.saved_search.pk], BRAND_A),
    ("brand:saved_search_create", lambda w: [], only(("brand_a", "brand_b"))),
]

POST_DATA = {
    "decision": "approve",
    "message": "Hello",
    "comment": "Fine",
    "submitted_url": "https://instagram.com/p/2",
    "draft_text": "#ad",
    "announced_in": [],
}


def outcome(response) -> str:
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL)):
        return LOGIN
    if response.status_code in (200, 302):
        return OK
    return str(response.status_code)


def check(client, world: World, method: str, name: str, args, expected: dict[str, str]) -> None:
    url = reverse(name, args=args(world))
    seen = {}
    for role in ROLES:
        client.logout()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        writes_before = AuditEvent.objects.count()
        unread_before = Notification.objects.filter(read_at__isnull=True).count()
        response = client.get(url) if method == "get" else client.post(url, POST_DATA)
        seen[role] = outcome(response)
        if method == "post" and expected[role] != OK:
            # Outsiders change nothing: no audit row, no notification marked read.
            assert AuditEvent.objects.count() == writes_before, f"{role} wrote through {name}"
            assert Notification.objects.filter(read_at__isnull=True).count() == unread_before
    assert seen == expected, f"{method.upper()} {url}"


@pytest.mark.parametrize(("name", "args", "expected"), GET_PAGES, ids=[f"GET {n}" for n, _, _ in GET_PAGES])
def test_get_pages(client, world, name, args, expected):
    check(client, world, "get", name, args, expected)


@pytest.mark.parametrize(("name", "args", "expected"), POST_ACTIONS, ids=[f"POST {n}" for n, _, _ in POST_ACTIONS])
def test_post_actions(client, world, name, args, expected):
    check(client, world, "post", name, args, expected)


# Pages without an object id: which roles have them at all.
AREA_PAGES = [
    ("me:dashboard", only(("influencer_a", "influencer_b"))),
    ("me:opportunities", only(("influencer_a", "influencer_b"))),
    ("me:collaborations", only(("influencer_a", "influencer_b"))),
    ("brand:dashboard", only(("brand_a", "brand_b"))),
    ("brand:team", only(("brand_a", "brand_b"))),
    ("campaigns:list", only(("brand_a", "brand_b"))),
    ("campaigns:create", only(("brand_a", "brand_b"))),
    ("account", only(tuple(r for r in ROLES if r != "anonymous"))),
    ("notifications:list", only(tuple(r for r in ROLES if r != "anonymous"))),
    ("webhooks:list", only(("brand_a", "brand_b", "influencer_a", "influencer_b"))),
]


@pytest.mark.parametrize(("name", "expected"), AREA_PAGES, ids=[n for n, _ in AREA_PAGES])
def test_area_pages(client, world, name, expected):
    check(client, world, "get", name, lambda w: [], expected)


def test_lists_never_show_another_brands_or_creators_rows(client, world):
    client.force_login(world.users["brand_b"])
    assert world.campaign.title.encode() not in client.get(reverse("campaigns:list")).content
    client.force_login(world.users["influencer_b"])
    page = client.get(reverse("me:collaborations"))
    assert list(page.context["page"].object_list) == []
    assert list(client.get(reverse("notifications:list")).context["page"].object_list) == []
