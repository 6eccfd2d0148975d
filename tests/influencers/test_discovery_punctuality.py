"""Discovery by delivery punctuality: the filter "delivers on time at least N %" and the sort "Delivers on time".

The value is the stored copy of campaigns' delivers-on-time score (docs/metrics.md#delivers-on-time-in-discovery);
these tests set it directly, as discovery only reads it (tests/campaigns/test_reputation.py checks that the
campaigns service writes the profile's live value). Both query paths are checked where both exist: the
reference FilterSet query, and on PostgreSQL the discovery search table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from influencers.filters import InfluencerFilter
from influencers.models import Influencer
from influencers.selectors import influencer_discovery
from tests.discovery_data import brand_member, creator

pytestmark = pytest.mark.django_db

URL = "/influencers/"
API = "/api/v1/influencers/"
COMPUTED = timezone.now() - dt.timedelta(hours=5)


def punctual(handle: str, percent: int | None, sample: int) -> Influencer:
    """A creator whose stored score is `percent` of `sample` deliverables (None: not enough history)."""
    on_time = round(percent * sample / 100) if percent is not None else sample
    return creator(
        handle,
        delivery_on_time_percent=percent,
        delivery_on_time_count=on_time,
        delivery_sample=sample,
        delivery_computed_at=COMPUTED if sample else None,
    )


@pytest.fixture
def creators() -> dict[str, Influencer]:
    made = [
        punctual("always.a", 100, 4),
        punctual("always.b", 100, 3),
        punctual("mostly", 95, 20),
        punctual("eighty", 80, 10),
        punctual("just.below", 79, 14),
        punctual("two.only", None, 2),  # not enough history, though both were on time
        punctual("never.delivered", None, 0),
    ]
    return {influencer.handle: influencer for influencer in made}


def paths() -> list[bool]:
    """The reference query everywhere; the search table too on PostgreSQL, where it lives."""
    return [False, True] if connection.vendor == "postgresql" else [False]


def handles(query: str, *, from_search_table: bool) -> list[str]:
    filterset = InfluencerFilter(QueryDict(query))
    page = influencer_discovery(filterset=filterset, page_size=50, from_search_table=from_search_table)
    return [influencer.handle for influencer in page.results]


def test_the_filter_keeps_creators_at_or_above_the_minimum_and_leaves_out_not_enough_history(creators):
    for from_search_table in paths():
        found = handles("delivers_on_time_min=80", from_search_table=from_search_table)
        assert set(found) == {"always.a", "always.b", "mostly", "eighty"}, from_search_table
        # Even a minimum of 0 % means "has a score": creators without enough history are not at 0 %.
        found = handles("delivers_on_time_min=0", from_search_table=from_search_table)
        assert "two.only" not in found
        assert "never.delivered" not in found
        assert "just.below" in found


def test_the_sort_puts_the_most_punctual_first_ties_by_newest_and_not_enough_history_last(creators):
    newest_first = sorted(creators.values(), key=lambda influencer: -influencer.pk)
    ties = [i.handle for i in newest_first if i.handle.startswith("always.")]
    unknown = [i.handle for i in newest_first if i.delivery_on_time_percent is None]
    expected = [*ties, "mostly", "eighty", "just.below", *unknown]
    for from_search_table in paths():
        assert handles("sort=delivers_on_time", from_search_table=from_search_table) == expected, from_search_table
        # With the filter, and across pages: the keyset cursor carries the stored percent.
        first = influencer_discovery(
            filterset=InfluencerFilter(QueryDict("sort=delivers_on_time")),
            page_size=3,
            from_search_table=from_search_table,
        )
        second = influencer_discovery(
            filterset=InfluencerFilter(QueryDict("sort=delivers_on_time")),
            cursor=first.next_cursor,
            page_size=10,
            from_search_table=from_search_table,
        )
        assert [i.handle for i in [*first.results, *second.results]] == expected


def test_the_page_offers_the_filter_and_sort_and_cards_show_sample_period_and_freshness(client, creators):
    member = brand_member()
    client.force_login(member.user)
    page = client.get(URL, {"delivers_on_time_min": "90", "sort": "delivers_on_time"}).content.decode()
    assert 'name="delivers_on_time_min"' in page
    assert '<option value="delivers_on_time" selected>Delivers on time</option>' in page
    cards = page[page.index('id="results"') :]
    assert cards.index("always.b") < cards.index("mostly")
    assert "eighty" not in cards
    assert "95\xa0%</span>" in cards
    assert "19 of 20, 365 d" in cards  # on time of sample, period
    assert "on-time score updated 5\xa0hours ago" in cards
    assert "/metrics/#delivers-on-time" in cards
    # The htmx partial answers the same.
    partial = client.get(URL, {"delivers_on_time_min": "90"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section id="results"')
    assert "mostly" in partial
    assert "eighty" not in partial
    # Not enough history is said, not shown as a number.
    everyone = client.get(URL, {"sort": "delivers_on_time"}).content.decode()
    assert "not enough history" in everyone


def test_a_fractional_or_out_of_range_minimum_is_refused_with_a_message(client, creators):
    member = brand_member()
    client.force_login(member.user)
    page = client.get(URL, {"delivers_on_time_min": "89.5"}).content.decode()
    assert "Some filters were not applied:" in page
    assert "Enter a whole number." in page


def test_the_api_filters_sorts_and_returns_the_score_with_its_evidence(client, creators):
    from tests.api.conftest import token_client

    member = brand_member()
    api = token_client(member.user)
    response = api.get(API, {"delivers_on_time_min": "80", "sort": "delivers_on_time"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sort"] == "delivers_on_time"
    assert [card["handle"] for card in body["results"]][2:] == ["mostly", "eighty"]
    mostly = body["results"][2]["delivers_on_time"]
    assert {key: mostly[key] for key in ("percent", "on_time", "sample", "period_days")} == {
        "percent": 95,
        "on_time": 19,
        "sample": 20,
        "period_days": 365,
    }
    assert mostly["updated_at"] is not None
    everyone = api.get(API, {"sort": "delivers_on_time"}).json()["results"]
    assert everyone[-1]["delivers_on_time"]["percent"] is None
    for bad in ("89.5", "101", "-1", "often"):
        refused = api.get(API, {"delivers_on_time_min": bad})
        assert refused.status_code == 400
        assert "delivers_on_time_min" in refused.json()["fields"]


def test_the_openapi_schema_documents_the_filter_and_the_sort(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"][API]["get"]["parameters"]}
    assert parameters["delivers_on_time_min"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 100}
    assert "delivers_on_time" in parameters["sort"]["schema"]["enum"]
    # Decimal filters stay numbers (DecimalField subclasses IntegerField in Django).
    assert parameters["max_price"]["schema"]["type"] == "number"
    assert parameters["er_min"]["schema"]["type"] == "number"
    card = schema["components"]["schemas"]["InfluencerCard"]["properties"]
    assert "delivers_on_time" in card
