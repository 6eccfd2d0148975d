"""Posts, follower history and the rows of a batch of influencers (users, accounts, audiences, offers)."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Iterator
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from influencers.models import (
    Audience,
    AudienceCountry,
    AuditEvent,
    FollowerSnapshot,
    Influencer,
    Notification,
    Offer,
    Post,
    SocialAccount,
)
from influencers.taxonomy import (
    AGE_FIELDS,
    ModerationStatus,
    Platform,
    PostFormat,
)

from .cast import APPROVED, BRANDS, CAPTION_OPENERS, CAPTION_TOPICS, DISCLOSURES, NICHE_HASHTAGS, UNDISCLOSED
from .context import (
    AUDIT_COLUMNS,
    HISTORY_DAYS,
    NOTIFICATION_COLUMNS,
    DemoContext,
    SeedResult,
    _audit_row,
    _code,
    _notification_row,
    append_rows,
)
from .plans import FORCED_PLANS, AccountPlan, Identity, InfluencerPlan, plan_influencer
from .population import PLATFORM_FORMATS

User = get_user_model()


# --- Posts and follower history (generated per account while writing) ---------------------------

POST_COLUMNS = (
    "account_id", "external_id", "posted_at", "format", "caption", "url", "likes", "comments", "shares", "views",
    "saves", "is_sponsored", "has_ad_disclosure", "updated_at",
)  # fmt: skip
SNAPSHOT_COLUMNS = ("account_id", "date", "followers")


MINUTES = [dt.timedelta(minutes=m) for m in range(60)]


SPONSORING_BRANDS = tuple(spec.mention for spec in BRANDS if spec.status == APPROVED)


def account_posts(ctx: DemoContext, plan: InfluencerPlan, account: AccountPlan, account_id: int) -> Iterator[tuple]:
    """The account's posts of the last 90 days, as rows in POST_COLUMNS order.

    This runs for millions of posts: draws use rng.random() and precomputed captions where the
    nicer-reading helpers (choice, sample) would cost several times more.
    """
    rng = random.Random(account.seed)  # noqa: S311 - demo data, not security
    draw = rng.random
    formats, cumulative = PLATFORM_FORMATS[account.platform]
    language = "nl" if plan.writes_dutch else "en"
    captions = [_caption_variants(language, niche) for niche in plan.niches]
    disclosed_prefixes, undisclosed_prefixes = _sponsor_prefixes(language)
    typical = account.followers * account.er
    hideable = account.platform in (Platform.INSTAGRAM, Platform.TIKTOK)
    slots = ctx.posting_slots
    for serial, slot in enumerate(sorted(rng.sample(range(len(slots)), account.posts))):
        minute = int(draw() * 60)
        hour_start, hour_epoch = slots[slot]
        posted_at = hour_start + MINUTES[minute]
        post_format = formats[bisect.bisect(cumulative, draw())]
        engagement = typical * math.exp(rng.gauss(0.0, 0.45))
        if draw() < 0.03:  # the occasional post that takes off
            engagement *= 3 + 5 * draw()
        likes, comments, shares, views, saves = _counts(
            rng, account.platform, post_format, engagement, account.followers
        )
        if likes is not None and hideable and (account.hides_likes or draw() < 0.015):
            likes = None  # the creator hid the like count: missing data, never 0
        variants = captions[int(draw() * len(captions))]
        caption = variants[int(draw() * len(variants))]
        sponsored = draw() < account.sponsored_share
        disclosed = sponsored and draw() < account.disclose_share
        if sponsored:
            prefixes = disclosed_prefixes if disclosed else undisclosed_prefixes
            caption = prefixes[int(draw() * len(prefixes))] + caption
        external_id, url = _post_address(rng, account, post_format, posted_at, hour_epoch + 60 * minute, serial)
        yield (
            account_id, external_id, posted_at, post_format, caption, url, likes, comments, shares, views, saves,
            sponsored, disclosed, ctx.written_at,
        )  # fmt: skip


def _counts(
    rng: random.Random, platform: str, post_format: str, engagement: float, followers: int
) -> tuple[int | None, int | None, int | None, int | None, int | None]:
    """Likes, comments, shares, views and saves whose engine-counted sum is about `engagement`."""
    e = engagement
    if platform == Platform.INSTAGRAM:
        if post_format == PostFormat.STORY:  # stories show views only
            return None, None, None, int(followers * rng.uniform(0.03, 0.12)), None
        c = rng.uniform(0.015, 0.06)
        views = int(max(e, followers * rng.uniform(0.3, 1.8))) if post_format == PostFormat.REEL else None
        return int(e * (1 - c)), int(e * c), None, views, int(e * rng.uniform(0.02, 0.1))
    if platform == Platform.TIKTOK:
        s, c = rng.uniform(0.03, 0.12), rng.uniform(0.01, 0.04)
        views = int(max(e * 1.2, e / rng.uniform(0.04, 0.15)))
        return int(e * (1 - s - c)), int(e * c), int(e * s), views, int(e * rng.uniform(0.01, 0.05))
    if platform == Platform.YOUTUBE:
        c = rng.uniform(0.03, 0.1)
        return int(e * (1 - c)), int(e * c), None, int(e / rng.uniform(0.02, 0.06)), None
    if platform == Platform.X:  # shares are reposts, comments are replies, views are impressions
        s, c = rng.uniform(0.1, 0.25), rng.uniform(0.05, 0.15)
        return int(e * (1 - s - c)), int(e * c), int(e * s), int(e / rng.uniform(0.005, 0.02)), None
    if platform == Platform.TWITCH:  # likes on the VOD, comments are chat messages
        return int(e * 0.4), int(e * 0.6), None, int(max(e, followers * rng.uniform(0.01, 0.08))), None
    if platform == Platform.BLOG:
        return int(e * 0.5), int(e * 0.15), int(e * 0.35), int(e / rng.uniform(0.01, 0.04)), None
    return int(e * 0.8), int(e * 0.2), None, int(followers * rng.uniform(0.3, 0.8)), None  # podcast: plays


def _post_address(
    rng: random.Random, account: AccountPlan, post_format: str, posted_at: dt.datetime, epoch: int, serial: int
) -> tuple[str, str]:
    """The post's id on the platform and its public URL, in each platform's own style."""
    platform, handle = account.platform, account.handle
    if platform == Platform.INSTAGRAM:
        code = _code(rng, serial, 11)
        return code, f"https://www.instagram.com/{'reel' if post_format == PostFormat.REEL else 'p'}/{code}/"
    if platform == Platform.TIKTOK:
        video = (epoch << 32) | (rng.getrandbits(24) << 8) | serial
        return str(video), f"https://www.tiktok.com/@{handle}/video/{video}"
    if platform == Platform.YOUTUBE:
        code = _code(rng, serial, 11)
        return code, f"https://www.youtube.com/watch?v={code}"
    if platform == Platform.X:
        status = ((epoch * 1000 - 1_288_834_974_657) << 22) | (rng.getrandbits(14) << 8) | serial
        return str(status), f"https://x.com/{handle}/status/{status}"
    if platform == Platform.TWITCH:
        video = 2_000_000_000 + ((rng.getrandbits(20) << 8) | serial)
        return str(video), f"https://www.twitch.tv/videos/{video}"
    if platform == Platform.BLOG:
        slug = f"{posted_at:%Y/%m}/post-{serial + 1}"
        return slug, f"{account.url}/{slug}/"
    return f"episode-{serial + 1}", f"{account.url}/episode/{serial + 1}"


@cache
def _caption_variants(language: str, niche: str) -> tuple[str, ...]:
    """Every caption a creator in this niche writes: opener, topic and two of the niche's hashtags."""
    tags = NICHE_HASHTAGS[niche]
    return tuple(
        f"{opener} {topic}. {first} {second}"
        for opener in CAPTION_OPENERS[language]
        for topic in CAPTION_TOPICS[language]
        for first in tags
        for second in tags
        if first != second
    )


@cache
def _sponsor_prefixes(language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a paid post starts with: a disclosure naming the brand, or (against the rules) just thanks."""
    disclosed = tuple(f"{text.format(brand=brand)} · " for text in DISCLOSURES[language] for brand in SPONSORING_BRANDS)
    undisclosed = tuple(f"{UNDISCLOSED[language].format(brand=brand)} " for brand in SPONSORING_BRANDS)
    return disclosed, undisclosed


def follower_history(account: AccountPlan) -> list[int]:
    """Daily followers for the last 90 days, ending at today's count; spikes where planned."""
    rng = random.Random(account.seed + 1)  # noqa: S311 - demo data, not security
    draw = rng.random
    spread = account.noise * 3.46  # a uniform draw with this width has the standard deviation `noise`
    values = [0] * HISTORY_DAYS
    followers = float(account.followers)
    values[-1] = account.followers
    for day in range(HISTORY_DAYS - 1, 0, -1):
        if day == account.spike_day:
            followers /= 1 + account.spike
        else:
            followers /= 1 + account.daily_growth + (draw() - 0.5) * spread
        values[day - 1] = int(followers + 0.5)
    return values


def _write_influencer_batch(ctx: DemoContext, result: SeedResult, identities: list[Identity]) -> None:
    """Write the influencers of one batch that do not exist yet, with everything that hangs off them.

    Natural keys are checked before writing (handle, username, platform + account handle), so the
    rows can be streamed with COPY; the seeding lock keeps a second seeder out meanwhile.
    """
    handles = [who.handle for who in identities]
    existing = set(Influencer.objects.filter(handle__in=handles).values_list("handle", flat=True))
    plans = [plan_influencer(ctx, who) for who in identities if who.handle not in existing]
    if not plans:
        return
    user_ids = _write_users(result, plans)
    append_rows(Influencer, INFLUENCER_COLUMNS, (_influencer_row(ctx, p, user_ids.get(p.index)) for p in plans))
    ids = dict(Influencer.objects.filter(handle__in=[p.handle for p in plans]).values_list("handle", "id"))
    result.add("influencers", len(ids))
    append_rows(
        Influencer.niches.through,
        ("influencer_id", "niche_id"),
        ((ids[p.handle], ctx.niche_ids[n]) for p in plans for n in p.niches),
    )
    account_ids = _write_accounts(ctx, result, plans, ids)
    accounts = [
        (p, a, account_ids[p.handle, a.platform])
        for p in plans
        for a in p.accounts
        if (p.handle, a.platform) in account_ids
    ]
    rows = (row for p, a, pk in accounts for row in account_posts(ctx, p, a, pk))
    result.add("posts", append_rows(Post, POST_COLUMNS, rows))
    days = ctx.history_days
    rows = ((pk, day, n) for _, a, pk in accounts for day, n in zip(days, follower_history(a), strict=True))
    result.add("follower snapshots", append_rows(FollowerSnapshot, SNAPSHOT_COLUMNS, rows))
    _write_audiences(result, plans, ids)
    _write_offers(result, plans, ids)
    _write_moderation_trail(ctx, result, plans, ids, user_ids)


USER_COLUMNS = ("username", "email", "first_name", "last_name", "password", "date_joined", "is_active")


def _write_users(result: SeedResult, plans: list[InfluencerPlan]) -> dict[int, int]:
    """Logins for the profiles that have one; a username someone else already uses is never reused."""
    demo_usernames = {forced.username for forced in FORCED_PLANS.values()}
    wanted = {p.username: p for p in plans if p.username}
    taken = dict(User.objects.filter(username__in=list(wanted)).values_list("username", "id"))
    new = [p for name, p in wanted.items() if name not in taken]
    rows = (
        # Demo profiles cannot log in (only the documented demo logins can).
        (
            p.username,
            f"{p.username}@example.com",
            p.first_name,
            p.last_name,
            f"{UNUSABLE_PASSWORD_PREFIX}demo{p.index}",
            p.joined_at,
            True,
        )
        for p in new
    )
    result.add("users", append_rows(User, USER_COLUMNS, rows))
    ids = dict(User.objects.filter(username__in=[p.username for p in new]).values_list("username", "id"))
    # The demo creators' logins exist already (demo_logins_ensure): linked unless they have a profile.
    linked = set(Influencer.objects.filter(user_id__in=list(taken.values())).values_list("user_id", flat=True))
    ids.update({name: pk for name, pk in taken.items() if name in demo_usernames and pk not in linked})
    return {wanted[name].index: pk for name, pk in ids.items()}


INFLUENCER_COLUMNS = (
    "user_id", "handle", "display_name", "bio", "country", "city", "languages", "is_active", "status",
    "status_reason", "moderated_at", "metrics_stale_since", "created_at", "updated_at",
)  # fmt: skip


def _influencer_row(ctx: DemoContext, plan: InfluencerPlan, user_id: int | None) -> tuple:
    return (
        user_id, plan.handle, plan.display_name, plan.bio, plan.country, plan.city, plan.languages, plan.is_active,
        plan.status, plan.status_reason, plan.moderated_at,
        # New rows feed the engine: flagged stale as after an import, so the engine computes them. Never
        # later than the real time: the engine clears only flags set before its run (a seed before 09:00
        # local time left every creator "recomputing" for hours).
        min(ctx.now, ctx.written_at),
        plan.joined_at, ctx.written_at,
    )  # fmt: skip


ACCOUNT_COLUMNS = ("influencer_id", "platform", "handle", "url", "followers", "posts_changed_at", "created_at")


def _write_accounts(
    ctx: DemoContext, result: SeedResult, plans: list[InfluencerPlan], ids: dict[str, int]
) -> dict[tuple[str, str], int]:
    """The accounts, except where another profile already has that handle on that platform."""
    planned = [(p, a) for p in plans for a in p.accounts]
    taken = set(
        SocialAccount.objects.filter(handle__in={a.handle for _, a in planned}).values_list("platform", "handle")
    )
    planned = [(p, a) for p, a in planned if (a.platform, a.handle) not in taken]
    changed_at = min(ctx.now, ctx.written_at)  # a change is never in the future (the engine's work list reads it)
    rows = ((ids[p.handle], a.platform, a.handle, a.url, a.followers, changed_at, p.joined_at) for p, a in planned)
    result.add("social accounts", append_rows(SocialAccount, ACCOUNT_COLUMNS, rows))
    handles = {pk: handle for handle, pk in ids.items()}
    created = SocialAccount.objects.filter(influencer_id__in=list(ids.values())).values_list(
        "influencer_id", "platform", "id"
    )
    return {(handles[influencer_id], platform): pk for influencer_id, platform, pk in created}


AUDIENCE_COLUMNS = (
    "influencer_id", *AGE_FIELDS.values(), "gender_female", "gender_male", "gender_other", "language_shares",
    "source", "as_of",
)  # fmt: skip


def _write_audiences(result: SeedResult, plans: list[InfluencerPlan], ids: dict[str, int]) -> None:
    rows = (
        (ids[p.handle], *a.ages, a.female, a.male, a.other, a.languages, a.source, a.as_of)
        for p in plans
        for a in (p.audience,)
    )
    result.add("audiences", append_rows(Audience, AUDIENCE_COLUMNS, rows))
    audience_ids = dict(
        Audience.objects.filter(influencer_id__in=list(ids.values())).values_list("influencer_id", "id")
    )
    rows = ((audience_ids[ids[p.handle]], code, share) for p in plans for code, share in p.audience.countries)
    append_rows(AudienceCountry, ("audience_id", "country", "share"), rows)


OFFER_COLUMNS = (
    "influencer_id", "kind", "platform", "title", "deliverables", "price", "currency", "turnaround_days",
    "is_active", "created_at", "updated_at",
)  # fmt: skip


def _write_offers(result: SeedResult, plans: list[InfluencerPlan], ids: dict[str, int]) -> None:
    rows = []
    for p in plans:
        created = p.joined_at + dt.timedelta(hours=1)
        for o in p.offers:
            rows.append(
                (ids[p.handle], o.kind, o.platform, o.title, o.deliverables, o.price, "EUR", o.turnaround_days,
                 o.is_active, created, created)
            )  # fmt: skip
    result.add("offers", append_rows(Offer, OFFER_COLUMNS, rows))


def _write_moderation_trail(
    ctx: DemoContext, result: SeedResult, plans: list[InfluencerPlan], ids: dict[str, int], user_ids: dict[int, int]
) -> None:
    """The audit rows and notices that influencer_moderate leaves behind for each decision."""
    audits, notices = [], []
    previous_status: str = ModerationStatus.PENDING
    for p in plans:
        previous_status = ModerationStatus.PENDING
        for decision, at, reason in p.decisions:
            new_status = {"approve": APPROVED, "reject": "rejected", "suspend": "suspended"}[decision]
            audits.append(
                _audit_row(
                    ctx, model=Influencer, pk=ids[p.handle], label=f"@{p.handle}", action=f"moderation.{decision}",
                    actor_id=ctx.moderator_id, at=at, reason=reason, data={"from": previous_status, "to": new_status},
                )
            )  # fmt: skip
            previous_status = new_status
            if p.index in user_ids:
                label = str(ModerationStatus(new_status).label).lower()
                message = f"Your profile @{p.handle} is now {label}. {reason}".strip()
                notices.append(
                    _notification_row(
                        ctx, user_id=user_ids[p.index], verb=f"moderation.{decision}", message=message, at=at
                    )
                )
    result.add("audit events", append_rows(AuditEvent, AUDIT_COLUMNS, audits))
    result.add("notifications", append_rows(Notification, NOTIFICATION_COLUMNS, notices))
