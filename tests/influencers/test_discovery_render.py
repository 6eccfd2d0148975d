"""The fast render path of discovery gives exactly the bytes of the reference path (issue 16, render-path CPU).

Discovery's page (cards, table, htmx partial) and the API list are rendered twice for the same random
searches over one demo world, in English and in Dutch: once as the app does it, once through the reference
path — the results table through its template (`influencers/_results_table.html`, the template the Python
rows replaced) and the filter set built the way django-filter builds it on every request (every filter
and form field deep-copied, a new form class per filter set). The HTML must be equal byte for byte once
the per-request CSRF token is taken out, the JSON exactly. Creators and a shortlist carry hostile text, so
escaping is compared too. The numbers' timestamps are fixed far in the past, so "updated … ago" cannot
change between the two renders.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import parse_qsl, urlencode

import django_filters
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from campaigns import demo
from influencers.filters import InfluencerFilter
from influencers.metrics import recompute_metrics
from influencers.models import Influencer
from tests.factories import BrandMemberFactory, ShortlistFactory
from tests.influencers.test_search_table import _punctuality, _random_search, _vocabulary
from tests.module_world import built_once

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db]

CREATORS = 300
SEARCHES = 30
TODAY = dt.date(2026, 11, 2)
HOSTILE = "<script>alert('x')</script> \"Q\" & <card-handle/> <b>"
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    def build():
        demo.seed_demo(influencers=CREATORS, seed=31, today=TODAY)
        recompute_metrics(full=True)
        _punctuality(random.Random(5))
        vocabulary = _vocabulary()
        # Long ago, so the relative "updated … ago" text is the same in both renders.
        stamp = timezone.now() - dt.timedelta(days=400)
        Influencer.objects.update(metrics_updated_at=stamp)
        Influencer.objects.filter(delivery_sample__gt=0).update(delivery_computed_at=stamp)
        hostile = list(Influencer.objects.visible_to_brands().order_by("-total_followers")[:40:4])
        for creator in hostile:
            creator.display_name = f"{HOSTILE} {creator.display_name}"
            creator.bio = f"{HOSTILE} {creator.bio}"
        Influencer.objects.bulk_update(hostile, ["display_name", "bio"])
        member = BrandMemberFactory()
        ShortlistFactory(brand=member.brand, name=HOSTILE)
        ShortlistFactory(brand=member.brand, name="Spring launch")
        return {**vocabulary, "member_user": member.user.pk}

    if connection.vendor != "postgresql":
        pytest.skip("the search table is PostgreSQL's")
    yield from built_once(django_db_blocker, build)


REFERENCE_TEMPLATES = Path(__file__).parent / "reference_templates"


@contextmanager
def reference_path() -> Iterator[None]:
    """Discovery rendered the way it was before the render-path work (see the module docstring)."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [REFERENCE_TEMPLATES, *templates[0]["DIRS"]]
    stock_form_class = django_filters.FilterSet.get_form_class
    with (
        override_settings(TEMPLATES=templates),
        mock.patch.object(InfluencerFilter, "get_form_class", stock_form_class),
    ):
        yield


def _searches(world: dict) -> list[str]:
    rng = random.Random(16)
    queries = [urlencode(list(_random_search(rng, world).lists()), doseq=True) for _ in range(SEARCHES)]
    return ["", *queries]


def _api_query(query: str) -> str:
    """The API refuses empty parameters and takes booleans as true/false."""
    pairs = [(name, "true" if name == "no_collaboration" else value) for name, value in parse_qsl(query) if value]
    return urlencode(pairs)


def _pages(client, query: str, language: str) -> dict[str, bytes]:
    base = f"/influencers/?{query}&" if query else "/influencers/?"
    api = f"/api/v1/influencers/?{_api_query(query)}"
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    responses = {
        "cards": client.get(base + "view=cards", **headers),
        "table": client.get(base + "view=table", **headers),
        "htmx table": client.get(base + "view=table", HTTP_HX_REQUEST="true", **headers),
        "htmx cards": client.get(base + "view=cards", HTTP_HX_REQUEST="true", **headers),
        "api": client.get(api, **headers),
    }
    for name, response in responses.items():
        assert response.status_code == 200, (name, query, response.content[:300])
    return {name: CSRF.sub(r"\1…", response.content.decode()).encode() for name, response in responses.items()}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_pages_and_api_are_byte_for_byte_the_reference_rendering(world, client, language):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(pk=world["member_user"]))
    compared = 0
    for query in _searches(world):
        fast = _pages(client, query, language)
        with reference_path():
            reference = _pages(client, query, language)
        for name in fast:
            assert fast[name] == reference[name], f"{name} differs for ?{query}"
            compared += 1
    assert compared == 5 * (SEARCHES + 1)
    # The comparison saw the things that matter: rows in both views, hostile names escaped, Dutch numbers.
    sample = _pages(client, "", language)
    assert b"&lt;script&gt;" in sample["cards"]
    assert b"<script>alert" not in sample["cards"]
    assert b"results-table" in sample["table"]
    assert b"creator-card" in sample["cards"]
