"""The bench's search mix (bench/search_mix.py) asks only what the discovery form accepts."""

from __future__ import annotations

from collections import Counter

import pytest
from django.http import QueryDict

from bench.search_mix import CLASS_WEIGHTS, MAX_FILTERS, SEARCHES, search_mix
from influencers.filters import InfluencerFilter
from tests.factories import BrandMemberFactory


def test_search_mix_is_fixed_by_its_seed_and_covers_every_class() -> None:
    searches = search_mix()
    assert len(searches) == SEARCHES >= 200
    assert search_mix() == searches
    assert search_mix(seed=17) != searches
    by_class = Counter(search.label for search in searches)
    assert set(by_class) == set(CLASS_WEIGHTS)
    # Weighted like real use: the most common class is niche, the rarest ones are a few percent.
    assert by_class.most_common(1)[0][0] == "niche"
    assert all(1 <= search.filters <= MAX_FILTERS for search in searches)
    deep = [search.page for search in searches if search.label == "deep page"]
    assert deep
    assert all(5 <= page <= 40 for page in deep)
    assert all(search.page == 1 for search in searches if search.label != "deep page")


def test_small_mixes_keep_one_search_of_every_class() -> None:
    assert {search.label for search in search_mix(30)} == set(CLASS_WEIGHTS)


@pytest.mark.django_db
def test_every_search_is_a_valid_discovery_query() -> None:
    """Only the FilterSet's GET parameters, with values its form accepts (nothing silently dropped)."""
    names = set(InfluencerFilter.base_filters)
    for search in search_mix():
        assert {name for name, _value in search.params} <= names, search
        filterset = InfluencerFilter(QueryDict(search.query))
        assert filterset.form.is_valid(), (search.query, filterset.form.errors)
        applied = {name for name, value in filterset.form.cleaned_data.items() if value not in (None, "", [], False)}
        assert applied == {name for name, _value in search.params}, search.query


@pytest.mark.django_db
def test_every_search_is_a_valid_api_query(client) -> None:
    """The API refuses what the page's form guesses (a checkbox's "on"): its own spelling, 200 for each."""
    client.force_login(BrandMemberFactory().user)
    for search in search_mix(60):
        response = client.get(f"/api/v1/influencers/?{search.api_query}", HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (search.api_query, response.content[:300])
