"""Similar creators ("lookalikes"): on the profile (lazy htmx card + its own page) and in the API.

The ground truth is planted by construction: a world of 40 creators around @anna in which a known group
of eight twins shares her niches, audience, tier and engagement; they must be the top eight, and
twins that are hidden or not credible must never appear. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest
from django.utils import timezone

from influencers.models import Influencer
from influencers.selectors import influencer_similar
from influencers.similarity import (
    Features,
    credibility_factor,
    engagement_similarity,
    niche_similarity,
    rank_similar,
    tier_similarity,
)
from influencers.taxonomy import ModerationStatus
from tests.api.conftest import token_client
from tests.discovery_data import brand_member, creator
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/influencers/{}/similar/"
PAGE = "/influencers/{}/similar/"

ANNA_AGE = {
    "age_13_17": 0.05,
    "age_18_24": 0.45,
    "age_25_34": 0.35,
    "age_35_44": 0.10,
    "age_45_54": 0.03,
    "age_55_plus": 0.02,
}
ANNA_GENDER = {"gender_female": 0.80, "gender_male": 0.18, "gender_other": 0.02}
ANNA_COUNTRIES = {"NL": 0.7, "BE": 0.2, "DE": 0.1}
MALE_GAMERS = {
    "age_13_17": 0.30,
    "age_18_24": 0.50,
    "age_25_34": 0.15,
    "age_35_44": 0.05,
    "age_45_54": 0.0,
    "age_55_plus": 0.0,
    "gender_female": 0.15,
    "gender_male": 0.83,
    "gender_other": 0.02,
}


@dataclass
class World:
    anna: Influencer
    twins: list[Influencer]
    cousins: list[Influencer]
    strangers: list[Influencer]
    excluded: dict[str, Influencer]  # why -> a twin that must never be suggested


def twin(handle: str, number: int, **fields) -> Influencer:
    """Anna's niches, audience within a point or two, micro, ER within 10 %."""
    shift = 0.01 * (number % 3)
    audience = {**ANNA_AGE, **ANNA_GENDER}
    audience["age_18_24"] -= shift
    audience["age_25_34"] += shift
    return creator(
        handle,
        followers=18_000 + 1_000 * number,
        er=0.029 + 0.0005 * (number % 4),
        credibility=fields.pop("credibility", 88 + number % 5),
        niches=("fashion", "beauty"),
        audience=audience,
        audience_countries={"NL": 0.68 + shift, "BE": 0.2, "DE": 0.1 - shift},
        offers=(),
        **fields,
    )


def build_world() -> World:
    anna = creator(
        "anna",
        followers=20_000,
        er=0.030,
        credibility=90,
        niches=("fashion", "beauty"),
        audience={**ANNA_AGE, **ANNA_GENDER},
        audience_countries=ANNA_COUNTRIES,
        offers=(),
    )
    twins = [twin(f"twin{number}", number) for number in range(8)]
    # One shared niche, a US/GB audience and twice anna's ER: similar, but less than a twin.
    cousins = [
        creator(
            f"cousin{number}",
            followers=20_000 + 500 * number,
            er=0.06,
            credibility=85,
            niches=("fashion", "food"),
            audience={**ANNA_AGE, **ANNA_GENDER},
            audience_countries={"US": 0.6, "GB": 0.3, "NL": 0.1},
            offers=(),
        )
        for number in range(6)
    ]
    # Tech and gaming creators with young male audiences, some fashion-adjacent by niche, all tiers.
    strangers = [
        creator(
            f"stranger{number}",
            followers=(800, 20_000, 250_000, 2_000_000)[number % 4],
            er=0.09,
            credibility=90,
            niches=("fashion", "gaming") if number < 10 else ("tech",),
            audience=MALE_GAMERS,
            audience_countries={"US": 0.5, "DE": 0.3, "FR": 0.2},
            offers=(),
        )
        for number in range(20)
    ]
    excluded = {
        "credibility below the floor": twin("fraud.twin", 0, credibility=30),
        "suspended": twin("suspended.twin", 1, status=ModerationStatus.SUSPENDED),
        "pending": twin("pending.twin", 2, status=ModerationStatus.PENDING),
        "rejected": twin("rejected.twin", 3, status=ModerationStatus.REJECTED),
        "paused": twin("paused.twin", 4, is_active=False),
    }
    world = World(anna=anna, twins=twins, cousins=cousins, strangers=strangers, excluded=excluded)
    assert 1 + len(twins) + len(cousins) + len(strangers) + len(excluded) == 40
    return world


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def member():
    return brand_member()


@pytest.fixture
def brand_api(member):
    return token_client(member.user)


@pytest.fixture
def brand_client(client, member):
    client.force_login(member.user)
    return client


# --- ranking: the planted ground truth ---------------------------------------------------------------


def test_the_planted_twins_are_the_top_results(world: World, brand_api):
    response = brand_api.get(API.format("anna"))
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    handles = [row["handle"] for row in results]
    assert len(handles) == 12
    assert set(handles[:8]) == {influencer.handle for influencer in world.twins}
    # Cousins share a niche and the age/gender mix: they come next, before any stranger.
    assert set(handles[8:12]) <= {influencer.handle for influencer in world.cousins}
    scores = [row["similarity"] for row in results]
    assert scores == sorted(scores, reverse=True)
    assert min(scores[:8]) > max(scores[8:])


def test_never_the_creator_itself_nor_a_hidden_or_not_credible_creator(world: World, brand_api):
    handles = {row["handle"] for row in brand_api.get(API.format("anna")).json()["results"]}
    assert "anna" not in handles
    for why, influencer in world.excluded.items():
        assert influencer.handle not in handles, why


def test_a_hidden_creator_has_no_lookalike_list_and_is_nobodys_lookalike(world: World, brand_api):
    assert brand_api.get(API.format("suspended.twin")).status_code == 404
    assert brand_api.get(API.format("paused.twin")).status_code == 404
    for twin_handle in ("twin0", "twin5"):
        handles = {row["handle"] for row in brand_api.get(API.format(twin_handle)).json()["results"]}
        assert "anna" in handles
        assert not handles & {influencer.handle for influencer in world.excluded.values()}


def test_each_result_explains_itself_with_fresh_numbers(world: World, brand_api):
    body = brand_api.get(API.format("anna")).json()
    assert body["handle"] == "anna"
    assert body["metrics_updated_at"] is not None
    first = body["results"][0]
    assert first["shared_niches"] == ["beauty", "fashion"]
    assert first["components"]["niches"] == 1.0
    assert first["components"]["tier"] == 1.0
    assert first["audience_overlap"]["gender"] == 1.0
    assert first["metrics_updated_at"] is not None
    reason = first["reason"]
    assert reason.startswith("same niches (Beauty, Fashion) · ")
    assert "audience overlap by age, gender and country" in reason
    assert "micro like @anna" in reason
    assert f"metrics of {timezone.localtime(world.anna.metrics_updated_at):%-d %b %Y}" in reason
    cousin = next(row for row in body["results"] if row["handle"].startswith("cousin"))
    assert cousin["reason"].startswith("shared niche (Fashion) · ")
    assert "ER 6.0 % (@anna: 3.0 %)" in cousin["reason"]


def test_a_creator_without_niches_is_compared_with_everyone_visible(brand_api):
    creator("loner", niches=(), offers=())
    creator("other", niches=("tech",), offers=())
    handles = [row["handle"] for row in brand_api.get(API.format("loner")).json()["results"]]
    assert handles == ["other"]
    other = brand_api.get(API.format("other")).json()["results"]
    assert [row["handle"] for row in other] == []  # other has a niche; loner shares none


# --- the worked example of docs/metrics.md#similar-creators --------------------------------------------


def test_worked_example_from_the_metrics_document(brand_api):
    creator(
        "anna",
        followers=20_000,
        er=0.030,
        credibility=90,
        niches=("fashion", "beauty"),
        audience={**ANNA_AGE, **ANNA_GENDER},
        audience_countries=ANNA_COUNTRIES,
        offers=(),
    )
    creator(
        "bea",
        followers=35_000,
        er=0.024,
        credibility=72,
        niches=("fashion", "beauty", "food"),
        audience={
            "age_13_17": 0.10,
            "age_18_24": 0.40,
            "age_25_34": 0.30,
            "age_35_44": 0.12,
            "age_45_54": 0.05,
            "age_55_plus": 0.03,
            "gender_female": 0.70,
            "gender_male": 0.28,
            "gender_other": 0.02,
        },
        audience_countries={"NL": 0.6, "BE": 0.1, "GB": 0.2},
        offers=(),
        metrics_updated_at=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC),
    )
    Influencer.objects.filter(handle="anna").update(metrics_updated_at=dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC))
    (bea,) = brand_api.get(API.format("anna")).json()["results"]
    assert bea["components"] == {"niches": 0.6667, "audience": 0.8333, "tier": 1.0, "engagement": 0.839}
    assert bea["audience_overlap"] == {"age": 0.9, "gender": 0.9, "country": 0.7}
    assert bea["credibility_factor"] == 0.9
    assert bea["similarity"] == 72.1
    assert bea["reason"] == (
        "shared niches (Beauty, Fashion) · 83 % audience overlap by age, gender and country · micro like @anna"
        " · ER 2.4 % (@anna: 3.0 %) · metrics of 3 Dec 2026 (@anna: 4 Dec 2026)"
    )


# --- the components on their own ----------------------------------------------------------------------


def test_components_at_their_edges():
    niches = np.array([[True, True, False], [False, False, True], [False, False, False]])
    assert niche_similarity(niches, np.array([True, True, False])).tolist() == [1.0, 0.0, 0.0]
    assert niche_similarity(niches[2:], np.array([False, False, False])).tolist() == [0.0]
    assert tier_similarity(np.array([1, 2, 3, -1], dtype=np.int8), 1).tolist() == [1.0, 0.5, 0.0, 0.0]
    assert tier_similarity(np.array([1], dtype=np.int8), -1).tolist() == [0.0]
    rates = np.array([0.03, 0.06, 0.12, 0.0075, np.nan, 0.0])
    assert engagement_similarity(rates, 0.03).round(4).tolist() == [1.0, 0.5, 0.0, 0.0, 0.0, 0.0]
    assert engagement_similarity(rates, float("nan")).tolist() == [0.0] * 6
    assert credibility_factor(np.array([100, 80, 64, 50, 49, np.nan])).tolist() == [1.0, 1.0, 0.8, 0.625, 0.0, 1.0]


def test_ties_go_to_the_nearest_in_followers_then_the_oldest():
    def features(followers: list[int]) -> Features:
        n = len(followers)
        return Features(
            ids=np.arange(1, n + 1, dtype=np.int64),
            followers=np.array(followers, dtype=np.int64),
            tier=np.ones(n, dtype=np.int8),
            engagement_rate=np.full(n, 0.03),
            credibility=np.full(n, 90.0),
            niches=np.ones((n, 1), dtype=bool),
            niche_ids=[7],
            has_audience=np.zeros(n, dtype=bool),
            age=np.zeros((n, 6)),
            gender=np.zeros((n, 3)),
            countries=np.zeros((n, 0)),
            country_codes=[],
        )

    ranked = rank_similar(features([10_000, 50_000, 12_000, 12_000, 9_000]), target_id=1)
    assert [item.influencer_id for item in ranked] == [5, 3, 4, 2]
    assert {item.score for item in ranked} == {65.0}


# --- pages ----------------------------------------------------------------------------------------------


def test_profile_loads_the_similar_card_lazily_with_a_link_fallback(world: World, brand_client):
    html = brand_client.get("/influencers/anna/").content.decode()
    assert 'hx-get="/influencers/anna/similar/"' in html
    assert 'href="/influencers/anna/similar/"' in html
    assert "twin0" not in html  # the list itself comes with the lazy request


def test_similar_page_without_javascript_and_as_an_htmx_fragment(world: World, brand_client):
    page = brand_client.get(PAGE.format("anna"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html
    assert html.count('class="similar-item"') == 12
    for influencer in world.twins:
        assert f'href="/influencers/{influencer.handle}/"' in html
    assert "fraud.twin" not in html
    assert "suspended.twin" not in html
    assert "micro like @anna" in html
    assert 'href="/metrics/#similar-creators"' in html
    fragment = brand_client.get(PAGE.format("anna"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment
    assert fragment.count('class="similar-item"') == 12
    assert fragment.lstrip().startswith('<section id="similar-creators"')


def test_staff_see_lookalikes_of_a_hidden_profile_but_brands_do_not(world: World, brand_client, client):
    assert brand_client.get(PAGE.format("suspended.twin")).status_code == 404
    client.force_login(StaffFactory())
    html = client.get(PAGE.format("suspended.twin")).content.decode()
    assert "twin0" in html
    assert "anna" in html
    assert "fraud.twin" not in html


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("creator", 403), ("brand", 200)])
def test_api_is_for_brands_and_staff_like_the_detail_endpoint(world: World, member, role, status):
    from rest_framework.test import APIClient

    clients = {
        "anonymous": APIClient(),
        "creator": token_client(world.anna.user),
        "brand": token_client(member.user),
    }
    assert clients[role].get(API.format("anna")).status_code == status


def test_similar_is_in_the_openapi_schema(brand_api):
    schema = brand_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/influencers/{handle}/similar/"]["get"]
    assert operation["operationId"] == "influencers_similar"


# --- a fixed number of queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_api_runs_a_fixed_number_of_queries(world: World, brand_api, django_assert_num_queries, extra):
    for number in range(extra):
        twin(f"late.twin{number}", number)
    # the token with its user, brand membership + brand, the creator, then influencer_similar: her niches,
    # the candidates below and above her follower count, their niches, audiences, audience countries,
    # and the shown creators' display columns.
    with django_assert_num_queries(10):
        response = brand_api.get(API.format("anna"))
    assert len(response.json()["results"]) == 12


@pytest.mark.parametrize("extra", [0, 30])
def test_selector_runs_seven_queries(world: World, django_assert_num_queries, extra):
    for number in range(extra):
        twin(f"late.twin{number}", number)
    with django_assert_num_queries(7):
        results = influencer_similar(influencer=world.anna)
    assert len(results) == 12
