"""A deterministic, realistic synthetic population of influencers as numpy columns (no database here).

The population model itself (niche popularity, where a niche's creators post, post formats per
platform, audiences by platform and niche, offer prices, names) is the demo's:
campaigns/demo/population.py. The demo draws it one influencer at a time, this module draws it as
columns for a million; what differs is only what a size needs (the bench's follower tail and volumes
below, the demo's fixed tier layout and 90-day history). The home countries are the bench's own: at
this scale the platform has grown across Europe and beyond, the demo stays in the Low Countries.

Shapes (see docs/benchmarks.md for the reasoning):
- followers of an influencer's largest account are log-normal with median 5,000 and sigma 1.8, which
  gives ~19 % nano, ~76 % micro, ~5 % macro and ~0.15 % mega accounts and a tail past 100M;
- 1–3 accounts per influencer (30/40/30 %, mean 2.0) on distinct platforms, Instagram-heavy;
- ~20 posts per account (Poisson), 3 % dormant accounts (no post in 180 days), 2 % with 0–2 posts;
  engagement around the tier benchmark of the platform, 3 % accounts with bought followers (ER far
  below benchmark), 1 % comment-pod outliers, hidden like counts (NULL) on 3 % of Instagram posts,
  sponsored posts with a per-account disclosure habit;
- 1–3 niches per influencer with the model's popularity skew, the main platform drawn from the first
  niche's platform mix; audiences whose age mix depends on the main platform and first niche, whose
  gender mix follows the niches, and whose countries lean towards the creator's home country and region;
- rate cards with offers of all four kinds, priced per 1,000 followers of the platform and per kind.

Every random draw comes from a numpy Generator seeded with (seed, stream, chunk), so the same seed and
scale give the same rows whatever the number of worker processes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from campaigns.demo import population as model
from influencers.taxonomy import TIER_BENCHMARK_ER, TIER_FLOORS, Country, Platform, WorkKind

# Stream ids keep the random sequences of the different tables independent of each other.
STREAM_INFLUENCERS, STREAM_ACCOUNTS, STREAM_AUDIENCE, STREAM_OFFERS, STREAM_POSTS, STREAM_SNAPSHOTS = range(6)

PLATFORMS = np.array(
    [
        Platform.INSTAGRAM,
        Platform.TIKTOK,
        Platform.YOUTUBE,
        Platform.X,
        Platform.TWITCH,
        Platform.BLOG,
        Platform.PODCAST,
    ]
)
IG, TT, YT, X, TW, BLOG, POD = range(7)
PLATFORM_URLS = {
    IG: "https://www.instagram.com/{}",
    TT: "https://www.tiktok.com/@{}",
    YT: "https://www.youtube.com/@{}",
    X: "https://x.com/{}",
    TW: "https://www.twitch.tv/{}",
    BLOG: "https://{}.blog.example.com",
    POD: "https://podcasts.example.com/{}",
}


def _platform_weights(weights: dict[str, float]) -> np.ndarray:
    return np.array([weights.get(str(platform), 0.0) for platform in PLATFORMS])


# Where creators post: the main platform from the first niche's mix, further ones from the default mix.
DEFAULT_PLATFORM_WEIGHTS = _platform_weights(model.DEFAULT_PLATFORMS)


def _formats(platform: Platform) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The model's post formats of a platform with the probability of each (it keeps cumulative weights)."""
    formats, cumulative = model.PLATFORM_FORMATS[str(platform)]
    return formats, tuple(float(p) for p in np.diff(np.array([0.0, *cumulative])))


# Post formats per platform and how often each is used.
PLATFORM_FORMATS: dict[int, tuple[tuple[str, ...], tuple[float, ...]]] = {
    index: _formats(platform) for index, platform in enumerate(PLATFORMS)
}
FORMATS = np.array(["image", "carousel", "reel", "story", "video", "live", "text", "article", "episode"])

TIER_NAMES = np.array(["nano", "micro", "macro", "mega"])
TIER_LOWER = np.array(sorted(floor for _tier, floor in TIER_FLOORS))  # 0, 1e3, 1e5, 1e6
# benchmark[platform index, tier index]
BENCHMARK = np.array([[TIER_BENCHMARK_ER[str(p)][str(t)] for t in TIER_NAMES] for p in PLATFORMS])

NICHES = np.array(list(model.NICHE_WEIGHTS))
NICHE_WEIGHTS = np.array(list(model.NICHE_WEIGHTS.values()), dtype=np.float64)
NICHE_WEIGHTS /= NICHE_WEIGHTS.sum()
# platform weights[niche index, platform index] for the main account
NICHE_PLATFORM_WEIGHTS = np.array(
    [_platform_weights(model.NICHE_PLATFORMS.get(str(niche), model.DEFAULT_PLATFORMS)) for niche in NICHES]
)
NICHE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "lifestyle": ("everyday", "slow living", "morning routines", "weekend", "vlogs", "city life", "mindset"),
    "fashion": ("streetwear", "vintage", "outfits", "thrift finds", "denim", "sneakers", "capsule wardrobe"),
    "beauty": ("skincare", "makeup", "haircare", "nails", "fragrance", "clean beauty", "tutorials"),
    "food": ("vegan", "recipes", "baking", "street food", "coffee", "plant-based", "meal prep"),
    "travel": ("backpacking", "road trips", "city guides", "hiking", "van life", "hidden gems", "beaches"),
    "fitness": ("running", "strength training", "yoga", "crossfit", "home workouts", "marathon", "pilates"),
    "gaming": ("esports", "speedruns", "retro games", "streaming", "fps", "minecraft", "indie games"),
    "tech": ("gadgets", "smartphones", "reviews", "coding", "smart home", "ai", "unboxing"),
    "parenting": ("mom life", "dad life", "toddlers", "pregnancy", "family trips", "kids crafts", "newborn"),
    "home": ("interior", "diy", "plants", "scandinavian design", "renovation", "cozy", "decor"),
    "music": ("guitar", "producer", "covers", "hip hop", "techno", "singer", "vinyl"),
    "sports": ("football", "cycling", "tennis", "hockey", "climbing", "padel", "surfing"),
    "health": ("wellness", "nutrition", "mental health", "sleep", "meditation", "gut health", "physio"),
    "education": ("study tips", "languages", "science", "history", "maths", "teaching", "books"),
    "finance": ("investing", "personal finance", "budgeting", "crypto", "fire", "savings", "stocks"),
    "pets": ("dogs", "cats", "puppy training", "horses", "rescue animals", "aquarium", "pet care"),
    "art": ("illustration", "painting", "photography", "ceramics", "graphic design", "tattoo", "sketching"),
    "business": ("entrepreneur", "startups", "marketing", "leadership", "productivity", "ecommerce", "careers"),
    "automotive": ("cars", "electric vehicles", "motorbikes", "detailing", "track days", "classic cars", "tuning"),
    "sustainability": ("zero waste", "sustainable", "circular", "eco", "second hand", "climate", "upcycling"),
}
FILLER = (
    "sharing",
    "honest",
    "daily",
    "stories",
    "tips",
    "favourites",
    "adventures",
    "collabs",
    "inspiration",
    "behind the scenes",
    "new posts every week",
    "love",
    "real talk",
    "creator",
)
COUNTRIES = np.array(Country.values)
# Where creators live (the platform starts in the Low Countries and grows across Europe).
HOME_WEIGHTS = {
    "NL": 0.24,
    "BE": 0.08,
    "DE": 0.12,
    "GB": 0.08,
    "US": 0.10,
    "FR": 0.06,
    "ES": 0.05,
    "IT": 0.04,
    "PL": 0.02,
    "SE": 0.02,
    "DK": 0.015,
    "NO": 0.01,
    "AT": 0.015,
    "CH": 0.015,
    "IE": 0.01,
    "PT": 0.01,
    "BR": 0.02,
    "IN": 0.02,
    "TR": 0.01,
    "AU": 0.01,
    "CA": 0.01,
    "MX": 0.01,
    "ID": 0.01,
    "MA": 0.005,
    "SR": 0.005,
}
REGIONS = {
    "west": ("NL", "BE", "DE", "FR", "LU", "AT", "CH"),
    "north": ("DK", "SE", "NO", "FI"),
    "south": ("ES", "PT", "IT", "GR", "TR", "MA"),
    "east": ("PL", "CZ"),
    "anglo": ("GB", "IE", "US", "CA", "AU", "NZ", "ZA", "NG", "IN"),
    "latam": ("MX", "BR", "AR", "SR"),
    "asia": ("JP", "KR", "ID", "AE"),
}
AUDIENCE_BASE_WEIGHTS = {"US": 3.0, "GB": 2.0, "DE": 2.0, "NL": 2.0, "BE": 1.2, "FR": 1.5, "ES": 1.0, "IT": 1.0}
COUNTRY_LANGUAGE = {
    "NL": "nl",
    "BE": "nl",
    "SR": "nl",
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "FR": "fr",
    "LU": "fr",
    "MA": "fr",
    "ES": "es",
    "MX": "es",
    "AR": "es",
    "PT": "pt",
    "BR": "pt",
    "IT": "it",
    "PL": "pl",
    "TR": "tr",
    "AE": "ar",
    "SE": "sv",
    "DK": "da",
    "NO": "no",
    "FI": "fi",
    "JP": "ja",
    "KR": "ko",
    "IN": "hi",
    "ID": "id",
}
CITIES = {
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Haarlem", "Nijmegen"),
    "BE": ("Antwerpen", "Gent", "Brussel", "Leuven", "Brugge"),
    "DE": ("Berlin", "Hamburg", "München", "Köln", "Düsseldorf"),
    "GB": ("London", "Manchester", "Bristol", "Leeds"),
    "US": ("New York", "Los Angeles", "Austin", "Chicago", "Miami"),
    "FR": ("Paris", "Lyon", "Marseille", "Bordeaux"),
    "ES": ("Madrid", "Barcelona", "Valencia"),
    "IT": ("Milano", "Roma", "Torino"),
}
# Names from the model's countries (duplicates across countries counted once).
FIRST_NAMES = list(dict.fromkeys(name for p in model.COUNTRY_PROFILES for name in (*p.female, *p.male)))
LAST_NAMES = list(dict.fromkeys(name for p in model.COUNTRY_PROFILES for name in p.last))
OFFER_KINDS = np.array([WorkKind.SPONSORED_POST, WorkKind.REVIEW, WorkKind.GIVEAWAY, WorkKind.AMBASSADORSHIP])
OFFER_PROBABILITY = np.array([0.7, 0.4, 0.2, 0.15])  # how many rate cards carry each kind (bench only)
OFFER_PRICE_FACTOR = np.array([model.KIND_PRICE_FACTOR[kind] for kind in OFFER_KINDS])
OFFER_MIN_PRICE = np.array([model.MIN_OFFER_PRICE[kind] for kind in OFFER_KINDS], dtype=np.float64)
OFFER_TURNAROUND = np.array([model.TURNAROUND_DAYS[kind] for kind in OFFER_KINDS])  # (low, high) days
OFFER_TITLES = tuple(model.OFFER_TITLES[kind][1] for kind in OFFER_KINDS)  # English, "{platform}" to fill in
OFFER_DELIVERABLES = tuple(model.OFFER_DELIVERABLES[kind][1] for kind in OFFER_KINDS)
PRICE_PER_THOUSAND = _platform_weights(model.PRICE_PER_THOUSAND)  # EUR per 1,000 followers
# Audience age shares[platform, band] and tilt[niche, band]; female share per niche.
PLATFORM_AGES = np.array([model.PLATFORM_AGES[str(platform)] for platform in PLATFORMS])
NICHE_AGE_TILT = np.array([model.NICHE_AGE_TILT.get(str(niche), (1.0,) * 6) for niche in NICHES])
NICHE_FEMALE_SHARE = np.array([model.NICHE_FEMALE_SHARE[str(niche)] for niche in NICHES])
AUDIENCE_SOURCES = np.array(["platform_insights", "self_reported", "import", "estimated"])
AUDIENCE_SOURCE_WEIGHTS = np.array([0.5, 0.35, 0.1, 0.05])


def rng_for(seed: int, stream: int, chunk: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, stream, chunk])


def choose(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def top_k_distinct(rng: np.random.Generator, log_weights: np.ndarray) -> np.ndarray:
    """Per row, indices ordered by a weighted draw without replacement (Gumbel top-k)."""
    keys = log_weights + rng.gumbel(size=log_weights.shape)
    return np.argsort(-keys, axis=1)


def _platform_order(rng: np.random.Generator, first_niche: np.ndarray) -> np.ndarray:
    """Per influencer, platforms in the order their accounts get them: the main one from the first
    niche's mix, the others from the default mix (as the demo draws them, one row at a time)."""
    with np.errstate(divide="ignore"):  # a platform outside a mix has weight 0: log -inf, never drawn
        main_keys = np.log(NICHE_PLATFORM_WEIGHTS[first_niche]) + rng.gumbel(size=(len(first_niche), len(PLATFORMS)))
        keys = np.log(DEFAULT_PLATFORM_WEIGHTS) + rng.gumbel(size=main_keys.shape)
    keys[np.arange(len(first_niche)), np.argmax(main_keys, axis=1)] = np.inf
    return np.argsort(-keys, axis=1)


def tier_index(followers: np.ndarray) -> np.ndarray:
    return np.searchsorted(TIER_LOWER, followers, side="right") - 1


@dataclass
class Population:
    """Influencers and their accounts; child rows (posts, snapshots) are generated per chunk from this."""

    n: int
    seed: int
    # influencers (index i has id i + 1)
    country: np.ndarray
    niche_order: np.ndarray  # (n, 20) niche indices by preference; the first `niche_count` are theirs
    niche_count: np.ndarray
    status: np.ndarray
    is_active: np.ndarray
    created_days_ago: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    # accounts (index j has id j + 1), grouped by influencer, largest account first
    account_influencer: np.ndarray  # influencer index
    account_platform: np.ndarray
    account_followers: np.ndarray
    account_er: np.ndarray  # the account's "true" engagement rate posts are drawn around
    account_comment_ratio: np.ndarray
    account_discloses: np.ndarray
    account_dormant: np.ndarray
    account_posts: np.ndarray  # number of posts
    account_post_offset: np.ndarray  # index of its first post in the global post sequence
    account_monthly_growth: np.ndarray
    snapshot_daily: np.ndarray  # bool per account: 91 daily snapshots instead of 3 monthly ones

    @property
    def n_accounts(self) -> int:
        return len(self.account_influencer)

    @property
    def n_posts(self) -> int:
        return int(self.account_posts.sum())

    def primary_account(self) -> np.ndarray:
        """Index of each influencer's first (largest) account."""
        starts = np.searchsorted(self.account_influencer, np.arange(self.n))
        return starts


def build_population(n: int, seed: int) -> Population:
    rng = rng_for(seed, STREAM_INFLUENCERS)
    home_codes = list(HOME_WEIGHTS)
    home = np.array(home_codes)[choose(rng, np.array(list(HOME_WEIGHTS.values())), n)]
    niche_order = top_k_distinct(rng, np.broadcast_to(np.log(NICHE_WEIGHTS), (n, len(NICHES)))).astype(np.int8)
    niche_count = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    status = np.array(["approved", "pending", "rejected", "suspended"])[
        rng.choice(4, size=n, p=[0.97, 0.015, 0.005, 0.01])
    ]
    is_active = rng.random(n) < 0.98
    created_days_ago = rng.uniform(1, 1000, n)
    first_name = rng.integers(0, len(FIRST_NAMES), n)
    last_name = rng.integers(0, len(LAST_NAMES), n)

    arng = rng_for(seed, STREAM_ACCOUNTS)
    per_influencer = arng.choice([1, 2, 3], size=n, p=[0.3, 0.4, 0.3])
    platform_order = _platform_order(arng, niche_order[:, 0])
    account_influencer = np.repeat(np.arange(n), per_influencer)
    rank = np.arange(len(account_influencer)) - np.repeat(np.cumsum(per_influencer) - per_influencer, per_influencer)
    platform = platform_order[account_influencer, rank].astype(np.int8)
    largest = np.exp(arng.normal(np.log(5000), 1.8, n))
    # Secondary accounts are smaller than the largest one, loosely correlated with it.
    ratio = np.where(rank == 0, 1.0, np.minimum(np.exp(arng.normal(-1.2, 1.0, len(rank))), 0.95))
    followers = np.floor(largest[account_influencer] * ratio).astype(np.int64)
    na = len(account_influencer)
    tiers = tier_index(followers)
    er = BENCHMARK[platform, tiers] * np.exp(arng.normal(0.0, 0.45, na))
    bought = arng.random(na) < 0.03
    er[bought] *= arng.uniform(0.05, 0.25, bought.sum())
    comment_ratio = np.exp(arng.normal(np.log(0.03), 0.5, na))
    pods = arng.random(na) < 0.01
    comment_ratio[pods] = arng.uniform(0.3, 0.6, pods.sum())
    discloses = arng.random(na) < 0.88
    kind = arng.random(na)
    dormant = kind < 0.03
    posts = arng.poisson(20, na)
    few = (kind >= 0.03) & (kind < 0.05)
    posts[few] = arng.integers(0, 3, few.sum())
    offsets = np.cumsum(posts) - posts
    growth = arng.normal(0.015, 0.03, na)
    daily = (arng.random(n) < 0.02)[account_influencer]
    return Population(
        n=n,
        seed=seed,
        country=home,
        niche_order=niche_order,
        niche_count=niche_count,
        status=status,
        is_active=is_active,
        created_days_ago=created_days_ago,
        first_name=first_name,
        last_name=last_name,
        account_influencer=account_influencer,
        account_platform=platform,
        account_followers=followers,
        account_er=er,
        account_comment_ratio=comment_ratio,
        account_discloses=discloses,
        account_dormant=dormant,
        account_posts=posts,
        account_post_offset=offsets,
        account_monthly_growth=growth,
        snapshot_daily=daily,
    )


def handle_part(name: str) -> str:
    """A name as it may appear in a handle: lowercase ASCII letters only."""
    ascii_name = unicodedata.normalize("NFKD", name.replace("ı", "i")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())
