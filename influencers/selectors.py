"""Reads for brand-facing pages: discovery, a creator's profile, and side-by-side comparison.

Every function fetches what its page shows in a fixed number of queries (select_related /
prefetch_related / one query per chart series), whatever the number of rows.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext

from . import formatting
from .discovery_search import KEYWORD_CANDIDATES, search_rows, sort_column
from .filters import SORTS, InfluencerFilter, Sort
from .importers.self_reported import verified_numbers_exist
from .metrics.formulas import engagement_fields
from .models import (
    Audience,
    AudienceCountry,
    FollowerSnapshot,
    Influencer,
    Niche,
    Offer,
    Post,
    SocialAccount,
    niche_label,
)
from .search_row import NO_PRICE, SearchRow, search_table_in_use
from .similarity import (
    AGE_BANDS,
    CANDIDATES_PER_SIDE,
    CREDIBILITY_FLOOR,
    GENDERS,
    SIMILAR_LIMIT,
    Features,
    Similarity,
    rank_similar,
    similarity_reason,
    tier_index,
)
from .sql import Dialect
from .taxonomy import (
    AGE_FIELDS,
    GENDER_FIELDS,
    VIDEO_PLATFORMS,
    AgeBand,
    Country,
    Gender,
    benchmark_er,
    tier_for_followers,
)

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

PAGE_SIZE = 24
# Counting stops here: past it the page says "1,000+". An exact count over joins at a million
# profiles costs 100–300 ms; counting at most this many rows is bounded. Measured on the 1M bench
# (docs/benchmarks.md): a cap of 10,000 still cost 250–700 ms for selective filters, 1,000 costs 10–100.
COUNT_CAP = 1_000
PROFILE_POSTS_DAYS = 180
PROFILE_POSTS_LIMIT = 120
PROFILE_RECENT_POSTS = 12
FOLLOWER_HISTORY_DAYS = 365
TOP_AUDIENCE_COUNTRIES = 8


# --- keyset pagination ----------------------------------------------------------------------


class RowComparison(Expression):
    """`(a, b) < (x, y)` — a row-value comparison, which PostgreSQL answers with one index range scan.

    Django has no public spelling for it; `Q(a__lt=x) | Q(a=x, b__lt=y)` gives the same rows but
    makes the planner scan and sort instead of starting the index at the cursor.
    """

    conditional = True

    def __init__(self, left: Sequence[Any], operator: str, right: Sequence[Any]) -> None:
        super().__init__(output_field=BooleanField())
        if operator not in ("<", ">"):
            raise ValueError(operator)
        self.left = list(left)
        self.right = [value if hasattr(value, "resolve_expression") else Value(value) for value in right]
        self.operator = operator

    def get_source_expressions(self) -> list:
        return [*self.left, *self.right]

    def set_source_expressions(self, expressions: Sequence[Combinable | Expression]) -> None:
        self.left, self.right = list(expressions[: len(self.left)]), list(expressions[len(self.left) :])

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        params: list = []
        sides = []
        for side in (self.left, self.right):
            parts = []
            for expression in side:
                sql, expression_params = compiler.compile(expression)
                parts.append(sql)
                params.extend(expression_params)
            sides.append(", ".join(parts))
        return f"({sides[0]}) {self.operator} ({sides[1]})", tuple(params)


@dataclass(frozen=True)
class Cursor:
    sort: str
    value: float | int
    pk: int

    def encode(self) -> str:
        raw = json.dumps([self.sort, self.value, self.pk], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None, sort: Sort) -> Cursor | None:
        """The cursor in a "next page" link, or None when it is missing, damaged or for another sort."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            name, value, pk = json.loads(raw)
        except (ValueError, TypeError, binascii.Error):
            return None
        if name != sort.name or not isinstance(pk, int) or not isinstance(value, int | float):
            return None
        return cls(name, value, pk)


@dataclass
class DiscoveryPage:
    results: list[Influencer]
    count: int
    count_is_capped: bool
    next_cursor: str | None
    is_first_page: bool
    sort: Sort
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def count_label(self) -> str:
        return f"{formatting.count(self.count)}+" if self.count_is_capped else formatting.count(self.count)


def capped_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many rows, up to `cap` (default COUNT_CAP), and whether there are more: one capped COUNT."""
    cap = COUNT_CAP if cap is None else cap
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return (cap, True) if counted > cap else (counted, False)


def _sort_value(value: Any, sort: Sort) -> float | int:
    return int(value) if sort.value_type is int else float(value)


def with_primary_platform(queryset: QuerySet[Influencer]) -> QuerySet[Influencer]:
    """Annotate the platform of the creator's largest account (its tier and benchmark come from it)."""
    largest = SocialAccount.objects.filter(influencer_id=OuterRef("pk")).order_by("-followers", "pk")
    return queryset.annotate(primary_platform=Subquery(largest.values("platform")[:1]))


def influencer_card_queryset(queryset: QuerySet[Influencer]) -> QuerySet[Influencer]:
    """What a result card shows: niches (one prefetch) and the platform of the largest account."""
    return with_primary_platform(queryset).prefetch_related(
        Prefetch("niches", queryset=Niche.objects.only("slug", "name"))
    )


def attach_benchmarks(influencers: Sequence[Influencer]) -> None:
    """The ER benchmark of each creator's tier on its largest platform (taxonomy.TIER_BENCHMARK_ER)."""
    for influencer in influencers:
        platform = getattr(influencer, "primary_platform", None)
        influencer.er_benchmark = benchmark_er(platform, influencer.tier) if platform and influencer.tier else None


def influencer_discovery(
    *,
    filterset: InfluencerFilter,
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
    from_search_table: bool | None = None,
) -> DiscoveryPage:
    """One page of discovery results after `cursor`, with the (capped) count. Three queries + one prefetch.

    On PostgreSQL the search table answers the filters and the sort (`_discovery_from_search_table`);
    `from_search_table=False` asks the source tables (the reference the search table is tested against).
    """
    if from_search_table is None:
        from_search_table = search_table_in_use(filterset.queryset.db)
    if from_search_table:
        return _discovery_from_search_table(filterset=filterset, cursor=cursor, page_size=page_size)
    queryset = filterset.qs
    sort = filterset.sort_option
    count, capped = capped_count(queryset)
    after = Cursor.decode(cursor, sort)
    if after is not None:
        operator = ">" if not sort.descending else "<"
        queryset = queryset.filter(RowComparison([F("sort_key"), F("pk")], operator, [after.value, after.pk]))
    # Find the page's ids first, then read only those rows: the id query can filter the creator's own
    # columns on the discovery index entries (an index-only scan, see Influencer.Meta.indexes), where
    # selecting whole rows would fetch every row the filters pass over from the table. One statement.
    page_ids = queryset.values("pk")[: page_size + 1]
    rows = list(influencer_card_queryset(queryset.filter(pk__in=page_ids))[: page_size + 1])
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    attach_benchmarks(rows)
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        next_cursor = Cursor(sort.name, _sort_value(last.sort_key, sort), last.pk).encode()
    return DiscoveryPage(
        results=rows,
        count=count,
        count_is_capped=capped,
        next_cursor=next_cursor,
        is_first_page=after is None,
        sort=sort,
    )


def _discovery_from_search_table(*, filterset: InfluencerFilter, cursor: str | None, page_size: int) -> DiscoveryPage:
    """The page from the search table, with the capped count: one statement when the filter is selective.

    The first statement takes up to COUNT_CAP + 1 matches in no particular order, so the planner finds
    them the cheapest way (bitmaps over the array and text indexes), counts them, and sorts them for the
    page after the cursor. When there are no more than COUNT_CAP, that is the whole answer. When there
    are more, the filter is broad and a second statement reads the page in sort order (an index range
    from the cursor). Then the cards' rows by id (one query + the niches prefetch).
    """
    # More keyword candidates than the count cap: a common word's count then reads "1,000+", never "1,000".
    rows = search_rows(filterset, keyword_candidates=max(KEYWORD_CANDIDATES, COUNT_CAP + 1))
    sort = filterset.sort_option
    after = Cursor.decode(cursor, sort)
    columns = ["influencer_id", "sort_key", "cheapest_offer_price"]
    has_relevance = "relevance" in rows.query.annotations
    if has_relevance:
        columns.append("relevance")
    direction, operator = ("DESC", "<") if sort.descending else ("ASC", ">")
    after_cursor, after_params = "", []
    if after is not None:
        after_cursor = f"WHERE (sort_key, influencer_id) {operator} (%s, %s)"
        after_params = [after.value, after.pk]
    column = sort_column(filterset)
    if column is None:
        # Sorted by relevance there is no index to walk: the candidates are ranked once, for count and page.
        page = _sorted_matches(
            rows, columns, direction, page_size + 1, counted=True, after_cursor=after_cursor, after_params=after_params
        )
        total = page[0][-1] if page else 0
    else:
        inner, params = rows.order_by().values_list(*columns)[: COUNT_CAP + 1].query.sql_with_params()
        with connections[rows.db].cursor() as db:
            db.execute(
                f"SELECT * FROM (SELECT matches.*, count(*) OVER () AS total FROM ({inner}) AS matches) AS counted "  # noqa: S608
                f"{after_cursor} ORDER BY sort_key {direction}, influencer_id {direction} LIMIT %s",
                [*params, *after_params, page_size + 1],
            )
            page = db.fetchall()
        total = page[0][-1] if page else 0
        if total > COUNT_CAP:
            if after is not None:
                rows = rows.filter(
                    RowComparison([F("sort_key"), F("influencer_id")], operator, [after.value, after.pk])
                )
            tiers = list(filterset.form.cleaned_data.get("tier") or [])
            page = _broad_page_by_tier(rows, columns, column, direction, page_size + 1, after=after, tiers=tiers)
    count, capped = (COUNT_CAP, True) if total > COUNT_CAP else (total, False)
    has_more = len(page) > page_size
    page = page[:page_size]
    cards = {
        influencer.pk: influencer
        for influencer in influencer_card_queryset(Influencer.objects.filter(pk__in=[row[0] for row in page]))
    }
    currency = filterset.selected_currency()
    results = []
    for row in page:
        influencer = cards[row[0]]
        influencer.sort_key = row[1]
        influencer.cheapest_offer_price = None if row[2] == NO_PRICE else row[2]
        influencer.cheapest_offer_currency = currency
        if has_relevance:
            influencer.relevance = row[3]
        results.append(influencer)
    attach_benchmarks(results)
    next_cursor = None
    if has_more and results:
        last = results[-1]
        next_cursor = Cursor(sort.name, _sort_value(last.sort_key, sort), last.pk).encode()
    return DiscoveryPage(
        results=results,
        count=count,
        count_is_capped=capped,
        next_cursor=next_cursor,
        is_first_page=after is None,
        sort=sort,
    )


def _sorted_matches(
    rows: QuerySet[SearchRow],
    columns: list[str],
    direction: str,
    limit: int,
    *,
    counted: bool = False,
    after_cursor: str = "",
    after_params: Sequence[Any] = (),
) -> list[tuple]:
    """Every match read once and sorted: the first `limit` in sort order (after the cursor, if given).

    With `counted`, each row ends in `total`, the capped count of all matches (up to COUNT_CAP + 1, the cursor
    left out): a relevance page takes its count and its page from the same ranked candidates. Before, a search
    with more than COUNT_CAP candidates ranked them twice, once to count and once for the page (a common first
    name at 1M: ~80 ms each).
    """
    inner, params = rows.order_by().values_list(*columns).query.sql_with_params()
    total = (
        f", (SELECT count(*) FROM (SELECT FROM matches LIMIT {COUNT_CAP + 1}) AS capped) AS total" if counted else ""  # noqa: S608
    )
    with connections[rows.db].cursor() as db:
        db.execute(
            f"WITH matches AS MATERIALIZED ({inner}) SELECT matches.*{total} FROM matches {after_cursor} "  # noqa: S608
            f"ORDER BY sort_key {direction}, influencer_id {direction} LIMIT %s",
            [*params, *after_params, limit],
        )
        return db.fetchall()


# A broad search's page walks the sort index at most this far before sorting its matches instead.
SORT_WALK_LIMIT = 10_000
_SEARCH_TABLE_FROM = re.compile(r'FROM "influencers_searchrow" (?=WHERE|ORDER BY)')
_PLACEHOLDER = re.compile(r"(?<!%)%s")


# Sort columns with a (tier, column, influencer_id) index (migration 0013): a tier filter walks its tier's range.
TIER_SORT_COLUMNS = frozenset({"total_followers", "engagement_key", "growth_key", "credibility_key"})


def _broad_page_by_tier(
    rows: QuerySet[SearchRow],
    columns: list[str],
    column: str,
    direction: str,
    limit: int,
    *,
    after: Cursor | None,
    tiers: list[str],
) -> list[tuple]:
    """`_broad_page`, walking each chosen tier's own part of the sort order when a tier is filtered on.

    The sort indexes put the creators a tier filter keeps far from the start (micro creators sorted by
    followers begin after 50,000 macro and mega ones), so the bounded walk from the top of the index found
    none and every such search sorted all its matches (up to 1.1 s at 1M). Each tier's walk starts at the
    tier's first row of a (tier, key, id) index instead; each tier's list is exact on its own, so the first
    `limit` of their merge are the page. One or two statements per tier.
    """
    if column not in TIER_SORT_COLUMNS or not tiers:
        return _broad_page(rows, columns, column, direction, limit, after=after)
    merged = [
        row
        for tier in tiers
        for row in _broad_page(rows.filter(tier=tier), columns, column, direction, limit, after=after, tier=tier)
    ]
    merged.sort(key=lambda row: (row[1], row[0]), reverse=direction == "DESC")
    return merged[:limit]


def _broad_page(
    rows: QuerySet[SearchRow],
    columns: list[str],
    column: str,
    direction: str,
    limit: int,
    *,
    after: Cursor | None,
    tier: str | None = None,
) -> list[tuple]:
    """The first `limit` matches of a filter with more than COUNT_CAP of them, in sort order. One or two statements.

    Walking the sort index and filtering finds them after about limit / density rows — unless the
    filter and the sort disagree (macro creators sorted by lowest price sit at the far end of the price
    index: 470,000 rows walked, 1.4 s). So the walk is bounded: the statement filters the first
    SORT_WALK_LIMIT rows of the index, and when those hold `limit` matches they are the answer (no
    earlier match exists). Otherwise all matches are read through the filter indexes and sorted.
    """
    ordered = rows.values_list(*columns)[:limit]
    sql, params = ordered.query.sql_with_params()
    # The column is one of the search table's sort columns (discovery_search.sort_column), never input.
    conditions: list[str] = []
    start_params: list[Any] = []
    if tier is not None:  # the walk runs inside the tier's range of its (tier, key, id) index
        conditions.append('"tier" = %s')
        start_params.append(tier)
    if after is not None:
        conditions.append(f'("{column}", "influencer_id") {"<" if direction == "DESC" else ">"} (%s, %s)')
        start_params += [after.value, after.pk]
    start = f"WHERE {' AND '.join(conditions)} " if conditions else ""
    walk = (
        f'FROM (SELECT * FROM "influencers_searchrow" {start}ORDER BY "{column}" {direction}, '  # noqa: S608
        f'"influencer_id" {direction} LIMIT {SORT_WALK_LIMIT}) AS "influencers_searchrow" '
    )
    found = _SEARCH_TABLE_FROM.search(sql)
    if found:
        # The walk's own parameters go where it sits: after those of the select list (e.g. ranking).
        before = len(_PLACEHOLDER.findall(sql, 0, found.start()))
        bounded = sql[: found.start()] + walk + sql[found.end() :]
        with connections[rows.db].cursor() as db:
            db.execute(bounded, [*params[:before], *start_params, *params[before:]])
            page = db.fetchall()
        if len(page) == limit:
            return page
    return _sorted_matches(rows, columns, direction, limit)


def sort_names() -> list[str]:
    return list(SORTS)


# --- a creator's profile ------------------------------------------------------------------


def influencers_viewable(*, include_hidden: bool = False) -> QuerySet[Influencer]:
    """The profiles a viewer may open: brand-visible ones, or every one for staff (`include_hidden`)."""
    return Influencer.objects.all() if include_hidden else Influencer.objects.visible_to_brands()


def influencer_profile_queryset(*, include_hidden: bool = False) -> QuerySet[Influencer]:
    """A profile with its niches, accounts, audience (+ countries) and active rate card."""
    base = influencers_viewable(include_hidden=include_hidden)
    # A plain Prefetch to the type checker: Influencer declares active_offers itself (models.py) for every reader.
    active_offers: Prefetch = Prefetch(
        "offers", queryset=Offer.objects.active().order_by("kind", "price"), to_attr="active_offers"
    )
    return base.select_related("audience").prefetch_related(
        "niches",
        Prefetch("accounts", queryset=SocialAccount.objects.order_by("-followers", "pk")),
        Prefetch("audience__countries", queryset=AudienceCountry.objects.order_by("-share", "country")),
        active_offers,
    )


def audience_of(influencer: Influencer) -> Any:
    """The creator's audience, or None (a reverse one-to-one raises when missing)."""
    try:
        return influencer.audience
    except Influencer.audience.RelatedObjectDoesNotExist:
        return None


def influencer_recent_posts(*, influencer: Influencer, now: dt.datetime | None = None) -> list[Post]:
    """Posts of the last 180 days (newest first, capped), for the engagement chart and the posts list."""
    since = (now or timezone.now()) - dt.timedelta(days=PROFILE_POSTS_DAYS)
    return list(
        Post.objects.filter(account__influencer=influencer, posted_at__gte=since)
        .select_related("account")
        .defer("caption", "account__url")
        .order_by("-posted_at", "-pk")[:PROFILE_POSTS_LIMIT]
    )


def post_engagement(post: Post) -> int | None:
    """Engagement of one post by its platform's rule (metrics.formulas); None when a count is hidden."""
    total = 0
    for name in engagement_fields(post.account.platform):
        value = getattr(post, name)
        if value is None:
            return None
        total += value
    return total


def follower_history(*, influencer: Influencer, today: dt.date | None = None) -> dict[int, list[tuple[str, int]]]:
    """Follower snapshots of the last year, per account id, oldest first (one query)."""
    since = (today or timezone.localdate()) - dt.timedelta(days=FOLLOWER_HISTORY_DAYS)
    series: dict[int, list[tuple[str, int]]] = {}
    rows = (
        FollowerSnapshot.objects.filter(account__influencer=influencer, date__gte=since)
        .order_by("date")
        .values_list("account_id", "date", "followers")
    )
    for account_id, date, followers in rows:
        series.setdefault(account_id, []).append((date.isoformat(), followers))
    return series


def account_label(account: SocialAccount) -> str:
    """How the engine names an account in credibility reasons ("instagram @anna")."""
    return f"{account.platform} @{account.handle}"


def profile_chart_data(
    *,
    influencer: Influencer,
    accounts: Sequence[SocialAccount],
    posts: Sequence[Post],
    history: dict[int, list[tuple[str, int]]],
) -> dict[str, Any]:
    """Everything the profile's charts draw, as plain JSON for a json_script element."""
    spikes: dict[str, list[dict]] = {}
    for reason in influencer.credibility_reasons or []:
        if str(reason.get("code", "")).startswith("follower_spike") and reason.get("date"):
            spikes.setdefault(reason.get("account", ""), []).append(
                {
                    "date": reason["date"],
                    "gain": reason.get("gain"),
                    "explained": reason.get("code") == "follower_spike_explained",
                }
            )
    followers = [
        {
            "label": f"{account.get_platform_display()} @{account.handle}",
            "platform": account.platform,
            "points": [{"x": date, "y": value} for date, value in history.get(account.pk, [])],
            "spikes": spikes.get(account_label(account), []),
        }
        for account in accounts
        if history.get(account.pk)
    ]
    engagement: dict[int, dict] = {}
    for post in reversed(posts):
        value = post_engagement(post)
        if value is None:
            continue
        entry = engagement.setdefault(
            post.account_id,
            {
                "label": f"{post.account.get_platform_display()} @{post.account.handle}",
                "platform": post.account.platform,
                "points": [],
            },
        )
        entry["points"].append(
            {"x": post.posted_at.isoformat(), "y": value, "sponsored": post.is_sponsored, "url": post.url}
        )
    return {
        "followers": followers,
        "engagement": list(engagement.values()),
        "audience": audience_chart_data(audience_of(influencer)),
        # The time axes end today, not at the next round tick after the newest point.
        "today": timezone.localdate().isoformat(),
        # Words the chart script shows, translated here (static JS cannot use gettext).
        "labels": {"spike": gettext("spike"), "sponsored": gettext("sponsored")},
    }


def audience_chart_data(audience: Any) -> dict[str, Any] | None:
    if audience is None:
        return None
    countries = list(audience.countries.all())
    top = countries[:TOP_AUDIENCE_COUNTRIES]
    rest = sum(c.share for c in countries[TOP_AUDIENCE_COUNTRIES:])
    country_labels = [str(Country(c.country).label) if c.country in Country.values else c.country for c in top]
    country_values = [round(c.share * 100, 1) for c in top]
    if rest > 0:
        country_labels.append(str(_other_label()))
        country_values.append(round(rest * 100, 1))
    return {
        "age": {
            "labels": [str(band.label) for band in AgeBand],
            "values": [round(share * 100, 1) for share in audience.age_shares().values()],
        },
        "gender": {
            "labels": [str(gender.label) for gender in Gender],
            "values": [round(share * 100, 1) for share in audience.gender_shares().values()],
        },
        "countries": {"labels": country_labels, "values": country_values},
    }


def _other_label() -> str:
    return gettext("Other countries")


def account_rows(accounts: Sequence[SocialAccount]) -> list[dict[str, Any]]:
    """One row per account for the profile table, with its tier benchmark."""
    rows = []
    for account in accounts:
        tier = tier_for_followers(account.followers)
        rows.append(
            {
                "account": account,
                "is_video": account.platform in VIDEO_PLATFORMS,
                "tier": tier,
                "benchmark": benchmark_er(account.platform, tier),
            }
        )
    return rows


# --- compare --------------------------------------------------------------------------------


def influencers_for_compare(*, handles: Sequence[str]) -> list[Influencer]:
    """The visible creators with these handles, in the order given (unknown handles are left out)."""
    found = {
        influencer.handle: influencer
        for influencer in with_primary_platform(influencer_profile_queryset()).filter(handle__in=list(handles))
    }
    ordered = [found[handle] for handle in handles if handle in found]
    attach_benchmarks(ordered)
    return ordered


# --- similar creators (lookalikes) ------------------------------------------------------------------


@dataclass
class SimilarCreator:
    """One lookalike: the creator (display columns only), its similarity and the reason in words."""

    influencer: Influencer
    similarity: Similarity
    shared_niches: list[tuple[str, str]]  # (slug, name), by name
    reason: str


def _similar_candidates(*, target: Influencer, niche_ids: list[int]) -> list[tuple]:
    """The creators a lookalike is chosen from: brand-visible, credible enough, sharing a niche (when the
    creator has one), the CANDIDATES_PER_SIDE nearest in followers at or below the creator's count and as
    many above it. Two queries; each walks the discovery index on followers from the creator's count
    outwards (PostgreSQL reads id, tier, ER and credibility from the index entries alone)."""
    base = (
        Influencer.objects.visible_to_brands()
        .exclude(pk=target.pk)
        .filter(Q(credibility_score__isnull=True) | Q(credibility_score__gte=CREDIBILITY_FLOOR))
    )
    if niche_ids:
        through = Influencer.niches.through.objects.filter(influencer_id=OuterRef("pk"), niche_id__in=niche_ids)
        base = base.filter(Exists(through))
    columns = ("pk", "total_followers", "tier", "engagement_rate", "credibility_score")
    followers = target.total_followers
    below = base.filter(total_followers__lte=followers).order_by("-total_followers", "-pk")
    above = base.filter(total_followers__gt=followers).order_by("total_followers", "pk")
    return [
        *below.values_list(*columns)[:CANDIDATES_PER_SIDE],
        *above.values_list(*columns)[:CANDIDATES_PER_SIDE],
    ]


def _similarity_features(*, target: Influencer, candidates: list[tuple], niche_ids: list[int]) -> Features:
    """The creator and its candidates as one feature table (three queries: niches, audiences, countries)."""
    rows = [
        (target.pk, target.total_followers, target.tier, target.engagement_rate, target.credibility_score),
        *candidates,
    ]
    ids = [row[0] for row in rows]
    position = {influencer_id: index for index, influencer_id in enumerate(ids)}
    n = len(ids)
    # The database the ORM reads influencers from: the replica on a replica-readable profile request
    # (config/db_router.py), else the primary; a bare `connection` would always be the primary.
    connection = connections[Influencer.objects.db]
    dialect = Dialect(connection)
    # Raw SQL with the ids as one array parameter: the ORM's `__in` with a thousand ids spent ~15 ms of
    # CPU per query building and binding a thousand parameters, more than the database's work.
    params = {"ids": dialect.ids_param(ids)}
    through_table = Influencer.niches.through._meta.db_table
    audience_table, country_table = Audience._meta.db_table, AudienceCountry._meta.db_table
    share_fields = [AGE_FIELDS[band] for band in AGE_BANDS] + [GENDER_FIELDS[gender] for gender in GENDERS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT influencer_id, niche_id FROM {through_table} "  # noqa: S608 - model table/column names; values are parameters
            f"WHERE {dialect.in_ids('influencer_id', 'ids')}",
            params,
        )
        niche_rows = cursor.fetchall()
        cursor.execute(
            f"SELECT id, influencer_id, {', '.join(share_fields)} FROM {audience_table} "  # noqa: S608 - model table/column names; values are parameters
            f"WHERE {dialect.in_ids('influencer_id', 'ids')}",
            params,
        )
        audience_rows = cursor.fetchall()
        # By the audiences' own ids: one index range per audience instead of a join back to find them.
        cursor.execute(
            f"SELECT audience_id, country, share FROM {country_table} "  # noqa: S608 - model table/column names; values are parameters
            f"WHERE {dialect.in_ids('audience_id', 'audience_ids')}",
            {"audience_ids": dialect.ids_param(row[0] for row in audience_rows)},
        )
        country_rows = cursor.fetchall()
    audience_position = {row[0]: position[row[1]] for row in audience_rows}

    # Scatter the rows into dense arrays by row position (numpy fancy indexing, no Python loop per row).
    niche_column = {niche_id: index for index, niche_id in enumerate(niche_ids)}
    niches = np.zeros((n, len(niche_ids)), dtype=bool)
    if niche_rows:
        niches[
            [position[row[0]] for row in niche_rows],
            [niche_column[row[1]] for row in niche_rows],
        ] = True

    has_audience = np.zeros(n, dtype=bool)
    shares = np.zeros((n, len(share_fields)))
    if audience_rows:
        rows_at = [position[row[1]] for row in audience_rows]
        has_audience[rows_at] = True
        shares[rows_at] = np.array([row[2:] for row in audience_rows], dtype=np.float64)
    country_codes = sorted({row[1] for row in country_rows})
    country_column = {code: index for index, code in enumerate(country_codes)}
    countries = np.zeros((n, len(country_codes)))
    if country_rows:
        countries[
            [audience_position[row[0]] for row in country_rows],
            [country_column[row[1]] for row in country_rows],
        ] = [row[2] for row in country_rows]

    features = Features(
        ids=np.array(ids, dtype=np.int64),
        followers=np.array([row[1] for row in rows], dtype=np.int64),
        tier=np.array([tier_index(row[2]) for row in rows], dtype=np.int8),
        engagement_rate=np.array([np.nan if row[3] is None else row[3] for row in rows], dtype=np.float64),
        credibility=np.array([np.nan if row[4] is None else row[4] for row in rows], dtype=np.float64),
        niches=niches,
        niche_ids=niche_ids,
        has_audience=has_audience,
        age=shares[:, : len(AGE_BANDS)],
        gender=shares[:, len(AGE_BANDS) :],
        countries=countries,
        country_codes=country_codes,
    )
    return features


SIMILAR_CARD_FIELDS = (
    "handle",
    "display_name",
    "avatar",
    "country",
    "tier",
    "total_followers",
    "engagement_rate",
    "credibility_score",
    "metrics_updated_at",
)


def influencer_similar(*, influencer: Influencer, limit: int = SIMILAR_LIMIT) -> list[SimilarCreator]:
    """The `limit` creators most like this one (docs/metrics.md#similar-creators), best first.

    Only brand-visible creators, never the creator itself. Seven queries whatever the data size: the
    creator's niches, the candidates below and above its follower count, their niches, audiences and
    audience countries, and the chosen creators' display columns.
    """
    # The whole (small) niche table with a flag for the creator's own: names for the reasons, and the
    # niche rows below stay an index-only read of (influencer, niche) pairs.
    mine = Influencer.niches.through.objects.filter(influencer_id=influencer.pk, niche_id=OuterRef("pk"))
    niche_table = list(Niche.objects.annotate(mine=Exists(mine)).values_list("pk", "slug", "name", "mine"))
    niche_names = {pk: (slug, niche_label(name)) for pk, slug, name, _mine in niche_table}
    niche_ids = [pk for pk, _slug, _name, is_mine in niche_table if is_mine]
    candidates = _similar_candidates(target=influencer, niche_ids=niche_ids)
    features = _similarity_features(target=influencer, candidates=candidates, niche_ids=sorted(niche_names))
    ranked = rank_similar(features, influencer.pk, limit)
    if not ranked:
        return []
    shown = Influencer.objects.only(*SIMILAR_CARD_FIELDS).in_bulk([similarity.influencer_id for similarity in ranked])
    target_row = 0
    niche_count = features.niches.sum(axis=1)
    target_tier = (influencer.tier, influencer.get_tier_display() if influencer.tier else "")
    results = []
    for similarity in ranked:
        creator = shown[similarity.influencer_id]
        row = features.row_of(creator.pk)
        shared = sorted((niche_names[niche_id] for niche_id in similarity.shared_niche_ids), key=lambda n: n[1])
        reason = similarity_reason(
            similarity=similarity,
            shared_niches=[name for _slug, name in shared],
            niche_counts=(int(niche_count[target_row]), int(niche_count[row])),
            has_audience=bool(features.has_audience[row] and features.has_audience[target_row]),
            tier=(creator.tier, creator.get_tier_display() if creator.tier else ""),
            engagement_rate=creator.engagement_rate,
            metrics_updated_at=creator.metrics_updated_at,
            target_handle=influencer.handle,
            target_tier=target_tier,
            target_engagement_rate=influencer.engagement_rate,
            target_updated_at=influencer.metrics_updated_at,
        )
        results.append(SimilarCreator(influencer=creator, similarity=similarity, shared_niches=shared, reason=reason))
    return results


# --- a creator's own accounts -------------------------------------------------------------------


def creator_accounts(
    *, influencer: Influencer, order: Sequence[str] = ("platform", "handle")
) -> QuerySet[SocialAccount]:
    """The creator's accounts, each with `has_verified_numbers` (a verified import's posts or follower counts).

    The pages offer "Report numbers" only where a self-report can succeed (importers/self_reported.py).
    """
    verified = ExpressionWrapper(verified_numbers_exist(), output_field=BooleanField())
    return influencer.accounts.annotate(has_verified_numbers=verified).order_by(*order)
