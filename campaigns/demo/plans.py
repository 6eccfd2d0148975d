"""Influencer plans: pure functions of (seed, index), so the same seed and index give the same person."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import TypeVar

from influencers.models import (
    AudienceSource,
)
from influencers.taxonomy import (
    ModerationStatus,
    Platform,
    Tier,
    WorkKind,
    benchmark_er,
    tier_bounds,
    tier_for_followers,
)

from .cast import BIO_PHRASES, MODERATION_REASONS
from .context import CLAIMED_SHARE_BEYOND_COMMUNITY, COMMUNITY_SIZE, HISTORY_DAYS, DemoContext, _code
from .logins import CREATOR_LOGIN, NEWCREATOR_LOGIN
from .population import (
    COUNTRY_BY_CODE,
    COUNTRY_CUM_WEIGHTS,
    COUNTRY_PROFILES,
    DEFAULT_PLATFORMS,
    KIND_PRICE_FACTOR,
    MIN_OFFER_PRICE,
    NICHE_AGE_TILT,
    NICHE_FEMALE_SHARE,
    NICHE_HANDLE_WORDS,
    NICHE_PLATFORMS,
    NICHE_WEIGHTS,
    OFFER_DELIVERABLES,
    OFFER_TITLES,
    PLATFORM_AGES,
    POSTS_PER_WEEK,
    PRICE_PER_THOUSAND,
    TIER_DAILY_GROWTH,
    TIER_SPONSORED_SHARE,
    TURNAROUND_DAYS,
    CountryProfile,
)

# --- Influencer plans (pure: the same seed and index give the same plan) ------------------------

# The demo's own size parameters (the benchmark draws a log-normal follower tail instead): the tier
# and moderation layout of each block of 20 influencers, enough of each for every demo size.
TIER_BLOCK = (Tier.NANO,) * 5 + (Tier.MICRO,) * 9 + (Tier.MACRO,) * 4 + (Tier.MEGA,) * 2
STATUS_BLOCK = (
    (ModerationStatus.APPROVED,) * 16
    + (ModerationStatus.PENDING,) * 2
    + (ModerationStatus.REJECTED, ModerationStatus.SUSPENDED)
)
# Median followers (log-normal) inside each tier; draws are kept inside the tier's bounds.
TIER_MEDIAN_FOLLOWERS: dict[str, int] = {Tier.NANO: 450, Tier.MICRO: 9_000, Tier.MACRO: 240_000, Tier.MEGA: 2_200_000}
TIER_SPREAD: dict[str, float] = {Tier.NANO: 0.7, Tier.MICRO: 1.1, Tier.MACRO: 0.7, Tier.MEGA: 0.6}


@dataclass(slots=True)
class AccountPlan:
    platform: str
    handle: str
    url: str
    followers: int
    er: float  # typical engagement per post / followers
    posts: int  # posts in the 90-day window
    hides_likes: bool
    sponsored_share: float
    disclose_share: float
    daily_growth: float
    noise: float
    spike_day: int | None
    spike: float
    seed: int


@dataclass(slots=True)
class AudiencePlan:
    ages: tuple[float, ...]
    female: float
    male: float
    other: float
    languages: dict[str, float]
    countries: list[tuple[str, float]]
    source: str
    as_of: dt.date


@dataclass(slots=True)
class OfferPlan:
    kind: str
    platform: str
    title: str
    deliverables: str
    price: Decimal
    turnaround_days: int
    is_active: bool


@dataclass(slots=True)
class InfluencerPlan:
    index: int
    handle: str
    first_name: str
    last_name: str
    bio: str
    country: str
    city: str
    languages: list[str]
    niches: list[str]
    tier: str
    status: str
    status_reason: str
    is_active: bool
    joined_at: dt.datetime
    decisions: list[tuple[str, dt.datetime, str]]  # (decision, when, reason), oldest first
    username: str | None
    accounts: list[AccountPlan]
    audience: AudiencePlan
    offers: list[OfferPlan]

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def moderated_at(self) -> dt.datetime | None:
        return self.decisions[-1][1] if self.decisions else None

    @property
    def writes_dutch(self) -> bool:
        return self.languages[0] == "nl"


@dataclass(frozen=True)
class _Forced:
    first_name: str
    last_name: str
    handle: str
    city: str
    niches: tuple[str, ...]
    platforms: tuple[str, ...]
    tier: str
    status: str
    username: str


# The two demo creators are the first two influencers of every seed.
FORCED_PLANS = {
    0: _Forced("Sanne", "Bakker", "sanne.bakker", "Utrecht", ("food", "lifestyle"), ("instagram", "tiktok"),
               Tier.MICRO, ModerationStatus.APPROVED, CREATOR_LOGIN.username),
    1: _Forced("Noor", "El Idrissi", "noor.elidrissi", "Rotterdam", ("fashion", "beauty"), ("instagram", "tiktok"),
               Tier.MICRO, ModerationStatus.PENDING, NEWCREATOR_LOGIN.username),
}  # fmt: skip
BLOCK = len(TIER_BLOCK)


@lru_cache(maxsize=2)
def _block_layout(seed: int, block: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Tiers and moderation statuses of one block of 20 influencers, shuffled per seed."""
    rng = random.Random(f"{seed}:block:{block}")  # noqa: S311 - demo data, not security
    tiers, statuses = list(TIER_BLOCK), list(STATUS_BLOCK)
    rng.shuffle(tiers)
    rng.shuffle(statuses)
    forced_here = {index % BLOCK: forced for index, forced in FORCED_PLANS.items() if index // BLOCK == block}
    for position, forced in forced_here.items():
        _swap_into(tiers, position, forced.tier, keep=forced_here.keys())
        _swap_into(statuses, position, forced.status, keep=forced_here.keys())
    return tuple(tiers), tuple(statuses)


_Choice = TypeVar("_Choice", bound=str)  # a block's tiers or statuses (TextChoices members are str)


def _swap_into(values: list[_Choice], position: int, wanted: str, *, keep: Iterable[int]) -> None:
    """Put `wanted` at `position` by swapping it with another slot (the block keeps its mix)."""
    if values[position] != wanted:
        other = next(i for i, v in enumerate(values) if v == wanted and i not in keep)
        values[position], values[other] = values[other], values[position]


class HandleBook:
    """Hands out unique influencer handles in index order (so they are deterministic per seed).

    "." and "_" count as the same character, so the X and Twitch form of a handle (dots become
    underscores there) is unique too.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()  # handles with "." replaced by "_"

    def claim(self, rng: random.Random, index: int, first: str, last: str, niche: str, city: str) -> str:
        f, s = _ascii(first), _ascii(last)
        word = rng.choice(NICHE_HANDLE_WORDS[niche])
        styles = (
            f"{f}.{s}", f"{f}{s}", f"{f}_{s}", f"{f}{word}", f"{word}by{f}", f"{f}.{word}", f"{f}{s[:1]}.{word}",
            f"its{f}{s[:1]}", f"{f}.{_ascii(city)}", f"{f}{s}.{word}",
        )  # fmt: skip
        preferred = _clean_handle(rng.choice(styles))
        for candidate in chain((preferred,), map(_clean_handle, styles)):
            if candidate and candidate.replace(".", "_") not in self.taken:
                return self._take(candidate)
        for _ in range(20):
            candidate = _clean_handle(f"{preferred}{rng.randrange(2, 1000)}")
            if candidate.replace(".", "_") not in self.taken:
                return self._take(candidate)
        return self._take(_clean_handle(f"{preferred[:40]}_{index}"))

    def take_forced(self, handle: str) -> str:
        return self._take(handle)

    def _take(self, handle: str) -> str:
        self.taken.add(handle.replace(".", "_"))
        return handle


NOT_IN_HANDLE = re.compile(r"[^a-z0-9._]")
TRANSLITERATE = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "ł": "l", "ı": "i", "đ": "d", "'": ""})


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(TRANSLITERATE))
    return "".join(ch for ch in decomposed if ch in string.ascii_lowercase or ch in string.digits)


def _clean_handle(raw: str) -> str:
    return NOT_IN_HANDLE.sub("", raw.lower())[:50].strip("._")


@dataclass(slots=True)
class Identity:
    """Who influencer number `index` is: enough to tell whether the profile exists already."""

    index: int
    handle: str
    first_name: str
    last_name: str
    profile: CountryProfile
    city: str
    languages: list[str]
    niches: list[str]
    tier: str
    status: str


def influencer_identity(ctx: DemoContext, index: int, book: HandleBook) -> Identity:
    rng = random.Random(f"{ctx.seed}:influencer:{index}")  # noqa: S311 - demo data, not security
    tiers, statuses = _block_layout(ctx.seed, index // BLOCK)
    tier, status = tiers[index % BLOCK], statuses[index % BLOCK]
    forced = FORCED_PLANS.get(index)
    if forced:
        profile = COUNTRY_BY_CODE["NL"]
        handle = book.take_forced(forced.handle)
        return Identity(
            index, handle, forced.first_name, forced.last_name, profile, forced.city, ["nl", "en"],
            list(forced.niches), tier, status,
        )  # fmt: skip
    profile = _pick_country(rng)
    first = rng.choice(profile.female if rng.random() < 0.62 else profile.male)
    last = rng.choice(profile.last)
    city = rng.choice(profile.cities)
    languages = list(rng.choice(profile.languages))
    niches = _pick_niches(rng)
    handle = book.claim(rng, index, first, last, niches[0], city)
    return Identity(index, handle, first, last, profile, city, languages, niches, tier, status)


def plan_influencer(ctx: DemoContext, who: Identity) -> InfluencerPlan:
    """Everything about one influencer; its own random stream, so identities stay cheap to redo."""
    rng = random.Random(f"{ctx.seed}:influencer:{who.index}:profile")  # noqa: S311 - demo data, not security
    forced = FORCED_PLANS.get(who.index)
    platforms = list(forced.platforms) if forced else _pick_platforms(rng, who.niches[0])
    main_followers = _followers_in_tier(rng, who.tier)
    oddity = BLOCK_ODDITIES.get(who.index % BLOCK) or _oddity(rng)
    accounts = [_plan_account(rng, who.handle, platforms[0], main_followers, oddity)]
    accounts.extend(
        _plan_account(rng, who.handle, platform, _secondary_followers(rng, main_followers), _oddity(rng))
        for platform in platforms[1:]
    )
    joined_at, decisions = _moderation_history(ctx, rng, who.status)
    username: str | None
    if forced:
        username = forced.username
    elif who.status == ModerationStatus.PENDING or who.index < COMMUNITY_SIZE:
        username = who.handle  # new sign-ups and the active community have their own login
    else:
        username = who.handle if rng.random() < CLAIMED_SHARE_BEYOND_COMMUNITY else None
    dutch = who.languages[0] == "nl"
    return InfluencerPlan(
        index=who.index,
        handle=who.handle,
        first_name=who.first_name,
        last_name=who.last_name,
        bio=_bio(rng, who.niches, who.city, dutch),
        country=who.profile.code,
        city=who.city,
        languages=who.languages,
        niches=who.niches,
        tier=who.tier,
        status=who.status,
        status_reason=decisions[-1][2] if decisions else "",
        is_active=who.status != ModerationStatus.APPROVED or forced is not None or rng.random() > 0.03,
        joined_at=joined_at,
        decisions=decisions,
        username=username,
        accounts=accounts,
        audience=_plan_audience(ctx, rng, who.profile, who.languages, who.niches, platforms[0]),
        offers=_plan_offers(rng, accounts, dutch, all_kinds=forced is not None),
    )


def _pick_country(rng: random.Random) -> CountryProfile:
    point = rng.random() * COUNTRY_CUM_WEIGHTS[-1]
    return COUNTRY_PROFILES[min(bisect.bisect(COUNTRY_CUM_WEIGHTS, point), len(COUNTRY_PROFILES) - 1)]


def _pick_niches(rng: random.Random) -> list[str]:
    count = rng.choices((1, 2, 3), weights=(0.35, 0.45, 0.2))[0]
    picked: list[str] = []
    while len(picked) < count:
        niche = rng.choices(list(NICHE_WEIGHTS), weights=list(NICHE_WEIGHTS.values()))[0]
        if niche not in picked:
            picked.append(niche)
    return picked


def _pick_platforms(rng: random.Random, niche: str) -> list[str]:
    count = rng.choices((1, 2, 3), weights=(0.45, 0.35, 0.2))[0]
    weights = NICHE_PLATFORMS.get(niche, DEFAULT_PLATFORMS)
    platforms = [rng.choices(list(weights), weights=list(weights.values()))[0]]
    while len(platforms) < count:
        platform = rng.choices(list(DEFAULT_PLATFORMS), weights=list(DEFAULT_PLATFORMS.values()))[0]
        if platform not in platforms:
            platforms.append(platform)
    return platforms


def _followers_in_tier(rng: random.Random, tier: str) -> int:
    """A log-normal draw around the tier's median, kept inside the tier (nano: at least 60)."""
    low, high = tier_bounds(tier)
    low, high = max(low, 60), high or 40_000_000
    for _ in range(30):
        followers = int(rng.lognormvariate(math.log(TIER_MEDIAN_FOLLOWERS[tier]), TIER_SPREAD[tier]))
        if low <= followers < high:
            return followers
    return min(max(followers, low), high - 1)


def _secondary_followers(rng: random.Random, main: int) -> int:
    return max(30, int(main * rng.uniform(0.03, 0.7)))


# Patterns the credibility engine must notice, with how often an account shows them. Some block
# positions always show one on their main account, so even a small demo has each pattern.
ODDITY_CHANCES = (("bought", 0.02), ("viral", 0.02), ("pod", 0.02))
BLOCK_ODDITIES = {7: "bought", 13: "viral", 17: "pod"}


def _oddity(rng: random.Random) -> str | None:
    roll = rng.random()
    for oddity, chance in ODDITY_CHANCES:
        if roll < chance:
            return oddity
        roll -= chance
    return None


def _plan_account(rng: random.Random, handle: str, platform: str, followers: int, oddity: str | None) -> AccountPlan:
    tier = tier_for_followers(followers)
    # Centred so the engine's ER (mean of the latest posts, viral ones included) lands around the
    # tier benchmark for a typical account.
    er = benchmark_er(platform, tier) * rng.lognormvariate(-0.2, 0.35)
    spike_day, spike = None, 0.0
    if oddity == "bought":  # a jump in followers, and engagement that stays behind
        spike_day, spike = rng.randrange(10, HISTORY_DAYS - 3), rng.uniform(0.15, 0.5)
        er *= 0.35
    elif oddity == "viral":  # a post took off: a real jump, engagement keeps up
        spike_day, spike = rng.randrange(10, HISTORY_DAYS - 3), rng.uniform(0.05, 0.2)
    elif oddity == "pod":  # an engagement pod: far above the benchmark
        er *= 2.8
    growth = rng.gauss(TIER_DAILY_GROWTH[tier], TIER_DAILY_GROWTH[tier] * 0.8)
    account_handle = handle.replace(".", "_") if platform in (Platform.X, Platform.TWITCH) else handle
    return AccountPlan(
        platform=platform,
        handle=account_handle,
        url=_account_url(rng, platform, account_handle),
        followers=followers,
        er=er,
        posts=min(250, max(4, round(POSTS_PER_WEEK[platform] * HISTORY_DAYS / 7 * rng.uniform(0.5, 1.4)))),
        hides_likes=platform in (Platform.INSTAGRAM, Platform.TIKTOK) and rng.random() < 0.02,
        sponsored_share=TIER_SPONSORED_SHARE[tier] * rng.uniform(0.5, 1.5),
        disclose_share=0.3 if rng.random() < 0.06 else 0.95,
        daily_growth=growth,
        noise=rng.uniform(0.0005, 0.003),
        spike_day=spike_day,
        spike=spike,
        seed=rng.getrandbits(64),
    )


def _account_url(rng: random.Random, platform: str, handle: str) -> str:
    slug = handle.replace(".", "-").replace("_", "-")
    urls: dict[str, str] = {
        Platform.INSTAGRAM: f"https://www.instagram.com/{handle}/",
        Platform.TIKTOK: f"https://www.tiktok.com/@{handle}",
        Platform.YOUTUBE: f"https://www.youtube.com/@{handle}",
        Platform.X: f"https://x.com/{handle}",
        Platform.TWITCH: f"https://www.twitch.tv/{handle}",
        Platform.BLOG: f"https://{slug}.example",
        Platform.PODCAST: f"https://open.spotify.com/show/{_code(rng, 0, 22)}",
    }
    return urls[platform]


def _moderation_history(
    ctx: DemoContext, rng: random.Random, status: str
) -> tuple[dt.datetime, list[tuple[str, dt.datetime, str]]]:
    """When the profile was created and the moderation decisions since, as the services record them."""
    if status == ModerationStatus.PENDING:
        return ctx.days_ago(rng.uniform(0.2, 6)), []
    joined = ctx.days_ago(rng.uniform(20, 900))
    first_decision = joined + dt.timedelta(hours=rng.uniform(2, 72))
    if status == ModerationStatus.REJECTED:
        return joined, [("reject", first_decision, rng.choice(MODERATION_REASONS[status]))]
    decisions = [("approve", first_decision, "")]
    if status == ModerationStatus.SUSPENDED:
        suspended = max(first_decision + dt.timedelta(days=1), ctx.days_ago(rng.uniform(3, 60)))
        decisions.append(("suspend", suspended, rng.choice(MODERATION_REASONS[status])))
    return joined, decisions


def _bio(rng: random.Random, niches: list[str], city: str, dutch: bool) -> str:
    phrase = BIO_PHRASES[niches[0]][0 if dutch else 1]
    extra = " · ".join(BIO_PHRASES[n][0 if dutch else 1].split(",")[0].lower() for n in niches[1:])
    home = f"📍 {city}"
    contact = "Samenwerken? Stuur een DM" if dutch else "Collabs: send a DM"
    parts = [phrase, extra, home, contact] if extra else [phrase, home, contact]
    return " | ".join(parts) if rng.random() < 0.5 else "\n".join(parts)


def _plan_audience(
    ctx: DemoContext,
    rng: random.Random,
    profile: CountryProfile,
    languages: list[str],
    niches: list[str],
    platform: str,
) -> AudiencePlan:
    tilt = NICHE_AGE_TILT.get(niches[0], (1.0,) * 6)
    raw = [base * t * rng.gammavariate(12, 1) for base, t in zip(PLATFORM_AGES[platform], tilt, strict=True)]
    ages = _shares(raw)
    female = min(0.95, max(0.05, sum(NICHE_FEMALE_SHARE[n] for n in niches) / len(niches) + rng.gauss(0, 0.06)))
    other = rng.uniform(0.005, 0.03)
    gender = _shares([female, 1 - female - other, other])
    return AudiencePlan(
        ages=tuple(ages),
        female=gender[0],
        male=gender[1],
        other=gender[2],
        languages=dict(zip(languages, _shares(_language_weights(rng, languages)), strict=True)),
        countries=_audience_countries(rng, profile),
        source=rng.choices(
            (AudienceSource.PLATFORM_INSIGHTS, AudienceSource.SELF_REPORTED, AudienceSource.ESTIMATED),
            weights=(0.7, 0.25, 0.05),
        )[0],
        as_of=ctx.today - dt.timedelta(days=rng.randrange(0, 45)),
    )


def _language_weights(rng: random.Random, languages: list[str]) -> list[float]:
    # The first language dominates; English (or a second language) takes the rest.
    return [rng.uniform(0.55, 0.9) if i == 0 else rng.uniform(0.2, 1.0) * 0.3 for i in range(len(languages))]


def _audience_countries(rng: random.Random, profile: CountryProfile) -> list[tuple[str, float]]:
    """The home country and 1–4 others; together they cover most, not all, of the audience."""
    others = list(profile.neighbours)
    rng.shuffle(others)
    codes = [profile.code, *others[: rng.randint(1, min(4, len(others)))]]
    covered = rng.uniform(0.85, 0.97)
    weights = [rng.uniform(3.0, 8.0), *sorted((rng.uniform(0.3, 1.0) for _ in codes[1:]), reverse=True)]
    return list(zip(codes, _shares(weights, total=covered), strict=True))


def _shares(weights: Sequence[float], total: float = 1.0, digits: int = 3) -> list[float]:
    """Weights scaled to `total` and rounded, with the rounding rest on the largest share."""
    scale = total / sum(weights)
    shares = [round(w * scale, digits) for w in weights]
    largest = max(range(len(shares)), key=shares.__getitem__)
    shares[largest] = round(shares[largest] + total - sum(shares), digits)
    return shares


def _plan_offers(rng: random.Random, accounts: list[AccountPlan], dutch: bool, *, all_kinds: bool) -> list[OfferPlan]:
    main = accounts[0]
    kinds = [WorkKind.SPONSORED_POST]
    for kind, chance in ((WorkKind.REVIEW, 0.6), (WorkKind.GIVEAWAY, 0.35), (WorkKind.AMBASSADORSHIP, 0.3)):
        if all_kinds or rng.random() < chance:
            kinds.append(kind)
    lines = [(kind, main) for kind in kinds]
    if len(accounts) > 1 and rng.random() < 0.4:
        lines.append((WorkKind.SPONSORED_POST, accounts[1]))
    offers = []
    for kind, account in lines:
        label = Platform(account.platform).label
        price = account.followers / 1000 * PRICE_PER_THOUSAND[account.platform] * KIND_PRICE_FACTOR[kind]
        offers.append(
            OfferPlan(
                kind=kind,
                platform=account.platform,
                title=OFFER_TITLES[kind][0 if dutch else 1].format(platform=label),
                deliverables=OFFER_DELIVERABLES[kind][0 if dutch else 1],
                price=_nice_price(max(price * rng.uniform(0.7, 1.4), MIN_OFFER_PRICE[kind])),
                turnaround_days=rng.randint(*TURNAROUND_DAYS[kind]),
                is_active=all_kinds or rng.random() > 0.05,
            )
        )
    return offers


def _nice_price(amount: float) -> Decimal:
    """Round to what people actually quote: €45, €275, €1,450, €12,500."""
    step = 5 if amount < 100 else 25 if amount < 1000 else 50 if amount < 5000 else 500
    return Decimal(int(round(amount / step) * step))
