"""Reads for the brand's shortlists.

Everything is scoped to one brand: a shortlist id from another brand is simply not found (404).
"""

from __future__ import annotations

from django.db.models import Count, DecimalField, OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from influencers.models import Niche, Offer, SocialAccount
from influencers.taxonomy import Currency

from .models import Shortlist, ShortlistEntry


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
