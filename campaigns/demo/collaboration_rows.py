"""Collaborations along legal status edges (with messages and notifications), deliverables, shortlists."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from itertools import pairwise

from brands.models import Brand, Shortlist, ShortlistEntry
from campaigns.models import Campaign, Collaboration, CollaborationMessage, Deliverable
from influencers.models import (
    AuditEvent,
    Notification,
    Post,
)
from influencers.taxonomy import (
    AD_DISCLOSURE_MARKERS,
    PostFormat,
    WorkKind,
    tier_for_followers,
)

from .cast import COLLABORATION_STATES, STATUS, BrandSpec
from .context import (
    AUDIT_COLUMNS,
    NOTIFICATION_COLUMNS,
    DemoContext,
    Member,
    SeedResult,
    _audit_row,
    _code,
    _notification_row,
    _round_money,
    append_rows,
)

# --- Collaborations ------------------------------------------------------------------------------

CS = Collaboration.Status
Party = Collaboration.Party
# The steps after the first (invited/applied) that lead to each end state.
COLLABORATION_STEPS: dict[str, tuple[str, ...]] = {
    CS.INVITED: (),
    CS.APPLIED: (),
    CS.ACCEPTED: (CS.ACCEPTED,),
    CS.DECLINED: (CS.DECLINED,),
    CS.WITHDRAWN: (CS.WITHDRAWN,),
    CS.CONTENT_SUBMITTED: (CS.ACCEPTED, CS.CONTENT_SUBMITTED),
    CS.REVISION_REQUESTED: (CS.ACCEPTED, CS.CONTENT_SUBMITTED, CS.REVISION_REQUESTED),
    CS.APPROVED: (CS.ACCEPTED, CS.CONTENT_SUBMITTED, CS.APPROVED),
    CS.COMPLETED: (CS.ACCEPTED, CS.CONTENT_SUBMITTED, CS.APPROVED, CS.COMPLETED),
    CS.CANCELLED: (CS.ACCEPTED, CS.CANCELLED),
}
COLLABORATIONS_PER_CAMPAIGN: dict[str, int] = {
    STATUS.OPEN: 5,
    STATUS.PAUSED: 3,
    STATUS.IN_PROGRESS: 5,
    STATUS.COMPLETED: 4,
    STATUS.CANCELLED: 3,
}
MESSAGES: dict[tuple[str, str], tuple[str, str]] = {  # (step, party): (Dutch, English)
    (CS.INVITED, Party.BRAND): (
        "Hoi {first}! We vinden je content heel sterk en denken dat {product} goed bij je past. Zin om mee te doen?",
        "Hi {first}! We love your content and think {product} would suit you. Would you like to join?",
    ),
    (CS.APPLIED, Party.INFLUENCER): (
        "Hoi! Mijn volgers vragen vaak naar dit soort producten; ik laat {product} graag zien. Mijn tarief staat "
        "in mijn offer.",
        "Hi! My followers often ask about products like this; I'd love to show {product}. My rate is in my offer.",
    ),
    (CS.ACCEPTED, Party.INFLUENCER): ("Leuk, ik doe mee! Wanneer komt het pakket?", "Count me in! When does it ship?"),
    (CS.ACCEPTED, Party.BRAND): (
        "Welkom aan boord! Het pakket gaat deze week de deur uit.",
        "Welcome aboard! The package ships this week.",
    ),
    (CS.DECLINED, Party.INFLUENCER): (
        "Dank voor de uitnodiging, maar het past nu niet in mijn planning.",
        "Thanks for the invitation, but it doesn't fit my schedule right now.",
    ),
    (CS.DECLINED, Party.BRAND): (
        "Dank voor je aanmelding! We kiezen deze keer voor een ander profiel.",
        "Thanks for applying! This time we chose a different profile.",
    ),
    (CS.WITHDRAWN, Party.BRAND): (
        "We hebben de opzet aangepast en trekken de uitnodiging in. Sorry!",
        "We changed the set-up and withdraw the invitation. Sorry!",
    ),
    (CS.WITHDRAWN, Party.INFLUENCER): (
        "Ik trek mijn aanmelding in; het lukt me niet binnen de planning.",
        "I'm withdrawing my application; I can't make the timeline.",
    ),
    (CS.CONTENT_SUBMITTED, Party.INFLUENCER): (
        "Het concept staat klaar, zie de link bij de deliverable.",
        "The draft is ready, see the link on the deliverable.",
    ),
    (CS.REVISION_REQUESTED, Party.BRAND): (
        "Mooi gemaakt! Kun je #ad in de eerste regel zetten en de kortingscode noemen?",
        "Looks great! Could you put #ad in the first line and mention the discount code?",
    ),
    (CS.APPROVED, Party.BRAND): ("Goedgekeurd, mag live!", "Approved, go ahead and post it!"),
    (CS.COMPLETED, Party.BRAND): ("Dank je wel, de post doet het super!", "Thank you, the post is doing great!"),
    (CS.CANCELLED, Party.BRAND): (
        "Helaas moeten we stoppen: de levering van het product is vertraagd.",
        "Unfortunately we have to stop: the product delivery is delayed.",
    ),
}


def _collaborations(
    ctx: DemoContext,
    result: SeedResult,
    rng: random.Random,
    campaign: Campaign,
    spec: BrandSpec,
    staff: list[int],
    members: list[Member],
    extra: list[tuple[Member, str]],
) -> None:
    fitting = [m for m in members if _fits(campaign, m)]
    pool = fitting if len(fitting) >= 3 else members
    count = max(1, COLLABORATIONS_PER_CAMPAIGN[campaign.status] + rng.randint(-1, 1))
    picked = rng.sample(pool, k=min(count, len(pool)))
    states = COLLABORATION_STATES[campaign.status]
    plan = [*extra, *((member, states[i % len(states)]) for i, member in enumerate(picked))]
    for member, end_state in plan:
        _collaboration(ctx, result, rng, campaign, spec, staff, member, end_state)


def _fits(campaign: Campaign, member: Member) -> bool:
    if campaign.platforms and not set(campaign.platforms) & set(member.followers):
        return False
    if campaign.tiers and tier_for_followers(member.largest) not in campaign.tiers:
        return False
    return not (campaign.min_followers and member.largest < campaign.min_followers)


def _collaboration(
    ctx: DemoContext,
    result: SeedResult,
    rng: random.Random,
    campaign: Campaign,
    spec: BrandSpec,
    staff: list[int],
    member: Member,
    end_state: str,
) -> None:
    """One collaboration walked along legal edges to `end_state`, with its trail of events."""
    invite_only = campaign.visibility == Campaign.Visibility.INVITE_ONLY
    if invite_only and end_state == CS.APPLIED:
        end_state = CS.INVITED  # nobody can apply to an invite-only campaign
    if end_state in (CS.INVITED, CS.APPLIED):
        start = end_state
    elif invite_only:
        start = CS.INVITED
    else:
        start = CS.APPLIED if rng.random() < 0.4 else CS.INVITED
    steps = [start, *COLLABORATION_STEPS[end_state]]
    parties: list[str] = [Party.BRAND if start == CS.INVITED else Party.INFLUENCER]
    for current, target in pairwise(steps):
        allowed = Collaboration.allowed_parties(current, target)
        if not allowed:
            raise ValueError(f"Demo collaboration path uses an illegal edge {current} -> {target}")
        parties.append(Party.BRAND if Party.BRAND in allowed else allowed[0])
    times = _step_times(ctx, rng, campaign, len(steps), waiting=end_state == CS.INVITED)
    offer_id, fee = _fee(rng, campaign, member)
    collaboration = Collaboration.objects.create(
        campaign=campaign,
        influencer_id=member.id,
        initiated_by=parties[0],
        offer_id=offer_id,
        proposed_fee=fee,
        agreed_fee=fee if CS.ACCEPTED in steps else None,
        currency=campaign.currency,
        status=end_state,
    )
    Collaboration.objects.filter(pk=collaboration.pk).update(created_at=times[0], status_changed_at=times[-1])
    result.add("collaborations", 1)
    _collaboration_trail(ctx, result, rng, campaign, spec, staff, member, collaboration.pk, steps, parties, times)
    if CS.ACCEPTED in steps:
        _deliverables(ctx, result, rng, campaign, spec, member, collaboration.pk, end_state, times)


def _step_times(
    ctx: DemoContext, rng: random.Random, campaign: Campaign, steps: int, *, waiting: bool
) -> list[dt.datetime]:
    """When each step happened: after publication, before the campaign ended and before demo now."""
    published_at = campaign.published_at
    if published_at is None:
        raise ValueError(f"Demo collaboration on an unpublished campaign: {campaign.title}")
    deadline = min(ctx.now - dt.timedelta(hours=1), ctx.at(campaign.ends_on, 18))
    if waiting:  # an invitation still waiting for an answer was sent recently
        first = max(published_at, ctx.days_ago(rng.uniform(0.5, 3)))
    else:
        first = published_at + dt.timedelta(hours=rng.uniform(2, 48))
    first = min(first, deadline - dt.timedelta(hours=steps))
    span = min((deadline - first).total_seconds(), steps * 4 * 86400)
    offsets = sorted(rng.uniform(0, span) for _ in range(steps - 1))
    return [first, *(first + dt.timedelta(seconds=offset) for offset in offsets)]


def _fee(rng: random.Random, campaign: Campaign, member: Member) -> tuple[int | None, Decimal]:
    offer_id, price = member.offers.get(campaign.kind, (None, None))
    ceiling = campaign.monthly_fee if campaign.kind == WorkKind.AMBASSADORSHIP else campaign.budget_per_creator
    if ceiling is None:  # an ambassadorship always has its monthly fee (a required term)
        raise ValueError(f"Demo ambassadorship without a monthly fee: {campaign.title}")
    if price is None:
        return None, _round_money(float(ceiling) * rng.uniform(0.5, 1.0))
    return offer_id, min(price, ceiling)


COLLABORATION_MESSAGE_COLUMNS = ("collaboration_id", "author_id", "body", "created_at")


def _collaboration_trail(
    ctx: DemoContext,
    result: SeedResult,
    rng: random.Random,
    campaign: Campaign,
    spec: BrandSpec,
    staff: list[int],
    member: Member,
    collaboration_id: int,
    steps: list[str],
    parties: list[str],
    times: list[dt.datetime],
) -> None:
    """Messages, audit rows and notices as collaboration_invite/apply/transition write them."""
    language = 0 if spec.language == "nl" else 1
    label = f"@{member.handle} × {campaign.title}"
    product = campaign.product_name or campaign.title
    messages: list[tuple[int, int | None, str, dt.datetime]] = []
    audits: list[tuple] = []
    notices: list[tuple] = []
    for n, (step, party, at) in enumerate(zip(steps, parties, times, strict=True)):
        actor = member.user_id if party == Party.INFLUENCER else rng.choice(staff)
        body = MESSAGES.get((step, party), ("", ""))[language].format(first=member.first_name, product=product)
        if body:
            messages.append((collaboration_id, actor, body, at))
        data = {} if n == 0 else {"from": steps[n - 1], "to": step}
        audits.append(
            _audit_row(
                ctx, model=Collaboration, pk=collaboration_id, label=label, action=f"collaboration.{step}",
                actor_id=actor, at=at, reason="" if n == 0 else body, data=data,
            )
        )  # fmt: skip
        if n == 0 and step == CS.INVITED:
            text = f"{spec.name} invited you to “{campaign.title}”."
        elif n == 0:
            text = f"@{member.handle} applied to “{campaign.title}”."
        else:
            text = f"“{campaign.title}” with @{member.handle} is now: {str(CS(step).label).lower()}."
        recipients = [member.user_id] if party == Party.BRAND else staff
        verb = f"collaboration.{step}"
        notices.extend(_notification_row(ctx, user_id=u, verb=verb, message=text, at=at) for u in recipients)
    result.add("messages", append_rows(CollaborationMessage, COLLABORATION_MESSAGE_COLUMNS, messages))
    result.add("audit events", append_rows(AuditEvent, AUDIT_COLUMNS, audits))
    result.add("notifications", append_rows(Notification, NOTIFICATION_COLUMNS, notices))


DELIVERABLE_COLUMNS = (
    "collaboration_id", "kind", "title", "due_date", "period", "submitted_url", "draft_text", "post_id", "status",
    "has_ad_disclosure", "disclosure_found", "review_comment", "submitted_at", "reviewed_at", "created_at",
)  # fmt: skip
DS = Deliverable.Status


def _deliverables(
    ctx: DemoContext,
    result: SeedResult,
    rng: random.Random,
    campaign: Campaign,
    spec: BrandSpec,
    member: Member,
    collaboration_id: int,
    end_state: str,
    times: list[dt.datetime],
) -> None:
    """What the creator owes, in the state the collaboration's last step left it."""
    dutch = spec.language == "nl"
    post = None
    if end_state in (CS.APPROVED, CS.COMPLETED):  # the approved content went live as a disclosed post
        post = (
            Post.objects.filter(account__influencer_id=member.id, is_sponsored=True, has_ad_disclosure=True)
            .order_by("-posted_at", "pk")
            .values_list("id", "url")
            .first()
        )
    caption = f"#ad {campaign.title} · {spec.mention}"
    rows = []
    for n, (kind, title, period) in enumerate(_deliverable_items(campaign, dutch)):
        state = _deliverable_state(rng, n, end_state, caption, times, post if n == 0 else None, dutch)
        due = min(campaign.ends_on, campaign.starts_on + dt.timedelta(days=7 * (n + 1)))
        rows.append((collaboration_id, kind, title, due, period, *(state[c] for c in DELIVERABLE_STATE), times[1]))
    result.add("deliverables", append_rows(Deliverable, DELIVERABLE_COLUMNS, rows))


DELIVERABLE_STATE = DELIVERABLE_COLUMNS[5:-1]


def _deliverable_state(
    rng: random.Random,
    n: int,
    end_state: str,
    caption: str,
    times: list[dt.datetime],
    post: tuple[int, str] | None,
    dutch: bool,
) -> dict[str, object]:
    """Deliverable n after the collaboration reached `end_state` (steps: start, accepted, submitted, reviewed)."""
    state: dict[str, object] = dict.fromkeys(DELIVERABLE_STATE)
    state |= {"status": DS.PENDING, "submitted_url": "", "draft_text": "", "disclosure_found": "", "review_comment": ""}
    if end_state == CS.COMPLETED or (n == 0 and end_state in (CS.CONTENT_SUBMITTED, CS.APPROVED)):
        state |= _submitted(rng, caption, times[2])
    if end_state == CS.COMPLETED or (n == 0 and end_state == CS.APPROVED):
        state |= {"status": DS.APPROVED, "reviewed_at": times[3]}
        if post is not None:
            state |= {"post_id": post[0], "submitted_url": post[1]}
    if n == 0 and end_state == CS.REVISION_REQUESTED:  # the draft forgot the disclosure
        state |= _submitted(rng, caption.removeprefix("#ad "), times[2])
        review = MESSAGES[(CS.REVISION_REQUESTED, Party.BRAND)][0 if dutch else 1]
        state |= {"status": DS.REVISION_REQUESTED, "reviewed_at": times[3], "review_comment": review}
    return state


def _submitted(rng: random.Random, caption: str, at: dt.datetime | None) -> dict[str, object]:
    found = next((marker for marker in AD_DISCLOSURE_MARKERS if marker in caption.lower()), "")
    return {
        "status": DS.SUBMITTED,
        "submitted_url": f"https://wetransfer.example/downloads/{_code(rng, 0, 16)}",
        "draft_text": caption,
        "has_ad_disclosure": bool(found),
        "disclosure_found": found,
        "submitted_at": at,
    }


def _deliverable_items(campaign: Campaign, dutch: bool) -> list[tuple[str, str, dt.date | None]]:
    if campaign.kind == WorkKind.SPONSORED_POST:
        formats = campaign.formats or [PostFormat.IMAGE]
        return [
            (formats[n % len(formats)], f"Post {n + 1}: {campaign.title}"[:160], None)
            for n in range(min(campaign.posts_count or 1, 3))
        ]
    if campaign.kind == WorkKind.REVIEW:
        video = {"youtube", "tiktok"} & set(campaign.platforms)
        return [(PostFormat.VIDEO if video else PostFormat.REEL, f"Review: {campaign.product_name}"[:160], None)]
    if campaign.kind == WorkKind.GIVEAWAY:
        return [
            (PostFormat.IMAGE, "Winactie-post met spelregels" if dutch else "Giveaway post with rules", None),
            (PostFormat.STORY, "Herinnering in stories" if dutch else "Reminder stories", None),
        ]
    period = campaign.starts_on.replace(day=1)
    label = "Maand 1" if dutch else "Month 1"
    return [(PostFormat.IMAGE, f"{label} – post {n + 1}", period) for n in range(min(campaign.posts_per_month or 1, 3))]


SHORTLISTS: dict[str, tuple[tuple[str, int], ...]] = {
    "noorderlicht-koffie": (("Koffieliefhebbers", 8), ("Zomercampagne – kandidaten", 5)),
    "fietsfabriek-amsterdam": (("Fietsers met bereik", 6),),
    "duinwater-skincare": (("Skincare-creators", 6),),
    "bits-bytes": (("Tech-reviewers", 5),),
    "pixelplay-games": (("Streamers to watch", 5),),
}
SHORTLIST_NOTES = {
    "nl": (
        "Sterke engagement, eerder goed samengewerkt.",
        "Past bij onze doelgroep.",
        "Vraag tarief voor een reel.",
        "",
        "",
    ),
    "en": ("Strong engagement, worked well with us before.", "Fits our audience.", "Ask for a stream rate.", "", ""),
}
SHORTLIST_ENTRY_COLUMNS = ("shortlist_id", "influencer_id", "note", "added_by_id", "added_at")


def _shortlists(
    ctx: DemoContext, result: SeedResult, brand: Brand, spec: BrandSpec, staff: list[int], members: list[Member]
) -> None:
    for name, size in SHORTLISTS.get(spec.slug, ()):
        if Shortlist.objects.filter(brand=brand, name=name).exists():
            continue
        rng = random.Random(f"{ctx.seed}:shortlist:{spec.slug}:{name}")  # noqa: S311 - demo data, not security
        created_at = ctx.days_ago(rng.uniform(5, 60))
        shortlist = Shortlist.objects.create(brand=brand, name=name, created_by_id=staff[0])
        Shortlist.objects.filter(pk=shortlist.pk).update(created_at=created_at)
        notes = SHORTLIST_NOTES[spec.language]
        relevant = [m for m in members if m.niches & set(spec.niches)] or members
        picked = rng.sample(relevant, k=min(size, len(relevant)))
        rows = [
            (shortlist.pk, m.id, rng.choice(notes), rng.choice(staff), created_at + dt.timedelta(hours=n))
            for n, m in enumerate(picked)
        ]
        result.add("shortlists", 1)
        result.add("shortlist entries", append_rows(ShortlistEntry, SHORTLIST_ENTRY_COLUMNS, rows))
