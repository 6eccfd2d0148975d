"""Reads for the brand's shortlists.

Everything is scoped to one brand: a shortlist id from another brand is simply not found (404).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from influencers.access import Actor
from influencers.models import Niche, Offer, SocialAccount
from influencers.taxonomy import Currency, ModerationStatus

from .models import Shortlist, ShortlistEntry

if TYPE_CHECKING:  # django-stubs-ext is a development requirement: the type checker's names only
    from django_stubs_ext import WithAnnotations


class EntryAnnotations(TypedDict):
    """What `shortlist_entries` adds to each entry."""

    available: bool
    cheapest_offer_price: Decimal | None
    primary_platform: str | None


if TYPE_CHECKING:
    ListedEntry = WithAnnotations[ShortlistEntry, EntryAnnotations]


def brand_shortlists(*, actor: Actor) -> QuerySet[Shortlist]:
    """The actor's brand's shortlists with their number of creators (one query)."""
    return Shortlist.objects.managed_by(actor).annotate(entry_count=Count("entries")).order_by("name")


def shortlist_for_brand(*, actor: Actor, pk: int) -> Shortlist:
    return get_object_or_404(Shortlist.objects.managed_by(actor), pk=pk)


def shortlist_entries(*, shortlist: Shortlist, currency: str = Currency.EUR) -> QuerySet[ListedEntry]:
    """The creators on a list with what the list shows and exports (two queries whatever the length).

    `available` is False for a creator brands may no longer see (suspended, rejected or paused since it
    was added): pages, API and CSV show such an entry as "no longer available", with none of its data.
    """
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
            available=Case(
                # InfluencerQuerySet.visible_to_brands(), on the joined row
                When(influencer__status=ModerationStatus.APPROVED, influencer__is_active=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            cheapest_offer_price=Subquery(cheapest, output_field=DecimalField(max_digits=10, decimal_places=2)),
            primary_platform=Subquery(largest.values("platform")[:1]),
        )
        .prefetch_related(Prefetch("influencer__niches", queryset=Niche.objects.only("slug", "name")))
        .order_by("-added_at", "-pk")
    )


def shortlist_export_entries(*, shortlist: Shortlist) -> QuerySet[ListedEntry]:
    """shortlist_entries plus what only the CSV shows: each creator's accounts and audience (five queries per
    chunk of the export, whatever its length)."""
    return (
        shortlist_entries(shortlist=shortlist)
        .select_related("influencer__audience")
        .prefetch_related(
            Prefetch(
                "influencer__accounts",
                queryset=SocialAccount.objects.only("influencer_id", "platform", "handle", "followers").order_by(
                    "-followers", "pk"
                ),
            ),
            "influencer__audience__countries",
        )
    )
