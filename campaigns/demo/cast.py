"""The fixed cast of the demo: brands, their campaigns' layout, and the words creators and brands use."""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import Campaign
from influencers.taxonomy import (
    ModerationStatus,
    WorkKind,
)

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
MODERATION_REASONS: dict[str, tuple[str, ...]] = {
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
