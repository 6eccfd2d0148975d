"""Brands with their staff and moderation trail, and their campaigns with the terms of each kind."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from brands.models import Brand, BrandMember
from campaigns.models import TERMS_BY_KIND, Campaign, term_default
from influencers.models import (
    AuditEvent,
    Notification,
)
from influencers.taxonomy import (
    AgeBand,
    ModerationStatus,
    PostFormat,
    Tier,
    WorkKind,
    tier_for_followers,
)

from .cast import (
    APPROVED,
    BRANDS,
    CAMPAIGN_KINDS,
    CAMPAIGNS_PER_BRAND,
    DEMO_BRAND,
    DEMO_BRAND_CAMPAIGNS,
    SEASONS,
    STATUS,
    STATUS_CYCLE,
    BrandSpec,
)
from .collaboration_rows import _collaborations, _shortlists
from .context import (
    AUDIT_COLUMNS,
    NOTIFICATION_COLUMNS,
    CampaignLayout,
    DemoContext,
    Member,
    SeedResult,
    _audit_row,
    _load_members,
    _notification_row,
    _round_money,
    append_rows,
)
from .logins import BRAND_LOGIN, CREATOR_LOGIN
from .plans import _ascii

User = get_user_model()


# --- Brands and their campaigns (collaborations and shortlists: collaboration_rows.py) ------------


def _campaign_layouts(spec: BrandSpec, approved_index: int) -> list[CampaignLayout]:
    if spec is DEMO_BRAND:
        return [CampaignLayout(*layout) for layout in DEMO_BRAND_CAMPAIGNS]
    if spec.status == ModerationStatus.PENDING:
        # A brand waiting for moderation can prepare a draft; one was already refused by moderation.
        if spec.slug == "bello-hondenvoeding":
            reason = "“Geneest jeuk binnen een week” is a medical claim; remove it or add evidence."
            return [CampaignLayout(WorkKind.SPONSORED_POST, STATUS.DRAFT, "public", ModerationStatus.REJECTED, reason)]
        return [CampaignLayout(WorkKind.GIVEAWAY, STATUS.DRAFT, "public", ModerationStatus.PENDING)]
    if spec.status != APPROVED:
        return []
    layouts = []
    for n in range(CAMPAIGNS_PER_BRAND):
        slot = approved_index * CAMPAIGNS_PER_BRAND + n
        status = STATUS_CYCLE[slot % len(STATUS_CYCLE)]
        visibility = Campaign.Visibility.INVITE_ONLY if slot % 3 == 1 else Campaign.Visibility.PUBLIC
        # Drafts and one freshly published campaign are still in the moderation queue.
        moderation = ModerationStatus.PENDING if status == STATUS.DRAFT or slot == 6 else APPROVED
        layouts.append(CampaignLayout(CAMPAIGN_KINDS[slot % len(CAMPAIGN_KINDS)], status, visibility, moderation))
    return layouts


def _seed_brands(ctx: DemoContext, result: SeedResult, *, community: list[str], logins: dict) -> None:
    members = [m for m in _load_members(handle__in=community) if m.user_id != logins[CREATOR_LOGIN.username].pk]
    creator = next(iter(_load_members(user=logins[CREATOR_LOGIN.username])), None)
    creator_busy = False  # the demo creator also works on one other brand's campaign
    approved_index = 0
    for spec in BRANDS:
        brand, staff = _brand(ctx, result, spec, logins)
        layouts = _campaign_layouts(spec, approved_index)
        approved_index += spec is not DEMO_BRAND and spec.status == APPROVED
        titles: set[str] = set()
        for n, layout in enumerate(layouts):
            rng = random.Random(f"{ctx.seed}:campaign:{spec.slug}:{n}")  # noqa: S311 - demo data, not security
            campaign = _campaign(ctx, result, rng, brand, spec, layout, n, staff, titles)
            if campaign is None or layout.status == STATUS.DRAFT or brand.status != APPROVED:
                continue
            extra: list[tuple[Member, str]] = []
            if creator is not None and spec is DEMO_BRAND and n in (0, 4):
                extra.append((creator, "invited" if n == 0 else "completed"))
            elif creator is not None and not creator_busy and layout.status == STATUS.IN_PROGRESS:
                extra.append((creator, "content_submitted"))
                creator_busy = True
            _collaborations(ctx, result, rng, campaign, spec, staff, members, extra)
        if staff:
            _shortlists(ctx, result, brand, spec, staff, members)


def _brand(ctx: DemoContext, result: SeedResult, spec: BrandSpec, logins: dict) -> tuple[Brand, list[int]]:
    """The brand (created when its slug is new) and its staff's user ids, owner first."""
    rng = random.Random(f"{ctx.seed}:brand:{spec.slug}")  # noqa: S311 - demo data, not security
    brand = Brand.objects.filter(slug=spec.slug).first()
    if brand is None:
        created_at = ctx.days_ago(
            rng.uniform(1, 5) if spec.status == ModerationStatus.PENDING else rng.uniform(90, 500)
        )
        decided_at = (
            None if spec.status == ModerationStatus.PENDING else created_at + dt.timedelta(hours=rng.uniform(3, 48))
        )
        brand = Brand(
            name=spec.name,
            slug=spec.slug,
            website=spec.website,
            country=spec.country,
            description=spec.description,
            status=spec.status,
            status_reason=spec.reason,
            moderated_at=decided_at,
            verified=spec.verified,
        )
        brand.full_clean(validate_constraints=False)  # the database enforces them on insert
        brand.save()
        brand.industry_niches.set([ctx.niche_ids[slug] for slug in spec.niches])
        Brand.objects.filter(pk=brand.pk).update(created_at=created_at)
        result.add("brands", 1)
        staff = _brand_staff(ctx, result, rng, brand, spec, logins, created_at)
        if decided_at is not None:
            _brand_moderation_trail(ctx, result, brand, staff, at=decided_at)
    owner_first = BrandMember.objects.filter(brand=brand).order_by("-role", "pk")  # "owner" > "member"
    return brand, list(owner_first.values_list("user_id", flat=True))


def _brand_moderation_trail(
    ctx: DemoContext, result: SeedResult, brand: Brand, staff: list[int], *, at: dt.datetime
) -> None:
    """The audit row and the owner's notice that brand_moderate leaves behind (`at`: brand.moderated_at)."""
    decision = "approve" if brand.status == APPROVED else "reject"
    audit = _audit_row(
        ctx, model=Brand, pk=brand.pk, label=brand.name, action=f"moderation.{decision}",
        actor_id=ctx.moderator_id, at=at, reason=brand.status_reason,
        data={"from": ModerationStatus.PENDING, "to": brand.status},
    )  # fmt: skip
    result.add("audit events", append_rows(AuditEvent, AUDIT_COLUMNS, [audit]))
    label = str(ModerationStatus(brand.status).label).lower()
    message = f"Your brand {brand.name} is now {label}. {brand.status_reason}".strip()
    notices = [
        _notification_row(ctx, user_id=owner, verb=f"moderation.{decision}", message=message, at=at)
        for owner in staff[:1]
    ]
    result.add("notifications", append_rows(Notification, NOTIFICATION_COLUMNS, notices))


def _brand_staff(
    ctx: DemoContext,
    result: SeedResult,
    rng: random.Random,
    brand: Brand,
    spec: BrandSpec,
    logins: dict,
    created_at: dt.datetime,
) -> list[int]:
    people = [(spec.owner, BrandMember.Role.OWNER), *((person, BrandMember.Role.MEMBER) for person in spec.members)]
    user_ids = []
    for n, ((first, last), role) in enumerate(people):
        if spec is DEMO_BRAND and n == 0:
            user = logins[BRAND_LOGIN.username]
        else:
            username = f"{_ascii(first)}.{spec.slug.split('-')[0]}"
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.com",
                    "first_name": first,
                    "last_name": last,
                    "password": f"{UNUSABLE_PASSWORD_PREFIX}demo-{username}",
                    "date_joined": created_at,
                },
            )
            result.add("users", int(made))
        member, made = BrandMember.objects.get_or_create(user=user, defaults={"brand": brand, "role": role})
        if made:
            joined = created_at + dt.timedelta(days=n * rng.uniform(1, 30))
            BrandMember.objects.filter(pk=member.pk).update(joined_at=joined)
            result.add("brand members", 1)
        if member.brand_id == brand.pk:
            user_ids.append(user.pk)
    return user_ids


CAMPAIGN_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # kind: (Dutch, English)
    WorkKind.SPONSORED_POST: (
        ("{product}: de {season}campagne", "{product} in jouw feed", "Laat {product} zien"),
        ("{product}: {season} campaign", "{product} in your feed", "Show us {product}"),
    ),
    WorkKind.REVIEW: (("Eerlijke review: {product}", "Test {product} een maand"), ("Honest review: {product}",)),
    WorkKind.GIVEAWAY: (("Winactie: win {prize}", "Geef {prize} weg"), ("Giveaway: win {prize}",)),
    WorkKind.AMBASSADORSHIP: (("{brand} ambassadeurs {year}",), ("{brand} ambassadors {year}",)),
}
BRIEFS: dict[str, tuple[str, str]] = {
    WorkKind.SPONSORED_POST: (
        "We zoeken makers die {product} laten zien zoals zij dat zelf zouden doen. Wat we vragen: {posts} "
        "post(s) als {formats}, met de samenwerking duidelijk vermeld (#ad). Jij houdt de creatieve vrijheid.",
        "We are looking for creators who show {product} their own way: {posts} post(s) as {formats}, "
        "clearly marked as a paid partnership (#ad). Creative freedom is yours.",
    ),
    WorkKind.REVIEW: (
        "Je ontvangt {product} (waarde € {value}) om minstens twee weken te testen. Je review mag eerlijk zijn, "
        "ook als je kritiek hebt: juist dat maakt hem geloofwaardig.",
        "You receive {product} (worth € {value}) to test for at least two weeks. Your review may be honest, "
        "criticism included: that is what makes it credible.",
    ),
    WorkKind.GIVEAWAY: (
        "Samen met jou geven we {prize} weg. Deelnemen kan tot en met {entry_end}; we maken de winnaar(s) "
        "bekend op {announce}. Spelregels en privacyverklaring leveren wij aan.",
        "Together with you we give away {prize}. Entries close on {entry_end}; winners are announced on "
        "{announce}. We provide the rules and the privacy notice.",
    ),
    WorkKind.AMBASSADORSHIP: (
        "Voor {months} maanden zoeken we vaste gezichten: {per_month} posts per maand tegen een vaste "
        "maandvergoeding.{exclusive}",
        "For {months} months we are looking for regular faces: {per_month} posts a month for a fixed monthly "
        "fee.{exclusive}",
    ),
}
PLATFORM_POST_FORMATS = {
    "instagram": ("reel", "carousel", "story"),
    "tiktok": ("video",),
    "youtube": ("video",),
    "twitch": ("live",),
    "x": ("text",),
}
TIER_FEE: dict[str, int] = {
    Tier.NANO: 150,
    Tier.MICRO: 700,
    Tier.MACRO: 4000,
    Tier.MEGA: 20000,
}  # per sponsored post, EUR
TIER_ORDER = (Tier.NANO, Tier.MICRO, Tier.MACRO, Tier.MEGA)
# (start, end) offsets from demo today in days, per status; rng picks inside each range.
CAMPAIGN_WINDOWS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    STATUS.DRAFT: ((14, 40), (30, 90)),
    STATUS.OPEN: ((-10, 14), (30, 75)),
    STATUS.PAUSED: ((-20, -5), (35, 70)),
    STATUS.IN_PROGRESS: ((-45, -15), (30, 70)),
    STATUS.COMPLETED: ((-120, -60), (35, 55)),
    STATUS.CANCELLED: ((-40, -5), (30, 60)),
}


def _campaign(
    ctx: DemoContext,
    result: SeedResult,
    rng: random.Random,
    brand: Brand,
    spec: BrandSpec,
    layout: CampaignLayout,
    n: int,
    staff: list[int],
    titles: set[str],
) -> Campaign | None:
    """The campaign (validated like a form would), or None when its title exists for this brand.

    `titles` holds the titles this run gave the brand's earlier campaigns, so two campaigns of one
    run never share a title (the second would look like it exists already).
    """
    dutch = spec.language == "nl"
    (start_low, start_high), (length_low, length_high) = CAMPAIGN_WINDOWS[layout.status]
    starts_on = ctx.today + dt.timedelta(days=rng.randint(start_low, start_high))
    ends_on = starts_on + dt.timedelta(days=rng.randint(length_low, length_high))
    product, product_value = spec.products[n % len(spec.products)]
    season = SEASONS["nl" if dutch else "en"][(starts_on.month % 12) // 3]
    templates = CAMPAIGN_TITLES[layout.kind][0 if dutch else 1]
    title = templates[n % len(templates)].format(
        product=product, season=season, prize=spec.prize, brand=spec.name, year=starts_on.year
    )[:150]
    if title in titles:
        title = f"{title} ({n + 1})"
    titles.add(title)
    if Campaign.objects.filter(brand=brand, title=title).exists():
        return None
    platforms = rng.sample(spec.platforms, k=rng.randint(1, min(2, len(spec.platforms))))
    tiers, min_followers, max_followers = _campaign_reach(rng, spec)
    top_tier = max(tiers or [tier_for_followers(max_followers or 50_000)], key=TIER_ORDER.index)
    fee = TIER_FEE[top_tier] * rng.uniform(0.7, 1.3)
    campaign = Campaign(
        brand=brand,
        title=title,
        kind=layout.kind,
        platforms=platforms,
        target_age_bands=_age_window(rng),
        target_genders=["female"] if "beauty" in spec.niches and rng.random() < 0.6 else [],
        target_countries=[] if rng.random() < 0.2 else _target_countries(spec.country),
        target_languages=["nl"] if dutch and rng.random() < 0.6 else [],
        tiers=tiers,
        min_followers=min_followers,
        max_followers=max_followers,
        starts_on=starts_on,
        ends_on=ends_on,
        status=layout.status,
        visibility=layout.visibility,
        moderation_status=layout.moderation,
        moderation_reason=layout.reason,
        created_by_id=staff[0] if staff else None,
    )
    brief_terms = _kind_terms(rng, campaign, spec, product, product_value, fee, platforms)
    per_creator = campaign.budget_per_creator
    campaign.budget_total = _round_money(per_creator * rng.randint(4, 15))
    campaign.brief = f"{spec.description}\n\n{BRIEFS[layout.kind][0 if dutch else 1].format(**brief_terms)}"
    created_at = ctx.days_ago(rng.uniform(1, 20))
    if layout.status != STATUS.DRAFT:
        published = min(ctx.at(starts_on, 10) - dt.timedelta(days=rng.randint(2, 10)), ctx.days_ago(rng.uniform(1, 3)))
        campaign.published_at = published
        created_at = published - dt.timedelta(days=rng.uniform(1, 10))
    if layout.moderation != ModerationStatus.PENDING:
        campaign.moderated_at = (campaign.published_at or created_at) + dt.timedelta(hours=rng.uniform(1, 20))
        campaign.moderated_at = min(campaign.moderated_at, ctx.days_ago(0.5))
    if layout.status == STATUS.OPEN:
        campaign.matches_stale_since = ctx.now  # published: the matching engine ranks creators for it
    # Campaign.clean() holds the kind-specific rules; the check constraints are enforced by the
    # database on insert (validating them here would cost one query each).
    campaign.full_clean(validate_constraints=False)
    campaign.save()
    campaign.niches.set([ctx.niche_ids[slug] for slug in spec.niches[:2]])
    Campaign.objects.filter(pk=campaign.pk).update(created_at=created_at)
    result.add("campaigns", 1)
    if campaign.moderated_at is not None:
        _campaign_moderation_trail(ctx, result, campaign, staff, at=campaign.moderated_at)
    return campaign


def _campaign_reach(rng: random.Random, spec: BrandSpec) -> tuple[list[str], int | None, int | None]:
    """Tiers, a follower range, or no constraint at all."""
    roll = rng.random()
    if roll < 0.6:
        big = "gaming" in spec.niches or (spec.verified and rng.random() < 0.3)
        start = rng.randint(1, 2) if big else rng.randint(0, 1)
        return list(TIER_ORDER[start : start + rng.randint(1, 2)]), None, None
    if roll < 0.85:
        low = rng.choice((1_000, 2_500, 5_000, 10_000))
        return [], low, low * rng.choice((10, 20, 50))
    return [], None, None


def _age_window(rng: random.Random) -> list[str]:
    bands = [band.value for band in AgeBand][1:5]  # 18–24 … 45–54
    start = rng.randint(0, 2)
    return bands[start : start + rng.randint(2, 3)]


def _target_countries(country: str) -> list[str]:
    return {"NL": ["NL", "BE"], "BE": ["BE", "NL"], "DE": ["DE", "AT", "CH"]}.get(country, [country])


def _kind_terms(
    rng: random.Random,
    campaign: Campaign,
    spec: BrandSpec,
    product: str,
    product_value: int,
    fee: float,
    platforms: list[str],
) -> dict[str, object]:
    """Set the kind's terms and the per-creator budget; return the words for the brief."""
    draw = TERMS_DRAWS[campaign.kind]
    terms, budget, words = draw(rng, campaign, spec, product, product_value, fee, platforms)
    _set_kind_terms(campaign, terms)
    campaign.budget_per_creator = budget
    return words


def _set_kind_terms(campaign: Campaign, terms: dict[str, object]) -> None:
    """Give the campaign exactly the terms of its kind (campaigns.models.TERMS_BY_KIND), as the service would.

    A term the draw leaves out keeps the model's default; a term of another kind is a mistake in the
    generator, refused here rather than written as a campaign no brand could have saved.
    """
    own = TERMS_BY_KIND[campaign.kind]
    allowed = own.fields + own.recorded
    stray = sorted(set(terms) - set(allowed))
    if stray:
        raise ValueError(f"Not terms of a {campaign.kind} campaign: {stray}")
    for name in allowed:
        setattr(campaign, name, terms.get(name, term_default(name)))


# (the campaign's terms, its budget per creator, the words for its brief)
TermsDraw = tuple[dict[str, object], Decimal, dict[str, object]]


def _sponsored_post_terms(
    rng: random.Random, campaign: Campaign, spec: BrandSpec, product: str, value: int, fee: float, platforms: list[str]
) -> TermsDraw:
    options = sorted({fmt for p in platforms for fmt in PLATFORM_POST_FORMATS.get(p, ("image",))})
    formats = rng.sample(options, k=min(len(options), rng.randint(1, 2)))
    posts = rng.randint(1, 3)
    labels = [str(PostFormat(fmt).label).lower() for fmt in formats]
    words = {"product": product, "posts": posts, "formats": " / ".join(labels)}
    return {"posts_count": posts, "formats": formats}, _round_money(fee * posts), words


def _review_terms(
    rng: random.Random, campaign: Campaign, spec: BrandSpec, product: str, value: int, fee: float, platforms: list[str]
) -> TermsDraw:
    terms = {"product_name": product, "product_value": Decimal(value), "honest_review_clause": True}
    return terms, _round_money(fee * 0.8), {"product": product, "value": value}


def _giveaway_terms(
    rng: random.Random, campaign: Campaign, spec: BrandSpec, product: str, value: int, fee: float, platforms: list[str]
) -> TermsDraw:
    winners = rng.randint(1, 5)
    span = (campaign.ends_on - campaign.starts_on).days
    entry_end = campaign.starts_on + dt.timedelta(days=int(span * 0.6))
    announcement = entry_end + dt.timedelta(days=rng.randint(2, 5))
    terms: dict[str, object] = {
        "prize": spec.prize,
        "prize_value": Decimal(spec.prize_value),
        "winners_count": winners,
        "entry_end_date": entry_end,
        "winner_announcement_date": announcement,
    }
    if campaign.status == STATUS.COMPLETED:
        terms["winners_announced_at"] = dt.datetime.combine(
            announcement, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
    words: dict[str, object] = {
        "prize": spec.prize,
        "entry_end": entry_end.strftime("%d-%m-%Y"),
        "announce": announcement.strftime("%d-%m-%Y"),
    }
    return terms, _round_money(fee * 0.7), words


def _ambassadorship_terms(
    rng: random.Random, campaign: Campaign, spec: BrandSpec, product: str, value: int, fee: float, platforms: list[str]
) -> TermsDraw:
    months = rng.choice((3, 6, 12))
    per_month = rng.randint(1, 4)
    monthly_fee = _round_money(fee * per_month * 0.6)
    exclusivity = rng.random() < 0.4
    exclusive = ""
    if exclusivity:
        dutch = spec.language == "nl"
        exclusive = (
            " Exclusiviteit: geen andere merken in onze categorie." if dutch else " Exclusive: no competing brands."
        )
    terms = {
        "duration_months": months,
        "posts_per_month": per_month,
        "monthly_fee": monthly_fee,
        "exclusivity": exclusivity,
    }
    return terms, monthly_fee * months, {"months": months, "per_month": per_month, "exclusive": exclusive}


TERMS_DRAWS: dict[str, Callable[[random.Random, Campaign, BrandSpec, str, int, float, list[str]], TermsDraw]] = {
    WorkKind.SPONSORED_POST: _sponsored_post_terms,
    WorkKind.REVIEW: _review_terms,
    WorkKind.GIVEAWAY: _giveaway_terms,
    WorkKind.AMBASSADORSHIP: _ambassadorship_terms,
}


def _campaign_moderation_trail(
    ctx: DemoContext, result: SeedResult, campaign: Campaign, staff: list[int], *, at: dt.datetime
) -> None:
    """The audit row and the staff's notices that campaign_moderate leaves behind (`at`: campaign.moderated_at)."""
    decision = "approve" if campaign.moderation_status == APPROVED else "reject"
    audit = _audit_row(
        ctx, model=Campaign, pk=campaign.pk, label=campaign.title, action=f"moderation.{decision}",
        actor_id=ctx.moderator_id, at=at, reason=campaign.moderation_reason,
        data={"from": ModerationStatus.PENDING, "to": campaign.moderation_status},
    )  # fmt: skip
    result.add("audit events", append_rows(AuditEvent, AUDIT_COLUMNS, [audit]))
    label = str(ModerationStatus(campaign.moderation_status).label).lower()
    message = f"Campaign “{campaign.title}” is now {label} by moderation. {campaign.moderation_reason}".strip()
    notices = [
        _notification_row(ctx, user_id=user_id, verb=f"moderation.{decision}", message=message, at=at)
        for user_id in staff
    ]
    result.add("notifications", append_rows(Notification, NOTIFICATION_COLUMNS, notices))
