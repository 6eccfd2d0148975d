"""The population model: who the creators are, shared by the demo and the scale benchmark (bench/).

One description of the creator population (home countries with their cities, languages and names;
how popular each niche is and where its creators post; post formats and posting rates per platform;
audiences by platform and niche; what offers cost per platform and kind) drawn by two samplers of
different size: the demo (campaigns/demo/plans.py) draws each influencer with `random.Random`
seeded by its index, so a rerun and a larger run keep the same people; the benchmark
(bench/population.py) draws the same distributions as numpy columns for a million influencers.
Only plain data lives here, so both can import it without pulling in the other's machinery.
"""

from __future__ import annotations

from dataclasses import dataclass

from influencers.taxonomy import Tier, WorkKind

# --- Who the creators are: home countries, names, niches, platforms, audiences, prices -------------


@dataclass(frozen=True)
class CountryProfile:
    code: str
    weight: float
    cities: tuple[str, ...]
    languages: tuple[tuple[str, ...], ...]  # options for the influencer's languages
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    neighbours: tuple[str, ...]  # where the rest of their audience lives


NL_FEMALE = (
    "Emma", "Julia", "Sophie", "Tess", "Zoë", "Sara", "Anna", "Noor", "Eva", "Lotte", "Fleur", "Lisa", "Sanne",
    "Femke", "Anouk", "Isa", "Lieke", "Roos", "Iris", "Mila", "Yara", "Nina", "Lynn", "Evi", "Fenna", "Maud",
    "Esmee", "Floor", "Merel", "Amber", "Demi", "Kim", "Marloes", "Ilse", "Yasmina", "Fatima", "Sevda", "Elif",
    "Priya", "Naomi", "Jasmijn", "Vera", "Charlotte", "Saar", "Hanna",
)  # fmt: skip
NL_MALE = (
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Luuk", "Milan", "Bram", "Thijs", "Jesse", "Ruben", "Stijn", "Lars",
    "Tim", "Sven", "Niels", "Jeroen", "Bas", "Joris", "Koen", "Wouter", "Sander", "Mohamed", "Youssef", "Ayoub",
    "Emre", "Mehmet", "Rajesh", "Kevin", "Dylan", "Gijs", "Teun", "Ties", "Job", "Noah", "Olivier",
)  # fmt: skip
NL_LAST = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "van der Heijden", "Schouten", "van Beek",
    "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "Prins", "Blom",
    "Huisman", "El Amrani", "Bouzid", "Yılmaz", "Kaya", "Ramdin", "Tahiri", "Öztürk", "Sedney", "Kartosen",
)  # fmt: skip
BE_FEMALE = ("Louise", "Marie", "Elise", "Lore", "Febe", "Jana", "Lien", "Ine", "Margot", "Nora", "Fien", "Lotte")
BE_MALE = ("Wout", "Arne", "Pieter", "Jonas", "Robbe", "Seppe", "Thomas", "Mathis", "Lander", "Jef", "Warre")
BE_LAST = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
    "Vermeersch", "Van Damme", "De Backer", "Desmet", "Vandenberghe", "Lemmens", "Hermans", "Verstraete",
)  # fmt: skip
FR_FEMALE = ("Léa", "Chloé", "Manon", "Camille", "Inès", "Amélie", "Margaux", "Juliette")
FR_MALE = ("Hugo", "Louis", "Jules", "Gabriel", "Arthur", "Maxime", "Théo", "Nathan")
FR_LAST = ("Martin", "Bernard", "Dubois", "Lambert", "Dupont", "Leroy", "Moreau", "Lefèvre", "Fontaine", "Renard")
DE_FEMALE = ("Lena", "Leonie", "Hannah", "Marie", "Mia", "Johanna", "Clara", "Greta")
DE_MALE = ("Felix", "Jonas", "Paul", "Lukas", "Ben", "Moritz", "Jannik", "Tobias")
DE_LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch")
EN_FEMALE = ("Olivia", "Amelia", "Isla", "Grace", "Aoife", "Siobhan", "Ellie", "Freya")
EN_MALE = ("Oliver", "Harry", "Jack", "George", "Cian", "Seán", "Alfie", "Callum")
EN_LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Murphy", "Kelly", "O'Brien", "Walsh")
ES_FEMALE = ("Lucía", "Sofía", "Martina", "Carmen", "Paula")
ES_MALE = ("Pablo", "Álvaro", "Daniel", "Javier", "Sergio")
ES_LAST = ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro")
IT_FEMALE = ("Giulia", "Chiara", "Francesca", "Sara", "Martina")
IT_MALE = ("Alessandro", "Lorenzo", "Matteo", "Davide", "Marco")
IT_LAST = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo")
NORDIC_FEMALE = ("Freja", "Ida", "Astrid", "Saga", "Elsa", "Ingrid")
NORDIC_MALE = ("Emil", "Oscar", "Magnus", "Elias", "William", "Anton")
NORDIC_LAST = ("Jensen", "Nielsen", "Hansen", "Andersson", "Johansson", "Larsen", "Sørensen", "Lindqvist")
PL_FEMALE = ("Zuzanna", "Maja", "Aleksandra", "Julia", "Natalia")
PL_MALE = ("Jakub", "Kacper", "Szymon", "Filip", "Michał")
PL_LAST = ("Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Zając")

COUNTRY_PROFILES: tuple[CountryProfile, ...] = (
    CountryProfile(
        "NL", 0.55,
        ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda",
         "Nijmegen", "Haarlem", "Arnhem", "Zwolle", "Leiden", "Maastricht", "Delft", "Amersfoort", "Leeuwarden",
         "'s-Hertogenbosch", "Enschede"),
        (("nl", "en"), ("nl", "en"), ("nl",), ("nl", "en", "de")),
        NL_FEMALE, NL_MALE, NL_LAST, ("BE", "DE", "GB", "SR", "US"),
    ),
    CountryProfile(
        "BE", 0.20,
        ("Antwerpen", "Gent", "Brussel", "Leuven", "Brugge", "Hasselt", "Mechelen", "Kortrijk", "Liège", "Namur"),
        (("nl", "en"), ("nl", "fr", "en"), ("fr", "en"), ("nl",)),
        BE_FEMALE + FR_FEMALE[:3], BE_MALE + FR_MALE[:3], BE_LAST + FR_LAST[:4], ("NL", "FR", "LU", "DE"),
    ),
    CountryProfile(
        "DE", 0.06, ("Berlin", "Hamburg", "München", "Köln", "Düsseldorf", "Aachen"), (("de", "en"), ("de",)),
        DE_FEMALE, DE_MALE, DE_LAST, ("AT", "CH", "NL"),
    ),
    CountryProfile(
        "FR", 0.03, ("Paris", "Lyon", "Lille", "Bordeaux"), (("fr", "en"), ("fr",)), FR_FEMALE, FR_MALE, FR_LAST,
        ("BE", "CH", "CA"),
    ),
    CountryProfile(
        "GB", 0.03, ("London", "Manchester", "Bristol", "Edinburgh"), (("en",),), EN_FEMALE, EN_MALE, EN_LAST,
        ("IE", "US", "AU"),
    ),
    CountryProfile("IE", 0.01, ("Dublin", "Cork"), (("en",),), EN_FEMALE, EN_MALE, EN_LAST, ("GB", "US")),
    CountryProfile(
        "ES", 0.02, ("Madrid", "Barcelona", "Valencia"), (("es", "en"),), ES_FEMALE, ES_MALE, ES_LAST,
        ("MX", "AR", "US"),
    ),
    CountryProfile(
        "IT", 0.02, ("Milano", "Roma", "Torino", "Bologna"), (("it", "en"),), IT_FEMALE, IT_MALE, IT_LAST,
        ("CH", "DE"),
    ),
    CountryProfile(
        "DK", 0.01, ("København", "Aarhus"), (("da", "en"),), NORDIC_FEMALE, NORDIC_MALE, NORDIC_LAST, ("SE", "NO"),
    ),
    CountryProfile(
        "SE", 0.015, ("Stockholm", "Göteborg", "Malmö"), (("sv", "en"),), NORDIC_FEMALE, NORDIC_MALE, NORDIC_LAST,
        ("NO", "DK", "FI"),
    ),
    CountryProfile(
        "NO", 0.005, ("Oslo", "Bergen"), (("no", "en"),), NORDIC_FEMALE, NORDIC_MALE, NORDIC_LAST, ("SE", "DK"),
    ),
    CountryProfile(
        "PL", 0.02, ("Warszawa", "Kraków", "Wrocław"), (("pl", "en"),), PL_FEMALE, PL_MALE, PL_LAST, ("DE", "GB"),
    ),
    CountryProfile(
        "AT", 0.01, ("Wien", "Graz"), (("de", "en"),), DE_FEMALE, DE_MALE, DE_LAST, ("DE", "CH"),
    ),
    CountryProfile(
        "CH", 0.01, ("Zürich", "Genève", "Basel"), (("de", "en"), ("fr", "en")), DE_FEMALE, DE_MALE, DE_LAST,
        ("DE", "FR", "AT"),
    ),
    CountryProfile(
        "LU", 0.01, ("Luxembourg", "Esch-sur-Alzette"), (("fr", "de", "en"),), FR_FEMALE, FR_MALE, FR_LAST,
        ("BE", "FR", "DE"),
    ),
)  # fmt: skip
COUNTRY_BY_CODE = {profile.code: profile for profile in COUNTRY_PROFILES}
COUNTRY_CUM_WEIGHTS = [sum(p.weight for p in COUNTRY_PROFILES[: i + 1]) for i in range(len(COUNTRY_PROFILES))]

# How popular each niche is among creators (relative weights) and the words it lends to handles.
NICHE_WEIGHTS: dict[str, float] = {
    "lifestyle": 14, "fashion": 11, "beauty": 10, "food": 10, "travel": 8, "fitness": 8, "parenting": 5,
    "gaming": 5, "tech": 5, "home": 4, "health": 4, "sports": 4, "music": 3, "pets": 3, "sustainability": 3,
    "finance": 2, "education": 2, "art": 2, "business": 2, "automotive": 2,
}  # fmt: skip
NICHE_HANDLE_WORDS: dict[str, tuple[str, ...]] = {
    "lifestyle": ("life", "daily", "leeft"), "fashion": ("style", "outfits", "draagt"),
    "beauty": ("beauty", "glow", "makeup"), "food": ("eet", "kookt", "foodie", "bakt"),
    "travel": ("reist", "travels", "onderweg"), "fitness": ("fit", "traint", "moves"),
    "parenting": ("gezin", "thuis", "family"), "gaming": ("gaming", "plays", "gg"),
    "tech": ("tech", "gadgets", "test"), "home": ("home", "wonen", "interieur"),
    "health": ("gezond", "health", "balance"), "sports": ("sport", "runs", "fietst"),
    "music": ("music", "beats", "zingt"), "pets": ("pets", "dieren", "hond"),
    "sustainability": ("groen", "zerowaste", "duurzaam"), "finance": ("geld", "money", "invest"),
    "education": ("leert", "uitleg", "studie"), "art": ("art", "tekent", "maakt"),
    "business": ("business", "onderneemt", "werkt"), "automotive": ("cars", "auto", "rijdt"),
}  # fmt: skip
# Which platform a creator in a niche most likely calls home (relative weights).
NICHE_PLATFORMS: dict[str, dict[str, float]] = {
    "gaming": {"twitch": 4, "youtube": 4, "tiktok": 3, "x": 1},
    "tech": {"youtube": 5, "tiktok": 2, "instagram": 2, "x": 2, "blog": 1, "podcast": 1},
    "finance": {"instagram": 2, "x": 3, "podcast": 2, "youtube": 2, "blog": 2},
    "business": {"x": 3, "podcast": 3, "instagram": 2, "blog": 2, "youtube": 1},
    "education": {"youtube": 4, "tiktok": 3, "instagram": 2, "podcast": 1, "blog": 1},
    "music": {"tiktok": 4, "instagram": 3, "youtube": 3, "twitch": 1},
    "automotive": {"youtube": 4, "instagram": 3, "tiktok": 2},
}  # fmt: skip
DEFAULT_PLATFORMS: dict[str, float] = {"instagram": 6, "tiktok": 4, "youtube": 2, "x": 0.6, "blog": 0.6, "podcast": 0.4}

# Average daily follower growth by tier (small creators grow faster in relative terms).
TIER_DAILY_GROWTH: dict[str, float] = {Tier.NANO: 0.0020, Tier.MICRO: 0.0012, Tier.MACRO: 0.0007, Tier.MEGA: 0.0004}
# Share of a creator's posts that are paid, by tier.
TIER_SPONSORED_SHARE: dict[str, float] = {Tier.NANO: 0.03, Tier.MICRO: 0.08, Tier.MACRO: 0.13, Tier.MEGA: 0.18}

POSTS_PER_WEEK = {"instagram": 3.5, "tiktok": 4.5, "youtube": 1.2, "x": 6.0, "twitch": 3.0, "blog": 1.0, "podcast": 1.0}
PLATFORM_FORMATS: dict[str, tuple[tuple[str, ...], list[float]]] = {
    "instagram": (("image", "carousel", "reel", "story"), [0.30, 0.55, 0.90, 1.0]),
    "tiktok": (("video",), [1.0]),
    "youtube": (("video", "reel", "live"), [0.80, 0.96, 1.0]),
    "x": (("text", "image", "video"), [0.70, 0.90, 1.0]),
    "twitch": (("live", "video"), [0.80, 1.0]),
    "blog": (("article",), [1.0]),
    "podcast": (("episode",), [1.0]),
}
# Price of one sponsored post per 1,000 followers (EUR), per platform; offers scale from here.
PRICE_PER_THOUSAND = {"instagram": 10, "tiktok": 8, "youtube": 20, "x": 4, "twitch": 12, "blog": 15, "podcast": 22}
KIND_PRICE_FACTOR = {
    WorkKind.SPONSORED_POST: 1.0,
    WorkKind.REVIEW: 0.8,
    WorkKind.GIVEAWAY: 0.7,
    WorkKind.AMBASSADORSHIP: 2.6,  # per month, several posts
}
# What even the smallest creator asks, per kind (EUR).
MIN_OFFER_PRICE = {
    WorkKind.SPONSORED_POST: 50,
    WorkKind.REVIEW: 40,
    WorkKind.GIVEAWAY: 40,
    WorkKind.AMBASSADORSHIP: 150,
}

# Audience age shares by platform (13–17 … 55+), before niche tilt and noise.
PLATFORM_AGES: dict[str, tuple[float, ...]] = {
    "tiktok": (0.16, 0.38, 0.27, 0.11, 0.05, 0.03),
    "instagram": (0.05, 0.30, 0.34, 0.17, 0.09, 0.05),
    "youtube": (0.08, 0.25, 0.28, 0.20, 0.11, 0.08),
    "x": (0.02, 0.20, 0.33, 0.24, 0.13, 0.08),
    "twitch": (0.12, 0.42, 0.30, 0.11, 0.04, 0.01),
    "blog": (0.01, 0.12, 0.27, 0.28, 0.20, 0.12),
    "podcast": (0.01, 0.15, 0.33, 0.28, 0.15, 0.08),
}
NICHE_AGE_TILT: dict[str, tuple[float, ...]] = {
    "gaming": (2.0, 1.5, 1.0, 0.6, 0.4, 0.3),
    "parenting": (0.2, 0.5, 1.6, 1.8, 0.8, 0.5),
    "finance": (0.3, 0.8, 1.3, 1.3, 1.2, 1.0),
    "business": (0.2, 0.8, 1.4, 1.4, 1.1, 0.8),
    "home": (0.3, 0.7, 1.4, 1.4, 1.1, 0.9),
    "health": (0.5, 0.8, 1.1, 1.2, 1.2, 1.2),
}
NICHE_FEMALE_SHARE = {
    "beauty": 0.85, "fashion": 0.76, "parenting": 0.80, "fitness": 0.55, "food": 0.62, "travel": 0.60,
    "lifestyle": 0.68, "home": 0.70, "gaming": 0.22, "tech": 0.25, "automotive": 0.15, "finance": 0.35,
    "business": 0.40, "sports": 0.30, "music": 0.50, "education": 0.55, "health": 0.66, "pets": 0.70,
    "art": 0.62, "sustainability": 0.63,
}  # fmt: skip


OFFER_TITLES = {
    WorkKind.SPONSORED_POST: ("Gesponsorde post op {platform}", "Sponsored post on {platform}"),
    WorkKind.REVIEW: ("Productreview op {platform}", "Product review on {platform}"),
    WorkKind.GIVEAWAY: ("Winactie op {platform}", "Giveaway on {platform}"),
    WorkKind.AMBASSADORSHIP: ("Ambassadeurschap (per maand)", "Ambassadorship (per month)"),
}
OFFER_DELIVERABLES = {
    WorkKind.SPONSORED_POST: (
        "1 post + 3 stories met link, 30 dagen online, #ad in de eerste regel.",
        "1 post + 3 stories with link, online for 30 days, #ad in the first line.",
    ),
    WorkKind.REVIEW: (
        "Twee weken testen, daarna een eerlijke review (ook minpunten) en een story met vragen van volgers.",
        "Two weeks of testing, then an honest review (including downsides) and a Q&A story.",
    ),
    WorkKind.GIVEAWAY: (
        "Winactie-post met spelregels, 2 herinneringsstories, winnaar binnen 7 dagen bekend.",
        "Giveaway post with rules, 2 reminder stories, winner announced within 7 days.",
    ),
    WorkKind.AMBASSADORSHIP: (
        "2 posts en 4 stories per maand, maandelijkse rapportage met bereik en klikken.",
        "2 posts and 4 stories a month, monthly report with reach and clicks.",
    ),
}
TURNAROUND_DAYS = {
    WorkKind.SPONSORED_POST: (5, 14),
    WorkKind.REVIEW: (10, 21),
    WorkKind.GIVEAWAY: (5, 10),
    WorkKind.AMBASSADORSHIP: (14, 30),
}
