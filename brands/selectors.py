"""Reads for the brand's shortlists.

Everything is scoped to one brand: a shortlist id from another brand is simply not found (404).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlencode

from django.contrib.auth.models import User
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
from django.db.models.functions import Lower
from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404

from influencers.access import Actor
from influencers.filters import InfluencerFilter
from influencers.models import Influencer, Niche, Offer, SocialAccount, niche_label
from influencers.taxonomy import Currency, ModerationStatus

from .models import SavedSearch, Shortlist, ShortlistEntry

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


# --- Saved searches ---------------------------------------------------------------------------------

SAVED_SEARCH_QUERY_MAX_LENGTH = 2000
# Values the discovery form always sends that change nothing (prices are compared in euros unless asked).
SAVED_SEARCH_DEFAULTS = {"currency": Currency.EUR.value}


def saved_search_query_normalize(query: str | QueryDict) -> str:
    """The discovery FilterSet's own parameters with a value, sorted: the same search is always the same text.

    Paging (`cursor`) and anything the page does not read are dropped, so a saved link runs the search from
    its first page.
    """
    data = query if isinstance(query, QueryDict) else QueryDict(query)
    pairs = sorted(
        (key, value.strip())
        for key in data
        if key in InfluencerFilter.base_filters
        for value in data.getlist(key)
        if value.strip() and value.strip() != SAVED_SEARCH_DEFAULTS.get(key)
    )
    return urlencode(pairs)


def saved_search_filterset(*, query: str, user: User) -> InfluencerFilter:
    """The discovery page's FilterSet for a saved query, as `user` (a member of the brand) would see it.

    The brand matters for "not yet working with my brand"; the FilterSet reads it from the request's actor.
    """
    request = HttpRequest()
    request.user = user
    return InfluencerFilter(QueryDict(query), request=request)


def saved_search_new_matches(
    *, saved_search: SavedSearch, user: User, until: dt.datetime
) -> QuerySet[Influencer] | None:
    """Creators the saved search finds that were approved after `checked_until` and no later than `until`.

    Exactly the discovery page's results (visible creators only, same FilterSet) restricted to those
    approval times; None when the stored query no longer passes the FilterSet (its fields changed).
    """
    filterset = saved_search_filterset(query=saved_search.query, user=user)
    if not filterset.is_valid():
        return None
    return filterset.qs.filter(
        status=ModerationStatus.APPROVED,
        moderated_at__gt=saved_search.checked_until,
        moderated_at__lte=until,
    )


def brand_saved_searches(*, actor: Actor) -> QuerySet[SavedSearch]:
    """The actor's brand's saved searches, by name (one query)."""
    return SavedSearch.objects.managed_by(actor).order_by(Lower("name"), "pk")


def saved_search_for_brand(*, actor: Actor, pk: int) -> SavedSearch:
    return get_object_or_404(SavedSearch.objects.managed_by(actor), pk=pk)


def niche_labels() -> dict[str, str]:
    """Every niche's name in the visitor's language by slug (one query, shared by a whole list of summaries)."""
    return {slug: niche_label(name) for slug, name in Niche.objects.values_list("slug", "name")}


def saved_search_summary(query: str, niches: dict[str, str] | None = None) -> str:
    """The filters of a saved query in words ("Platforms: Instagram · Followers from: 10000"), without a query.

    Choices known without the database (platforms, tiers, countries, …) show their labels; niches show the
    label from `niches` (see `niche_labels`), else their slug.
    """
    data = QueryDict(query)
    parts = []
    for name, declared in InfluencerFilter.base_filters.items():
        values = [value for value in data.getlist(name) if value]
        if not values or name in {"sort", "currency"}:
            continue
        labels = (niches or {}) if name == "niches" else dict(declared.extra.get("choices") or [])
        shown = ", ".join(str(labels.get(value, value)) for value in values)
        if name == "no_collaboration":
            parts.append(str(declared.label))
        else:
            parts.append(f"{declared.label}: {shown}")
    return " · ".join(parts)
