"""The matching feature store: the same matrix as the live loader, and never stale.

The store (campaigns/matching/store.py) is the matrix the live loader builds, stored compactly; a reader
patches the influencers of every FeatureChange recorded after the build, or loads live.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from campaigns import demo
from campaigns.matching import recompute_campaign_matches
from campaigns.matching.features import Features, load_features
from campaigns.matching.store import (
    ARRAY_FIELDS,
    decode_array,
    encode_array,
    feature_changes_since,
    feature_store_build,
    feature_store_read,
    forget_cached_features,
    matchable_features,
)
from campaigns.models import FeatureStore, Match
from influencers.metrics import recompute_metrics
from influencers.metrics.recompute import features_changed
from influencers.models import FeatureChange, Influencer
from influencers.services import influencer_changed, influencer_moderate
from influencers.tasks import recompute_metrics_task
from influencers.taxonomy import Currency, ModerationStatus, Platform, WorkKind
from tests.factories import (
    AudienceFactory,
    CampaignFactory,
    InfluencerFactory,
    OfferFactory,
    SocialAccountFactory,
    StaffFactory,
    niche,
)

pytestmark = pytest.mark.django_db


def assert_same_matrix(actual: Features, expected: Features) -> None:
    for name in ARRAY_FIELDS:
        a, e = getattr(actual, name), getattr(expected, name)
        assert (a.dtype, a.shape) == (e.dtype, e.shape), name
        assert np.array_equal(a, e, equal_nan=e.dtype.kind == "f"), name
    assert actual.niche_ids == expected.niche_ids
    assert actual.niche_names == expected.niche_names
    assert actual.niche_slugs == expected.niche_slugs


def edge_cases() -> list[Influencer]:
    """What the demo may not have: two accounts on one platform, cents, other currencies, no audience."""
    two = InfluencerFactory(user=None, handle="two_accounts", languages=["nl", "en"], country="BE")
    SocialAccountFactory(influencer=two, platform=Platform.INSTAGRAM, handle="two_a", followers=1_500)
    SocialAccountFactory(influencer=two, platform=Platform.INSTAGRAM, handle="two_b", followers=2_400_000)
    OfferFactory(influencer=two, kind=WorkKind.SPONSORED_POST, price=Decimal("349.99"), currency=Currency.EUR)
    OfferFactory(influencer=two, kind=WorkKind.SPONSORED_POST, price=Decimal("120.10"), currency=Currency.EUR)
    OfferFactory(influencer=two, kind=WorkKind.GIVEAWAY, price=Decimal("9999999.99"), currency=Currency.USD)
    OfferFactory(influencer=two, kind=WorkKind.GIVEAWAY, price=Decimal("0.01"), currency=Currency.EUR, is_active=False)
    AudienceFactory(influencer=two)
    bare = InfluencerFactory(user=None, handle="bare", languages=[], country="", credibility_score=None)
    SocialAccountFactory(influencer=bare, platform=Platform.TIKTOK, handle="bare_tt", followers=0)
    hidden = InfluencerFactory(user=None, handle="suspended", status=ModerationStatus.SUSPENDED)
    SocialAccountFactory(influencer=hidden, platform=Platform.YOUTUBE, handle="hidden_yt", followers=50_000)
    return [two, bare, hidden]


@pytest.mark.postgres
def test_the_stored_matrix_is_the_live_one_and_scores_the_same(settings: Any) -> None:
    demo.seed_demo(influencers=3 * demo.MIN_INFLUENCERS, today=timezone.localdate())
    edge_cases()
    recompute_metrics(full=True)
    live = load_features()
    assert len(live) > 40
    assert np.isfinite(live.credibility).any()
    assert (live.offer_price > 0).any()

    store = feature_store_build()
    assert store is not None
    assert store.rows == len(live)
    stored = feature_store_read()
    assert stored is not None
    assert stored.through == store.through
    assert_same_matrix(stored.features, live)

    # The stored lists are the same whichever way the matrix came.
    campaign = CampaignFactory(platforms=[], budget_per_creator=Decimal("400"))
    campaign.niches.set([niche("fashion"), niche("beauty")])
    settings.MATCH_FEATURE_STORE = False
    recompute_campaign_matches(campaign_id=campaign.pk)
    from_live = list(Match.objects.filter(campaign=campaign).order_by("rank").values())
    Match.objects.filter(campaign=campaign).delete()
    settings.MATCH_FEATURE_STORE = True
    recompute_campaign_matches(campaign_id=campaign.pk)
    from_store = list(Match.objects.filter(campaign=campaign).order_by("rank").values())
    assert len(from_store) > 10
    strip = ("id", "computed_at")
    assert [{k: v for k, v in m.items() if k not in strip} for m in from_store] == [
        {k: v for k, v in m.items() if k not in strip} for m in from_live
    ]


@pytest.mark.parametrize(
    "array",
    [
        np.zeros(0, dtype=np.int64),
        np.array([1, 2, 2**40], dtype=np.int64),
        np.full((5, 7), -1, dtype=np.int64),
        np.array([[-1, 3], [-1, -1], [-1, -1]], dtype=np.int64),
        np.array([[np.nan, 0.035], [np.nan, np.nan], [np.nan, np.nan]], dtype=np.float32),
        np.array([[[np.nan, 349.99], [np.nan, np.nan]]] * 3, dtype=np.float64),
        np.array([[0.125, np.nan], [np.nan, np.nan]], dtype=np.float64),  # not whole cents: stored raw
        np.array([[True, False, False], [False, False, True]]),
        np.zeros((0, 20), dtype=bool),
        np.array([[0, 10_000, 0], [0, 0, 0]], dtype=np.uint16),
    ],
)
def test_encoding_round_trips_exactly(array: np.ndarray) -> None:
    encoded = encode_array("x", array)
    decoded = decode_array(encoded.encoding, encoded.dtype, encoded.shape, encoded.data)
    assert decoded.dtype == array.dtype
    assert decoded.shape == array.shape
    assert np.array_equal(decoded, array, equal_nan=array.dtype.kind == "f")


def test_sparse_and_narrow_columns_take_less_room() -> None:
    followers = np.full((1000, 7), -1, dtype=np.int64)
    followers[:, 0] = 20_000
    encoded = encode_array("followers", followers)
    assert encoded.encoding == "sparse:-1:int:<i8"
    assert len(encoded.data) < followers.nbytes / 10


def creator(handle: str, **fields: Any) -> Influencer:
    influencer = InfluencerFactory(user=None, handle=handle, credibility_score=90, niches=["fashion"], **fields)
    SocialAccountFactory(
        influencer=influencer,
        platform=Platform.INSTAGRAM,
        handle=f"{handle}_ig",
        followers=20_000,
        engagement_rate=0.03,
    )
    return influencer


@pytest.fixture
def store_on(settings: Any) -> Any:
    settings.MATCH_FEATURE_STORE = True
    settings.MATCH_FEATURE_CACHE_SECONDS = 300
    forget_cached_features()
    yield settings
    forget_cached_features()


def test_recorded_changes_are_patched_into_the_stored_and_cached_matrix(
    store_on: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna = creator("anna")
    feature_store_build()
    assert list(matchable_features().ids) == [anna.pk]

    bert = creator("bert")
    assert list(matchable_features().ids) == [anna.pk]  # nothing recorded: a write outside the services
    features_changed(influencer_ids=[bert.pk])
    assert list(matchable_features().ids) == [anna.pk, bert.pk]  # the cached copy, patched

    with django_capture_on_commit_callbacks(execute=True):
        influencer_moderate(influencer=anna, decision="suspend", reason="Bought followers", by=StaffFactory())
    assert list(matchable_features().ids) == [bert.pk]

    forget_cached_features()  # a new worker: the store (built before both changes) patched
    assert_same_matrix(matchable_features(), load_features())


def test_a_change_without_ids_or_too_many_falls_back_to_the_live_loader(store_on: Any) -> None:
    anna = creator("anna")
    feature_store_build()
    store_on.MATCH_FEATURE_PATCH_LIMIT = 1
    bert, carl = creator("bert"), creator("carl")
    features_changed(influencer_ids=[bert.pk, carl.pk])
    assert list(matchable_features().ids) == [anna.pk, bert.pk, carl.pk]

    forget_cached_features()
    dave = creator("dave")
    features_changed()  # possibly everything changed
    assert list(matchable_features().ids) == [anna.pk, bert.pk, carl.pk, dave.pk]
    # Falling back queued a rebuild (run at once here: tasks are eager in tests).
    assert FeatureStore.objects.get().through == FeatureChange.objects.latest("pk").pk


def test_an_unchanged_store_is_not_rebuilt() -> None:
    creator("anna")
    first = feature_store_build()
    assert first is not None
    assert feature_store_build() is None
    features_changed(influencer_ids=[1])
    second = feature_store_build()
    assert second is not None
    assert second.through > first.through
    assert list(FeatureStore.objects.values_list("pk", flat=True)) == [second.pk]


def test_a_full_chunk_is_recorded_as_an_id_range() -> None:
    features_changed(id_range=(5, 8))
    assert list(feature_changes_since(0).influencer_ids) == [5, 6, 7, 8]


def test_the_engine_and_the_services_record_what_they_changed(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    anna, bert = creator("anna"), creator("bert")
    recompute_metrics(influencer_ids=[anna.pk])
    assert list(FeatureChange.objects.latest("pk").influencer_ids) == [anna.pk]

    with django_capture_on_commit_callbacks(execute=True):
        influencer_changed(influencer=bert)  # what a profile, account, audience or offer edit calls
    assert [anna.pk, bert.pk] == [
        ids[0] for ids in FeatureChange.objects.order_by("pk").values_list("influencer_ids", flat=True)[:2]
    ]

    settings.METRICS_CHUNK_SIZE = 1
    carl = creator("carl")  # never computed: the full run writes its row
    recompute_metrics_task.apply(kwargs={"full": True}).get()
    assert list(FeatureChange.objects.filter(id_from__isnull=False).values_list("id_from", "id_to")) == [
        (carl.pk, carl.pk)  # only the chunk that wrote rows
    ]
    # The last chunk queued a store build (run at once: tasks are eager in tests).
    assert FeatureStore.objects.get().through == FeatureChange.objects.latest("pk").pk


def test_an_admin_edit_of_an_offer_is_recorded(admin_client: Any, django_capture_on_commit_callbacks: Any) -> None:
    anna = creator("anna")
    offer = OfferFactory(influencer=anna, price=Decimal("100.00"))
    data = {
        "kind": offer.kind,
        "platform": offer.platform,
        "title": offer.title,
        "deliverables": "",
        "price": "80.00",
        "currency": offer.currency,
        "turnaround_days": offer.turnaround_days,
        "is_active": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/influencers/offer/{offer.pk}/change/", data)
    assert response.status_code == 302
    assert FeatureChange.objects.filter(influencer_ids=[anna.pk]).exists()


def test_a_store_built_for_other_niches_is_not_used_and_renames_show_at_once() -> None:
    creator("anna")
    feature_store_build()
    fashion = niche("fashion")
    fashion.name = "Mode"
    fashion.save()
    stored = feature_store_read()
    assert stored is not None
    assert stored.features.niche_names[fashion.pk] == "Mode"
    niche("brand-new-niche")
    assert feature_store_read() is None
