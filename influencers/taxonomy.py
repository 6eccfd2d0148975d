"""The shared vocabulary of Invloed: platforms, tiers, audience dimensions, kinds of work.

Every app imports its choices from here so a platform or an age band means the same thing in the
models, the filters, the engine and the API.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    X = "x", "X"
    TWITCH = "twitch", "Twitch"
    BLOG = "blog", _("Blog")
    PODCAST = "podcast", _("Podcast")


# Platforms whose reach is measured in views; their accounts also get an ER by views.
VIDEO_PLATFORMS = frozenset({Platform.YOUTUBE, Platform.TIKTOK, Platform.TWITCH})

# Host names an account URL must point at, per platform. Blogs and podcasts live anywhere.
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.YOUTUBE: ("youtube.com", "youtu.be"),
    Platform.X: ("x.com", "twitter.com"),
    Platform.TWITCH: ("twitch.tv",),
}


class Tier(models.TextChoices):
    NANO = "nano", _("Nano")
    MICRO = "micro", _("Micro")
    MACRO = "macro", _("Macro")
    MEGA = "mega", _("Mega")


# Lower bound of followers for each tier (product brief): nano < 1,000; micro 1,000–99,999;
# macro 100,000–999,999; mega >= 1,000,000.
TIER_FLOORS: tuple[tuple[str, int], ...] = (
    (Tier.MEGA, 1_000_000),
    (Tier.MACRO, 100_000),
    (Tier.MICRO, 1_000),
    (Tier.NANO, 0),
)


def tier_for_followers(followers: int) -> str:
    """The tier of an account with this many followers."""
    for tier, floor in TIER_FLOORS:
        if followers >= floor:
            return tier
    return Tier.NANO


def tier_bounds(tier: str) -> tuple[int, int | None]:
    """Inclusive lower and exclusive upper follower bound of a tier (None = no upper bound)."""
    floors = dict(TIER_FLOORS)
    order = [Tier.NANO, Tier.MICRO, Tier.MACRO, Tier.MEGA]
    index = order.index(Tier(tier))
    upper = floors[order[index + 1]] if index + 1 < len(order) else None
    return floors[tier], upper


# Typical engagement rate by followers per platform and tier (fractions). Published in
# docs/metrics.md; the engine compares each account against its row.
TIER_BENCHMARK_ER: dict[str, dict[str, float]] = {
    Platform.INSTAGRAM: {Tier.NANO: 0.050, Tier.MICRO: 0.030, Tier.MACRO: 0.015, Tier.MEGA: 0.010},
    Platform.TIKTOK: {Tier.NANO: 0.090, Tier.MICRO: 0.070, Tier.MACRO: 0.050, Tier.MEGA: 0.040},
    Platform.YOUTUBE: {Tier.NANO: 0.040, Tier.MICRO: 0.025, Tier.MACRO: 0.015, Tier.MEGA: 0.010},
    Platform.X: {Tier.NANO: 0.020, Tier.MICRO: 0.010, Tier.MACRO: 0.005, Tier.MEGA: 0.003},
    Platform.TWITCH: {Tier.NANO: 0.050, Tier.MICRO: 0.030, Tier.MACRO: 0.020, Tier.MEGA: 0.015},
    Platform.BLOG: {Tier.NANO: 0.020, Tier.MICRO: 0.015, Tier.MACRO: 0.010, Tier.MEGA: 0.008},
    Platform.PODCAST: {Tier.NANO: 0.020, Tier.MICRO: 0.015, Tier.MACRO: 0.010, Tier.MEGA: 0.008},
}


def benchmark_er(platform: str, tier: str) -> float:
    return TIER_BENCHMARK_ER.get(platform, TIER_BENCHMARK_ER[Platform.INSTAGRAM])[tier]


class AgeBand(models.TextChoices):
    A13_17 = "13_17", "13–17"
    A18_24 = "18_24", "18–24"
    A25_34 = "25_34", "25–34"
    A35_44 = "35_44", "35–44"
    A45_54 = "45_54", "45–54"
    A55_PLUS = "55_plus", "55+"


class Gender(models.TextChoices):
    FEMALE = "female", _("Women")
    MALE = "male", _("Men")
    OTHER = "other", _("Other")


# Audience model column for each age band and gender (Audience.age_18_24, Audience.gender_female …).
AGE_FIELDS: dict[str, str] = {band.value: f"age_{band.value}" for band in AgeBand}
GENDER_FIELDS: dict[str, str] = {gender.value: f"gender_{gender.value}" for gender in Gender}

# Shares of one audience dimension must add up to 1 within this tolerance (rounding in reports).
SHARE_SUM_TOLERANCE = 0.02


class Country(models.TextChoices):
    NL = "NL", _("Netherlands")
    BE = "BE", _("Belgium")
    DE = "DE", _("Germany")
    FR = "FR", _("France")
    GB = "GB", _("United Kingdom")
    IE = "IE", _("Ireland")
    ES = "ES", _("Spain")
    PT = "PT", _("Portugal")
    IT = "IT", _("Italy")
    AT = "AT", _("Austria")
    CH = "CH", _("Switzerland")
    LU = "LU", _("Luxembourg")
    DK = "DK", _("Denmark")
    SE = "SE", _("Sweden")
    NO = "NO", _("Norway")
    FI = "FI", _("Finland")
    PL = "PL", _("Poland")
    CZ = "CZ", _("Czechia")
    GR = "GR", _("Greece")
    TR = "TR", _("Turkey")
    US = "US", _("United States")
    CA = "CA", _("Canada")
    MX = "MX", _("Mexico")
    BR = "BR", _("Brazil")
    AR = "AR", _("Argentina")
    AU = "AU", _("Australia")
    NZ = "NZ", _("New Zealand")
    IN = "IN", _("India")
    ID = "ID", _("Indonesia")
    JP = "JP", _("Japan")
    KR = "KR", _("South Korea")
    ZA = "ZA", _("South Africa")
    NG = "NG", _("Nigeria")
    MA = "MA", _("Morocco")
    AE = "AE", _("United Arab Emirates")
    SR = "SR", _("Suriname")


class Language(models.TextChoices):
    NL = "nl", _("Dutch")
    EN = "en", _("English")
    DE = "de", _("German")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    PT = "pt", _("Portuguese")
    IT = "it", _("Italian")
    PL = "pl", _("Polish")
    TR = "tr", _("Turkish")
    AR = "ar", _("Arabic")
    SV = "sv", _("Swedish")
    DA = "da", _("Danish")
    NO = "no", _("Norwegian")
    FI = "fi", _("Finnish")
    JA = "ja", _("Japanese")
    KO = "ko", _("Korean")
    HI = "hi", _("Hindi")
    ID = "id", _("Indonesian")


class WorkKind(models.TextChoices):
    """The four kinds of campaign, and of rate-card offer."""

    SPONSORED_POST = "sponsored_post", _("Sponsored post")
    REVIEW = "review", _("Product review")
    GIVEAWAY = "giveaway", _("Giveaway")
    AMBASSADORSHIP = "ambassadorship", _("Ambassadorship")


class PostFormat(models.TextChoices):
    IMAGE = "image", _("Image")
    CAROUSEL = "carousel", _("Carousel")
    VIDEO = "video", _("Video")
    REEL = "reel", _("Reel / short video")
    STORY = "story", _("Story")
    LIVE = "live", _("Live stream")
    TEXT = "text", _("Text post")
    ARTICLE = "article", _("Article")
    EPISODE = "episode", _("Episode")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


# The seeded niche taxonomy (slug, English name). The Niche table is the source of truth once
# migrated; moderators may add more in the admin. Names are stored in English and shown through the
# translation catalog (Niche.label): these are marked so makemessages collects them, and a niche a
# moderator adds shows its name as typed until the catalog has it (docs/decisions.md).
NICHES: tuple[tuple[str, str], ...] = (
    ("fashion", gettext_noop("Fashion")),
    ("beauty", gettext_noop("Beauty")),
    ("tech", gettext_noop("Tech")),
    ("fitness", gettext_noop("Fitness")),
    ("travel", gettext_noop("Travel")),
    ("lifestyle", gettext_noop("Lifestyle")),
    ("food", gettext_noop("Food")),
    ("gaming", gettext_noop("Gaming")),
    ("parenting", gettext_noop("Parenting")),
    ("finance", gettext_noop("Finance")),
    ("home", gettext_noop("Home & interior")),
    ("music", gettext_noop("Music")),
    ("sports", gettext_noop("Sports")),
    ("education", gettext_noop("Education")),
    ("health", gettext_noop("Health")),
    ("pets", gettext_noop("Pets")),
    ("automotive", gettext_noop("Automotive")),
    ("art", gettext_noop("Art & design")),
    ("business", gettext_noop("Business")),
    ("sustainability", gettext_noop("Sustainability")),
)

# Phrases that count as an ad disclosure in a caption or submission (case-insensitive).
AD_DISCLOSURE_MARKERS: tuple[str, ...] = (
    "#ad",
    "#advertentie",
    "#adv",
    "#sponsored",
    "#gesponsord",
    "#spon",
    "#partner",
    "#reclame",
    "paid partnership",
    "betaalde samenwerking",
    "in samenwerking met",
    "sponsored by",
    "gesponsord door",
)
