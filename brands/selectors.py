"""Reads for the brand's shortlists and the side-by-side comparison of creators.

Everything is scoped to one brand: a shortlist id from another brand is simply not found (404).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from influencers.models import Influencer, Niche, Offer, SocialAccount
from influencers.selectors import audience_of
from influencers.taxonomy import AGE_FIELDS, GENDER_FIELDS, Currency

from .models import Shortlist, ShortlistEntry

COMPARE_MIN = 2
COMPARE_MAX = 4


def brand_shortlists(*, brand_id: int) -> QuerySet[Shortlist]:
    """The brand's shortlists with their number of creators (one query)."""
    return Shortlist.objects.filter(brand_id=brand_id).annotate(entry_count=Count("entries")).order_by("name")


def shortlist_for_brand(*, brand_id: int, pk: int) -> Shortlist:
    return get_object_or_404(Shortlist.objects.filter(brand_id=brand_id), pk=pk)


def shortlist_entries(*, shortlist: Shortlist, currency: str = Currency.EUR) -> QuerySet[ShortlistEntry]:
    """The creators on a list with what the list shows and exports (two queries whatever the length)."""
    cheapest = (
        Offer.objects.active()
        .filter(influencer_id=OuterRef("influencer_id"), currency=currency)
        .order_by("price")
        .values("price")[:1]
    )
    largest = SocialAccount.objects.filter(influencer_id=OuterRef("influencer_id")).order_by("-followers", "pk")
    return (
        ShortlistEntry.objects.filter(shortlist=shortlist)
        .select_related("influencer", "added_by")
        .annotate(
            cheapest_offer_price=Subquery(cheapest, output_field=DecimalField(max_digits=10, decimal_places=2)),
            primary_platform=Subquery(largest.values("platform")[:1]),
        )
        .prefetch_related(Prefetch("influencer__niches", queryset=Niche.objects.only("slug", "name")))
        .order_by("-added_at", "-pk")
    )


# --- compare ----------------------------------------------------------------------------------


def audience_share_in_target(
    audience: Any, *, age_bands: Iterable[str], genders: Iterable[str], countries: Iterable[str]
) -> float | None:
    """Share of an audience inside a target segment: ages × genders × countries (DESIGN §4).

    A dimension the target leaves open counts as 100 %. The dimensions are treated as independent,
    because audience reports give each one separately. None when the creator shared no audience.
    """
    if audience is None:
        return None
    age_bands, genders, countries = list(age_bands), list(genders), list(countries)
    age = sum(getattr(audience, AGE_FIELDS[band]) for band in age_bands if band in AGE_FIELDS) if age_bands else 1.0
    gender = sum(getattr(audience, GENDER_FIELDS[g]) for g in genders if g in GENDER_FIELDS) if genders else 1.0
    country = sum(c.share for c in audience.countries.all() if c.country in set(countries)) if countries else 1.0
    return max(0.0, min(1.0, age * gender * country))


@dataclass
class CompareColumn:
    """One creator's column in the comparison."""

    influencer: Influencer
    target_share: float | None
    reach_in_target: int | None
    offer: Offer | None
    expected_engagements: float | None
    cost_per_engagement: float | None
    cpm: float | None
    offers: list[Offer]


def _offer_account(influencer: Influencer, offer: Offer | None) -> SocialAccount | None:
    accounts = list(influencer.accounts.all())
    if offer is not None:
        for account in accounts:
            if account.platform == offer.platform:
                return account
    return accounts[0] if accounts else None


def expected_engagements(influencer: Influencer, offer: Offer | None) -> float | None:
    """Engagement one post can expect: followers × ER of the account the offer is for.

    Falls back to the creator's overall followers × ER when that account has no known ER.
    """
    account = _offer_account(influencer, offer)
    if account is not None and account.engagement_rate is not None and account.followers:
        return account.followers * account.engagement_rate
    if influencer.engagement_rate is not None and influencer.total_followers:
        return influencer.total_followers * influencer.engagement_rate
    return None


def compare_columns(*, influencers: Sequence[Influencer], campaign: Any | None) -> list[CompareColumn]:
    """Metrics, audience in the campaign's target, price, CPE and CPM per creator (no extra queries)."""
    currency = campaign.currency if campaign is not None else Currency.EUR
    columns = []
    for influencer in influencers:
        offers = list(influencer.active_offers)
        candidates = [o for o in offers if o.currency == currency]
        if campaign is not None:
            candidates = [o for o in candidates if o.kind == campaign.kind]
        offer = min(candidates, key=lambda o: o.price, default=None)
        audience = audience_of(influencer)
        if campaign is not None:
            share = audience_share_in_target(
                audience,
                age_bands=campaign.target_age_bands,
                genders=campaign.target_genders,
                countries=campaign.target_countries,
            )
        else:
            share = 1.0
        reach = round(influencer.total_followers * share) if share is not None else None
        engagements = expected_engagements(influencer, offer)
        price = float(offer.price) if offer is not None else None
        columns.append(
            CompareColumn(
                influencer=influencer,
                target_share=share if campaign is not None else None,
                reach_in_target=reach,
                offer=offer,
                expected_engagements=engagements,
                cost_per_engagement=price / engagements if price is not None and engagements else None,
                cpm=price / reach * 1000 if price is not None and reach else None,
                offers=offers,
            )
        )
    return columns


def compare_handles(values: Iterable[str]) -> list[str]:
    """The distinct handles asked for, in order, lowercased."""
    seen: list[str] = []
    for value in values:
        handle = (value or "").strip().lstrip("@").lower()
        if handle and handle not in seen:
            seen.append(handle)
    return seen
