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
