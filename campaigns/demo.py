"""Deterministic, realistic demo data for Invloed (`manage.py seed_demo`).

What it writes: influencers spread over the four tiers, each with 1–3 social accounts, ~90 days of
posts and daily follower snapshots per account, an audience and a rate card; brands with owners,
members and shortlists; campaigns of every kind in every status, with collaborations, messages and
deliverables; and the demo logins (see DEMO_LOGINS).

Why rows are written directly in bulk instead of through the services: the services write one row
per call, each with its own transaction, audit row, notification and engine trigger. That is right
for a person clicking a button and hopeless for 100,000 influencers with ~7 million posts and ~16
million follower snapshots (hours instead of minutes). The generator therefore checks natural keys
per batch and streams the new rows in (binary COPY on PostgreSQL, batched INSERTs elsewhere), and
leaves every row in the state a service would have left it: moderation decisions carry a reason, a
moderated_at and a `moderation.*` audit row by the demo moderator; collaborations only ever take
legal edges of `Collaboration.TRANSITIONS`, each step with its audit row, message and notification;
brands and campaigns pass `full_clean()` (Campaign.clean holds the kind-specific rules; the check
constraints are enforced by the database). Derived numbers (tier, engagement, credibility, growth,
matches) are not written here: rows are flagged stale, and the command runs the engines afterwards,
exactly as after an import.

Determinism and idempotency:
- Everything random comes from `random.Random` seeded with (--seed, influencer index, ...), so the
  data of influencer i does not depend on N or on the batch size.
- Dates hang off one anchor, "demo today": the day the database was first seeded, stored in an
  `EngineRun` row (kind import, scope "demo"). Later runs reuse it, so a rerun produces the same
  rows even on another day.
- Natural keys decide what exists: influencer handle, username, (platform, account handle), brand
  slug, campaign title per brand, shortlist name per brand. A row that already exists keeps its
  whole subtree (accounts, posts, snapshots, audience, offers; collaborations of an existing
  campaign), so running twice writes nothing the second time. Each batch of influencers is one
  transaction, so an interrupted run resumes where it stopped; a large PostgreSQL load is one
  transaction (see _bulk_foreign_keys_checked_at_end).
- Bookkeeping timestamps that have a meaning in the product (joined, moderated, collaboration steps,
  messages) are set from the anchor; `updated_at` columns record when the rows were written.
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import math
import random
import re
import string
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from itertools import chain, islice, pairwise
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, reset_queries, transaction
from django.utils import timezone

from brands.models import Brand, BrandMember, Shortlist, ShortlistEntry
from influencers.models import (
    Audience,
    AudienceCountry,
    AudienceSource,
    AuditEvent,
    EngineRun,
    FollowerSnapshot,
    Influencer,
    Niche,
    Notification,
    Offer,
    Post,
    SocialAccount,
)
from influencers.taxonomy import (
    AD_DISCLOSURE_MARKERS,
    AGE_FIELDS,
    AgeBand,
    ModerationStatus,
    Platform,
    PostFormat,
    Tier,
    WorkKind,
    benchmark_er,
    tier_bounds,
    tier_for_followers,
)

from .models import Campaign, Collaboration, CollaborationMessage, Deliverable

User = get_user_model()

DEFAULT_INFLUENCERS = 300
DEFAULT_SEED = 42
MIN_INFLUENCERS = 20  # one layout block: every tier and moderation status, and both demo creators
BATCH_INFLUENCERS = 500  # influencers generated and written per transaction (bounds memory)
LARGE_LOAD = 20_000  # new influencers from which a PostgreSQL load checks bulk foreign keys once, at the end
ROWS_PER_INSERT = 5000
HISTORY_DAYS = 90
# Only the first influencers are "claimed" community members that take part in campaigns; beyond
# that, profiles are imported (no user) with a small chance of a claimed account.
COMMUNITY_SIZE = 400
CLAIMED_SHARE_BEYOND_COMMUNITY = 0.3
DEMO_SCOPE = "demo"
ANCHOR_HOUR = 9  # "now" of the demo: 09:00 local time on the anchor day


# --- Demo logins -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    first_name: str = ""
    last_name: str = ""
    is_superuser: bool = False


# Passwords satisfy AUTH_PASSWORD_VALIDATORS (checked on every run). "newcreator" cannot use
# "invloed-newcreator": it is too similar to the username for UserAttributeSimilarityValidator.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "invloed-admin", "moderator (superuser): /admin/", "Demo", "Moderator", is_superuser=True),
    DemoLogin(
        "brand", "invloed-brand", "owner of Noorderlicht Koffie (approved brand, open campaigns)", "Anouk", "Visser"
    ),
    DemoLogin(
        "creator", "invloed-creator", "approved influencer @sanne.bakker with an invitation waiting", "Sanne", "Bakker"
    ),
    DemoLogin(
        "newcreator", "invloed-pending", "influencer @noor.elidrissi waiting for moderation", "Noor", "El Idrissi"
    ),
)
ADMIN_LOGIN, BRAND_LOGIN, CREATOR_LOGIN, NEWCREATOR_LOGIN = DEMO_LOGINS


# --- Vocabulary --------------------------------------------------------------------------------


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

# Tier layout of each block of 20 influencers: enough of each tier for every demo size.
TIER_BLOCK = (Tier.NANO,) * 5 + (Tier.MICRO,) * 9 + (Tier.MACRO,) * 4 + (Tier.MEGA,) * 2
STATUS_BLOCK = (
    (ModerationStatus.APPROVED,) * 16
    + (ModerationStatus.PENDING,) * 2
    + (ModerationStatus.REJECTED, ModerationStatus.SUSPENDED)
)
# Median followers (log-normal) inside each tier; draws are kept inside the tier's bounds.
TIER_MEDIAN_FOLLOWERS = {Tier.NANO: 450, Tier.MICRO: 9_000, Tier.MACRO: 240_000, Tier.MEGA: 2_200_000}
TIER_SPREAD = {Tier.NANO: 0.7, Tier.MICRO: 1.1, Tier.MACRO: 0.7, Tier.MEGA: 0.6}
# Average daily follower growth by tier (small creators grow faster in relative terms).
TIER_DAILY_GROWTH = {Tier.NANO: 0.0020, Tier.MICRO: 0.0012, Tier.MACRO: 0.0007, Tier.MEGA: 0.0004}
# Share of a creator's posts that are paid, by tier.
TIER_SPONSORED_SHARE = {Tier.NANO: 0.03, Tier.MICRO: 0.08, Tier.MACRO: 0.13, Tier.MEGA: 0.18}

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

BIO_PHRASES: dict[str, tuple[str, str]] = {  # niche: (Dutch, English)
    "lifestyle": ("Koffie, stadswandelingen en eerlijke tips", "Coffee, city walks and honest tips"),
    "fashion": ("Betaalbare outfits en tweedehands vondsten", "Affordable outfits and second-hand finds"),
    "beauty": ("Skincare zonder poespas", "Skincare without the fuss"),
    "food": ("Thuiskok met recepten voor doordeweeks", "Home cook sharing weeknight recipes"),
    "travel": ("Altijd onderweg, liefst met de trein", "Always on the move, preferably by train"),
    "fitness": ("Personal trainer, krachttraining voor iedereen", "Personal trainer, strength training for all"),
    "parenting": ("Ouder van twee, chaos en knutseltips", "Parent of two: chaos and craft ideas"),
    "gaming": ("Streamer en speedrunner", "Streamer and speedrunner"),
    "tech": ("Gadgets getest, eerlijk uitgelegd", "Gadgets tested and honestly explained"),
    "home": ("Interieur, klussen en planten", "Interiors, DIY and plants"),
    "health": ("Gezond eten zonder dieetpraat", "Healthy food without diet talk"),
    "sports": ("Hardlopen, fietsen en alles ertussen", "Running, cycling and everything in between"),
    "music": ("Singer-songwriter, covers en eigen werk", "Singer-songwriter, covers and originals"),
    "pets": ("Twee honden, één kat, veel haar", "Two dogs, one cat, lots of hair"),
    "sustainability": ("Duurzaam leven, stap voor stap", "Sustainable living, one step at a time"),
    "finance": ("Sparen en beleggen, helder uitgelegd", "Saving and investing, explained plainly"),
    "education": ("Ik leg moeilijke dingen simpel uit", "I explain hard things simply"),
    "art": ("Illustrator en keramist", "Illustrator and ceramicist"),
    "business": ("Ondernemer, over groeien zonder burn-out", "Founder, on growing without burning out"),
    "automotive": ("Auto's, roadtrips en onderhoud", "Cars, road trips and maintenance"),
}
CAPTION_OPENERS = {
    "nl": ("Nieuwe post!", "Vandaag:", "Zo begon mijn week", "Eindelijk af", "Even iets anders", "Weekendvibes"),
    "en": ("New post!", "Today:", "How my week started", "Finally done", "Something different", "Weekend mood"),
}
CAPTION_TOPICS = {
    "nl": ("wat ik deze week maakte", "mijn favorieten van de maand", "een vraag van jullie beantwoord",
           "achter de schermen", "tips die echt werken", "een klein experiment"),
    "en": ("what I made this week", "my favourites of the month", "answering one of your questions",
           "behind the scenes", "tips that actually work", "a little experiment"),
}  # fmt: skip
NICHE_HASHTAGS: dict[str, tuple[str, ...]] = {
    "lifestyle": ("#lifestyle", "#dagelijksleven", "#weekend"), "fashion": ("#ootd", "#fashion", "#tweedehands"),
    "beauty": ("#skincare", "#beauty", "#makeup"), "food": ("#recept", "#foodie", "#thuiskoken"),
    "travel": ("#travel", "#reizen", "#treinreis"), "fitness": ("#fitness", "#krachttraining", "#workout"),
    "parenting": ("#mamaleven", "#gezin", "#knutselen"), "gaming": ("#gaming", "#speedrun", "#twitchnl"),
    "tech": ("#tech", "#review", "#gadgets"), "home": ("#interieur", "#wonen", "#plantenliefde"),
    "health": ("#gezond", "#voeding", "#balans"), "sports": ("#hardlopen", "#fietsen", "#sport"),
    "music": ("#music", "#cover", "#nieuwemuziek"), "pets": ("#hond", "#kat", "#huisdieren"),
    "sustainability": ("#duurzaam", "#zerowaste", "#groenleven"), "finance": ("#sparen", "#beleggen", "#geld"),
    "education": ("#leren", "#uitleg", "#studie"), "art": ("#illustratie", "#keramiek", "#art"),
    "business": ("#ondernemen", "#business", "#zzp"), "automotive": ("#autos", "#roadtrip", "#carspotting"),
}  # fmt: skip
# Disclosures that the engine recognises (every one contains a marker of AD_DISCLOSURE_MARKERS).
DISCLOSURES = {
    "nl": ("#ad", "#advertentie", "In samenwerking met {brand}", "#gesponsord", "Betaalde samenwerking met {brand}"),
    "en": ("#ad", "#sponsored", "Paid partnership with {brand}", "Sponsored by {brand}"),
}
# A thank-you without any disclosure: a sponsored post that breaks the advertising code.
UNDISCLOSED = {"nl": "Dank {brand} voor dit pakket!", "en": "Thanks {brand} for sending this!"}
MODERATION_REASONS = {
    ModerationStatus.REJECTED: (
        "The profile links to accounts we could not verify; connect the accounts or upload insights.",
        "Audience numbers look bought: follower spikes without matching engagement. Send insights exports.",
        "The bio and posts promote gambling, which Invloed does not allow.",
    ),
    ModerationStatus.SUSPENDED: (
        "Several sponsored posts without an ad disclosure after a warning.",
        "Reported for reselling gifted products as giveaways.",
    ),
}


# --- Brands and campaigns (fixed cast; campaigns vary with the seed) ---------------------------


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    country: str
    niches: tuple[str, ...]
    description: str
    status: str
    verified: bool
    owner: tuple[str, str]
    members: tuple[tuple[str, str], ...]
    products: tuple[tuple[str, int], ...]  # (name, retail value in EUR)
    prize: str
    prize_value: int
    platforms: tuple[str, ...]
    language: str
    reason: str = ""

    @property
    def website(self) -> str:
        return f"https://www.{self.slug.replace('-', '')}.example"

    @property
    def mention(self) -> str:
        return "@" + self.slug.replace("-", "")


APPROVED = ModerationStatus.APPROVED
BRANDS: tuple[BrandSpec, ...] = (
    BrandSpec(
        "noorderlicht-koffie", "Noorderlicht Koffie", "NL", ("food", "sustainability", "lifestyle"),
        "Kleine branderij uit Groningen: fairtrade bonen, zelf gebrand, per fiets bezorgd in de stad.",
        APPROVED, True, ("Anouk", "Visser"), (("Ruben", "de Haan"), ("Yasmina", "Tahiri")),
        (("Cold Brew Citroen", 24), ("Thuisbranderij-pakket", 189), ("Espresso Blend Polar", 32)),
        "een jaar lang gratis koffie", 480,
        ("instagram", "tiktok", "youtube"), "nl",
    ),
    BrandSpec(
        "fietsfabriek-amsterdam", "Fietsfabriek Amsterdam", "NL", ("sports", "lifestyle", "sustainability"),
        "Handgebouwde stads- en bakfietsen uit Amsterdam-Noord, met tien jaar garantie op het frame.",
        APPROVED, True, ("Joris", "van Dam"), (("Fleur", "Hoekstra"),),
        (("e-bike Stadsrijder S3", 2899), ("Bakfiets Familie", 3499), ("Regenpak Urban", 139)),
        "een e-bike Stadsrijder S3", 2899,
        ("instagram", "youtube"), "nl",
    ),
    BrandSpec(
        "stroopwafel-co", "Stroopwafel & Co", "NL", ("food",),
        "Verse stroopwafels uit Gouda, met roomboter en zonder palmolie.",
        APPROVED, False, ("Merel", "Koster"), (),
        (("Karamel-stroopwafels", 12), ("Stroopwafel-bakpakket", 49)), "een jaar stroopwafels", 260,
        ("instagram", "tiktok"), "nl",
    ),
    BrandSpec(
        "duinwater-skincare", "Duinwater Skincare", "NL", ("beauty", "health"),
        "Huidverzorging met duinwater en zonder parfum, getest door dermatologen.",
        APPROVED, True, ("Esmee", "de Wit"), (("Niels", "Brouwer"),),
        (("Hydraterend serum", 34), ("SPF 50 zonnecrème", 22), ("Nachtcrème Duin", 39)),
        "een huidverzorgingsset voor een jaar", 420,
        ("instagram", "tiktok"), "nl",
    ),
    BrandSpec(
        "polder-outdoor", "Polder Outdoor", "NL", ("travel", "sports", "fitness"),
        "Outdoorkleding en kampeerspullen voor het Nederlandse weer.",
        APPROVED, False, ("Bas", "Mulder"), (),
        (("Wandelschoen Veluwe", 159), ("Regenjas Noordzee", 229), ("Tent Waddenzee 2p", 349)),
        "een complete kampeeruitrusting", 1200,
        ("instagram", "youtube"), "nl",
    ),
    BrandSpec(
        "chocolaterie-mertens", "Chocolaterie Mertens", "BE", ("food",),
        "Familiechocolatier uit Gent sinds 1962: pralines, repen en workshops.",
        APPROVED, True, ("Lore", "Mertens"), (("Pieter", "Claes"),),
        (("Pralinedoos Gent", 29), ("Pure chocolade 85%", 6)), "een chocoladeworkshop voor twee", 150,
        ("instagram", "tiktok"), "nl",
    ),
    BrandSpec(
        "antwerp-denim", "Antwerp Denim Atelier", "BE", ("fashion", "sustainability"),
        "Jeans van Japanse selvedge-denim, op maat gemaakt en levenslang gerepareerd in Antwerpen.",
        APPROVED, False, ("Febe", "Janssens"), (),
        (("Selvedge jeans Schelde", 245), ("Denim jack Zuid", 289)), "een jeans op maat", 320,
        ("instagram", "tiktok"), "nl",
    ),
    BrandSpec(
        "bits-bytes", "Bits & Bytes Elektronica", "NL", ("tech", "gaming"),
        "Webwinkel voor elektronica met eigen testlab en eerlijke reviews.",
        APPROVED, True, ("Sander", "Dijkstra"), (("Emre", "Kaya"),),
        (("Draadloze oordopjes Pulse", 129), ("Gaming-muis Vortex", 79), ("4K-webcam Studio", 199)),
        "een complete streamingset", 1500,
        ("youtube", "tiktok", "twitch"), "nl",
    ),
    BrandSpec(
        "huiskamer-interieur", "Huiskamer Interieur", "BE", ("home", "art"),
        "Meubels en keramiek van Belgische makers, rechtstreeks uit het atelier.",
        APPROVED, False, ("Elise", "Vermeersch"), (),
        (("Eiken bijzettafel Leie", 390), ("Keramiekset Klei", 85)), "een interieuradvies aan huis", 450,
        ("instagram",), "nl",
    ),
    BrandSpec(
        "pixelplay-games", "PixelPlay Games", "DE", ("gaming", "tech"),
        "Independent game studio from Berlin, makers of the co-op adventure Skyforge.",
        APPROVED, True, ("Jonas", "Weber"), (("Clara", "Hoffmann"),),
        (("Skyforge (PC)", 30), ("Skyforge Collector's Edition", 120)), "a gaming PC with Skyforge", 2200,
        ("twitch", "youtube", "tiktok"), "en",
    ),
    BrandSpec(
        "bello-hondenvoeding", "Bello Hondenvoeding", "NL", ("pets",),
        "Vers hondenvoer op abonnement, gekookt in Brabant.",
        ModerationStatus.PENDING, False, ("Kim", "Verhoeven"), (),
        (("Proefpakket Vers", 25),), "een jaar hondenvoer", 900, ("instagram",), "nl",
    ),
    BrandSpec(
        "vinyl-vibes", "Vinyl Vibes Records", "BE", ("music",),
        "Platenlabel en winkel in Leuven voor nieuwe Belgische muziek.",
        ModerationStatus.PENDING, False, ("Arne", "Lemmens"), (),
        (("Debuutplaat Nachtzwemmers", 28),), "een platenspeler", 350, ("instagram", "tiktok"), "nl",
    ),
    BrandSpec(
        "quickrich-academy", "QuickRich Crypto Academy", "NL", ("finance",),
        "Leer in 30 dagen gegarandeerd rendement maken met crypto.",
        ModerationStatus.REJECTED, False, ("Kevin", "Smits"), (),
        (("Masterclass Crypto", 997),), "", 0, ("instagram",), "nl",
        reason="Promises guaranteed returns; financial promotions need an AFM licence and risk warnings.",
    ),
)  # fmt: skip
DEMO_BRAND = BRANDS[0]

STATUS = Campaign.Status
CAMPAIGN_KINDS = (WorkKind.SPONSORED_POST, WorkKind.REVIEW, WorkKind.GIVEAWAY, WorkKind.AMBASSADORSHIP)
# The demo brand's own campaigns, so the demo login sees every kind and most statuses.
DEMO_BRAND_CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    (WorkKind.SPONSORED_POST, STATUS.OPEN, Campaign.Visibility.PUBLIC),
    (WorkKind.REVIEW, STATUS.OPEN, Campaign.Visibility.INVITE_ONLY),
    (WorkKind.GIVEAWAY, STATUS.IN_PROGRESS, Campaign.Visibility.PUBLIC),
    (WorkKind.AMBASSADORSHIP, STATUS.DRAFT, Campaign.Visibility.INVITE_ONLY),
    (WorkKind.SPONSORED_POST, STATUS.COMPLETED, Campaign.Visibility.PUBLIC),
    (WorkKind.REVIEW, STATUS.PAUSED, Campaign.Visibility.PUBLIC),
)
# Other approved brands cycle through these statuses, so every status occurs whatever the seed.
STATUS_CYCLE = (STATUS.OPEN, STATUS.IN_PROGRESS, STATUS.COMPLETED, STATUS.DRAFT, STATUS.PAUSED, STATUS.CANCELLED)
CAMPAIGNS_PER_BRAND = 3
# Collaboration end states per campaign status (picked in order, repeated when needed).
COLLABORATION_STATES: dict[str, tuple[str, ...]] = {
    STATUS.OPEN: ("invited", "applied", "accepted", "applied", "declined", "content_submitted", "withdrawn"),
    STATUS.PAUSED: ("accepted", "invited", "declined"),
    STATUS.IN_PROGRESS: ("content_submitted", "approved", "revision_requested", "accepted", "completed", "declined"),
    STATUS.COMPLETED: ("completed", "completed", "declined", "completed", "withdrawn"),
    STATUS.CANCELLED: ("cancelled", "declined", "withdrawn"),
}
# Indexed by (month % 12) // 3: December–February is winter. Dutch forms fit "…campagne".
SEASONS = {"nl": ("winter", "voorjaars", "zomer", "najaars"), "en": ("winter", "spring", "summer", "autumn")}


# --- Context: the anchor, the moderator, content types ----------------------------------------


@dataclass
class DemoContext:
    seed: int
    influencers: int
    today: dt.date
    tz: ZoneInfo
    moderator_id: int
    niche_ids: dict[str, int]
    content_types: dict[type[models.Model], int]
    written_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def now(self) -> dt.datetime:
        """The demo's "now": every generated event happened before it."""
        return self.at(self.today, ANCHOR_HOUR)

    def at(self, day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def days_ago(self, days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=days)

    @cached_property
    def history_days(self) -> list[dt.date]:
        """The days of the follower history: the last 90, ending with demo today."""
        return [self.today - dt.timedelta(days=HISTORY_DAYS - 1 - n) for n in range(HISTORY_DAYS)]

    @cached_property
    def posting_slots(self) -> list[tuple[dt.datetime, int]]:
        """Each posting hour (07:00–23:00) of the 90 days before demo today, with its Unix time."""
        slots = []
        for n in range(HISTORY_DAYS):
            day = self.today - dt.timedelta(days=HISTORY_DAYS - n)
            slots.extend(self.at(day, 7 + hour) for hour in range(POSTING_HOURS))
        return [(slot, int(slot.timestamp())) for slot in slots]


@dataclass
class SeedResult:
    seed: int
    influencers: int
    today: dt.date
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, label: str, rows: int) -> None:
        if rows:
            self.written[label] = self.written.get(label, 0) + rows

    @property
    def total(self) -> int:
        return sum(self.written.values())


# --- Public entry points -------------------------------------------------------------------------


def has_influencers() -> bool:
    return Influencer.objects.exists()


def seed_demo(
    *,
    influencers: int = DEFAULT_INFLUENCERS,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_INFLUENCERS,
) -> SeedResult:
    """Write the demo data set for `seed` with `influencers` profiles; rows that exist are kept.

    `today` is used only when the database has no demo anchor yet (see the module docstring).
    `progress` is called with the number of influencers handled after each batch.
    """
    if influencers < MIN_INFLUENCERS:
        raise ValueError(f"The demo needs at least {MIN_INFLUENCERS} influencers (got {influencers}).")
    started = time.monotonic()
    with _seeding_lock():
        logins = demo_logins_ensure()
        run = _demo_run_start(seed=seed, influencers=influencers, today=today or timezone.localdate())
        ctx = DemoContext(
            seed=seed,
            influencers=influencers,
            today=dt.date.fromisoformat(run.detail["today"]),
            tz=ZoneInfo(settings.TIME_ZONE),
            moderator_id=logins[ADMIN_LOGIN.username].pk,
            niche_ids=dict(Niche.objects.values_list("slug", "id")),
            content_types={
                model: ContentType.objects.get_for_model(model).pk
                for model in (Influencer, Brand, Campaign, Collaboration)
            },
        )
        result = SeedResult(seed=seed, influencers=influencers, today=ctx.today)
        try:
            community = _seed_influencers(ctx, result, progress=progress, batch_size=batch_size)
            with transaction.atomic():
                _seed_brands(ctx, result, community=community, logins=logins)
        except BaseException as exc:
            _demo_run_finish(run, result, error=repr(exc))
            raise
        result.seconds = time.monotonic() - started
        _demo_run_finish(run, result)
    return result


def demo_logins_ensure() -> dict[str, models.Model]:
    """Create the demo users, or reset them to their documented password and rights."""
    from axes.utils import reset as axes_reset

    users = {}
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "email": f"{login.username}@example.com",
                "first_name": login.first_name,
                "last_name": login.last_name,
            },
        )
        wanted = {"is_active": True, "is_staff": login.is_superuser, "is_superuser": login.is_superuser}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if created or not user.check_password(login.password):
            # Fails loudly if the settings' validators ever reject a documented demo password.
            validate_password(login.password, user)
            user.set_password(login.password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        # A demo visitor who mistyped the password five times must not stay locked out.
        axes_reset(username=login.username)
        users[login.username] = user
    return users


def demo_logins_text() -> str:
    width = max(len(login.username) for login in DEMO_LOGINS)
    lines = ["Demo logins (http://127.0.0.1:8000/accounts/login/):"]
    for login in DEMO_LOGINS:
        lines.append(f"  {login.username:<{width}}  {login.password:<18}  {login.role}")
    return "\n".join(lines)


# --- Anchor and lock -----------------------------------------------------------------------------


def _demo_run_start(*, seed: int, influencers: int, today: dt.date) -> EngineRun:
    """The demo's own import record; created once, it fixes "demo today" for every later run."""
    run = EngineRun.objects.filter(kind=EngineRun.Kind.IMPORT, scope=DEMO_SCOPE).order_by("pk").first()
    if run is None:
        run = EngineRun(kind=EngineRun.Kind.IMPORT, scope=DEMO_SCOPE, detail={"today": today.isoformat()})
    run.detail = {
        **run.detail,
        "source": "seed_demo",
        "seeds": sorted({*run.detail.get("seeds", []), seed}),
        "influencers": max(influencers, run.detail.get("influencers", 0)),
    }
    run.status = EngineRun.Status.RUNNING
    run.started_at, run.finished_at, run.error = timezone.now(), None, ""
    run.save()
    return run


def _demo_run_finish(run: EngineRun, result: SeedResult, *, error: str = "") -> None:
    run.status = EngineRun.Status.FAILED if error else EngineRun.Status.SUCCEEDED
    run.error = error
    run.rows_touched += result.total
    run.done_chunks = run.total_chunks
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "rows_touched", "done_chunks", "finished_at"])


@contextmanager
def _seeding_lock() -> Iterator[None]:
    """One seeder at a time on PostgreSQL (a second one waits, then finds everything written)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = zlib.crc32(b"invloed.seed_demo")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


# --- Writing rows ------------------------------------------------------------------------------


def append_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows whose natural keys were checked to be free (see _write_influencer_batch).

    PostgreSQL gets binary COPY, an order of magnitude faster than INSERT for millions of posts and
    snapshots; other databases get batched INSERTs. Values are written as given, so auto_now_add
    columns take the (deterministic) times passed in; columns not given get the model default, so
    a field added to a model later does not break the generator.
    """
    fields = [model._meta.get_field(name) for name in columns]
    given = {f.attname for f in fields}
    rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in given]
    now = timezone.now()
    defaults = tuple(
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default() for f in rest
    )
    fields += rest
    table = model._meta.db_table
    column_list = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0",
                [table],
            )
            types = dict(cursor.fetchall())
            copy_sql = f"COPY {connection.ops.quote_name(table)} ({column_list}) FROM STDIN (FORMAT BINARY)"
            with cursor.cursor.copy(copy_sql) as copy:
                copy.set_types([types[f.column] for f in fields])
                for row in rows:
                    copy.write_row((*row, *defaults))
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({column_list}) VALUES ({placeholders})"  # noqa: S608
        # Only these types need the backend's conversion; ints, floats, strings and booleans pass as they are.
        converters = [f.get_db_prep_save if f.get_internal_type() in ADAPTED_TYPES else None for f in fields]
        remaining = iter(rows)
        while chunk := list(islice(remaining, ROWS_PER_INSERT)):
            params = [
                [
                    v if convert is None or v is None else convert(v, connection)
                    for convert, v in zip(converters, (*row, *defaults), strict=True)
                ]
                for row in chunk
            ]
            cursor.executemany(sql, params)
            written += len(chunk)
    return written


ADAPTED_TYPES = frozenset(
    {"DateTimeField", "DateField", "TimeField", "DecimalField", "JSONField", "DurationField", "UUIDField"}
)


def _audit_row(
    ctx: DemoContext,
    *,
    model: type[models.Model],
    pk: int,
    label: str,
    action: str,
    actor_id: int | None,
    at: dt.datetime,
    reason: str = "",
    data: dict | None = None,
) -> tuple:
    return (actor_id, action, ctx.content_types[model], str(pk), label[:200], reason, data or {}, at)


AUDIT_COLUMNS = ("actor_id", "action", "content_type_id", "object_id", "object_repr", "reason", "data", "created_at")
NOTIFICATION_COLUMNS = ("user_id", "verb", "message", "url", "read_at", "created_at")


def _notification_row(ctx: DemoContext, *, user_id: int, verb: str, message: str, at: dt.datetime) -> tuple:
    # Older notices have been read; the last few days' ones are still waiting.
    read_at = at + dt.timedelta(hours=5) if at < ctx.days_ago(3) else None
    return (user_id, verb, message[:300], "", read_at, at)


# --- Influencer plans (pure: the same seed and index give the same plan) ------------------------


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


def _swap_into(values: list[str], position: int, wanted: str, *, keep: Iterable[int]) -> None:
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
    return {
        Platform.INSTAGRAM: f"https://www.instagram.com/{handle}/",
        Platform.TIKTOK: f"https://www.tiktok.com/@{handle}",
        Platform.YOUTUBE: f"https://www.youtube.com/@{handle}",
        Platform.X: f"https://x.com/{handle}",
        Platform.TWITCH: f"https://www.twitch.tv/{handle}",
        Platform.BLOG: f"https://{slug}.example",
        Platform.PODCAST: f"https://open.spotify.com/show/{_code(rng, 0, 22)}",
    }[platform]


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


# --- Posts and follower history (generated per account while writing) ---------------------------

POST_COLUMNS = (
    "account_id", "external_id", "posted_at", "format", "caption", "url", "likes", "comments", "shares", "views",
    "saves", "is_sponsored", "has_ad_disclosure", "updated_at",
)  # fmt: skip
SNAPSHOT_COLUMNS = ("account_id", "date", "followers")
POSTING_HOURS = 16  # posts go out between 07:00 and 23:00
MINUTES = [dt.timedelta(minutes=m) for m in range(60)]
CODE_ALPHABET = string.ascii_letters + string.digits + "-_"
SPONSORING_BRANDS = tuple(spec.mention for spec in BRANDS if spec.status == APPROVED)


def _code(rng: random.Random, serial: int, length: int) -> str:
    """A platform-style id: random characters, ending in the serial so ids never repeat per account."""
    head = base64.urlsafe_b64encode(rng.randbytes(length)).decode()[: length - 2]
    return head + CODE_ALPHABET[serial // 64 % 64] + CODE_ALPHABET[serial % 64]


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


# --- Writing influencers in batches ---------------------------------------------------------------


def _seed_influencers(
    ctx: DemoContext, result: SeedResult, *, progress: Callable[[int], None] | None, batch_size: int
) -> list[str]:
    """Write influencers batch by batch; returns the handles of the community (first influencers).

    Each batch is one transaction, so an interrupted run keeps the finished batches; a large load
    on PostgreSQL runs as one transaction instead (see _bulk_foreign_keys_checked_at_end).
    """
    large = connection.vendor == "postgresql" and ctx.influencers - Influencer.objects.count() >= LARGE_LOAD
    book = HandleBook()
    community: list[str] = []
    with transaction.atomic() if large else nullcontext(), _bulk_foreign_keys_checked_at_end(large):
        for start in range(0, ctx.influencers, batch_size):
            stop = min(ctx.influencers, start + batch_size)
            identities = [influencer_identity(ctx, index, book) for index in range(start, stop)]
            community.extend(who.handle for who in identities if who.index < COMMUNITY_SIZE)
            with transaction.atomic():
                _write_influencer_batch(ctx, result, identities)
            reset_queries()  # with DEBUG on, Django would keep every INSERT of the run in memory
            if progress is not None:
                progress(len(identities))
    return community


@contextmanager
def _bulk_foreign_keys_checked_at_end(enabled: bool) -> Iterator[None]:
    """Check the foreign keys of posts and snapshots once, after the load, instead of per row.

    PostgreSQL checks a foreign key with one trigger call per inserted row, about as much work as
    writing the row; re-adding the constraint afterwards checks every row in one join (the
    PostgreSQL manual's advice for populating a database, "Remove Foreign Key Constraints"). Both
    happen inside the load's transaction: a failed or interrupted load rolls back with the
    constraints in place. Meanwhile other sessions wait for the two tables.
    """
    if not enabled:
        yield
        return
    tables = [Post._meta.db_table, FollowerSnapshot._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _ in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


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
        # New rows feed the engine: flagged stale as after an import, so the engine computes them.
        ctx.now,
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
    rows = ((ids[p.handle], a.platform, a.handle, a.url, a.followers, ctx.now, p.joined_at) for p, a in planned)
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
    previous_status = ModerationStatus.PENDING
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


# --- Brands, campaigns, collaborations and shortlists ---------------------------------------------


@dataclass
class Member:
    """An approved, active influencer with a login, as the campaign side needs to know them."""

    id: int
    handle: str
    user_id: int
    first_name: str
    niches: set[str] = field(default_factory=set)
    followers: dict[str, int] = field(default_factory=dict)  # platform -> followers
    offers: dict[str, tuple[int, Decimal]] = field(default_factory=dict)  # kind -> (offer id, price)

    @property
    def largest(self) -> int:
        return max(self.followers.values(), default=0)


@dataclass(frozen=True)
class CampaignLayout:
    kind: str
    status: str
    visibility: str
    moderation: str = APPROVED
    reason: str = ""


def _load_members(**filters: object) -> list[Member]:
    rows = (
        Influencer.objects.filter(status=APPROVED, is_active=True, user__isnull=False, **filters)
        .order_by("handle")
        .values_list("id", "handle", "user_id", "display_name")
    )
    members = {pk: Member(pk, handle, user_id, name.split(" ")[0]) for pk, handle, user_id, name in rows}
    through = Influencer.niches.through.objects.filter(influencer_id__in=list(members))
    for influencer_id, slug in through.values_list("influencer_id", "niche__slug"):
        members[influencer_id].niches.add(slug)
    accounts = SocialAccount.objects.filter(influencer_id__in=list(members))
    for influencer_id, platform, followers in accounts.values_list("influencer_id", "platform", "followers"):
        members[influencer_id].followers[platform] = followers
    offers = Offer.objects.filter(influencer_id__in=list(members), is_active=True).order_by("pk")
    for influencer_id, kind, pk, price in offers.values_list("influencer_id", "kind", "id", "price"):
        members[influencer_id].offers.setdefault(kind, (pk, price))
    return list(members.values())


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
            _brand_moderation_trail(ctx, result, brand, staff)
    owner_first = BrandMember.objects.filter(brand=brand).order_by("-role", "pk")  # "owner" > "member"
    return brand, list(owner_first.values_list("user_id", flat=True))


def _brand_moderation_trail(ctx: DemoContext, result: SeedResult, brand: Brand, staff: list[int]) -> None:
    """The audit row and the owner's notice that brand_moderate leaves behind."""
    decision = "approve" if brand.status == APPROVED else "reject"
    audit = _audit_row(
        ctx, model=Brand, pk=brand.pk, label=brand.name, action=f"moderation.{decision}",
        actor_id=ctx.moderator_id, at=brand.moderated_at, reason=brand.status_reason,
        data={"from": ModerationStatus.PENDING, "to": brand.status},
    )  # fmt: skip
    result.add("audit events", append_rows(AuditEvent, AUDIT_COLUMNS, [audit]))
    label = str(ModerationStatus(brand.status).label).lower()
    message = f"Your brand {brand.name} is now {label}. {brand.status_reason}".strip()
    notices = [
        _notification_row(ctx, user_id=owner, verb=f"moderation.{decision}", message=message, at=brand.moderated_at)
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
TIER_FEE = {Tier.NANO: 150, Tier.MICRO: 700, Tier.MACRO: 4000, Tier.MEGA: 20000}  # per sponsored post, EUR
TIER_ORDER = (Tier.NANO, Tier.MICRO, Tier.MACRO, Tier.MEGA)
# (start, end) offsets from demo today in days, per status; rng picks inside each range.
CAMPAIGN_WINDOWS = {
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
        _campaign_moderation_trail(ctx, result, campaign, staff)
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


def _round_money(amount: Decimal | float) -> Decimal:
    return Decimal(max(50, round(float(amount) / 50) * 50))


def _kind_terms(
    rng: random.Random,
    campaign: Campaign,
    spec: BrandSpec,
    product: str,
    product_value: int,
    fee: float,
    platforms: list[str],
) -> dict[str, object]:
    """Set the kind-specific terms and the per-creator budget; return the words for the brief."""
    dutch = spec.language == "nl"
    if campaign.kind == WorkKind.SPONSORED_POST:
        options = sorted({fmt for p in platforms for fmt in PLATFORM_POST_FORMATS.get(p, ("image",))})
        campaign.formats = rng.sample(options, k=min(len(options), rng.randint(1, 2)))
        campaign.posts_count = rng.randint(1, 3)
        campaign.budget_per_creator = _round_money(fee * campaign.posts_count)
        labels = [str(PostFormat(fmt).label).lower() for fmt in campaign.formats]
        return {"product": product, "posts": campaign.posts_count, "formats": (" / ").join(labels)}
    if campaign.kind == WorkKind.REVIEW:
        campaign.product_name = product
        campaign.product_value = Decimal(product_value)
        campaign.honest_review_clause = True
        campaign.budget_per_creator = _round_money(fee * 0.8)
        return {"product": product, "value": product_value}
    if campaign.kind == WorkKind.GIVEAWAY:
        campaign.prize = spec.prize
        campaign.prize_value = Decimal(spec.prize_value)
        campaign.winners_count = rng.randint(1, 5)
        span = (campaign.ends_on - campaign.starts_on).days
        campaign.entry_end_date = campaign.starts_on + dt.timedelta(days=int(span * 0.6))
        campaign.winner_announcement_date = campaign.entry_end_date + dt.timedelta(days=rng.randint(2, 5))
        if campaign.status == STATUS.COMPLETED:
            campaign.winners_announced_at = dt.datetime.combine(
                campaign.winner_announcement_date, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE)
            )
        campaign.budget_per_creator = _round_money(fee * 0.7)
        return {
            "prize": spec.prize,
            "entry_end": campaign.entry_end_date.strftime("%d-%m-%Y"),
            "announce": campaign.winner_announcement_date.strftime("%d-%m-%Y"),
        }
    campaign.duration_months = rng.choice((3, 6, 12))
    campaign.posts_per_month = rng.randint(1, 4)
    campaign.monthly_fee = _round_money(fee * campaign.posts_per_month * 0.6)
    campaign.exclusivity = rng.random() < 0.4
    campaign.budget_per_creator = campaign.monthly_fee * campaign.duration_months
    exclusive = ""
    if campaign.exclusivity:
        exclusive = (
            " Exclusiviteit: geen andere merken in onze categorie." if dutch else " Exclusive: no competing brands."
        )
    return {"months": campaign.duration_months, "per_month": campaign.posts_per_month, "exclusive": exclusive}


def _campaign_moderation_trail(ctx: DemoContext, result: SeedResult, campaign: Campaign, staff: list[int]) -> None:
    decision = "approve" if campaign.moderation_status == APPROVED else "reject"
    at = campaign.moderated_at
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
COLLABORATIONS_PER_CAMPAIGN = {
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
    parties = [Party.BRAND if start == CS.INVITED else Party.INFLUENCER]
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
    deadline = min(ctx.now - dt.timedelta(hours=1), ctx.at(campaign.ends_on, 18))
    if waiting:  # an invitation still waiting for an answer was sent recently
        first = max(campaign.published_at, ctx.days_ago(rng.uniform(0.5, 3)))
    else:
        first = campaign.published_at + dt.timedelta(hours=rng.uniform(2, 48))
    first = min(first, deadline - dt.timedelta(hours=steps))
    span = min((deadline - first).total_seconds(), steps * 4 * 86400)
    offsets = sorted(rng.uniform(0, span) for _ in range(steps - 1))
    return [first, *(first + dt.timedelta(seconds=offset) for offset in offsets)]


def _fee(rng: random.Random, campaign: Campaign, member: Member) -> tuple[int | None, Decimal]:
    offer_id, price = member.offers.get(campaign.kind, (None, None))
    ceiling = campaign.monthly_fee if campaign.kind == WorkKind.AMBASSADORSHIP else campaign.budget_per_creator
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
    messages, audits, notices = [], [], []
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
