"""The permission matrix: every page and API route that takes an id, handle or token, for every
kind of caller, with GET and each write method the route accepts.

Callers: anonymous, creators A and B, a creator still pending moderation, brands A and B, a
suspended brand (with campaigns of its own), and staff. The objects all belong to creator A and
brand A, so for everyone else each request is a cross-tenant attempt: it must answer the expected
refusal (login / 401, 404 for someone else's object, 403 where a role may never do this), show
none of the objects' private text, and change no row in the database.

`test_every_id_route_is_in_the_matrix` walks Django's URL resolver, so a new route that takes an
id fails the suite until it is added here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from brands.models import BrandMember
from brands.services import _token_hash
from campaigns.draw_algorithm import entry_list_sha256, entry_list_text, sha256_hex
from campaigns.draws import GiveawayDraw
from campaigns.models import Campaign, Collaboration, CollaborationMessage, LedgerEntry, Review
from campaigns.services import collaboration_accept, collaboration_apply, deliverable_submit
from campaigns.services.payments import ledger_payment_mark_sent
from campaigns.services.reviews import review_submit
from campaigns.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from influencers.models import EngineRun
from influencers.taxonomy import ModerationStatus
from tests.factories import (
    BrandInvitationFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    MatchFactory,
    NotificationFactory,
    OfferFactory,
    SavedSearchFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    SocialAccountFactory,
    StaffFactory,
)
from tests.ledger_data import approved_collaboration
from tests.module_world import built_once, fresh_copy

pytestmark = pytest.mark.django_db

# Owners last: an owner's successful write cannot hide an outsider's write checked before it.
ROLES = ("anonymous", "influencer_b", "pending", "brand_b", "suspended", "staff", "influencer_a", "brand_a")
SECRET = "zq-private-7731"
INVITATION_TOKEN = (
    "matrix-invitation-token-0001"  # in every private text of creator A and brand A; never shown to others
)

# Outcomes: "login" (page → login), "401", "403", "404", "400" (refused by a rule, object reachable
# to this role), "ok" (2xx/3xx). "reach": the role may use the object (ok, 400 or 409 by payload).
REACH = "reach"


@dataclass
class World:
    users: dict
    handle_a: str
    handle_b: str
    handle_pending: str
    campaign: Campaign
    draft: Campaign
    invite_only: Campaign
    suspended_campaign: Campaign
    collaboration: Collaboration
    deliverable: object
    account: object
    offer: object
    invitation: object
    teammate: BrandMember
    notification: object
    shortlist: object
    entry: object
    run: EngineRun
    invitation_token: str
    paid: Collaboration
    payable: LedgerEntry
    sent: LedgerEntry
    review: Review
    draw: GiveawayDraw
    webhook: WebhookEndpoint
    webhook_delivery: WebhookDelivery
    saved_search: object


def build_world() -> World:
    brand_a = BrandMemberFactory(brand__description=f"{SECRET} brand a")
    brand_b = BrandMemberFactory()
    suspended = BrandMemberFactory(brand__status=ModerationStatus.SUSPENDED, brand__status_reason="Spam")
    influencer_a = InfluencerFactory()
    influencer_b = InfluencerFactory()
    pending = InfluencerFactory(status=ModerationStatus.PENDING)
    campaign = CampaignFactory(brand=brand_a.brand, giveaway=True)
    draft = CampaignFactory(brand=brand_a.brand, status=Campaign.Status.DRAFT, title=f"Draft {SECRET}")
    invite_only = CampaignFactory(brand=brand_a.brand, visibility=Campaign.Visibility.INVITE_ONLY)
    CollaborationFactory(campaign=invite_only, influencer=influencer_a)
    suspended_campaign = CampaignFactory(brand=suspended.brand)
    application = collaboration_apply(
        campaign=campaign, influencer=influencer_a, by=influencer_a.user, message=f"Apply {SECRET}"
    )
    collaboration = collaboration_accept(collaboration=application, by=brand_a.user)
    deliverable = deliverable_submit(
        collaboration=collaboration, by=influencer_a.user, url="https://instagram.com/p/1", draft_text=f"#ad {SECRET}"
    )
    CollaborationMessage.objects.create(collaboration=collaboration, author=brand_a.user, body=f"Note {SECRET}")
    shortlist = ShortlistFactory(brand=brand_a.brand, name=f"List {SECRET}")
    MatchFactory(campaign=campaign, influencer=influencer_a)
    # Only the token's hash is stored; the link carries the token itself.
    invitation = BrandInvitationFactory(
        brand=brand_a.brand, email=f"{SECRET}@example.com", token=_token_hash(INVITATION_TOKEN)
    )
    # A completed collaboration with its ledger (a payment marked sent) and both reviews (so published).
    paid = approved_collaboration(member=brand_a, influencer=influencer_a, complete=True)
    payable = LedgerEntry.objects.get(collaboration=paid, kind=LedgerEntry.Kind.PAYABLE)
    sent = ledger_payment_mark_sent(
        payable=payable, by=brand_a.user, amount_cents=100, sent_on=paid.created_at.date(), reference=f"R {SECRET}"
    )
    review = review_submit(
        collaboration=paid,
        by=brand_a.user,
        ratings={"quality": 5, "punctuality": 4, "communication": 5},
        comment=f"Great {SECRET}",
    )
    review_submit(
        collaboration=paid, by=influencer_a.user, ratings={"brief_clarity": 4, "payment": 5, "communication": 4}
    )
    return World(
        paid=paid,
        payable=payable,
        sent=sent,
        review=review,
        users={
            "anonymous": None,
            "influencer_a": influencer_a.user,
            "influencer_b": influencer_b.user,
            "pending": pending.user,
            "brand_a": brand_a.user,
            "brand_b": brand_b.user,
            "suspended": suspended.user,
            "staff": StaffFactory(),
        },
        handle_a=influencer_a.handle,
        handle_b=influencer_b.handle,
        handle_pending=pending.handle,
        campaign=campaign,
        draft=draft,
        invite_only=invite_only,
        suspended_campaign=suspended_campaign,
        collaboration=collaboration,
        deliverable=deliverable,
        account=SocialAccountFactory(influencer=influencer_a, handle="zq_private_7731"),
        offer=OfferFactory(influencer=influencer_a, title=f"Offer {SECRET}", is_active=False),
        invitation=invitation,
        teammate=BrandMemberFactory(brand=brand_a.brand, role=BrandMember.Role.MEMBER),
        notification=NotificationFactory(user=influencer_a.user, message=f"Hi {SECRET}"),
        shortlist=shortlist,
        entry=ShortlistEntryFactory(shortlist=shortlist, influencer=influencer_b, note=f"Note {SECRET}"),
        run=EngineRun.objects.create(
            kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=f"campaign:{campaign.pk}", triggered_by=brand_a.user
        ),
        invitation_token=INVITATION_TOKEN,
        draw=committed_draw(collaboration),
        webhook=(webhook := brand_webhook(brand_a)),
        webhook_delivery=webhook_delivery(webhook),
        saved_search=SavedSearchFactory(brand=brand_a.brand, name=f"Search {SECRET}"),
    )


def brand_webhook(member: BrandMember) -> WebhookEndpoint:
    """Brand A's webhook endpoint (its description carries the private marker; port 9 refuses connections)."""
    return WebhookEndpoint.objects.create(
        brand=member.brand,
        url="http://127.0.0.1:9/hooks",
        description=f"CRM {SECRET}",
        events=["collaboration.invited"],
        secret=f"whsec_{SECRET}",
        created_by=member.user,
    )


def webhook_delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    event = WebhookEvent.objects.create(type="collaboration.invited", data={"note": SECRET})
    return WebhookDelivery.objects.create(event=event, endpoint=endpoint, status=WebhookDelivery.Status.SUCCEEDED)


def committed_draw(collaboration: Collaboration) -> GiveawayDraw:
    """A giveaway draw with its commitment published (written directly: the world's entries close later)."""
    entries, seed = ["fan.one", "fan.two", "fan.three"], bytes(32)
    return GiveawayDraw.objects.create(
        collaboration=collaboration,
        status=GiveawayDraw.Status.COMMITTED,
        winners_count=1,
        entries_text=entry_list_text(entries),
        entries_sha256=entry_list_sha256(entries),
        raw_count=3,
        duplicates_removed=0,
        excluded_removed=0,
        eligible_count=3,
        seed_hex=seed.hex(),
        seed_sha256=sha256_hex(seed),
        uploaded_at=collaboration.created_at,
        committed_at=collaboration.created_at,
    )


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once for the 78 cases; each case's writes are rolled back (tests/module_world.py)."""
    yield from built_once(django_db_blocker, build_world)


@pytest.fixture
def world(matrix_world: World) -> World:
    return fresh_copy(matrix_world)


def expect(owners: str | tuple[str, ...], *, anonymous: str = "login", **others: str) -> dict[str, str]:
    """Owners reach the object, anonymous callers are sent away, everyone else gets 404 unless named."""
    owners = (owners,) if isinstance(owners, str) else owners
    table = {role: REACH if role in owners else "404" for role in ROLES}
    table["anonymous"] = anonymous
    table.update(others)
    return table


BRAND_A = expect("brand_a")
CREATOR_A = expect("influencer_a")
API_BRAND_A = expect("brand_a", anonymous="401")
API_BRAND_A_STAFF_READS = expect(("brand_a", "staff"), anonymous="401")
API_BRAND_A_STAFF_REFUSED = expect("brand_a", anonymous="401", staff="403")
API_CREATOR_A = expect("influencer_a", anonymous="401")
DISCOVERY = expect(
    ("brand_a", "brand_b", "staff"),
    influencer_a="403",
    influencer_b="403",
    pending="403",
    suspended="403",
)
API_DISCOVERY = {**DISCOVERY, "anonymous": "401"}
# A ledger write: the parties reach it; a moderator reads the ledger but every write is refused ("ok": the
# page redirects back with the refusal, and the database is checked to be unchanged).
LEDGER_WRITE = expect(("brand_a", "influencer_a"), staff="ok")
PUBLIC = dict.fromkeys(ROLES, "ok")  # anyone, signed in or not (a published giveaway draw)
Args = Callable[[World], list]


@dataclass(frozen=True)
class Route:
    name: str
    args: Args
    methods: tuple[str, ...]
    expected: dict[str, str]
    data: dict | Callable[[World], dict] | None = None
    query: Callable[[World], str] | None = None  # a query string the route reads (audience overlap)

    @property
    def id(self) -> str:
        return f"{'/'.join(self.methods).upper()} {self.name}{' (query)' if self.query else ''}"


def page(
    name: str,
    args: Args,
    methods: str,
    expected: dict[str, str],
    data: dict | Callable | None = None,
    query: Callable[[World], str] | None = None,
) -> Route:
    return Route(name, args, tuple(methods.split()), expected, data, query)


api = page  # the same shape; the name says which client runs it

PAGE_FORM = {
    "decision": "approve",
    "message": "Hello",
    "comment": "Fine",
    "submitted_url": "https://instagram.com/p/2",
    "draft_text": "#ad",
    "announced_in": [],
    "name": "Renamed",
    "note": "Changed",
    "platform": "instagram",
    "handle": "changed",
    "kind": "sponsored_post",
    "title": "Changed",
    "price": "10",
}

PAGES = [
    # The brand's campaign pages
    page("campaigns:detail", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("campaigns:detail", lambda w: [w.draft.pk], "get", BRAND_A),
    page("campaigns:edit", lambda w: [w.draft.pk], "get post", BRAND_A),
    page("campaigns:action", lambda w: [w.draft.pk, "publish"], "post", BRAND_A),
    page("campaigns:action", lambda w: [w.campaign.pk, "pause"], "post", BRAND_A),
    page("campaigns:action", lambda w: [w.draft.pk, "delete"], "post", BRAND_A),
    page("campaigns:applications", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("campaigns:people", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("campaigns:deliverables", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("campaigns:report", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("campaigns:report_csv", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("campaigns:winners", lambda w: [w.campaign.pk], "post", BRAND_A),
    page("campaigns:collaboration", lambda w: [w.campaign.pk, w.collaboration.pk], "get", BRAND_A),
    page("campaigns:collaboration_message", lambda w: [w.campaign.pk, w.collaboration.pk], "post", BRAND_A),
    page("campaigns:collaboration_action", lambda w: [w.campaign.pk, w.collaboration.pk, "cancel"], "post", BRAND_A),
    page("campaigns:review", lambda w: [w.campaign.pk, w.deliverable.pk], "post", BRAND_A),
    page("recommendations:list", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("recommendations:progress", lambda w: [w.campaign.pk], "get", BRAND_A),
    page("recommendations:recompute", lambda w: [w.campaign.pk], "post", BRAND_A),
    # Inviting by handle: any brand in good standing, never a suspended one (it may not discover creators)
    page(
        "recommendations:invite",
        lambda w: [w.handle_a],
        "get post",
        expect(("brand_a", "brand_b"), suspended="403"),
        {"campaign": "", "message": "Hi"},
    ),
    page("recommendations:invite", lambda w: [w.handle_pending], "get post", expect((), suspended="403")),
    # Shortlists and team
    page("shortlists:detail", lambda w: [w.shortlist.pk], "get", BRAND_A),
    page("shortlists:rename", lambda w: [w.shortlist.pk], "post", BRAND_A),
    page("shortlists:delete", lambda w: [w.shortlist.pk], "get post", BRAND_A),
    page("shortlists:export", lambda w: [w.shortlist.pk], "get", BRAND_A),
    page("shortlists:entry_note", lambda w: [w.shortlist.pk, w.entry.pk], "post", BRAND_A),
    page("shortlists:entry_remove", lambda w: [w.shortlist.pk, w.entry.pk], "post", BRAND_A),
    # Saved searches: the brand's own only
    page("brand:saved_search_notify", lambda w: [w.saved_search.pk], "post", BRAND_A),
    page("brand:saved_search_delete", lambda w: [w.saved_search.pk], "post", BRAND_A),
    page("brand:invitation_revoke", lambda w: [w.invitation.pk], "post", BRAND_A),
    page("brand:member_remove", lambda w: [w.teammate.pk], "post", BRAND_A),
    # The creator's own records and work
    page("me:account_edit", lambda w: [w.account.pk], "get post", CREATOR_A),
    page("me:account_delete", lambda w: [w.account.pk], "get post", CREATOR_A),
    page("me:account_metrics", lambda w: [w.account.pk], "get post", CREATOR_A),
    page("me:offer_edit", lambda w: [w.offer.pk], "get post", CREATOR_A),
    page("me:offer_delete", lambda w: [w.offer.pk], "get post", CREATOR_A),
    page("me:collaboration", lambda w: [w.collaboration.pk], "get", CREATOR_A),
    page("me:submit", lambda w: [w.collaboration.pk], "get post", CREATOR_A),
    page("me:collaboration_message", lambda w: [w.collaboration.pk], "post", CREATOR_A),
    page("me:collaboration_action", lambda w: [w.collaboration.pk, "cancel"], "post", CREATOR_A),
    # The ledger and reviews of a collaboration: its two parties and moderators; writes by the wrong side
    # (or a moderator) are refused by the services with a message and write nothing
    page("ledger:detail", lambda w: [w.paid.pk], "get", expect(("brand_a", "influencer_a", "staff"))),
    page("ledger:sent", lambda w: [w.paid.pk, w.payable.pk], "post", LEDGER_WRITE, {"amount": "1", "sent_on": "x"}),
    page("ledger:confirm", lambda w: [w.paid.pk, w.sent.pk], "post", {**LEDGER_WRITE, "brand_a": "ok"}),
    page("ledger:dispute", lambda w: [w.paid.pk, w.sent.pk], "post", {**LEDGER_WRITE, "brand_a": "ok"}),
    page("ledger:review", lambda w: [w.paid.pk], "post", LEDGER_WRITE),
    page("ledger:reply", lambda w: [w.paid.pk, w.review.pk], "post", {**LEDGER_WRITE, "brand_a": "ok"}),
    # Opportunities: an open public campaign is for every creator (a pending one may look, not apply)
    page("me:opportunity", lambda w: [w.campaign.pk], "get", expect(("influencer_a", "influencer_b", "pending"))),
    page("me:opportunity", lambda w: [w.invite_only.pk], "get post", CREATOR_A),
    page("me:opportunity", lambda w: [w.draft.pk], "get post", expect(())),
    page("notifications:read", lambda w: [w.notification.pk], "post", CREATOR_A),
    # Creator profiles: brands in good standing and staff; a pending profile is nobody's to see but staff's
    page("influencers:profile", lambda w: [w.handle_a], "get", DISCOVERY),
    page("influencers:profile", lambda w: [w.handle_pending], "get", {**DISCOVERY, "brand_a": "404", "brand_b": "404"}),
    page("influencers:similar", lambda w: [w.handle_a], "get", DISCOVERY),
    page("influencers:similar", lambda w: [w.handle_pending], "get", {**DISCOVERY, "brand_a": "404", "brand_b": "404"}),
    # A published giveaway draw's verification page and entry list: public, no login
    page("giveaways:manage", lambda w: [w.collaboration.pk], "get post", expect(("brand_a", "influencer_a"))),
    page("giveaways:draw", lambda w: [w.draw.public_id], "get", PUBLIC),
    page("giveaways:draw_entries", lambda w: [w.draw.public_id], "get", PUBLIC),
    # Webhooks: only the owning brand's members (or the owning creator); staff read them in the admin only
    page(
        "webhooks:detail",
        lambda w: [w.webhook.pk],
        "get post",
        BRAND_A,
        {"url": "http://127.0.0.1:9/changed", "events": ["draw.completed"]},
    ),
    page("webhooks:rotate", lambda w: [w.webhook.pk], "post", BRAND_A),
    page("webhooks:delete", lambda w: [w.webhook.pk], "post", BRAND_A),
    page("webhooks:redeliver", lambda w: [w.webhook.pk, w.webhook_delivery.pk], "post", BRAND_A),
    # A team invitation link is a capability: whoever holds it may look; joining is checked by the service
    page(
        "brand_invitation_accept",
        lambda w: [w.invitation_token],
        "get",
        dict.fromkeys(ROLES, REACH),
    ),
]

API = [
    api("api:influencer-detail", lambda w: [w.handle_a], "get", API_DISCOVERY),
    api("api:influencer-follower-history", lambda w: [w.handle_a], "get", API_DISCOVERY),
    api("api:influencer-engagement", lambda w: [w.handle_a], "get", API_DISCOVERY),
    api("api:influencer-similar", lambda w: [w.handle_a], "get", API_DISCOVERY),
    # Audience overlap: discovery's audience; a hidden creator is "not found" (400), never its numbers.
    api("api:audience-overlap", lambda w: [], "get", API_DISCOVERY, query=lambda w: ""),
    api(
        "api:audience-overlap",
        lambda w: [],
        "get",
        {**API_DISCOVERY, "brand_a": "ok", "brand_b": "ok", "staff": "ok"},
        query=lambda w: f"?handle={w.handle_a}&handle={w.handle_b}",
    ),
    api(
        "api:audience-overlap",
        lambda w: [],
        "get",
        {**API_DISCOVERY, "brand_a": "400", "brand_b": "400", "staff": "400"},
        query=lambda w: f"?handle={w.handle_a}&handle={w.handle_pending}",
    ),
    api(
        "api:influencer-detail",
        lambda w: [w.handle_pending],
        "get",
        {**API_DISCOVERY, "brand_a": "404", "brand_b": "404", "staff": "404"},
    ),
    api("api:me-account-detail", lambda w: [w.account.pk], "get patch delete", API_CREATOR_A, {"handle": "x"}),
    api("api:me-offer-detail", lambda w: [w.offer.pk], "get patch delete", API_CREATOR_A, {"title": "x"}),
    api("api:shortlist-detail", lambda w: [w.shortlist.pk], "get patch delete", API_BRAND_A, {"name": "x"}),
    api("api:saved-search-detail", lambda w: [w.saved_search.pk], "get patch delete", API_BRAND_A, {"name": "x"}),
    api(
        "api:shortlist-entry-list",
        lambda w: [w.shortlist.pk],
        "get post",
        API_BRAND_A,
        {"influencer": "nobody", "note": "x"},
    ),
    api(
        "api:shortlist-entry-detail",
        lambda w: [w.shortlist.pk, w.entry.pk],
        "get patch delete",
        API_BRAND_A,
        {"note": "x"},
    ),
    api(
        "api:campaign-detail",
        lambda w: [w.draft.pk],
        "get",
        API_BRAND_A_STAFF_READS,
    ),
    api(
        "api:campaign-detail",
        lambda w: [w.draft.pk],
        "patch delete",
        API_BRAND_A_STAFF_REFUSED,
        {"title": "x"},
    ),
    api(
        "api:campaign-detail",
        lambda w: [w.campaign.pk],
        "get",
        expect(("brand_a", "staff", "influencer_a", "influencer_b", "pending"), anonymous="401"),
    ),
    api("api:campaign-publish", lambda w: [w.draft.pk], "post", API_BRAND_A_STAFF_REFUSED),
    api("api:campaign-pause", lambda w: [w.campaign.pk], "post", API_BRAND_A_STAFF_REFUSED),
    api("api:campaign-resume", lambda w: [w.campaign.pk], "post", API_BRAND_A_STAFF_REFUSED),
    api("api:campaign-close", lambda w: [w.campaign.pk], "post", API_BRAND_A_STAFF_REFUSED),
    api("api:campaign-cancel", lambda w: [w.campaign.pk], "post", API_BRAND_A_STAFF_REFUSED, {"reason": "x"}),
    api("api:campaign-matches", lambda w: [w.campaign.pk], "get", API_BRAND_A_STAFF_READS),
    api("api:campaign-matches-recompute", lambda w: [w.campaign.pk], "post", API_BRAND_A_STAFF_REFUSED),
    api(
        "api:campaign-invite",
        lambda w: [w.campaign.pk],
        "post",
        API_BRAND_A_STAFF_REFUSED,
        lambda w: {"influencer": w.handle_b},
    ),
    api(
        "api:campaign-apply",
        lambda w: [w.campaign.pk],
        "post",
        expect(("influencer_a", "influencer_b"), anonymous="401", pending="400"),
        {"message": "Me"},
    ),
    api("api:campaign-apply", lambda w: [w.draft.pk], "post", expect((), anonymous="401"), {"message": "Me"}),
    api(
        "api:campaign-apply",
        lambda w: [w.invite_only.pk],
        "post",
        expect((), anonymous="401", influencer_a="400"),
        {"message": "Me"},
    ),
    api("api:run-detail", lambda w: [w.run.pk], "get", API_BRAND_A_STAFF_READS),
    api(
        "api:collaboration-detail",
        lambda w: [w.collaboration.pk],
        "get",
        expect(("brand_a", "influencer_a", "staff"), anonymous="401"),
    ),
    *(
        api(
            f"api:collaboration-{action}",
            lambda w: [w.collaboration.pk],
            "post",
            expect(("brand_a", "influencer_a"), anonymous="401", staff="403"),
            {"message": "x"},
        )
        for action in ("accept", "decline", "withdraw", "cancel")
    ),
    api(
        "api:collaboration-complete",
        lambda w: [w.collaboration.pk],
        "post",
        expect("brand_a", anonymous="401", staff="403", influencer_a="403"),
    ),
    api(
        "api:collaboration-message",
        lambda w: [w.collaboration.pk],
        "post",
        expect(("brand_a", "influencer_a"), anonymous="401", staff="403"),
        {"body": "x"},
    ),
    api(
        "api:collaboration-submit",
        lambda w: [w.collaboration.pk],
        "post",
        expect("influencer_a", anonymous="401", staff="403", brand_a="403"),
        {"url": "https://instagram.com/p/9", "draft_text": "#ad"},
    ),
    *(
        api(
            f"api:deliverable-{action}",
            lambda w: [w.collaboration.pk, w.deliverable.pk],
            "post",
            expect("brand_a", anonymous="401", staff="403", influencer_a="403"),
            {"comment": "x"},
        )
        for action in ("approve", "request-revision")
    ),
]

API += [
    # The ledger and reviews: the two parties and moderators read; each write only by its side (a moderator: 403)
    api(
        "api:collaboration-ledger",
        lambda w: [w.paid.pk],
        "get",
        expect(("brand_a", "influencer_a", "staff"), anonymous="401"),
    ),
    *(
        api(
            f"api:ledger-{action}",
            lambda w: [w.paid.pk, w.payable.pk],
            "post",
            expect("brand_a", anonymous="401", staff="403", influencer_a="403"),
            data,
        )
        for action, data in (
            ("sent", {"amount_cents": 100, "sent_on": "2026-01-01"}),
            ("correct", {"amount_cents": 100, "message": "x"}),
        )
    ),
    *(
        api(
            f"api:ledger-{action}",
            lambda w: [w.paid.pk, w.sent.pk],
            "post",
            expect("influencer_a", anonymous="401", staff="403", brand_a="403"),
            {"message": "x"},
        )
        for action in ("confirm", "dispute")
    ),
    api(
        "api:collaboration-reviews",
        lambda w: [w.paid.pk],
        "get",
        expect(("brand_a", "influencer_a", "staff"), anonymous="401"),
    ),
    api(
        "api:collaboration-reviews",
        lambda w: [w.paid.pk],
        "post",
        expect(("brand_a", "influencer_a"), anonymous="401", staff="403"),
        {"communication": 5},
    ),
    api(
        "api:review-reply",
        lambda w: [w.paid.pk, w.review.pk],
        "post",
        expect("influencer_a", anonymous="401", staff="403", brand_a="403"),
        {"reply": "x"},
    ),
    # Reputation: a campaign's brand for whoever sees the campaign; a creator's for discovery (brands, staff)
    api(
        "api:campaign-brand-reputation",
        lambda w: [w.campaign.pk],
        "get",
        expect(("brand_a", "staff", "influencer_a", "influencer_b", "pending"), anonymous="401"),
    ),
    api("api:influencer-reputation", lambda w: [w.handle_a], "get", API_DISCOVERY),
    # Giveaway draws: the collaboration's two parties act; staff read (view permission) but never act
    api(
        "api:collaboration-draw",
        lambda w: [w.collaboration.pk],
        "get",
        expect(("brand_a", "influencer_a", "staff"), anonymous="401"),
    ),
    api(
        "api:collaboration-draw-entries",
        lambda w: [w.collaboration.pk],
        "post",
        expect(("brand_a", "influencer_a"), anonymous="401", staff="403"),
        {"entries_csv": "handle\nfan.one\nfan.two\n"},
    ),
    *(
        api(
            f"api:collaboration-draw-{action}",
            lambda w: [w.collaboration.pk],
            "post",
            expect(("brand_a", "influencer_a"), anonymous="401", staff="403"),
        )
        for action in ("commit", "run")
    ),
    api("api:draw-public", lambda w: [w.draw.public_id], "get", PUBLIC),
    # Webhooks: the owning brand's members only; nobody else finds the endpoint (staff included: admin)
    api(
        "api:webhook-detail",
        lambda w: [w.webhook.pk],
        "get patch delete",
        API_BRAND_A,
        {"description": "x", "url": "http://127.0.0.1:9/changed"},
    ),
    api("api:webhook-rotate-secret", lambda w: [w.webhook.pk], "post", API_BRAND_A),
    api("api:webhook-deliveries", lambda w: [w.webhook.pk], "get", API_BRAND_A),
    api("api:webhook-redeliver", lambda w: [w.webhook.pk, w.webhook_delivery.pk], "post", API_BRAND_A),
]

# Routes with an id that are not in the matrix, and why.
NOT_IN_MATRIX = {
    "admin:": "the Django admin: staff only, with Django's model permissions (tests/test_admin.py)",
    "admin/": "the Django admin's unnamed redirects to the routes above",
    "password_reset_confirm": "a signed one-time token, checked by Django's PasswordResetConfirmView",
    "media/<path:path>": "uploaded files, served by Django only in DEBUG",
}


# --- running one cell ------------------------------------------------------------------------------


def database_fingerprint() -> str:
    """Every row of the project's tables (and users), so any write an outsider causes shows up."""
    digest = hashlib.sha256()
    labels = ("brands", "campaigns", "influencers", "authtoken")
    # Managed models only: the discovery search table is derived data kept by PostgreSQL triggers (and absent on
    # SQLite); a write to it shows up in the creator rows it derives from.
    models = [m for label in labels for m in apps.get_app_config(label).get_models() if m._meta.managed]
    models.append(apps.get_model(settings.AUTH_USER_MODEL))
    for model in models:
        rows = model.objects.order_by("pk").values()
        for row in rows:
            row.pop("last_login", None)  # logging the caller in for the request is not a write through it
            digest.update(json.dumps(row, default=str, sort_keys=True).encode())
        digest.update(model._meta.label.encode())
    return digest.hexdigest()


def outcome(response, *, is_api: bool) -> str:
    status = response.status_code
    if status == 302 and not is_api and response.url.startswith(reverse(settings.LOGIN_URL)):
        return "login"
    if status in (401, 403, 404, 400, 409) or status >= 500:
        return str(status)
    return "ok"


def matches(expected: str, seen: str) -> bool:
    if expected == REACH:
        return seen in ("ok", "400", "409")
    return expected == seen


def send(client, method: str, url: str, data: dict | None, *, is_api: bool):
    if method == "get":
        return client.get(url)
    if is_api:
        return getattr(client, method)(url, data or {}, format="json")
    return client.post(url, {**PAGE_FORM, **(data or {})})


def run_route(world: World, route: Route, *, is_api: bool) -> None:
    url = reverse(route.name, args=route.args(world)) + (route.query(world) if route.query else "")
    failures = []
    for method in route.methods:
        for role in ROLES:
            client = APIClient() if is_api else Client()
            user = world.users[role]
            if user is not None:
                if is_api:
                    client.force_authenticate(user)
                else:
                    client.force_login(user)
            before = database_fingerprint()
            data = route.data(world) if callable(route.data) else route.data
            response = send(client, method, url, data, is_api=is_api)
            seen = outcome(response, is_api=is_api)
            expected = route.expected[role]
            if not matches(expected, seen):
                failures.append(f"{method.upper()} {url} as {role}: expected {expected}, got {seen}")
            if expected == REACH:
                continue
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if SECRET.encode() in body:
                failures.append(f"{method.upper()} {url} as {role}: private text in the answer")
            if database_fingerprint() != before:
                failures.append(f"{method.upper()} {url} as {role}: the database changed")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", PAGES, ids=[r.id for r in PAGES])
def test_pages(world, route):
    run_route(world, route, is_api=False)


@pytest.mark.parametrize("route", API, ids=[r.id for r in API])
def test_api(world, route):
    run_route(world, route, is_api=True)


# --- coverage ----------------------------------------------------------------------------------------


def id_routes() -> dict[str, str]:
    """Every named route whose path takes a value (an id, handle, token …): name → path pattern."""
    found: dict[str, str] = {}

    def walk(patterns, namespaces: list[str], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                names = namespaces + ([pattern.namespace] if pattern.namespace else [])
                walk(pattern.url_patterns, names, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                path = prefix + str(pattern.pattern)
                if "<" in path:
                    name = ":".join([*namespaces, pattern.name]) if pattern.name else path
                    found[name] = path

    walk(get_resolver().url_patterns, [], "")
    return found


def test_every_id_route_is_in_the_matrix():
    covered = {route.name for route in PAGES + API}
    exempt = tuple(NOT_IN_MATRIX)
    missing = sorted(
        f"{name} ({path})" for name, path in id_routes().items() if name not in covered and not name.startswith(exempt)
    )
    assert not missing, "Add these routes to the permission matrix:\n" + "\n".join(missing)
    assert len(covered) > 50  # the walk found the project's routes, not nothing


def test_matrix_names_only_existing_routes():
    """A renamed route would otherwise leave a matrix row testing nothing."""
    assert {route.name for route in PAGES + API if route.query is None} <= set(id_routes())
    for route in PAGES + API:
        if route.query is not None:  # routes that read a query string instead of a path value
            assert reverse(route.name)
