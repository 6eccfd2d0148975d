"""The world the hostile-input tests attack, and the checks every answer must pass.

Each hostile request runs inside a savepoint that is rolled back afterwards, so every payload meets
the same world (an accepted payload cannot move a collaboration on and hide the next one's bug).
Inside the savepoint the test compares a snapshot of every table (row count, highest id, latest
updated_at) before and after the request: a refused request must leave every table as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import connection, transaction
from django.forms import BaseForm
from django.utils import timezone

from brands.models import BrandMember
from brands.services import _token_hash
from campaigns.models import Campaign, Collaboration
from campaigns.services import collaboration_accept, collaboration_apply, deliverable_submit
from tests.factories import (
    AudienceFactory,
    BrandInvitationFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    OfferFactory,
    SavedSearchFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    SocialAccountFactory,
    StaffFactory,
    UserFactory,
)

from .corpus import ATTRIBUTE_PAYLOAD, SCRIPT_PAYLOAD

# Rendered forms of the payloads that would run in a browser if a page printed them unescaped.
RAW_MARKERS = (SCRIPT_PAYLOAD, "<img src=x onerror=alert(2)>", ATTRIBUTE_PAYLOAD)

INVITATION_TOKEN = "hostile-invitation-token"

# Tables whose rows a request may touch without it being a write of the user's input.
IGNORED_TABLES = frozenset({"sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"})


@dataclass
class World:
    creator: Any
    creator_b: Any
    visible: Any
    member: BrandMember
    staff: Any
    account: Any
    offer: Any
    open_campaign: Campaign
    drafts: dict[str, Campaign]
    applied: Collaboration
    invited: Collaboration
    working: Collaboration
    to_submit: Collaboration
    deliverable: Any
    giveaway: Campaign
    shortlist: Any
    entry: Any
    invitation: Any
    invitation_token: str
    users: dict[str, Any] = field(default_factory=dict)
    saved_search: Any = None


def build_world() -> World:
    member = BrandMemberFactory(user=UserFactory(username="hostile-brand"), brand__name="Hostile Brand")
    creator = InfluencerFactory(handle="hostile.creator", user=UserFactory(username="hostile-creator"))
    creator_b = InfluencerFactory(handle="hostile.second", niches=["fashion"])
    visible = InfluencerFactory(handle="hostile.visible", niches=["fashion"])
    account = SocialAccountFactory(influencer=creator, handle="hostile.ig")
    for influencer in (creator, creator_b, visible):
        AudienceFactory(influencer=influencer)
    offer = OfferFactory(influencer=creator)
    OfferFactory(influencer=visible)
    brand = member.brand
    open_campaign = CampaignFactory(brand=brand, title="Open to apply")
    drafts = {
        "sponsored_post": CampaignFactory(brand=brand, status=Campaign.Status.DRAFT),
        "review": CampaignFactory(brand=brand, status=Campaign.Status.DRAFT, review=True),
        "giveaway": CampaignFactory(brand=brand, status=Campaign.Status.DRAFT, giveaway=True),
        "ambassadorship": CampaignFactory(brand=brand, status=Campaign.Status.DRAFT, ambassadorship=True),
    }
    inbox = CampaignFactory(brand=brand, title="Inbox")
    applied = collaboration_apply(campaign=inbox, influencer=creator_b, by=creator_b.user, message="Hi")
    invited = CollaborationFactory(campaign=CampaignFactory(brand=brand, title="Invited"), influencer=creator)
    giveaway = CampaignFactory(brand=brand, giveaway=True, title="Giveaway")
    application = collaboration_apply(campaign=giveaway, influencer=creator, by=creator.user, message="Me")
    working = collaboration_accept(collaboration=application, by=member.user)
    deliverable = deliverable_submit(
        collaboration=working, by=creator.user, url="https://instagram.com/p/1", draft_text="#ad"
    )
    # Entries have closed, so the winners can be recorded.
    Campaign.objects.filter(pk=giveaway.pk).update(entry_end_date=timezone.localdate() - timedelta(days=1))
    work = CampaignFactory(brand=brand, title="Work to submit")
    to_submit = collaboration_accept(
        collaboration=collaboration_apply(campaign=work, influencer=creator, by=creator.user, message="Yes"),
        by=member.user,
    )
    shortlist = ShortlistFactory(brand=brand, name="Hostile list")
    world = World(
        creator=creator,
        creator_b=creator_b,
        visible=visible,
        member=member,
        staff=StaffFactory(username="hostile-staff"),
        account=account,
        offer=offer,
        open_campaign=open_campaign,
        drafts=drafts,
        applied=applied,
        invited=invited,
        working=working,
        to_submit=to_submit,
        deliverable=deliverable,
        giveaway=giveaway,
        shortlist=shortlist,
        entry=ShortlistEntryFactory(shortlist=shortlist, influencer=visible),
        invitation=BrandInvitationFactory(brand=brand, token=_token_hash(INVITATION_TOKEN)),
        invitation_token=INVITATION_TOKEN,
        saved_search=SavedSearchFactory(brand=brand, name="Hostile search"),
    )
    world.users = {"anonymous": None, "creator": creator.user, "brand": member.user, "staff": world.staff}
    return world


# --- snapshots ---------------------------------------------------------------------------------


def _models() -> list:
    return [m for m in apps.get_models() if m._meta.label_lower not in IGNORED_TABLES and m._meta.managed]


@functools.cache
def _snapshot_sql() -> str:
    """One query: per table, the row count, the highest id and the latest updated_at (when it has one)."""
    parts = []
    for model in _models():
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        names = {f.name for f in model._meta.concrete_fields}
        stamp = "CAST(MAX(updated_at) AS TEXT)" if "updated_at" in names else "''"
        # Table and column names come from the models (quoted), not from input.
        sql = f"SELECT '{model._meta.label}', COUNT(*), CAST(MAX({pk}) AS TEXT), {stamp} FROM {table}"  # noqa: S608
        parts.append(sql)
    return " UNION ALL ".join(parts)


def snapshot() -> dict[str, tuple]:
    """Row count, highest id and latest change of every table, in one query.

    A write through a service creates a row or saves one (auto_now bumps updated_at), so a refused
    request that wrote anything shows up here.
    """
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql())
        return {label: tuple(rest) for label, *rest in cursor.fetchall()}


def changed_tables(before: dict[str, tuple], after: dict[str, tuple]) -> list[str]:
    return sorted(label for label, digest in after.items() if before.get(label) != digest)


# --- reading an answer -------------------------------------------------------------------------


def _contexts(response) -> list[dict]:
    context = getattr(response, "context", None)
    if context is None:
        return []
    items = context if isinstance(context, list) else [context]
    return [c.flatten() if hasattr(c, "flatten") else dict(c) for c in items]


def shows_form_error(response) -> bool:
    for context in _contexts(response):
        if context.get("error") or context.get("errors"):
            return True
        for value in context.values():
            if isinstance(value, BaseForm) and value.is_bound and value.errors:
                return True
    return False


def error_messages(response) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    # Only the messages this request added (older ones wait in the cookie until a page shows them).
    queued = getattr(request._messages, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= message_levels.WARNING]


def unescaped_markers(response) -> list[str]:
    if "html" not in response.get("Content-Type", ""):
        return []
    body = response.content.decode(errors="replace")
    return [marker for marker in RAW_MARKERS if marker in body]


@dataclass
class Outcome:
    status: int
    accepted: bool
    changed: list[str]
    problems: list[str]


def attempt(send: Callable[[], Any], *, show: Callable[[], list] | None = None, is_api: bool = False) -> Outcome:
    """Send one hostile request inside a rolled-back savepoint and judge its answer.

    Refused (4xx, a form re-rendered with its errors, or a redirect with an error message): no row
    may change. Accepted: the pages in `show` must print the stored value escaped.
    """
    problems: list[str] = []
    with transaction.atomic():
        before = snapshot()
        try:
            response = send()
        except Exception as exc:
            transaction.set_rollback(True)
            return Outcome(500, False, [], [f"server error: {type(exc).__name__}: {str(exc)[:200]}"])
        after = snapshot()
        changed = changed_tables(before, after)
        status = response.status_code
        if status >= 500:
            problems.append(f"server error {status}")
        problems += [f"unescaped {marker!r} in the answer" for marker in unescaped_markers(response)]
        if is_api:
            accepted = status < 300
        else:
            refused = status >= 400 or shows_form_error(response) or bool(error_messages(response))
            accepted = not refused
            if not refused and status == 200:
                # A 200 without an error for a POST would mean the input vanished silently.
                problems.append("answered 200 without an error message and without saving")
        if not accepted and changed:
            problems.append(f"refused but wrote to {changed}")
        if accepted and show is not None:
            for page in show():
                problems += [f"unescaped {m!r} on {page.request['PATH_INFO']}" for m in unescaped_markers(page)]
                if page.status_code >= 500:
                    problems.append(f"server error {page.status_code} on {page.request['PATH_INFO']}")
        transaction.set_rollback(True)
    return Outcome(status, accepted, changed, problems)


UNREACHABLE = "1000000/min"


def limits_out_of_reach(settings: Any, monkeypatch: Any) -> None:
    """Page and API rate limits with rates no test run reaches (they count every attempt;
    rate limiting has its own tests), without flushing any cache."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"user": UNREACHABLE, "anon": UNREACHABLE, "metrics_import": UNREACHABLE}
    )
    if hasattr(settings, "RATE_LIMITS"):
        settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, UNREACHABLE)
