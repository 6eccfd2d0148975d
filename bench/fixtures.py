"""The brands, the logged-in brand user, ~50 open campaigns and some collaborations of a bench data set.

Few rows, so they go through the ORM with full_clean() (every model rule applies), but not through
the publishing services: those would enqueue one match recompute per campaign, and the benchmark
times the engine itself, once, afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from brands.models import Brand, BrandMember
from campaigns.models import Campaign, Collaboration
from influencers.models import Influencer, Niche
from influencers.taxonomy import AgeBand, Country, Gender, ModerationStatus, Platform, PostFormat, Tier, WorkKind

BENCH_USERNAME = "bench-brand"
BENCH_PASSWORD = "bench-brand-password-2024"  # noqa: S105 - a throw-away benchmark database only
BRANDS = (
    ("bench-brand", "Bench & Co", "NL", 40),
    ("noord-outdoor", "Noord Outdoor", "NL", 6),
    ("studio-zuid", "Studio Zuid", "BE", 4),
)
KIND_MIX = (
    (WorkKind.SPONSORED_POST, 0.45),
    (WorkKind.REVIEW, 0.25),
    (WorkKind.GIVEAWAY, 0.15),
    (WorkKind.AMBASSADORSHIP, 0.15),
)
TARGET_COUNTRIES = ("NL", "BE", "DE", "GB", "US", "FR", "ES")
AGE_BANDS = [band.value for band in AgeBand]


def _kind_terms(rng: random.Random, kind: str, per_creator: Decimal, today: dt.date) -> dict:
    if kind == WorkKind.SPONSORED_POST:
        formats = rng.sample([PostFormat.IMAGE, PostFormat.REEL, PostFormat.STORY, PostFormat.VIDEO], rng.randint(1, 2))
        return {"posts_count": rng.randint(1, 4), "formats": [str(f) for f in formats]}
    if kind == WorkKind.REVIEW:
        return {
            "product_name": rng.choice(["Trail shoe X2", "Serum 10", "Noise-cancelling buds"]),
            "product_value": Decimal(rng.choice([49, 89, 149, 249])),
        }
    if kind == WorkKind.GIVEAWAY:
        return {
            "prize": rng.choice(["Weekend in Texel for two", "A year of coffee", "Bike voucher"]),
            "prize_value": Decimal(rng.choice([250, 500, 1200])),
            "winners_count": rng.randint(1, 5),
            "entry_end_date": today + dt.timedelta(days=rng.randint(14, 40)),
        }
    months = rng.randint(3, 12)
    return {
        "duration_months": months,
        "posts_per_month": rng.randint(1, 4),
        "monthly_fee": per_creator // months,
        "exclusivity": rng.random() < 0.4,
    }


def _audience_target(rng: random.Random) -> dict:
    start = rng.randint(1, 3)
    width = rng.randint(1, 3)
    genders = rng.choice([[], [Gender.FEMALE], [Gender.MALE], [Gender.FEMALE, Gender.OTHER]])
    countries = rng.sample(TARGET_COUNTRIES[:4], rng.randint(1, 3)) if rng.random() < 0.85 else []
    target = {
        "target_age_bands": AGE_BANDS[start : start + width],
        "target_genders": [str(g) for g in genders],
        "target_countries": countries,
        "target_languages": rng.choice([[], [], ["nl"], ["en"], ["nl", "en"]]),
        "platforms": [
            str(p) for p in rng.sample([Platform.INSTAGRAM, Platform.TIKTOK, Platform.YOUTUBE], rng.randint(1, 2))
        ],
    }
    if rng.random() < 0.5:
        target["tiers"] = [str(t) for t in rng.sample([Tier.NANO, Tier.MICRO, Tier.MACRO], rng.randint(1, 2))]
    else:
        low = rng.choice([1_000, 5_000, 10_000, 50_000])
        target["min_followers"], target["max_followers"] = low, low * rng.choice([10, 20, 100])
    return target


@transaction.atomic
def create_brands_and_campaigns(*, seed: int, collaborations_per_campaign: int = 40) -> dict[str, int]:
    """Brands (the first with the bench login), their open campaigns, and a few collaborations."""
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    User = get_user_model()
    User.objects.filter(username__startswith="bench-").delete()
    user = User.objects.create_user(BENCH_USERNAME, email="bench-brand@example.com", password=BENCH_PASSWORD)
    niches = list(Niche.objects.order_by("id"))
    campaigns: list[Campaign] = []
    for slug, name, country, count in BRANDS:
        brand = Brand(
            name=name,
            slug=slug,
            country=Country(country),
            status=ModerationStatus.APPROVED,
            verified=True,
            moderated_at=now,
        )
        brand.full_clean()
        brand.save()
        if slug == BENCH_USERNAME:
            BrandMember.objects.create(user=user, brand=brand, role=BrandMember.Role.OWNER)
        for number in range(count):
            kind = rng.choices([k for k, _ in KIND_MIX], weights=[w for _, w in KIND_MIX])[0]
            per_creator = Decimal(rng.choice([150, 300, 500, 1_000, 2_500, 10_000]))
            campaign = Campaign(
                brand=brand,
                title=f"{name}: {kind.label} #{number + 1}",
                brief="Benchmark campaign: show our product to the audience that fits it, in your own words.",
                kind=kind,
                currency="EUR",
                budget_per_creator=per_creator,
                budget_total=per_creator * rng.randint(5, 40),
                starts_on=today,
                ends_on=today + dt.timedelta(days=rng.randint(60, 400)),
                status=Campaign.Status.OPEN,
                visibility=rng.choice([Campaign.Visibility.PUBLIC] * 4 + [Campaign.Visibility.INVITE_ONLY]),
                moderation_status=ModerationStatus.APPROVED,
                moderated_at=now,
                published_at=now,
                created_by=user if slug == BENCH_USERNAME else None,
                **_kind_terms(rng, kind, per_creator, today),
                **_audience_target(rng),
            )
            campaign.full_clean()
            campaign.save()
            campaign.niches.set(rng.sample(niches, rng.randint(1, 3)))
            campaigns.append(campaign)

    # Some influencers already work with the bench brand: the "no collaboration with my brand"
    # filter and the matching's hard filter then have rows to exclude.
    max_id = Influencer.objects.order_by("-id").values_list("id", flat=True).first() or 0
    bench_campaigns = [c for c in campaigns if c.brand.slug == BENCH_USERNAME][:10]
    statuses = [
        Collaboration.Status.INVITED,
        Collaboration.Status.ACCEPTED,
        Collaboration.Status.DECLINED,
        Collaboration.Status.COMPLETED,
    ]
    rows = []
    for campaign in bench_campaigns:
        candidates = rng.sample(range(1, max_id + 1), min(2 * collaborations_per_campaign, max_id))
        visible = set(Influencer.objects.visible_to_brands().filter(id__in=candidates).values_list("id", flat=True))
        chosen = [i for i in candidates if i in visible][:collaborations_per_campaign]
        rows += [
            Collaboration(
                campaign=campaign,
                influencer_id=influencer_id,
                initiated_by=Collaboration.Party.BRAND,
                status=rng.choices(statuses, weights=[4, 3, 1.5, 1.5])[0],
                proposed_fee=campaign.budget_per_creator,
            )
            for influencer_id in chosen
        ]
    Collaboration.objects.bulk_create(rows, ignore_conflicts=True)
    return {"brands": len(BRANDS), "campaigns": len(campaigns), "collaborations": len(rows)}
