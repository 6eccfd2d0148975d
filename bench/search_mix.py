"""The searches brands really run: a fixed-seed random mix of the discovery filters the UI offers.

Besides the six fixed searches of bench/web.py, the harness draws SEARCHES searches (240) with a fixed
seed. Each has a class (what the brand is looking for: a niche, an audience, a keyword, a price …) drawn
in proportion to CLASS_WEIGHTS, 1–6 filters, and values drawn from the bench population's own
distributions (campaigns/demo/population.py, bench/population.py): niches by how many creators have
them, creator countries, cities and languages where the creators live, audience countries where their
audiences are, offer kinds by how many rate cards carry them. Only URL GET parameters are used (the
names of influencers/filters.py), so the mix measures whatever search path is in place.

This module only builds the searches (no Django, no database); bench/search_timing.py times them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from campaigns.demo import population as model

from .population import CITIES, COUNTRY_LANGUAGE, HOME_WEIGHTS, NICHE_KEYWORDS, OFFER_KINDS, OFFER_PROBABILITY, REGIONS

SEARCHES = 240
SEED = 16  # issue #16

# How often brands search for what (relative weights). A guess at real use, written down so it can be
# argued with: most searches start from a niche; audience and keyword searches are the next most common;
# cities and languages are rare; a brand pages deep in one search in twelve.
CLASS_WEIGHTS: dict[str, float] = {
    "niche": 20,
    "audience": 14,
    "keyword": 12,
    "offer/price": 10,
    "metrics": 10,
    "country": 8,
    "combined": 10,
    "deep page": 8,
    "city": 4,
    "language": 4,
}
DEEP_PAGE_RANGE = (5, 40)  # "deep page": the page after following "next" 4–39 times
MAX_FILTERS = 6
CHECKBOXES = {"no_collaboration"}

# Sort options a brand picks (relevance is the default with search text, followers without).
SORT_WEIGHTS = {"engagement": 4, "followers": 3, "credibility": 2, "growth": 2, "price": 2}
# Brands ask for micro creators most, mega rarely (not the population's shares: nano is 19 % of it).
TIER_WEIGHTS = {"micro": 5, "macro": 3, "nano": 2, "mega": 1}
# Accounts per platform in the population (the default mix; Twitch comes from gaming creators only).
PLATFORM_WEIGHTS = {**model.DEFAULT_PLATFORMS, "twitch": 0.5}
ER_MIN = (1, 2, 3, 4, 5)  # percent
CREDIBILITY_MIN = (50, 60, 70, 80)
GROWTH_MIN = (1, 2, 5)  # percent in 30 days
FOLLOWERS_MIN = (1_000, 10_000, 50_000, 100_000)
AUDIENCE_COUNTRY_MIN = (10, 20, 30, 40, 50)  # percent of the audience in the chosen countries, together
WOMEN_MIN = (50, 60, 70, 80)
MEN_MIN = (50, 60, 70)
AGE_MIN = (20, 30, 40, 50)
AGE_BANDS = {"18_24": 5, "25_34": 5, "35_44": 3, "13_17": 1, "45_54": 1.5, "55_plus": 1}
AGE_ORDER = ("13_17", "18_24", "25_34", "35_44", "45_54", "55_plus")
MAX_PRICE = (100, 250, 500, 1_000, 2_500, 5_000)  # EUR
KIND_WEIGHTS = dict(zip((str(kind) for kind in OFFER_KINDS), (float(p) for p in OFFER_PROBABILITY), strict=True))
# First names that exist in the population: people also search for a creator they heard of.
NAMES = tuple(dict.fromkeys(name for profile in model.COUNTRY_PROFILES for name in profile.female[:4]))


def _language_weights() -> dict[str, float]:
    """Creators per language: the home country's language, and English, which 60 % also list."""
    weights: dict[str, float] = {}
    for country, weight in HOME_WEIGHTS.items():
        language = COUNTRY_LANGUAGE.get(country, "en")
        weights[language] = weights.get(language, 0.0) + weight
    weights["en"] = weights.get("en", 0.0) + 0.6 * (1 - weights.get("en", 0.0))
    return weights


LANGUAGE_WEIGHTS = _language_weights()
CITY_COUNTRY_WEIGHTS = {country: HOME_WEIGHTS[country] for country in CITIES}


@dataclass(frozen=True)
class Search:
    """One search of the mix: its class, the GET parameters and the page asked for (1 = the first)."""

    number: int
    label: str
    params: tuple[tuple[str, str], ...]
    page: int = 1

    @property
    def query(self) -> str:
        """The page's query string, as the form sends it (a ticked checkbox is "on")."""
        return urlencode(self.params)

    @property
    def api_query(self) -> str:
        """The same search for the API, which takes booleans only as true/false."""
        return urlencode([(name, "true" if name in CHECKBOXES else value) for name, value in self.params])

    @property
    def filters(self) -> int:
        """Filters the brand set: each field counts once; a share and its minimum are one filter."""
        skipped = {"sort", "currency", "audience_country_min", "audience_gender_min", "audience_age_min"}
        return len({name for name, _value in self.params if name not in skipped})


class _Draw:
    """Draws filter values from the population's distributions with one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def weighted(self, weights: dict[str, float]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[key] for key in keys])[0]

    def niches(self) -> list[tuple[str, str]]:
        count = self.rng.choices((1, 2, 3), weights=(70, 25, 5))[0]
        chosen = dict.fromkeys(self.weighted(model.NICHE_WEIGHTS) for _ in range(count))
        return [("niches", niche) for niche in chosen]

    def country(self) -> list[tuple[str, str]]:
        return [("country", self.weighted(HOME_WEIGHTS))]

    def platform(self) -> list[tuple[str, str]]:
        return [("platform", self.weighted(PLATFORM_WEIGHTS))]

    def tier(self) -> list[tuple[str, str]]:
        first = self.weighted(TIER_WEIGHTS)
        tiers = [first] if self.rng.random() < 0.8 else list(dict.fromkeys((first, self.weighted(TIER_WEIGHTS))))
        return [("tier", tier) for tier in tiers]

    def er_min(self) -> list[tuple[str, str]]:
        return [("er_min", str(self.rng.choice(ER_MIN)))]

    def credibility_min(self) -> list[tuple[str, str]]:
        return [("credibility_min", str(self.rng.choice(CREDIBILITY_MIN)))]

    def growth_min(self) -> list[tuple[str, str]]:
        return [("growth_min", str(self.rng.choice(GROWTH_MIN)))]

    def followers_min(self) -> list[tuple[str, str]]:
        return [("followers_min", str(self.rng.choice(FOLLOWERS_MIN)))]

    def audience_country(self) -> list[tuple[str, str]]:
        # The brand's market: where creators (and so the brands around them) are; a neighbour 30 % of the time.
        first = self.weighted(HOME_WEIGHTS)
        countries = [first]
        region = next((members for members in REGIONS.values() if first in members), ())
        neighbours = [country for country in region if country != first]
        if neighbours and self.rng.random() < 0.3:
            countries.append(self.rng.choice(neighbours))
        minimum = str(self.rng.choice(AUDIENCE_COUNTRY_MIN))
        return [("audience_country", country) for country in countries] + [("audience_country_min", minimum)]

    def audience_gender(self) -> list[tuple[str, str]]:
        if self.rng.random() < 0.8:
            return [("audience_gender", "female"), ("audience_gender_min", str(self.rng.choice(WOMEN_MIN)))]
        return [("audience_gender", "male"), ("audience_gender_min", str(self.rng.choice(MEN_MIN)))]

    def audience_age(self) -> list[tuple[str, str]]:
        first = self.weighted(AGE_BANDS)
        bands = [first]
        if self.rng.random() < 0.4:  # two adjacent bands ("18–34")
            index = AGE_ORDER.index(first)
            bands.append(AGE_ORDER[index + 1] if index + 1 < len(AGE_ORDER) else AGE_ORDER[index - 1])
        minimum = str(self.rng.choice(AGE_MIN) + (10 if len(bands) == 2 else 0))
        return [("audience_age", band) for band in bands] + [("audience_age_min", minimum)]

    def offer(self) -> list[tuple[str, str]]:
        roll = self.rng.random()
        params = []
        if roll < 0.85:
            params.append(("offer_kind", self.weighted(KIND_WEIGHTS)))
        if roll > 0.15:
            params.append(("max_price", str(self.rng.choice(MAX_PRICE))))
        return params

    def keyword(self) -> list[tuple[str, str]]:
        roll = self.rng.random()
        niche = self.weighted(model.NICHE_WEIGHTS)
        phrase = self.rng.choice(NICHE_KEYWORDS[niche])
        if roll < 0.6:
            text = phrase  # a bio word or phrase ("vegan", "street food")
        elif roll < 0.8:
            text = self.rng.choice(NAMES)  # a creator's first name
        else:
            text = phrase.split()[0][:4]  # typed half-way (the search matches prefixes)
        return [("q", text)]

    def city(self) -> list[tuple[str, str]]:
        country = self.weighted(CITY_COUNTRY_WEIGHTS)
        params = [("city", self.rng.choice(CITIES[country]))]
        if self.rng.random() < 0.5:
            params.append(("country", country))
        return params

    def language(self) -> list[tuple[str, str]]:
        return [("language", self.weighted(LANGUAGE_WEIGHTS))]

    def no_collaboration(self) -> list[tuple[str, str]]:
        return [("no_collaboration", "on")]  # "Not yet working with my brand", as the checkbox sends it

    def sort(self, chance: float) -> list[tuple[str, str]]:
        return [("sort", self.weighted(SORT_WEIGHTS))] if self.rng.random() < chance else []

    def extras(self, kinds: Sequence[str], *, most: int) -> list[tuple[str, str]]:
        """0..most further filters of the kinds given, each kind at most once."""
        count = self.rng.choices(range(most + 1), weights=[50, 35, 15][: most + 1])[0]
        params: list[tuple[str, str]] = []
        for kind in self.rng.sample(list(kinds), k=min(count, len(kinds))):
            params += getattr(self, kind)()
        return params


COMMON = ("country", "platform", "tier")
EVERY_KIND = (
    "niches",
    "country",
    "platform",
    "tier",
    "er_min",
    "credibility_min",
    "growth_min",
    "audience_country",
    "audience_gender",
    "audience_age",
    "offer",
    "keyword",
    "language",
    "no_collaboration",
)


def _params_for(label: str, draw: _Draw) -> list[tuple[str, str]]:
    rng = draw.rng
    if label == "niche":
        return draw.niches() + draw.extras(COMMON, most=2) + draw.sort(0.4)
    if label == "country":
        return draw.country() + draw.extras(("niches", "platform"), most=1) + draw.sort(0.4)
    if label == "audience":
        kinds = rng.sample(["audience_country", "audience_gender", "audience_age"], k=rng.choice((1, 1, 2, 3)))
        params = [param for kind in kinds for param in getattr(draw, kind)()]
        return params + draw.extras(("niches", "platform"), most=1) + draw.sort(0.4)
    if label == "keyword":
        return draw.keyword() + draw.extras(("niches", "country", "credibility_min"), most=2) + draw.sort(0.2)
    if label == "offer/price":
        sort = [("sort", "price")] if rng.random() < 0.5 else draw.sort(0.3)
        return draw.offer() + draw.extras(("niches", "country", "platform"), most=2) + sort
    if label == "metrics":
        kinds = rng.sample(
            ["tier", "er_min", "credibility_min", "growth_min", "followers_min"], k=rng.choice((1, 2, 3))
        )
        params = [param for kind in kinds for param in getattr(draw, kind)()]
        return params + draw.extras(("niches",), most=1) + draw.sort(0.6)
    if label == "city":
        return draw.city() + draw.extras(("niches",), most=1) + draw.sort(0.3)
    if label == "language":
        return draw.language() + draw.extras(("niches", "country"), most=1) + draw.sort(0.3)
    if label == "deep page":
        # A broad search somebody pages through: one common facet, usually with a sort.
        base = rng.choice(("niches", "platform", "tier", "country"))
        params = draw.niches()[:1] if base == "niches" else getattr(draw, base)()[:1]
        return params + draw.sort(0.7)
    if label == "combined":
        kinds = rng.sample(list(EVERY_KIND), k=rng.randint(4, MAX_FILTERS))
        return [param for kind in kinds for param in getattr(draw, kind)()] + draw.sort(0.5)
    raise ValueError(f"unknown search class {label!r}")


def class_counts(total: int) -> dict[str, int]:
    """Searches per class in proportion to CLASS_WEIGHTS (largest remainder), at least one of each."""
    weight_sum = sum(CLASS_WEIGHTS.values())
    exact = {label: total * weight / weight_sum for label, weight in CLASS_WEIGHTS.items()}
    counts = {label: max(1, int(share)) for label, share in exact.items()}
    by_remainder = sorted(exact, key=lambda label: exact[label] - int(exact[label]), reverse=True)
    for label in by_remainder[: max(0, total - sum(counts.values()))]:
        counts[label] += 1
    return counts


def search_mix(total: int = SEARCHES, seed: int = SEED) -> list[Search]:
    """`total` searches, the same for the same seed: classes in proportion, order shuffled."""
    rng = random.Random(seed)
    labels = [label for label, count in class_counts(total).items() for _ in range(count)]
    rng.shuffle(labels)
    draw = _Draw(rng)
    searches = []
    for number, label in enumerate(labels, start=1):
        params = _params_for(label, draw)
        # A share filter with two values, or three niches, can push a combined search past six filters.
        while Search(number, label, tuple(params)).filters > MAX_FILTERS:
            params = _params_for(label, draw)
        page = rng.randint(*DEEP_PAGE_RANGE) if label == "deep page" else 1
        searches.append(Search(number=number, label=label, params=tuple(params), page=page))
    return searches
