"""The search table gives exactly the answers of the source-table query, and stays in step with every write.

The reference is `InfluencerFilter.qs`, the query discovery ran before the search table existed (and
still runs on SQLite). On a demo world of 1,500 creators, a few hundred searches drawn at random from
every filter and sort the page offers are answered both ways: the same ids in the same order with the
same sort keys, the same capped counts and the same pages and cursors. Then writes through every kind of
path (model saves, queryset updates, bulk inserts, deletes, moderation, offers, audience, niches, and
campaigns storing a creator's delivery punctuality, the metric engine's recompute) must leave the table
equal to a full rebuild from the source tables. PostgreSQL only: that is where the table
lives.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import re
from decimal import Decimal

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone

from campaigns import demo
from campaigns.models import Collaboration
from campaigns.services import influencer_delivery_punctuality_store
from influencers import discovery_search, selectors
from influencers.discovery_search import search_rows
from influencers.filters import SEARCH_CONFIG, SORTS, InfluencerFilter
from influencers.metrics import recompute_metrics
from influencers.models import Audience, AudienceCountry, Influencer, Niche, Offer, Post, SocialAccount
from influencers.search_row import SearchRow, refresh_search_rows
from influencers.selectors import influencer_discovery
from influencers.taxonomy import AgeBand, Currency, Gender, ModerationStatus, Platform, Tier, WorkKind
from tests.factories import CollaborationFactory, DeliverableFactory
from tests.module_world import built_once

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db]

CREATORS = 1_500
SEARCHES = 300
TODAY = dt.date(2026, 11, 2)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    def build():
        demo.seed_demo(influencers=CREATORS, seed=31, today=TODAY)
        recompute_metrics(full=True)
        # Prices in other currencies than the demo's euros, and creators with none of some kinds.
        offers = list(Offer.objects.order_by("pk")[::7])
        for number, offer in enumerate(offers):
            offer.currency = [Currency.USD, Currency.GBP][number % 2]
        Offer.objects.bulk_update(offers, ["currency"])
        _punctuality(random.Random(5))
        return _vocabulary()

    if connection.vendor != "postgresql":
        pytest.skip("the search table is PostgreSQL's")
    yield from built_once(django_db_blocker, build)


def _punctuality(rng: random.Random) -> None:
    """Stored delivers-on-time scores for half the creators, with many ties (100 %) and many "not enough history".

    The demo's collaborations give a few creators a score (seed_demo stores them as the service does);
    discovery only reads the stored copy, so the rest are written directly to give the filter and sort
    something to disagree about.
    """
    creators = list(Influencer.objects.filter(delivery_sample=0).order_by("pk"))
    chosen = [creator for creator in creators if rng.random() < 0.5]
    for creator in chosen:
        creator.delivery_sample = rng.choice([1, 2, 3, 4, 10, 25])
        creator.delivery_on_time_count = rng.randint(0, creator.delivery_sample)
        if rng.random() < 0.3:
            creator.delivery_on_time_count = creator.delivery_sample
        enough = creator.delivery_sample >= 3
        creator.delivery_on_time_percent = (
            round(100 * creator.delivery_on_time_count / creator.delivery_sample) if enough else None
        )
    Influencer.objects.bulk_update(
        chosen, ["delivery_sample", "delivery_on_time_count", "delivery_on_time_percent"], batch_size=500
    )


def _vocabulary() -> dict:
    visible = Influencer.objects.visible_to_brands()
    words = set()
    for bio, handle in visible.order_by("pk").values_list("bio", "handle")[:400]:
        words.update(word.lower() for word in bio.split()[:6] if word.isalpha())
        words.add(handle.split(".")[0][:4].lower())
    collaborating = Collaboration.objects.values_list("campaign__brand__members__user", flat=True).first()
    return {
        "niches": list(Niche.objects.values_list("slug", flat=True)),
        "countries": sorted(set(visible.exclude(country="").values_list("country", flat=True))),
        "cities": sorted(set(visible.exclude(city="").values_list("city", flat=True))),
        "audience_countries": sorted(set(AudienceCountry.objects.values_list("country", flat=True))),
        "words": sorted(words),
        "brand_user": collaborating,
    }


def _random_search(rng: random.Random, vocabulary: dict) -> QueryDict:
    """1–6 filters, weighted roughly like the page's use, and a sort (sometimes none, sometimes a deep one)."""
    makers = {
        "niches": lambda: {"niches": rng.sample(vocabulary["niches"], rng.choice([1, 1, 2, 3]))},
        "platform": lambda: {"platform": rng.sample(list(Platform.values), rng.choice([1, 1, 2]))},
        "tier": lambda: {"tier": rng.sample(list(Tier.values), rng.choice([1, 2]))},
        "followers": lambda: {
            "followers_min": rng.choice(["", "1000", "5000", "20000"]),
            "followers_max": rng.choice(["", "100000", "1000000"]),
        },
        "er": lambda: {"er_min": rng.choice(["0.5", "1", "2.5", "4"]), "er_max": rng.choice(["", "8", "15"])},
        "growth": lambda: {"growth_min": rng.choice(["-5", "0", "0.5", "2"])},
        "credibility": lambda: {"credibility_min": rng.choice(["40", "60", "70", "85"])},
        "punctuality": lambda: {"delivers_on_time_min": rng.choice(["0", "50", "67", "80", "100"])},
        "country": lambda: {"country": rng.choice(vocabulary["countries"])},
        "city": lambda: {
            "city": rng.choice(vocabulary["cities"]).upper() if rng.random() < 0.3 else rng.choice(vocabulary["cities"])
        },
        "language": lambda: {"language": rng.choice(["nl", "en", "de", "fr", "es"])},
        "audience_country": lambda: {
            "audience_country": rng.sample(vocabulary["audience_countries"], rng.choice([1, 1, 2])),
            "audience_country_min": rng.choice(["", "10", "30", "40", "60"]),
        },
        "audience_age": lambda: {
            "audience_age": rng.sample(list(AgeBand.values), rng.choice([1, 2, 3])),
            "audience_age_min": rng.choice(["", "20", "50"]),
        },
        "audience_gender": lambda: {
            "audience_gender": rng.sample(list(Gender.values), 1),
            "audience_gender_min": rng.choice(["", "50", "70"]),
        },
        "offer": lambda: {
            "offer_kind": rng.choice(["", *WorkKind.values]),
            "max_price": rng.choice(["", "100", "500", "2500"]),
            "currency": rng.choice(["", "EUR", "EUR", "USD", "GBP"]),
        },
        "q": lambda: {"q": " ".join(rng.sample(vocabulary["words"], rng.choice([1, 1, 2])))},
        "no_collaboration": lambda: {"no_collaboration": "on"},
    }
    weights = {
        "niches": 8, "platform": 5, "tier": 3, "followers": 3, "er": 3, "growth": 1, "credibility": 3, "punctuality": 3,
        "country": 6, "city": 2, "language": 2, "audience_country": 4, "audience_age": 2, "audience_gender": 2,
        "offer": 4, "q": 4, "no_collaboration": 1,
    }  # fmt: skip
    query = QueryDict(mutable=True)
    # dict.fromkeys, not set: a set of strings iterates in a per-process order (hash randomisation), which made
    # the draws that follow, and so the searches, differ from run to run.
    for name in dict.fromkeys(rng.choices(list(weights), weights=list(weights.values()), k=rng.randint(1, 6))):
        for key, value in makers[name]().items():
            query.setlist(key, value if isinstance(value, list) else [value])
    query["sort"] = rng.choice(["", *SORTS])
    return query


def _filterset(query: QueryDict, vocabulary: dict) -> InfluencerFilter:
    request = RequestFactory().get("/influencers/")
    from django.contrib.auth import get_user_model

    request.user = get_user_model().objects.get(pk=vocabulary["brand_user"])
    return InfluencerFilter(query, request=request)


def test_every_filter_and_sort_gives_the_reference_answer(world):
    rng = random.Random(2026)
    checked_non_empty = 0
    punctuality = {"filter": 0, "sort": 0}
    for _ in range(SEARCHES):
        query = _random_search(rng, world)
        reference = list(_filterset(query, world).qs.values_list("pk", "sort_key"))
        table = list(search_rows(_filterset(query, world)).values_list("influencer_id", "sort_key"))
        assert [pk for pk, _key in table] == [pk for pk, _key in reference], query.urlencode()
        assert [float(key) for _pk, key in table] == [float(key) for _pk, key in reference], query.urlencode()
        checked_non_empty += bool(reference)
        punctuality["filter"] += bool(reference) and "delivers_on_time_min" in query
        punctuality["sort"] += len(reference) > 1 and query["sort"] == "delivers_on_time"
    # The draw must exercise real results, not a run of empty answers.
    assert checked_non_empty > SEARCHES // 2
    assert min(punctuality.values()) >= 10, punctuality


@pytest.mark.parametrize(
    ("count_cap", "walk_limit"),
    [(1_000, 10_000), (20, 10_000), (20, 40)],
    ids=["as-deployed", "broad-pages-walk-the-sort-index", "broad-pages-fall-back-to-sorting-all-matches"],
)
def test_pages_counts_and_cursors_are_the_reference_ones(world, monkeypatch, count_cap, walk_limit):
    # A small cap makes most searches "broad" (a page in sort order after the count); a short walk
    # makes the bounded index walk give up, so its fallback is checked too.
    monkeypatch.setattr(selectors, "COUNT_CAP", count_cap)
    monkeypatch.setattr(selectors, "SORT_WALK_LIMIT", walk_limit)
    rng = random.Random(7)
    word = world["words"][0]
    # Words with a non-relevance sort: the ranking's parameters come before the walk's in the statement.
    fixed = [QueryDict(f"q={word}&sort={sort}") for sort in ("growth", "price", "followers", "delivers_on_time")]
    # Tier filters on every tier-indexed sort: each chosen tier walks its own index range, then they merge.
    fixed += [
        QueryDict(f"{tiers}&sort={sort}")
        for tiers in ("tier=micro", "tier=micro&tier=nano", "tier=nano&tier=macro&tier=mega")
        for sort in ("followers", "engagement", "growth", "credibility")
    ]
    for query in [*fixed, *(_random_search(rng, world) for _ in range(60))]:
        cursor = None
        for _page in range(3):
            pages = [
                influencer_discovery(
                    filterset=_filterset(query, world), cursor=cursor, page_size=10, from_search_table=table
                )
                for table in (False, True)
            ]
            reference, answer = pages
            assert [(r.pk, r.cheapest_offer_price) for r in answer.results] == [
                (r.pk, r.cheapest_offer_price) for r in reference.results
            ], query.urlencode()
            assert (answer.count, answer.count_is_capped, answer.next_cursor) == (
                reference.count,
                reference.count_is_capped,
                reference.next_cursor,
            )
            if "relevance" in {reference.sort.name}:
                assert [r.relevance for r in answer.results] == [r.relevance for r in reference.results]
            cursor = reference.next_cursor
            if cursor is None:
                break


def test_a_word_with_more_matches_than_the_cap_has_a_capped_count(world, monkeypatch):
    # At 1M a bio word ("interior") matched 16,474 creators and the page said "1,000": ranked by relevance,
    # the candidates were the name matches and the 1,000 largest others, exactly the count cap. Here the
    # world is small, so the cap and the candidates are made small (fewer candidates than the cap, as then).
    monkeypatch.setattr(selectors, "COUNT_CAP", 20)
    monkeypatch.setattr(selectors, "KEYWORD_CANDIDATES", 10)
    monkeypatch.setattr(discovery_search, "KEYWORD_CANDIDATES", 10)
    # The commonest word found in bios only: all its candidates beyond the name matches are the largest others.
    in_names = {
        word
        for word in world["words"]
        if SearchRow.objects.filter(
            name_document=SearchQuery(f"{word}:*", search_type="raw", config=SEARCH_CONFIG)
        ).exists()
    }
    matches = {
        word: _filterset(QueryDict(f"q={word}"), world).qs.count() for word in world["words"] if word not in in_names
    }
    word = max(matches, key=lambda word: (matches[word], word))
    assert matches[word] > 40
    query = QueryDict(f"q={word}")
    reference, answer = (
        influencer_discovery(filterset=_filterset(query, world), from_search_table=table) for table in (False, True)
    )
    assert (reference.count, reference.count_is_capped) == (20, True)
    assert (answer.count, answer.count_is_capped, answer.count_label) == (20, True, reference.count_label)


def _table() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM influencers_searchrow ORDER BY influencer_id")
        return cursor.fetchall()


def test_every_kind_of_write_keeps_the_table_equal_to_a_rebuild(world):
    creators = list(Influencer.objects.visible_to_brands().order_by("pk")[:40])
    first, second, third = creators[0], creators[1], creators[2]
    # Model saves: moderation and pausing take a creator out, approval brings one back.
    first.status = ModerationStatus.SUSPENDED
    first.save()
    second.is_active = False
    second.save(update_fields=["is_active"])
    pending = Influencer.objects.filter(status=ModerationStatus.PENDING).first()
    if pending is not None:
        pending.status = ModerationStatus.APPROVED
        pending.save()
    # Queryset updates and bulk updates, as the engine writes metrics.
    Influencer.objects.filter(pk__in=[c.pk for c in creators[3:10]]).update(engagement_rate=0.042, credibility_score=77)
    for creator in creators[10:15]:
        creator.total_followers += 1234
        creator.city = "Zwolle"
    Influencer.objects.bulk_update(creators[10:15], ["total_followers", "city"])
    # The related tables: niches, accounts, offers, audience and its countries.
    third.niches.set(Niche.objects.order_by("-pk")[:2])
    creators[15].niches.clear()
    SocialAccount.objects.filter(influencer=creators[16]).delete()
    moved = SocialAccount.objects.filter(influencer=creators[17]).order_by("pk")[:1].get()
    taken = set(SocialAccount.objects.filter(influencer=creators[17]).values_list("platform", flat=True))
    moved.platform = next(platform for platform in Platform.values if platform not in taken)
    moved.handle = "moved.account.search"
    moved.save()
    Offer.objects.filter(influencer=creators[18]).update(is_active=False)
    Offer.objects.create(
        influencer=creators[19],
        kind=WorkKind.GIVEAWAY,
        platform=Platform.INSTAGRAM,
        title="Win",
        price=Decimal("12.50"),
    )
    Offer.objects.filter(influencer=creators[20]).update(currency=Currency.GBP)
    AudienceCountry.objects.filter(audience__influencer=creators[21]).delete()
    audience = Audience.objects.filter(influencer=creators[22]).first()
    if audience is not None:
        AudienceCountry.objects.filter(audience=audience).update(share=0.25)
        audience.age_18_24 = 0.9
        audience.save()
    Audience.objects.filter(influencer=creators[23]).delete()
    creators[24].delete()
    Influencer.objects.filter(pk=creators[25].pk).update(bio="Zeldzame woorden: xylofoonrecensent")
    # The campaigns service storing a creator's delivery punctuality (three deliverables due, none handed in).
    late = CollaborationFactory(influencer=creators[26], status=Collaboration.Status.ACCEPTED)
    for days in (3, 4, 5):
        DeliverableFactory(collaboration=late, due_date=dt.date.today() - dt.timedelta(days=days))
    influencer_delivery_punctuality_store(influencer_ids=[creators[26].pk])

    written = _table()
    refresh_search_rows()
    assert written == _table()
    assert first.pk not in {row[0] for row in written}
    stored = SearchRow.objects.values_list("delivery_on_time_percent", "delivery_key").get(pk=creators[26].pk)
    assert stored == (0, 0)  # 0 of 3 on time: a score, not "not enough history"
    assert second.pk not in {row[0] for row in written}
    hits = search_rows(_filterset(QueryDict("q=xylofoon"), world))
    assert list(hits.values_list("influencer_id", flat=True)) == [creators[25].pk]


def test_the_metric_engine_keeps_the_table_equal_to_a_rebuild(world):
    """The engine writes creators' metrics with the table's triggers deferred and refreshes the rows it wrote."""
    creators = list(
        Influencer.objects.visible_to_brands().filter(accounts__posts__isnull=False).distinct().order_by("-pk")[:30]
    )
    ids = [creator.pk for creator in creators]
    before = dict(SearchRow.objects.filter(pk__in=ids).values_list("pk", "engagement_rate"))
    Post.objects.filter(account__influencer__in=ids).update(likes=F("likes") * 3 + 7)
    SocialAccount.objects.filter(influencer__in=ids).update(posts_changed_at=timezone.now())

    assert recompute_metrics(influencer_ids=ids) > 0

    after = dict(SearchRow.objects.filter(pk__in=ids).values_list("pk", "engagement_rate"))
    assert sum(after[pk] != before[pk] for pk in ids) >= len(ids) // 2  # the new likes reached the search rows
    assert after == dict(Influencer.objects.filter(pk__in=ids).values_list("pk", "engagement_rate"))
    written = _table()
    refresh_search_rows()
    assert written == _table()


def test_the_influencer_trigger_watches_every_column_the_refresh_reads(world):
    """The trigger skips updates that change no searched column; a column the refresh reads must be watched."""
    migration = importlib.import_module("influencers.migrations.0015_search_refresh_on_searched_columns")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('influencers_search_refresh(bigint[])'::regprocedure)")
        source = cursor.fetchone()[0]
    read = set(re.findall(r"\bi\.(\w+)", source)) - {"id"}
    assert read, "the refresh function no longer reads the influencer as `i`: update this test"
    assert read <= set(migration.SEARCHED_COLUMNS), read - set(migration.SEARCHED_COLUMNS)
