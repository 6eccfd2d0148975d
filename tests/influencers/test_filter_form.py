"""Discovery's filter form class is built once per niche choices; each form still has its own fields."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils import translation

from influencers.filters import InfluencerFilter
from influencers.models import Niche

pytestmark = pytest.mark.django_db


def test_forms_share_the_class_and_the_choices_but_not_their_fields_or_values():
    first = InfluencerFilter(QueryDict("country=NL&niches=fashion")).form
    second = InfluencerFilter(QueryDict("country=BE")).form
    assert type(first) is type(second)
    assert first.fields["country"] is not second.fields["country"]
    assert first.fields["country"].widget is not second.fields["country"].widget
    assert first.fields["country"].choices is second.fields["country"].choices
    assert first.is_valid(), first.errors
    assert second.is_valid(), second.errors
    assert (first.cleaned_data["country"], second.cleaned_data["country"]) == ("NL", "BE")
    assert first.cleaned_data["niches"] == ["fashion"]
    assert second.cleaned_data["niches"] == []


def test_a_new_niche_or_another_language_gives_a_form_with_those_choices():
    before = InfluencerFilter(QueryDict()).form
    Niche.objects.create(slug="falconry", name="Falconry")
    after = InfluencerFilter(QueryDict("niches=falconry")).form
    assert type(after) is not type(before)
    assert ("falconry", "Falconry") in list(after.fields["niches"].choices)
    assert after.is_valid(), after.errors
    with translation.override("nl"):
        dutch = InfluencerFilter(QueryDict()).form
        assert "Mode" in dict(dutch.fields["niches"].choices).values()
        assert str(dutch.fields["country"].label) == "Land van de creator"


def test_each_filter_set_has_its_own_filters_and_methods_filter_through_their_own_parent():
    declared = InfluencerFilter.base_filters
    first = InfluencerFilter(QueryDict("niches=fashion"))
    second = InfluencerFilter(QueryDict("tier=micro"))
    for name, filter_ in first.filters.items():
        assert filter_ is not declared[name]
        assert filter_ is not second.filters[name]
        assert filter_.extra is not second.filters[name].extra
        assert (filter_.parent, second.filters[name].parent) == (first, second)
    # A method filter calls the method of the filter set it belongs to, never another request's.
    assert first.filters["niches"].filter.f is first.filters["niches"]
    assert first.filters["niches"].filter.method.__self__ is first
    assert second.filters["tier"].filter.method.__self__ is second
    # The niche choices one filter set reads from the database are its own.
    first.filters["niches"].extra["choices"] = [("only-here", "Only here")]
    assert second.filters["niches"].extra["choices"] != [("only-here", "Only here")]
    assert "choices" not in declared["niches"].extra
    assert list(InfluencerFilter(QueryDict("niches=fashion")).qs) == list(first.qs)
