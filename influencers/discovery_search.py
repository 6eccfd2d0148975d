"""Discovery's filters and sorts over the search table (PostgreSQL): the same answers as InfluencerFilter.

`InfluencerFilter` validates the query string and is the reference: on SQLite it filters the source
tables directly. On PostgreSQL `search_rows` turns the same cleaned data into conditions on one row
per creator (influencers/search_row.py), so a search reads one table and one index per access path.
tests/influencers/test_search_table.py checks that both give the same ids, order and counts for every
filter and sort.
"""

from __future__ import annotations

import operator
from decimal import Decimal
from functools import reduce
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from .filters import SEARCH_CONFIG, InfluencerFilter, search_words
from .models import Influencer
from .search_row import ANY_KIND, SearchRow, price_column
from .taxonomy import AGE_FIELDS, GENDER_FIELDS

# Ranked by relevance: the handle and name matches, and this many of the largest other matches. At least the
# count cap + 1 (selectors.COUNT_CAP), or a word with more matches than the cap would count exactly the
# candidates and show "1,000" instead of "1,000+" (search_rows takes the number from its caller).
KEYWORD_CANDIDATES = 1_001

# Sort key columns of the search table (non-null, with the reference query's stand-ins for unknowns).
SORT_COLUMNS = {
    "followers": "total_followers",
    "engagement": "engagement_key",
    "growth": "growth_key",
    "credibility": "credibility_key",
    "delivers_on_time": "delivery_key",
}


class Tags:
    """The membership conditions of a search, as tags of the row (SearchRow.tags, one GIN index).

    Tags every match must have go into one `tags @> …` (the index intersects their posting lists in one
    scan); a choice of several ("beauty or fashion") is a `tags && …` of its own.
    """

    def __init__(self) -> None:
        self.required: list[str] = []
        self.choices: list[list[str]] = []

    def one_of(self, tags: list[str]) -> None:
        if len(tags) == 1:
            self.required.append(tags[0])
        elif tags:
            self.choices.append(tags)

    def apply(self, rows: QuerySet[SearchRow]) -> QuerySet[SearchRow]:
        if self.required:
            rows = rows.filter(tags__contains=self.required)
        for choice in self.choices:
            rows = rows.filter(tags__overlap=choice)
        return rows


def search_rows(filterset: InfluencerFilter, *, keyword_candidates: int = KEYWORD_CANDIDATES) -> QuerySet[SearchRow]:
    """The creators matching the filter set's cleaned data, ordered like `filterset.qs`, with `sort_key`.

    Also annotated: `cheapest_offer_price` (NO_PRICE when none, in the selected currency and kind) and,
    with search words, `relevance`. Sorted by relevance, the rows are the keyword candidates (`_search`):
    `keyword_candidates` must exceed the count cap of the caller.
    """
    filterset.is_valid()  # validate: invalid fields are left out of cleaned_data, as in filterset.qs
    data = filterset.form.cleaned_data
    tags = Tags()
    rows = _filter_own_fields(SearchRow.objects.all(), data, filterset, tags)
    rows = _filter_audience(rows, data, tags)
    rows = _filter_offers(rows, data, filterset, tags)
    rows = tags.apply(rows)
    if data.get("no_collaboration") and filterset.brand_id is not None:
        worked_with = Influencer.objects.filter(
            pk=OuterRef("influencer_id"), collaborations__campaign__brand_id=filterset.brand_id
        )
        rows = rows.filter(~Exists(worked_with))
    rows = _search(
        rows, data.get("q") or "", by_relevance=filterset.sort_option.name == "relevance", candidates=keyword_candidates
    )
    return _order(rows, filterset)


def _present(value: Any) -> bool:
    return value not in (None, "", [], (), {})


def _filter_own_fields(
    rows: QuerySet[SearchRow], data: dict, filterset: InfluencerFilter, tags: Tags
) -> QuerySet[SearchRow]:
    if _present(data.get("niches")):
        tags.one_of([f"n{filterset.niche_ids[slug][0]}" for slug in data["niches"] if slug in filterset.niche_ids])
    if _present(data.get("platform")):
        tags.one_of([f"p:{platform}" for platform in data["platform"]])
    if _present(data.get("tier")):
        tags.one_of([f"t:{tier}" for tier in data["tier"]])
    if _present(data.get("country")):
        tags.one_of([f"c:{data['country']}"])
    if _present(data.get("language")):
        tags.one_of([f"l:{data['language']}"])
    conditions: dict[str, Any] = {}
    for name, lookup in (("followers_min", "total_followers__gte"), ("followers_max", "total_followers__lte")):
        if data.get(name) is not None:
            conditions[lookup] = data[name]
    for name, lookup in (
        ("er_min", "engagement_rate__gte"),
        ("er_max", "engagement_rate__lte"),
        ("growth_min", "follower_growth_30d__gte"),
    ):
        if data.get(name) is not None:
            conditions[lookup] = float(data[name]) / 100
    if data.get("credibility_min") is not None:
        conditions["credibility_score__gte"] = data["credibility_min"]
    if data.get("delivers_on_time_min") is not None:  # NULL (not enough history) never passes
        conditions["delivery_on_time_percent__gte"] = data["delivers_on_time_min"]
    if _present(data.get("city")):
        conditions["city__iexact"] = data["city"]
    return rows.filter(**conditions)


def _share_condition(alias: str, minimum_percent: Decimal | None) -> Q:
    # As InfluencerFilter._share_condition: without a minimum, some of the audience is there at all.
    if minimum_percent is None:
        return Q(**{f"{alias}__gt": 0})
    return Q(**{f"{alias}__gte": float(minimum_percent) / 100 - 1e-9})


def share_tokens(names: list[str], minimum_percent: Decimal | None) -> list[str]:
    """Tags of which a row must have one to reach `minimum_percent` summed over `names` (none: no hint).

    A sum of k shares reaching m means one of them reaches m / k, so one of the names has the tag of
    the tenth at or below m / k (migration 0009 writes them: "NL>=40", "a18_24>=50", "gfemale>=70").
    """
    if minimum_percent is None or not names:
        return []
    tenth = min(int(float(minimum_percent) / len(names) // 10) * 10, 90)
    return [f"{name}>={tenth}" for name in names] if tenth >= 10 else []


def _filter_audience(rows: QuerySet[SearchRow], data: dict, tags: Tags) -> QuerySet[SearchRow]:
    for choices, minimum, columns, prefix in (
        ("audience_age", "audience_age_min", AGE_FIELDS, "a"),
        ("audience_gender", "audience_gender_min", GENDER_FIELDS, "g"),
    ):
        values = [value for value in data.get(choices) or [] if value in columns]
        if values:
            tags.one_of(share_tokens([f"{prefix}{value}" for value in values], data.get(minimum)))
            share = reduce(operator.add, [F(columns[value]) for value in values])
            rows = rows.alias(**{f"{choices}_share": share}).filter(
                _share_condition(f"{choices}_share", data.get(minimum))
            )
    countries = list(data.get("audience_country") or [])
    if countries:
        # The shares of the chosen countries added up; a creator with none of them has no share at all.
        tags.one_of(share_tokens(countries, data.get("audience_country_min")) or [f"ac:{code}" for code in countries])
        shares = [
            Coalesce(Cast(KeyTextTransform(country, "audience_countries"), FloatField()), Value(0.0))
            for country in countries
        ]
        rows = rows.alias(audience_country_share=reduce(operator.add, shares)).filter(
            _share_condition("audience_country_share", data.get("audience_country_min"))
        )
    return rows


def _price_field(data: dict, filterset: InfluencerFilter) -> str:
    return price_column(filterset.selected_currency(data), data.get("offer_kind") or None)


def _filter_offers(
    rows: QuerySet[SearchRow], data: dict, filterset: InfluencerFilter, tags: Tags
) -> QuerySet[SearchRow]:
    if data.get("offer_kind") or data.get("max_price") is not None:
        tags.one_of([f"o:{filterset.selected_currency(data)}:{data.get('offer_kind') or ANY_KIND}"])
    if data.get("max_price") is not None:
        rows = rows.filter(**{f"{_price_field(data, filterset)}__lte": data["max_price"]})
    return rows


def _search(rows: QuerySet[SearchRow], text: str, *, by_relevance: bool, candidates: int) -> QuerySet[SearchRow]:
    """Rows whose document has every word (as a prefix), with `relevance` (ts_rank, as the reference).

    Sorted by relevance, only the candidates are ranked: every match in a handle or name, and the
    `candidates` largest matches (by followers) beyond those. A common word ("fashion") matches a
    tenth of all creators in some bio, and ranking all of them cost 400 ms at a million; a handle or
    name match always outranks a bio-only one (weight A against D), so the top of the list is exact;
    with more candidates than the count cap, the capped count is the reference's too (docs/decisions.md).
    """
    words = search_words(text)
    if not words:
        return rows
    query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG)
    rows = rows.filter(document=query)
    if by_relevance:
        in_name = rows.filter(name_document=query).values("influencer_id")
        largest = rows.order_by("-total_followers", "-influencer_id").values("influencer_id")[:candidates]
        rows = SearchRow.objects.filter(influencer_id__in=in_name.union(largest))
    return rows.annotate(relevance=Cast(SearchRank(F("document"), query), FloatField()))


def sort_column(filterset: InfluencerFilter) -> str | None:
    """The search table column the page is sorted by (None for relevance, which is computed)."""
    sort = filterset.sort_option
    if sort.name == "relevance":
        return None
    return _price_field(filterset.form.cleaned_data, filterset) if sort.name == "price" else SORT_COLUMNS[sort.name]


def _order(rows: QuerySet[SearchRow], filterset: InfluencerFilter) -> QuerySet[SearchRow]:
    data = filterset.form.cleaned_data
    price = _price_field(data, filterset)
    column = sort_column(filterset)
    rows = rows.annotate(sort_key=F(column) if column else F("relevance"), cheapest_offer_price=F(price))
    sort = filterset.sort_option
    if sort.descending:
        return rows.order_by(F("sort_key").desc(), F("influencer_id").desc())
    return rows.order_by(F("sort_key").asc(), F("influencer_id").asc())
