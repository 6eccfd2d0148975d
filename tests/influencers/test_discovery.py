"""Discovery: who may search, every filter of the shared FilterSet, sorting, keyset pages, capped counts, queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from influencers import selectors
from influencers.filters import InfluencerFilter, search_vector, stored_document
from influencers.models import Influencer
from influencers.selectors import Cursor, influencer_discovery
from influencers.taxonomy import ModerationStatus, Platform, WorkKind
from tests.discovery_data import brand_member, creator
from tests.factories import (
    BrandFactory,
    BrandMemberFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    OfferFactory,
    ShortlistFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

URL = "/influencers/"


def handles(query: str = "", *, request=None, cursor: str | None = None, page_size: int = 24) -> list[str]:
    """The handles of one discovery page for this query string, in order."""
    filterset = InfluencerFilter(QueryDict(query), request=request)
    page = influencer_discovery(filterset=filterset, cursor=cursor, page_size=page_size)
    return [influencer.handle for influencer in page.results]


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


# --- who may use it ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_creator_account_gets_a_403_page_that_says_why(client):
    influencer = InfluencerFactory()
    client.force_login(influencer.user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Creator discovery is for brand accounts" in response.content.decode().replace("\xa0", " ")


def test_a_suspended_brand_is_refused(client):
    member = BrandMemberFactory(brand=BrandFactory(status=ModerationStatus.SUSPENDED))
    client.force_login(member.user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "suspended" in response.content.decode().replace("\xa0", " ")


def test_staff_without_a_brand_may_search(client):
    creator("visible.one")
    client.force_login(StaffFactory())
    response = client.get(URL)
    assert response.status_code == 200
    assert "visible.one" in response.content.decode().replace("\xa0", " ")


def test_only_approved_active_profiles_are_ever_shown(brand_client):
    creator("shown")
    creator("waiting", status=ModerationStatus.PENDING)
    creator("paused", is_active=False)
    creator("banned", status=ModerationStatus.SUSPENDED)
    assert handles() == ["shown"]
    html = brand_client.get(URL).content.decode().replace("\xa0", " ")
    assert "@shown" in html
    assert "@waiting" not in html
    assert "@paused" not in html
    assert "@banned" not in html


# --- the filters ------------------------------------------------------------------------------


def test_free_text_matches_handle_name_and_bio_and_ranks_handle_hits_first():
    creator("lisa.runs", display_name="Lisa Jansen", bio="Marathon training", followers=1_000)
    creator("urban.eats", display_name="Urban Eats", bio="Lisa's favourite ramen spots", followers=50_000)
    creator("tech.tom", display_name="Tom", bio="Gadgets", followers=90_000)
    assert handles("q=lisa") == ["lisa.runs", "urban.eats"]
    assert handles("q=marathon") == ["lisa.runs"]
    assert handles("q=urban eats") == ["urban.eats"]
    # With text given, relevance is the default sort; an explicit sort still wins.
    assert handles("q=lisa&sort=followers") == ["urban.eats", "lisa.runs"]


def test_niche_platform_and_tier_filters():
    creator("fash", niches=("fashion",), platform=Platform.INSTAGRAM, followers=5_000)
    creator("beau", niches=("beauty",), platform=Platform.TIKTOK, followers=150_000)
    creator("both", niches=("fashion", "beauty"), platform=Platform.YOUTUBE, followers=500)
    assert set(handles("niches=beauty")) == {"beau", "both"}
    assert set(handles("niches=fashion&niches=beauty")) == {"fash", "beau", "both"}
    assert handles("platform=tiktok") == ["beau"]
    assert set(handles("tier=micro&tier=nano")) == {"fash", "both"}


def test_follower_engagement_growth_and_credibility_ranges_in_the_units_users_type():
    creator("small", followers=2_000, er=0.051, growth=-0.01, credibility=95)
    creator("mid", followers=40_000, er=0.032, growth=0.08, credibility=70)
    creator("big", followers=400_000, er=0.011, growth=0.02, credibility=None)
    creator("unknown", followers=9_000, er=None, growth=None, credibility=40)
    assert set(handles("followers_min=10000&followers_max=500000")) == {"mid", "big"}
    assert set(handles("er_min=3")) == {"small", "mid"}  # percent: 3 means 0.03
    assert set(handles("er_min=1&er_max=3.5")) == {"mid", "big"}
    assert handles("growth_min=5") == ["mid"]
    assert set(handles("credibility_min=60")) == {"small", "mid"}


def test_creator_country_city_and_language():
    creator("ams", country="NL", city="Amsterdam", languages=("nl", "en"))
    creator("ant", country="BE", city="Antwerpen", languages=("nl",))
    creator("ber", country="DE", city="Berlin", languages=("de", "en"))
    assert handles("country=BE") == ["ant"]
    assert handles("city=amsterdam") == ["ams"]
    assert set(handles("language=en")) == {"ams", "ber"}
    assert set(handles("language=nl")) == {"ams", "ant"}


def test_audience_countries_add_up_against_the_minimum_share():
    creator("nl_heavy", audience_countries={"NL": 0.6, "DE": 0.4})
    creator("split", audience_countries={"NL": 0.25, "BE": 0.2, "FR": 0.55})  # NL+BE = 45 %
    creator("be_small", audience_countries={"BE": 0.3, "FR": 0.7})
    creator("none_there", audience_countries={"US": 1.0})
    creator("no_audience", audience=False)
    # "At least 40 % of the audience in NL or BE": the chosen countries' shares are summed.
    assert set(handles("audience_country=NL&audience_country=BE&audience_country_min=40")) == {"nl_heavy", "split"}
    assert handles("audience_country=BE&audience_country_min=25") == ["be_small"]
    # Without a minimum, any audience there at all counts.
    assert set(handles("audience_country=BE")) == {"split", "be_small"}
    # The boundary is inclusive.
    assert set(handles("audience_country=NL&audience_country=BE&audience_country_min=45")) == {"nl_heavy", "split"}


def test_audience_age_bands_and_genders_with_a_minimum_share():
    young = {"age_13_17": 0.1, "age_18_24": 0.5, "age_25_34": 0.3, "age_35_44": 0.1, "age_45_54": 0, "age_55_plus": 0}
    older = {
        "age_13_17": 0,
        "age_18_24": 0.05,
        "age_25_34": 0.15,
        "age_35_44": 0.3,
        "age_45_54": 0.3,
        "age_55_plus": 0.2,
    }
    creator("young_women", audience={**young, "gender_female": 0.8, "gender_male": 0.2, "gender_other": 0})
    creator("older_men", audience={**older, "gender_female": 0.3, "gender_male": 0.7, "gender_other": 0})
    assert handles("audience_age=18_24&audience_age=25_34&audience_age_min=60") == ["young_women"]
    assert handles("audience_age=45_54&audience_age=55_plus&audience_age_min=50") == ["older_men"]
    assert handles("audience_gender=male&audience_gender_min=60") == ["older_men"]
    assert set(handles("audience_gender=female&audience_gender_min=30")) == {"young_women", "older_men"}


def test_offer_kind_and_maximum_price_use_active_offers_in_the_chosen_currency():
    creator("cheap_review", offers=((WorkKind.REVIEW, "150"),))
    creator("dear_review", offers=((WorkKind.REVIEW, "900"),))
    creator("posts_only", offers=((WorkKind.SPONSORED_POST, "100"),))
    stale = creator("stale_offer", offers=())
    OfferFactory(influencer=stale, kind=WorkKind.REVIEW, price=50, is_active=False)
    dollar = creator("dollar", offers=())
    OfferFactory(influencer=dollar, kind=WorkKind.REVIEW, price=100, currency="USD")
    assert set(handles("offer_kind=review")) == {"cheap_review", "dear_review"}
    assert handles("offer_kind=review&max_price=300") == ["cheap_review"]
    assert set(handles("max_price=200")) == {"cheap_review", "posts_only"}
    assert handles("offer_kind=review&currency=USD") == ["dollar"]


def test_no_collaboration_with_my_brand_yet(rf, member):
    working = creator("working")
    creator("free")
    elsewhere = creator("elsewhere")
    CollaborationFactory(campaign=CampaignFactory(brand=member.brand), influencer=working)
    CollaborationFactory(campaign=CampaignFactory(), influencer=elsewhere)  # another brand's: does not count
    request = rf.get(URL)
    request.user = member.user
    assert set(handles("no_collaboration=on", request=request)) == {"free", "elsewhere"}
    assert len(handles("", request=request)) == 3


def test_invalid_filters_are_reported_and_ignored(brand_client):
    creator("any")
    response = brand_client.get(URL, {"er_min": "5", "er_max": "2", "audience_country_min": "30"})
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert "The maximum is below the minimum." in html
    assert "Choose at least one audience country for this minimum." in html
    assert "@any" in html  # the broken filters were not applied


# --- sorting and pages ------------------------------------------------------------------------


def test_sorting_puts_unknown_values_last_and_price_ascending():
    creator("a", followers=5_000, er=0.02, growth=0.10, credibility=60, offers=((WorkKind.REVIEW, "300"),))
    creator("b", followers=50_000, er=None, growth=None, credibility=None, offers=())
    creator("c", followers=500, er=0.09, growth=-0.02, credibility=90, offers=((WorkKind.REVIEW, "90"),))
    assert handles("sort=followers") == ["b", "a", "c"]
    assert handles("sort=engagement") == ["c", "a", "b"]
    assert handles("sort=growth") == ["a", "c", "b"]
    assert handles("sort=credibility") == ["c", "a", "b"]
    assert handles("sort=price") == ["c", "a", "b"]


@pytest.mark.parametrize("sort", ["followers", "engagement", "growth", "credibility", "price", "relevance"])
def test_keyset_pages_cover_every_result_once_even_with_ties(sort):
    for i in range(23):
        # Ties on purpose: every sort key repeats, so the id decides the order inside a tie.
        creator(
            f"p{i:02d}",
            followers=1_000 * (i % 4),
            er=None if i % 5 == 0 else 0.01 * (i % 3),
            growth=0.01 * (i % 2),
            credibility=50 + (i % 3) * 10,
            offers=((WorkKind.REVIEW, str(100 + 50 * (i % 4))),) if i % 6 else (),
            bio="Pages test",
        )
    query = f"sort={sort}&q=pages" if sort == "relevance" else f"sort={sort}"
    everything = handles(query, page_size=100)
    seen, cursor = [], None
    for _page in range(10):
        filterset = InfluencerFilter(QueryDict(query))
        page = influencer_discovery(filterset=filterset, cursor=cursor, page_size=5)
        seen += [influencer.handle for influencer in page.results]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything
    assert len(seen) == 23


def test_a_cursor_from_another_sort_or_a_damaged_one_starts_at_the_first_page():
    for i in range(4):
        creator(f"c{i}", followers=1_000 * (i + 1))
    filterset = InfluencerFilter(QueryDict("sort=followers"))
    page = influencer_discovery(filterset=filterset, page_size=2)
    assert page.next_cursor
    assert handles("sort=engagement", cursor=page.next_cursor) == handles("sort=engagement")
    assert handles("sort=followers", cursor="not-a-cursor!") == ["c3", "c2", "c1", "c0"]
    assert Cursor.decode(page.next_cursor, filterset.sort_option) is not None


def test_the_next_page_query_never_uses_offset():
    for i in range(6):
        creator(f"n{i}", followers=1_000 * (i + 1))
    filterset = InfluencerFilter(QueryDict("sort=followers"))
    first = influencer_discovery(filterset=filterset, page_size=2)
    with CaptureQueriesContext(connection) as queries:
        influencer_discovery(
            filterset=InfluencerFilter(QueryDict("sort=followers")), cursor=first.next_cursor, page_size=2
        )
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "OFFSET" not in sql.upper()
    assert re.search(r"\) < \(", sql), "the page starts after the cursor with a row comparison"


def test_the_count_is_exact_below_the_cap_and_capped_above_it(monkeypatch, brand_client):
    for i in range(7):
        creator(f"k{i}")
    page = influencer_discovery(filterset=InfluencerFilter(QueryDict()))
    assert (page.count, page.count_is_capped, page.count_label) == (7, False, "7")
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors.capped_count, "__defaults__", (5,))
    page = influencer_discovery(filterset=InfluencerFilter(QueryDict()))
    assert (page.count, page.count_is_capped, page.count_label) == (5, True, "5+")
    assert "5+" in brand_client.get(URL).content.decode().replace("\xa0", " ")


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_cards_with_explained_numbers_and_a_bookmarkable_next_link(brand_client):
    for i in range(30):
        creator(f"card{i:02d}", followers=10_000 + i, er=0.035)
    response = brand_client.get(URL, {"niches": "fashion", "sort": "followers"})
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert "30" in html
    assert "creators" in html
    assert html.count('class="card creator-card"') == 24
    assert 'href="/metrics/#engagement-rate"' in html
    assert "3.5 %" in html
    assert "vs" in html
    assert "3.0 %" in html
    assert "updated" in html
    match = re.search(r'href="\?([^"]*cursor=[^"]+)"', html)
    assert match, "a next-page link that carries the filters"
    next_query = match.group(1).replace("&amp;", "&")
    assert "niches=fashion" in next_query
    second = brand_client.get(URL + "?" + next_query).content.decode().replace("\xa0", " ")
    assert second.count('class="card creator-card"') == 6


def test_cards_escape_what_creators_and_brands_typed_and_stamp_each_shortlist_form(brand_client, member):
    # The cards are rendered in Python (influencers/templatetags/discovery_tags.py): every value escaped,
    # and the once-rendered shortlist form gets each creator's own handle and id.
    hostile = creator("hostile", followers=20_000, er=0.03)
    hostile.display_name = '<script>alert("name")</script> & co'
    hostile.save(update_fields=["display_name"])
    plain = creator("plain", followers=10_000, er=0.03)
    ShortlistFactory(brand=member.brand, name="<card-handle/> <b>list</b>")
    html = brand_client.get(URL, {"sort": "followers"}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; co" in html
    assert "&lt;card-handle/&gt; &lt;b&gt;list&lt;/b&gt;" in html
    for influencer in (hostile, plain):
        assert f'<input type="hidden" name="influencer" value="{influencer.handle}">' in html
        assert f'<select id="shortlist-{influencer.pk}" name="shortlist">' in html
        assert f'<a href="/influencers/{influencer.handle}/">' in html
    assert "<card-handle/>" not in html
    assert "<card-pk/>" not in html


def test_an_htmx_request_gets_only_the_results_and_the_back_button_gets_the_page(brand_client):
    creator("swap")
    partial = brand_client.get(URL, {"q": "swap"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode().replace("\xa0", " ")
    assert 'id="results"' in partial.content.decode().replace("\xa0", " ")
    assert "HX-Request" in partial["Vary"]
    restore = brand_client.get(URL, {"q": "swap"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode().replace("\xa0", " ")


def test_every_filter_control_has_a_label(brand_client):
    html = brand_client.get(URL).content.decode().replace("\xa0", " ")
    form = html[html.index('id="discover-form"') : html.index("</form>", html.index('id="discover-form"'))]
    ids = set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form))
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', form))
    assert ids, "the form has controls"
    assert ids <= labelled, f"controls without a label: {sorted(ids - labelled)}"


def _page_queries(client, query: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, query)
    assert response.status_code == 200
    return len(captured)


def test_the_page_runs_a_fixed_number_of_queries_whatever_the_number_of_results(
    brand_client, member, django_assert_num_queries
):
    member.brand.shortlists.create(name="Summer")
    filters = {
        "niches": "fashion",
        "audience_country": ["NL", "BE"],
        "audience_country_min": "40",
        "er_min": "1",
        "offer_kind": WorkKind.SPONSORED_POST,
        "no_collaboration": "on",
        "sort": "engagement",
    }
    for i in range(3):
        creator(f"few{i}")
    few = _page_queries(brand_client, filters)
    for i in range(30):
        creator(f"many{i}", niches=("fashion", "beauty"))
    # session, user, the actor (membership + brand, one query), niche choices, count, page, niches
    # prefetch, shortlists, the navigation's role/unread-notifications query from base.html, and the page's
    # accounts, audiences and audience countries (discovery_details: an audience filter is set).
    with django_assert_num_queries(12):
        brand_client.get(URL, filters)
    assert few == 12
    with django_assert_num_queries(12):
        brand_client.get(URL, {**filters, "q": "many", "sort": "relevance"})


OWN_COLUMNS = "tier=micro&country=NL&er_min=1&followers_min=10&credibility_min=10&growth_min=-50"


@pytest.mark.postgres
def test_postgres_full_text_search_and_sorts_use_the_discovery_indexes():
    for i in range(40):
        creator(f"pg{i}", bio="Vintage fashion and thrifting" if i % 2 else "Ramen reviews", er=0.01 * (i % 7))
    Influencer.objects.filter(handle="pg3").update(status=ModerationStatus.PENDING)
    # Enough visible profiles that don't match, so the planner's choice depends on the indexes and
    # not on the accident of a 40-row table (where any index, or none, costs about the same).
    Influencer.objects.bulk_create(
        Influencer(handle=f"filler{i}", display_name="Filler", bio="Ramen reviews", status=ModerationStatus.APPROVED)
        for i in range(3000)
    )
    # A 40-row table would be read whole; take the alternatives away so each plan shows whether the
    # discovery index can serve the query at all (a GIN index is only reachable by a bitmap scan).
    switched_off = {
        "search": ("enable_seqscan",),
        "engagement": ("enable_seqscan", "enable_bitmapscan", "enable_sort"),
        "own_columns": ("enable_seqscan", "enable_bitmapscan", "enable_sort"),
    }
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE influencers_influencer")
        # What VACUUM does for rows that stopped changing: mark their pages all-visible, so an
        # index-only scan needs no table reads (the planner's cost of one depends on it).
        cursor.execute("UPDATE pg_class SET relallvisible = relpages WHERE oid = 'influencers_influencer'::regclass")
        # What autovacuum does: move the fresh rows from the GIN index's pending list into the index
        # proper (the planner prices an unmerged pending list as a scan of all of it).
        cursor.execute("SELECT gin_clean_pending_list('discover_search_document'::regclass)")
        queries = (("search", "q=vintage"), ("engagement", "sort=engagement"), ("own_columns", OWN_COLUMNS))
        for name, query in queries:
            for setting in switched_off[name]:
                cursor.execute(f"SET {setting} = off")
            try:
                # The page query as influencer_discovery runs it: the first 25 in the sort order.
                queryset = InfluencerFilter(QueryDict(query)).qs
                # The page's id query (influencer_discovery reads whole rows only for the page).
                queryset = (queryset.values("pk") if name == "own_columns" else queryset)[:25]
                sql, params = queryset.query.sql_with_params()
                cursor.execute("EXPLAIN " + sql, params)
                plans[name] = "\n".join(row[0] for row in cursor.fetchall())
            finally:
                for setting in switched_off[name]:
                    cursor.execute(f"SET {setting} = on")
    assert "discover_search_document" in plans["search"], plans["search"]
    assert "discover_engagement" in plans["engagement"], plans["engagement"]
    # The creator's own filter columns are answered from the index entries (non-key columns).
    assert "Index Only Scan using discover_followers" in plans["own_columns"], plans["own_columns"]
    assert set(handles("q=vintage", page_size=100)) == {f"pg{i}" for i in range(1, 40, 2)} - {"pg3"}
    assert handles("q=thrift", page_size=100)  # prefix match: "thrift" finds "thrifting"


@pytest.mark.postgres
def test_the_stored_search_document_is_the_search_vector_of_every_profile():
    # Migration 0005 writes search_vector() as SQL for a generated column; the two must not drift apart.
    creator("anna.style_x", bio="Vegan recipes, thrifting & more", display_name="Anna Ünal")
    creator("plain", bio="", display_name="")
    Influencer.objects.filter(handle="plain").update(bio="Later edit: ramen", display_name="Edited")
    rows = Influencer.objects.annotate(expected=search_vector(), stored=stored_document()).values_list(
        "handle", "expected", "stored"
    )
    assert len(rows) == 2
    for handle, expected, stored in rows:
        assert stored == expected, handle
    assert handles("q=ramen") == ["plain"]
    assert handles("q=anna style") == ["anna.style_x"]


def test_the_filterset_itself_enforces_visibility_so_the_api_cannot_forget_it():
    creator("public")
    creator("hidden", status=ModerationStatus.REJECTED)
    queryset = Influencer.objects.all()  # even when handed everything
    assert list(InfluencerFilter(QueryDict(), queryset=queryset).qs.values_list("handle", flat=True)) == ["public"]


@pytest.mark.postgres
def test_autovacuum_keeps_the_creator_table_visible_for_index_only_scans():
    # Migration 0008: the default 20 % threshold let a 1M table collect 200,000 rewritten rows, and the
    # discovery count then read 88,000 of them from the table instead of the index (docs/benchmarks.md).
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'influencers_influencer'")
        options = set(cursor.fetchone()[0] or ())
    assert {"autovacuum_vacuum_scale_factor=0.01", "autovacuum_analyze_scale_factor=0.02"} <= options


def test_table_view_shows_platforms_and_a_column_per_audience_filter_and_is_remembered(brand_client):
    creator("lotte", audience_countries={"NL": 0.46, "BE": 0.2, "DE": 0.34}, platform="tiktok")
    creator("noaud", audience=False)
    table = brand_client.get(URL, {"view": "table", "audience_country": ["NL", "BE"]}).content.decode()
    assert '<table class="results-table">' in table
    assert ">NL + BE</a>" in table  # the column heading links to the audience definition
    assert "66\u00a0%" in table  # 46 % + 20 %
    assert "TikTok" in table
    assert brand_client.cookies["discovery_view"].value == "table"

    remembered = brand_client.get(URL).content.decode()  # no view parameter: the cookie decides
    assert '<table class="results-table">' in remembered
    assert "NL + BE" not in remembered  # no audience filter now, no audience column

    cards = brand_client.get(URL, {"view": "cards", "audience_country": ["NL", "BE"]}).content.decode()
    assert '<ol class="cards"' in cards
    assert "66\u00a0%" in cards  # the cards show the filtered share too
    assert "platform-tiktok" in cards


def test_filters_in_force_show_as_chips_each_removable_and_the_count_follows_in_place(brand_client):
    creator("chipper", niches=("fashion", "beauty"))
    html = brand_client.get(URL, {"niches": ["fashion", "beauty"], "country": "NL", "sort": "engagement"}).content
    html = html.decode()
    assert "Niches: Fashion" in html
    assert "Niches: Beauty" in html
    assert "Creator country: Netherlands" in html or "country: Netherlands" in html
    assert "Sort" not in html.split('class="chips"')[1].split("</ul>")[0]  # the sort is not a filter
    # Removing "Fashion" keeps "Beauty", the country and the sort.
    assert 'href="?niches=beauty&amp;country=NL&amp;sort=engagement"' in html

    partial = brand_client.get(URL, {"niches": "fashion"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="filter-count"' in partial
    assert 'hx-swap-oob="true"' in partial
    assert ">1</span>" in partial
