"""The one FilterSet behind creator discovery: the /influencers/ page and the API both use it.

It only ever returns profiles a brand may see (`visible_to_brands`), and it always orders by a
non-null sort key plus the id, so the selectors can paginate by keyset: a page after the cursor
(sort key, id) is one index range, never an OFFSET.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connections
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from .access import actor_of
from .filter_form import PerInstanceFilters, SharedChoices, cached_form_class
from .models import AudienceCountry, Influencer, InfluencerQuerySet, Niche, Offer, SocialAccount, niche_label
from .taxonomy import AGE_FIELDS, GENDER_FIELDS, AgeBand, Country, Currency, Gender, Language, Platform, Tier, WorkKind
from .widgets import FastCheckboxSelectMultiple, FastSelect

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

# The full-text document of a profile (PostgreSQL). Dots and underscores in handles become spaces
# so "anna.style" and "anna style" find the same creator. Migration 0005_stored_search_document
# stores exactly this expression in the generated column STORED_DOCUMENT (GIN-indexed), which the
# search reads: change both together (a PostgreSQL test compares them).
SEARCH_CONFIG = "simple"
STORED_DOCUMENT = "search_document"


def search_vector() -> CombinedExpression:
    handle_words = Func(F("handle"), Value("._"), Value("  "), function="translate")
    return (
        SearchVector(handle_words, weight="A", config=SEARCH_CONFIG)
        + SearchVector("display_name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("bio", weight="D", config=SEARCH_CONFIG)
    )


class StoredDocument(Expression):
    """search_vector() as stored by migration 0005 in a generated, GIN-indexed column (PostgreSQL only).

    The column is not a model field (see the migration), so it is named here, qualified with the alias
    of the query that compiles it: as a subquery (discovery's page-id query) the table is relabelled
    and a fixed "influencers_influencer" prefix would point at the outer query's row instead.
    """

    output_field = SearchVectorField()

    # A list, as Django's own expressions return: its search lookups join `lhs_params + rhs_params` with
    # lists, so the tuple the stubs declare raises TypeError on PostgreSQL (tests/influencers/test_discovery.py).
    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        alias = compiler.query.base_table or Influencer._meta.db_table
        quote = connection.ops.quote_name
        return f"{compiler.quote_name_unless_alias(alias)}.{quote(STORED_DOCUMENT)}", []


def stored_document() -> StoredDocument:
    return StoredDocument()


# Stand-ins for unknown values in sort keys, so the key is never NULL and sorts last.
UNKNOWN_LOW = -1e9
UNKNOWN_PRICE = Decimal("1000000000")
MAX_SEARCH_WORDS = 8
# Upper bounds of numeric filters: far above any real value, low enough for a 64-bit column.
MAX_FOLLOWERS = 10_000_000_000
MAX_GROWTH_PERCENT = 1_000_000
MAX_PRICE = 100_000_000


@dataclass(frozen=True)
class Sort:
    """How one sort option orders: the key expression, the direction and the Python type of its values."""

    name: str
    descending: bool
    value_type: type


SORTS: dict[str, Sort] = {
    "relevance": Sort("relevance", True, float),
    "followers": Sort("followers", True, int),
    "engagement": Sort("engagement", True, float),
    "growth": Sort("growth", True, float),
    "credibility": Sort("credibility", True, int),
    "price": Sort("price", False, Decimal),
    "delivers_on_time": Sort("delivers_on_time", True, int),
}

SORT_CHOICES = [
    ("relevance", _("Relevance (with search text)")),
    ("followers", _("Most followers")),
    ("engagement", _("Highest engagement rate")),
    ("growth", _("Fastest growing (30 days)")),
    ("credibility", _("Highest credibility")),
    ("price", _("Lowest price")),
    ("delivers_on_time", _("Delivers on time")),
]


def search_words(text: str) -> list[str]:
    """The words of a search box entry (letters and digits only, so nothing reaches tsquery syntax)."""
    return re.findall(r"[^\W_]+", text.lower())[:MAX_SEARCH_WORDS]


class WholeNumberFilter(django_filters.NumberFilter):
    """A number filter on an integer column: "89.5" is refused with a message, not silently cut to 89."""

    field_class = forms.IntegerField


def percent_field_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"})


class DiscoveryForm(forms.Form):
    """Cross-field checks: a range must be ordered, a minimum share needs something to share in."""

    # Its fields belong to its class and are not changed per instance, so the sidebar may reuse a choice
    # field's HTML for the same value and language (influencers/templatetags/filter_tags.py).
    renders_the_same_for_the_same_value = True
    RANGES = (("followers_min", "followers_max"), ("er_min", "er_max"))
    SHARES = (
        ("audience_country", "audience_country_min", _("Choose at least one audience country for this minimum.")),
        ("audience_age", "audience_age_min", _("Choose at least one age band for this minimum.")),
        ("audience_gender", "audience_gender_min", _("Choose at least one gender for this minimum.")),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        for low, high in self.RANGES:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                # An upside-down range means neither end can be trusted: apply neither.
                self.add_error(high, _("The maximum is below the minimum."))
                data.pop(low, None)
        for choices, minimum, message in self.SHARES:
            if data.get(minimum) is not None and not data.get(choices):
                self.add_error(minimum, message)
        return data


# Longer search text is refused with a message: no name or city is this long, and SQLite cannot
# match a LIKE pattern over 50,000 bytes (it fails the query).
SEARCH_MAX_LENGTH = 200


class InfluencerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_noop",
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in the handle, name or bio."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    niches = django_filters.MultipleChoiceFilter(
        label=_("Niches"), method="filter_niches", widget=FastCheckboxSelectMultiple
    )
    platform = django_filters.MultipleChoiceFilter(
        label=_("Platforms"), choices=Platform.choices, method="filter_platform", widget=FastCheckboxSelectMultiple
    )
    tier = django_filters.MultipleChoiceFilter(
        label=_("Tiers"), choices=Tier.choices, method="filter_tier", widget=FastCheckboxSelectMultiple
    )
    followers_min = django_filters.NumberFilter(
        label=_("Followers from"), field_name="total_followers", lookup_expr="gte", min_value=0, max_value=MAX_FOLLOWERS
    )
    followers_max = django_filters.NumberFilter(
        label=_("Followers up to"),
        field_name="total_followers",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_FOLLOWERS,
    )
    er_min = django_filters.NumberFilter(
        label=_("Engagement rate from (%)"),
        method="filter_percent",
        min_value=0,
        max_value=100,
        widget=percent_field_widget(),
    )
    er_max = django_filters.NumberFilter(
        label=_("Engagement rate up to (%)"),
        method="filter_percent",
        min_value=0,
        max_value=100,
        widget=percent_field_widget(),
    )
    growth_min = django_filters.NumberFilter(
        label=_("30-day growth at least (%)"),
        method="filter_percent",
        min_value=-100,
        max_value=MAX_GROWTH_PERCENT,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    credibility_min = django_filters.NumberFilter(
        label=_("Credibility at least"),
        field_name="credibility_score",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    # The stored copy of campaigns' delivers-on-time score (docs/metrics.md#delivers-on-time-in-discovery);
    # NULL (fewer than 3 data points) never passes, so "not enough history" is left out when it is set.
    delivers_on_time_min = WholeNumberFilter(
        label=_("Delivers on time at least (%)"),
        field_name="delivery_on_time_percent",
        lookup_expr="gte",
        min_value=0,
        max_value=100,
        help_text=_("Creators with fewer than 3 deliverables in the last 365 days have no score yet and are left out."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    country = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("Creator country"),
        choices=SharedChoices(Country.choices),
        field_name="country",
        empty_label=_("Any country"),
    )
    city = django_filters.CharFilter(
        label=_("Creator city"), field_name="city", lookup_expr="iexact", max_length=SEARCH_MAX_LENGTH
    )
    language = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("Creator language"),
        choices=SharedChoices(Language.choices),
        method="filter_language",
        empty_label=_("Any language"),
    )
    audience_country = django_filters.MultipleChoiceFilter(
        label=_("Audience countries"),
        choices=SharedChoices(Country.choices),
        method="filter_noop",
        # Ticked in a scrolling list with a "find" box (static/js/site.js), not a Ctrl-click multi-select.
        widget=FastCheckboxSelectMultiple(attrs={"class": "searchable-choices"}),
        help_text=_("The shares of the chosen countries are added up."),
    )
    audience_country_min = django_filters.NumberFilter(
        label=_("…at least (% of audience)"),
        method="filter_noop",
        min_value=0,
        max_value=100,
        widget=percent_field_widget(),
    )
    audience_age = django_filters.MultipleChoiceFilter(
        label=_("Audience ages"), choices=AgeBand.choices, method="filter_noop", widget=FastCheckboxSelectMultiple
    )
    audience_age_min = django_filters.NumberFilter(
        label=_("…at least (% of audience)"),
        method="filter_noop",
        min_value=0,
        max_value=100,
        widget=percent_field_widget(),
    )
    audience_gender = django_filters.MultipleChoiceFilter(
        label=_("Audience gender"), choices=Gender.choices, method="filter_noop", widget=FastCheckboxSelectMultiple
    )
    audience_gender_min = django_filters.NumberFilter(
        label=_("…at least (% of audience)"),
        method="filter_noop",
        min_value=0,
        max_value=100,
        widget=percent_field_widget(),
    )
    offer_kind = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("Has an active offer for"),
        choices=WorkKind.choices,
        method="filter_noop",
        empty_label=_("Any kind of work"),
    )
    max_price = django_filters.NumberFilter(
        label=_("Maximum price"),
        method="filter_noop",
        min_value=0,
        max_value=MAX_PRICE,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
    )
    currency = django_filters.ChoiceFilter(
        widget=FastSelect, label=_("Currency"), choices=Currency.choices, method="filter_noop", empty_label=None
    )
    no_collaboration = django_filters.BooleanFilter(
        label=_("Not yet working with my brand"),
        method="filter_noop",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_noop",
        empty_label=_("Best match"),
        help_text=_("Best match: relevance when you search for words, otherwise most followers."),
    )

    class Meta:
        model = Influencer
        fields: list[str] = []
        form = DiscoveryForm

    def __init__(
        self,
        data: QueryDict | dict | None = None,
        queryset: InfluencerQuerySet | None = None,
        *,
        request: HttpRequest | None = None,
        prefix: str | None = None,
    ) -> None:
        # Always bound, so defaults (visibility, sort) apply to an empty query string as well.
        queryset = (queryset if queryset is not None else Influencer.objects.all()).visible_to_brands()
        super().__init__(data if data is not None else QueryDict(), queryset, request=request, prefix=prefix)
        # One query for the niche choices, shared by rendering and validation.
        self.niche_ids = {slug: (pk, name) for pk, slug, name in Niche.objects.values_list("pk", "slug", "name")}
        self.filters["niches"].extra["choices"] = sorted(
            ((slug, niche_label(name)) for slug, (_pk, name) in self.niche_ids.items()), key=lambda choice: choice[1]
        )

    def get_form_class(self) -> type[forms.Form]:
        """django-filter's form class, built once per niche choices (influencers/filter_form.py)."""
        key = (type(self), tuple(self.filters["niches"].extra["choices"]))
        return cached_form_class(key, super().get_form_class)

    # --- single-field filters ---------------------------------------------------------------

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Applied together with related fields in `filter_queryset`."""
        return queryset

    def filter_niches(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        ids = [self.niche_ids[slug][0] for slug in value if slug in self.niche_ids]
        if not ids:
            return queryset
        through = Influencer.niches.through.objects.filter(influencer_id=OuterRef("pk"), niche_id__in=ids)
        return queryset.filter(Exists(through))

    def filter_platform(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Exists(SocialAccount.objects.filter(influencer_id=OuterRef("pk"), platform__in=value)))

    def filter_tier(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(tier__in=value) if value else queryset

    def filter_percent(self, queryset: QuerySet, name: str, value: Decimal | None) -> QuerySet:
        if value is None:
            return queryset
        field, lookup = {
            "er_min": ("engagement_rate", "gte"),
            "er_max": ("engagement_rate", "lte"),
            "growth_min": ("follower_growth_30d", "gte"),
        }[name]
        return queryset.filter(**{f"{field}__{lookup}": float(value) / 100})

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            return queryset.filter(languages__contains=[value])
        # SQLite has no JSON containment: the list is stored as text, so match the quoted code.
        return queryset.filter(languages__icontains=f'"{value}"')

    # --- filters over several fields, then text search and sorting ------------------------------

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        queryset = self._filter_audience(queryset, data)
        queryset = self._filter_offers(queryset, data)
        queryset = self._filter_no_collaboration(queryset, data)
        queryset = self._annotate_cheapest_offer(queryset, data)
        queryset = self._search(queryset, data.get("q") or "")
        return self._order(queryset)

    def _filter_audience(self, queryset: QuerySet, data: dict) -> QuerySet:
        for choices, minimum, columns in (
            ("audience_age", "audience_age_min", AGE_FIELDS),
            ("audience_gender", "audience_gender_min", GENDER_FIELDS),
        ):
            selected = [columns[value] for value in data.get(choices) or [] if value in columns]
            if selected:
                share = reduce(operator.add, [F(f"audience__{column}") for column in selected])
                queryset = queryset.alias(**{f"{choices}_share": share}).filter(
                    self._share_condition(f"{choices}_share", data.get(minimum))
                )
        countries = data.get("audience_country") or []
        if countries:
            # "At least 40 % in NL or BE": the shares of the chosen countries, added up.
            country_share = (
                AudienceCountry.objects.filter(audience__influencer_id=OuterRef("pk"), country__in=countries)
                .order_by()
                .values("audience_id")
                .annotate(total=Sum("share"))
                .values("total")
            )
            queryset = queryset.alias(audience_country_share=Subquery(country_share, output_field=FloatField())).filter(
                self._share_condition("audience_country_share", data.get("audience_country_min"))
            )
        return queryset

    @staticmethod
    def _share_condition(alias: str, minimum_percent: Decimal | None) -> Q:
        # Without a minimum, "audience in NL" means some of it is there at all.
        if minimum_percent is None:
            return Q(**{f"{alias}__gt": 0})
        return Q(**{f"{alias}__gte": float(minimum_percent) / 100 - 1e-9})

    def _offers(self, data: dict) -> QuerySet[Offer]:
        offers = Offer.objects.active().filter(influencer_id=OuterRef("pk"), currency=self.selected_currency(data))
        if data.get("offer_kind"):
            offers = offers.filter(kind=data["offer_kind"])
        return offers

    def _filter_offers(self, queryset: QuerySet, data: dict) -> QuerySet:
        if not data.get("offer_kind") and data.get("max_price") is None:
            return queryset
        offers = self._offers(data)
        if data.get("max_price") is not None:
            offers = offers.filter(price__lte=data["max_price"])
        return queryset.filter(Exists(offers))

    def _annotate_cheapest_offer(self, queryset: QuerySet, data: dict) -> QuerySet:
        cheapest = self._offers(data).order_by("price").values("price")[:1]
        return queryset.annotate(
            cheapest_offer_price=Subquery(cheapest, output_field=DecimalField(max_digits=10, decimal_places=2)),
            cheapest_offer_currency=Value(self.selected_currency(data)),
        )

    def _filter_no_collaboration(self, queryset: QuerySet, data: dict) -> QuerySet:
        brand_id = self.brand_id
        if not data.get("no_collaboration") or brand_id is None:
            return queryset
        # Through the reverse relation, so influencers/ does not import campaigns/.
        return queryset.exclude(collaborations__campaign__brand_id=brand_id)

    def _search(self, queryset: QuerySet, text: str) -> QuerySet:
        words = search_words(text)
        if not words:
            return queryset
        if connections[queryset.db].vendor == "postgresql":
            query = SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG)
            # The stored document, so ranking reads each match's vector instead of rebuilding it.
            document = stored_document()
            # ts_rank is a float4; as float8 its value survives the round trip through a cursor exactly.
            return (
                queryset.alias(search_document=document)
                .filter(search_document=query)
                .annotate(relevance=Cast(SearchRank(document, query), FloatField()))
            )
        # Portable fallback (the SQLite demo): every word somewhere, handle hits first.
        for word in words:
            queryset = queryset.filter(
                Q(handle__icontains=word) | Q(display_name__icontains=word) | Q(bio__icontains=word)
            )
        first = words[0]
        return queryset.annotate(
            relevance=Case(
                When(handle__istartswith=first, then=Value(3.0)),
                When(display_name__icontains=first, then=Value(2.0)),
                When(handle__icontains=first, then=Value(2.0)),
                default=Value(1.0),
                output_field=FloatField(),
            )
        )

    # --- sorting ----------------------------------------------------------------------------

    @property
    def brand_id(self) -> int | None:
        """The requesting user's brand: the request's actor, resolved once (influencers/access.py)."""
        return actor_of(self.request).brand_id if self.request is not None else None

    def selected_currency(self, data: dict | None = None) -> str:
        data = data if data is not None else self.form.cleaned_data
        return data.get("currency") or Currency.EUR

    @property
    def sort_option(self) -> Sort:
        data = getattr(self.form, "cleaned_data", {})
        name = data.get("sort") or ""
        has_text = bool(search_words(data.get("q") or ""))
        if name not in SORTS or (name == "relevance" and not has_text):
            name = "relevance" if has_text else "followers"
        return SORTS[name]

    def _order(self, queryset: QuerySet) -> QuerySet:
        sort = self.sort_option
        key = {
            "relevance": lambda: F("relevance"),
            "followers": lambda: F("total_followers"),
            "engagement": lambda: Coalesce(F("engagement_rate"), Value(UNKNOWN_LOW), output_field=FloatField()),
            "growth": lambda: Coalesce(F("follower_growth_30d"), Value(UNKNOWN_LOW), output_field=FloatField()),
            "credibility": lambda: Coalesce(F("credibility_score"), Value(-1), output_field=IntegerField()),
            "delivers_on_time": lambda: Coalesce(F("delivery_on_time_percent"), Value(-1), output_field=IntegerField()),
            "price": lambda: Coalesce(
                F("cheapest_offer_price"),
                Value(UNKNOWN_PRICE),
                output_field=DecimalField(max_digits=13, decimal_places=2),
            ),
        }[sort.name]()
        queryset = queryset.annotate(sort_key=key)
        if sort.descending:
            return queryset.order_by(F("sort_key").desc(), F("pk").desc())
        return queryset.order_by(F("sort_key").asc(), F("pk").asc())

    def active_filter_count(self) -> int:
        """How many filters the user set (for the "clear filters" link and the result heading)."""
        data = getattr(self.form, "cleaned_data", {})
        ignored = {"sort", "currency"}
        return sum(1 for name, value in data.items() if name not in ignored and value not in (None, "", [], False))


# `filterset.sort` reads like the query parameter it comes from. The declared filter of that name
# lives in `base_filters` (the metaclass took it off the class), so this alias hides nothing.
InfluencerFilter.sort = InfluencerFilter.sort_option
# Each instance copies the declared filters cheaply instead of deep-copying their options (filter_form.py).
InfluencerFilter.base_filters = PerInstanceFilters(InfluencerFilter.base_filters)
