"""The search table stores its rows by locality (migration 0016): a rebuilt table holds a stripe's creators of one
country and first niche together, and a refreshed row keeps its page. PostgreSQL only: that is where the table lives.

Why it matters (docs/decisions.md, "Search rows stored by locality"): a filter's matches are read through a bitmap
of the tags index, page by page; the fewer pages they sit on, the cheaper the capped count and the page.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from influencers.models import Influencer
from influencers.search_row import refresh_search_rows
from tests.factories import InfluencerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

locality = importlib.import_module("influencers.migrations.0016_search_table_locality")

COUNTRIES = ["NL", "BE", "DE", "FR", "ES", "IT", "PL", "SE"]
NICHES = ["fitness", "beauty", "food", "travel", "gaming", "tech", "fashion", "pets"]


@pytest.fixture
def creators():
    if connection.vendor != "postgresql":
        pytest.skip("the search table is PostgreSQL's")
    # Three stripes of 40 creators each; within a stripe, ids, countries and niches deliberately uncorrelated,
    # so creation order is no locality order. (Ids far above the sequence's: they are rolled back with the test.)
    base = 50_000_000 - 50_000_000 % locality.STRIPES
    return [
        InfluencerFactory(
            id=base + locality.STRIPES * number + stripe,
            country=COUNTRIES[(number * 5) % 8],
            niches=[NICHES[(number * 3 + stripe) % 8]],
        )
        for stripe in (3, 1, 2)
        for number in range(40)
    ]


def _stored() -> list[tuple[tuple[int, str, int, int], int]]:
    """((stripe, country, first niche, id), heap page) of every row, in the order the rows sit in the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT influencer_id % {locality.STRIPES}, country, niche_ids[1], influencer_id, "  # noqa: S608
            "(ctid::text::point)[0]::bigint FROM influencers_searchrow ORDER BY ctid"
        )
        return [(tuple(row[:4]), row[4]) for row in cursor.fetchall()]


def _pages() -> dict[int, int]:
    """The heap page of every creator's row."""
    return {key[3]: page for key, page in _stored()}


def test_a_rebuilt_table_stores_rows_in_locality_order(creators):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE influencers_searchrow")
    refresh_search_rows()  # the rebuild: what a restore or the bench loader runs on an empty table

    stored = _stored()
    assert {key[3] for key, _page in stored} == {creator.pk for creator in creators}
    # In key order the pages only move forward, except for the odd short row that PostgreSQL puts into the room
    # a longer one left on an earlier page (its free space map): at most one row in ten.
    furthest, out_of_place = 0, []
    for key, page in sorted(stored):
        if page < furthest:
            out_of_place.append((key, page, furthest))
        furthest = max(furthest, page)
    assert len(out_of_place) <= len(stored) // 10, out_of_place
    assert furthest >= 3  # several pages: the order is not trivially kept on one
    # Not trivially true: creation order (ids) interleaves countries and niches.
    by_id = [key for key, _page in sorted(stored, key=lambda entry: entry[0][3])]
    assert [key for key, _page in stored] != by_id


def test_a_refreshed_row_keeps_its_page(creators):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE influencers_searchrow")
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'influencers_searchrow'")
        assert f"fillfactor={locality.FILLFACTOR}" in cursor.fetchone()[0]
    refresh_search_rows()
    blocks = _pages()
    assert len(set(blocks.values())) > 1  # a filled page is followed by the next: the fill factor is in force

    # The engine's kind of write: new metrics for creators on different pages, as one statement.
    changed = [creator.pk for creator in creators[::10]]
    Influencer.objects.filter(pk__in=changed).update(engagement_rate=0.0512, credibility_score=64, total_followers=4321)

    after = _pages()
    for pk in changed:
        assert after[pk] == blocks[pk], "the new version of the row left its page"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM influencers_searchrow WHERE influencer_id = ANY(%s) AND total_followers = 4321",
            [changed],
        )
        assert cursor.fetchone()[0] == len(changed)
