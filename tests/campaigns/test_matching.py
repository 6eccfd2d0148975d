"""Matching on small hand-built cases where the right order and the numbers are obvious."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from campaigns.matching import (
    WEIGHTS,
    campaigns_affected_by,
    campaigns_for_influencer,
    forget_cached_features,
    recompute_campaign_matches,
    recompute_open_campaigns,
)
from campaigns.matching.scoring import Scores
from campaigns.models import Campaign, Match
from campaigns.recommendation_selectors import compare_columns
from influencers.metrics.recompute import features_changed
from influencers.models import EngineRun, Influencer
from influencers.selectors import influencers_for_compare
from influencers.taxonomy import ModerationStatus, Platform, WorkKind
from tests.factories import (
    AudienceFactory,
    CampaignFactory,
    CollaborationFactory,
    InfluencerFactory,
    MatchFactory,
    OfferFactory,
    SocialAccountFactory,
    niche,
)

pytestmark = pytest.mark.django_db


def creator(
    handle: str,
    *,
    followers: int = 20_000,
    er: float | None = 0.03,
    platform: str = Platform.INSTAGRAM,
    niches: tuple[str, ...] = ("fashion",),
    credibility: int | None = 90,
    offer: tuple[str, str] | None = None,
    audience: dict | None = None,
    **fields,
) -> Influencer:
    """An approved influencer with one account and the derived numbers the engine would have written."""
    fields.setdefault("user", None)  # no password hashing: these tests never log in
    influencer = InfluencerFactory(handle=handle, credibility_score=credibility, niches=list(niches), **fields)
    SocialAccountFactory(
        influencer=influencer, platform=platform, handle=f"{handle}_{platform}", followers=followers, engagement_rate=er
    )
    if offer is not None:
        OfferFactory(influencer=influencer, kind=offer[0], price=Decimal(offer[1]))
    if audience is not None:
        AudienceFactory(influencer=influencer, **audience)
    return influencer


def campaign(**fields) -> Campaign:
    niches = fields.pop("niches", ("fashion",))
    made = CampaignFactory(**fields)
    made.niches.set([niche(slug) for slug in niches])
    return made


def ranked(campaign: Campaign) -> list[str]:
    return list(Match.objects.filter(campaign=campaign).order_by("rank").values_list("influencer__handle", flat=True))


WOMEN_18_34_NL_BE = {
    "age_13_17": 0.05,
    "age_18_24": 0.4,
    "age_25_34": 0.4,
    "age_35_44": 0.1,
    "age_45_54": 0.05,
    "age_55_plus": 0.0,
    "gender_female": 0.775,
    "gender_male": 0.2,
    "gender_other": 0.025,
    "countries": {"NL": 0.9, "BE": 0.1},
}


def test_the_explained_example_scores_as_computed_by_hand() -> None:
    anna = creator(
        "anna", followers=20_000, er=0.06, credibility=92, offer=(WorkKind.REVIEW, "350"), audience=WOMEN_18_34_NL_BE
    )
    review = campaign(
        review=True,
        budget_per_creator=Decimal("400"),
        budget_total=Decimal("4000"),
        target_age_bands=["18_24", "25_34"],
        target_genders=["female"],
        target_countries=["NL", "BE"],
    )
    assert recompute_campaign_matches(campaign_id=review.pk) == 1
    match = Match.objects.get(campaign=review)
    assert match.influencer == anna
    assert match.niche_fit == 1.0  # shares the campaign's only niche
    # Engine 2.0: each targeted dimension is on target from 70 % (80 % aged 18–34, 77.5 % women, 100 % NL/BE).
    assert match.audience_fit == 1.0
    assert match.engagement_quality == 1.0  # 6 % is 2× the 3 % Instagram micro benchmark: full marks
    gate = (92 - 60) / (95 - 60)  # credibility 92: the gate is open from 95, closed at 60
    assert match.credibility_fit == pytest.approx(gate, abs=1e-4)
    assert match.price_fit == 1.0  # EUR 350 within the EUR 400 budget
    # Reach fit counts the credible reach: 12,400 × 0.92 = 11,408.
    reach_fit = math.log1p(11_408) / math.log1p(1_000_000)
    assert match.reach_fit == pytest.approx(reach_fit, abs=1e-4)
    assert match.estimated_reach == 12_400  # 20,000 followers × 62 % (age × gender × country)
    expected = 100 * gate * (0.30 + 0.30 + 0.15 + 0.10 + 0.15 * reach_fit)
    assert match.score == pytest.approx(expected, abs=0.01)
    assert match.price == Decimal("350.00")
    assert match.cost_per_engagement == pytest.approx(350 / 1200, abs=1e-3)  # 6 % of 20,000 = 1,200 per post
    assert match.cpm == pytest.approx(350 / 12_400 * 1000, abs=0.01)
    assert match.explanation == (
        "62 % of the audience are women 18–34 in NL/BE; ER 6.0 % on Instagram, 2× the micro benchmark; "
        "product review offer EUR 350 fits the EUR 400 budget; shares your niche Fashion; credibility 92/100, "
        "so the score counts at 91 %; estimated reach in your target about 12,400 (11,408 after the credibility "
        "discount); about EUR 0.29 per expected engagement."
    )
    assert match.rank == 1
    assert match.engine_version


def test_an_explanation_computed_for_a_dutch_visitor_reads_in_dutch_with_decimal_commas() -> None:
    """Compare and a creator's opportunities explain per request: words and numbers in the visitor's language."""
    creator(
        "anna", followers=20_000, er=0.06, credibility=92, offer=(WorkKind.REVIEW, "350"), audience=WOMEN_18_34_NL_BE
    )
    review = campaign(
        review=True,
        budget_per_creator=Decimal("400"),
        budget_total=Decimal("4000"),
        target_age_bands=["18_24", "25_34"],
        target_genders=["female"],
        target_countries=["NL", "BE"],
    )
    with translation.override("nl"):
        [column] = compare_columns(influencers=influencers_for_compare(handles=["anna"]), campaign=review)
    assert column.explanation == ANNA_IN_DUTCH


def test_a_stored_explanation_reads_in_each_viewers_language_and_survives_a_recompute_unchanged() -> None:
    creator(
        "anna", followers=20_000, er=0.06, credibility=92, offer=(WorkKind.REVIEW, "350"), audience=WOMEN_18_34_NL_BE
    )
    review = campaign(
        review=True,
        budget_per_creator=Decimal("400"),
        budget_total=Decimal("4000"),
        target_age_bands=["18_24", "25_34"],
        target_genders=["female"],
        target_countries=["NL", "BE"],
    )
    recompute_campaign_matches(campaign_id=review.pk)
    match = Match.objects.get(campaign=review)
    assert match.explanation_parts  # stored as data, read back from jsonb
    assert match.explanation_shown == match.explanation
    assert match.explanation.startswith("62 % of the audience are women 18–34 in NL/BE; ER 6.0 % on Instagram")
    with translation.override("nl"):
        assert match.explanation_shown == ANNA_IN_DUTCH
    # The phrases read back from the database compare equal to freshly computed ones: nothing is rewritten.
    recompute_campaign_matches(campaign_id=review.pk)
    assert Match.objects.get(campaign=review).pk == match.pk


def test_a_match_stored_before_the_phrases_shows_its_text_in_any_language() -> None:
    match = MatchFactory(explanation="60 % of the audience are women 18–34 in NL/BE.", explanation_parts=None)
    with translation.override("nl"):
        assert match.explanation_shown == "60 % of the audience are women 18–34 in NL/BE."


ANNA_IN_DUTCH = (
    "62 % van de doelgroep bestaat uit vrouwen 18–34 in NL/BE; ER 6,0 % op Instagram, 2× de benchmark voor "
    "micro; productreview-aanbod EUR 350 past binnen het budget van EUR 400; deelt je niche Mode; "
    "geloofwaardigheid 92/100, dus de score telt voor 91 %; geschat bereik in je doelgroep ongeveer 12.400 "
    "(11.408 na de korting voor geloofwaardigheid); ongeveer EUR 0,29 per verwachte engagement."
)


def test_a_recompute_run_while_dutch_is_active_stores_the_explanation_in_the_sites_language() -> None:
    """An eager run inherits the request's language; the stored text must not flip with whoever asked."""
    creator("anna", followers=20_000, er=0.06, credibility=92, offer=(WorkKind.REVIEW, "350"))
    review = campaign(review=True, budget_per_creator=Decimal("400"), budget_total=Decimal("4000"))
    with translation.override("nl"):
        assert recompute_campaign_matches(campaign_id=review.pk) == 1
    explanation = Match.objects.get(campaign=review).explanation
    assert "ER 6.0 % on Instagram" in explanation
    assert "op Instagram" not in explanation


def test_weights_add_up_to_one() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_niche_overlap_decides_between_otherwise_equal_creators() -> None:
    creator("fashionista", niches=("fashion", "beauty"))
    creator("half", niches=("beauty", "tech"))
    creator("techie", niches=("tech",))
    creator("lifestyle", niches=("lifestyle",))  # related to both fashion and beauty, shares neither
    two_niches = campaign(niches=("fashion", "beauty"))
    recompute_campaign_matches(campaign_id=two_niches.pk)
    assert ranked(two_niches) == ["fashionista", "half", "lifestyle", "techie"]
    fits = dict(Match.objects.values_list("influencer__handle", "niche_fit"))
    # Engine 2.0: a related niche counts half. "half" shares beauty, and beauty is related to fashion.
    assert fits == {"fashionista": 1.0, "half": 0.75, "lifestyle": 0.5, "techie": 0.0}
    explained = Match.objects.get(influencer__handle="lifestyle").explanation
    assert "works in a niche related to your Fashion and Beauty" in explained


def test_audience_fit_ranks_the_audience_inside_the_target_first() -> None:
    creator("on_target", audience=WOMEN_18_34_NL_BE)
    creator("older", audience=WOMEN_18_34_NL_BE | {"age_18_24": 0.1, "age_25_34": 0.1, "age_45_54": 0.65})
    creator("unknown")  # no audience data: fit 0, said so in the explanation
    targeted = campaign(target_age_bands=["18_24", "25_34"], target_genders=["female"])
    recompute_campaign_matches(campaign_id=targeted.pk)
    assert ranked(targeted) == ["on_target", "older", "unknown"]
    fits = dict(Match.objects.values_list("influencer__handle", "audience_fit"))
    assert fits["on_target"] == 1.0  # 80 % and 77.5 % are both above the 70 % of a full fit
    assert fits["older"] == pytest.approx(0.2 / 0.7, abs=1e-4)
    assert fits["unknown"] == 0.0
    assert Match.objects.get(influencer__handle="unknown").explanation.startswith("No audience data yet")


def test_engagement_quality_is_er_against_the_benchmark_capped_at_twice() -> None:
    creator("double", er=0.06)
    creator("triple", er=0.09)
    creator("half", er=0.015)
    creator("unknown_er", er=None)
    plain = campaign()
    recompute_campaign_matches(campaign_id=plain.pk)
    quality = dict(Match.objects.values_list("influencer__handle", "engagement_quality"))
    assert quality == {"double": 1.0, "triple": 1.0, "half": 0.25, "unknown_er": 0.0}
    assert ranked(plain)[-2:] == ["half", "unknown_er"]


def test_price_fit_from_the_offer_of_the_campaign_kind() -> None:
    creator("cheap", offer=(WorkKind.SPONSORED_POST, "200"))  # 2 posts × 200 = 400 within 500
    creator("a_bit_over", offer=(WorkKind.SPONSORED_POST, "375"))  # 750: half-way to twice the budget
    creator("no_offer")
    creator("wrong_kind", offer=(WorkKind.GIVEAWAY, "100"))
    creator("far_over", offer=(WorkKind.SPONSORED_POST, "600"))  # 1,200: more than twice the budget
    posts = campaign(posts_count=2, budget_per_creator=Decimal("500"))
    recompute_campaign_matches(campaign_id=posts.pk)
    fits = dict(Match.objects.values_list("influencer__handle", "price_fit"))
    # Engine 2.0: over budget starts at 0.6; an unknown price (0.85) beats every over-budget offer.
    assert fits == {"cheap": 1.0, "a_bit_over": 0.3, "no_offer": 0.85, "wrong_kind": 0.85, "far_over": 0.0}
    cheap = Match.objects.get(influencer__handle="cheap")
    assert cheap.price == Decimal("400.00")
    assert "sponsored post offer EUR 200 per post × 2 = EUR 400 fits the EUR 500 budget" in cheap.explanation
    over = Match.objects.get(influencer__handle="a_bit_over")
    assert "is EUR 250 over the EUR 500 budget" in over.explanation
    no_offer = Match.objects.get(influencer__handle="no_offer").explanation
    assert "price unknown: no active sponsored post offer in EUR" in no_offer


def test_hard_filters() -> None:
    creator("fits", languages=["nl"], country="NL")
    creator("wrong_platform", platform=Platform.TIKTOK)
    creator("too_small", followers=800)
    creator("too_big", followers=200_000)
    creator("other_language", languages=["de"], audience={"language_shares": {"de": 1.0}})
    creator("audience_speaks_it", languages=["de"], audience={"language_shares": {"nl": 0.5, "de": 0.5}})
    creator("pending", status=ModerationStatus.PENDING)
    creator("paused", is_active=False)
    busy = creator("already_invited")
    creator("abroad", country="DE", audience={"countries": {"DE": 0.9, "NL": 0.1}})
    picky = campaign(min_followers=1_000, max_followers=100_000, target_languages=["nl"], target_countries=["NL"])
    CollaborationFactory(campaign=picky, influencer=busy)
    recompute_campaign_matches(campaign_id=picky.pk)
    assert sorted(ranked(picky)) == ["audience_speaks_it", "fits"]


def test_tiers_filter_on_the_largest_account_on_the_campaign_platforms() -> None:
    micro = creator("micro_on_instagram", followers=50_000)
    SocialAccountFactory(influencer=micro, platform=Platform.TIKTOK, handle="micro_tt", followers=2_000_000)
    creator("macro", followers=300_000)
    micros = campaign(tiers=["micro"])
    recompute_campaign_matches(campaign_id=micros.pk)
    assert ranked(micros) == ["micro_on_instagram"]


def test_only_the_top_n_are_stored_and_replaced_atomically(settings) -> None:
    settings.MATCH_TOP_N = 3
    for index, er in enumerate([0.01, 0.02, 0.03, 0.04, 0.05]):
        creator(f"c{index}", er=er)
    plain = campaign()
    assert recompute_campaign_matches(campaign_id=plain.pk) == 3
    assert ranked(plain) == ["c4", "c3", "c2"]
    assert list(Match.objects.filter(campaign=plain).order_by("rank").values_list("rank", flat=True)) == [1, 2, 3]
    Influencer.objects.filter(handle="c4").update(status=ModerationStatus.SUSPENDED)
    creator("newcomer", er=0.06)
    recompute_campaign_matches(campaign_id=plain.pk)
    assert ranked(plain) == ["newcomer", "c3", "c2"]
    assert Match.objects.filter(campaign=plain).count() == 3


def test_recompute_twice_leaves_identical_rows() -> None:
    creator("a", er=0.05, audience=WOMEN_18_34_NL_BE)
    creator("b", er=0.02)
    plain = campaign(target_genders=["female"])
    recompute_campaign_matches(campaign_id=plain.pk)
    first = list(Match.objects.order_by("rank").values())
    recompute_campaign_matches(campaign_id=plain.pk)
    assert list(Match.objects.order_by("rank").values()) == first


def test_recompute_clears_the_stale_flag_and_records_the_run() -> None:
    creator("a")
    plain = campaign(matches_stale_since=timezone.now())
    run = EngineRun.objects.create(kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=f"campaign:{plain.pk}")
    recompute_campaign_matches(campaign_id=plain.pk, run=run)
    plain.refresh_from_db()
    run.refresh_from_db()
    assert plain.matches_stale_since is None
    assert plain.matches_computed_at is not None
    assert (run.status, run.done_chunks, run.total_chunks, run.rows_touched) == ("succeeded", 1, 1, 1)


def test_matching_runs_a_fixed_number_of_queries_whatever_the_number_of_influencers() -> None:
    plain = campaign()
    creator("first", offer=(WorkKind.SPONSORED_POST, "100"), audience={})
    with CaptureQueriesContext(connection) as few:
        recompute_campaign_matches(campaign_id=plain.pk)
    for index in range(20):
        creator(f"more{index}", offer=(WorkKind.SPONSORED_POST, "100"), audience={}, niches=("fashion", "beauty"))
    Match.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        recompute_campaign_matches(campaign_id=plain.pk)
    assert Match.objects.count() == 21
    assert len(many) == len(few)


def test_open_campaigns_are_recomputed_together() -> None:
    creator("a")
    first, second = campaign(), campaign(niches=("tech",))
    campaign(status=Campaign.Status.DRAFT)
    run = EngineRun.objects.create(kind=EngineRun.Kind.MATCHES_OPEN)
    assert recompute_open_campaigns(run=run) == 2
    run.refresh_from_db()
    assert (run.total_chunks, run.done_chunks, run.status) == (2, 2, "succeeded")
    assert set(Match.objects.values_list("campaign_id", flat=True)) == {first.pk, second.pk}


def test_campaigns_for_an_influencer_use_the_same_scoring() -> None:
    anna = creator("anna", niches=("fashion",), offer=(WorkKind.SPONSORED_POST, "200"))
    fashion = campaign(niches=("fashion",), title="Fashion week")
    tech = campaign(niches=("tech",), title="Gadget launch")
    campaign(niches=("fashion",), visibility=Campaign.Visibility.INVITE_ONLY)
    campaign(niches=("fashion",), status=Campaign.Status.COMPLETED)
    joined = campaign(niches=("fashion",))
    CollaborationFactory(campaign=joined, influencer=anna)
    campaign(niches=("fashion",), platforms=[Platform.YOUTUBE])  # anna has no YouTube account

    recommended = campaigns_for_influencer(anna.pk, limit=5)

    assert [r.campaign.title for r in recommended] == ["Fashion week", "Gadget launch"]
    recompute_campaign_matches(campaign_id=fashion.pk)
    stored = Match.objects.get(campaign=fashion, influencer=anna)
    assert recommended[0].score == stored.score
    assert recommended[0].explanation == stored.explanation
    assert recommended[0].components == stored.components()
    assert recommended[1].campaign == tech
    assert campaigns_for_influencer(anna.pk, limit=1)[0].campaign == fashion


def test_campaigns_affected_by_an_influencer_change(settings) -> None:
    settings.MATCH_TOP_N = 1
    strong = creator("strong", er=0.06)
    weak = creator("weak", er=0.005)
    fashion, tech = campaign(), campaign(niches=("tech",), platforms=[Platform.YOUTUBE])
    recompute_open_campaigns()
    assert ranked(fashion) == ["strong"]
    assert ranked(tech) == []
    assert campaigns_affected_by([strong.pk]) == [fashion.pk]  # it is in the stored list
    assert campaigns_affected_by([weak.pk]) == []  # scores below the full list; no YouTube account
    SocialAccountFactory(influencer=weak, platform=Platform.YOUTUBE, handle="weak_yt", followers=5000)
    assert campaigns_affected_by([weak.pk]) == [tech.pk]  # the tech list has room


def test_cached_features_are_reused_until_the_engine_bumps_the_version(settings) -> None:
    settings.MATCH_FEATURE_CACHE_SECONDS = 300
    forget_cached_features()
    try:
        creator("a", er=0.02)
        plain = campaign()
        recompute_campaign_matches(campaign_id=plain.pk)
        creator("b", er=0.05)
        recompute_campaign_matches(campaign_id=plain.pk)
        assert ranked(plain) == ["a"]  # served from the cached matrix
        features_changed()
        recompute_campaign_matches(campaign_id=plain.pk)
        assert ranked(plain) == ["b", "a"]
        # A suspension is honoured even before the cache reloads: winners are re-checked.
        Influencer.objects.filter(handle="b").update(status=ModerationStatus.SUSPENDED)
        recompute_campaign_matches(campaign_id=plain.pk)
        assert ranked(plain) == ["a"]
    finally:
        forget_cached_features()


def test_engagement_quality_falls_beyond_the_plausible_band() -> None:
    creator("plausible", er=0.09)  # 3× the 3 % micro benchmark: still full marks
    creator("four_times", er=0.12)  # halfway from 3× to 5×
    creator("inflated", er=0.18)  # 6×: nothing
    plain = campaign()
    recompute_campaign_matches(campaign_id=plain.pk)
    quality = dict(Match.objects.values_list("influencer__handle", "engagement_quality"))
    assert quality == {"plausible": 1.0, "four_times": 0.5, "inflated": 0.0}
    inflated = Match.objects.get(influencer__handle="inflated").explanation
    assert "6× the micro benchmark: more than is plausible for its size" in inflated


def test_an_account_with_inflation_signals_cannot_outrank_a_clean_account_of_similar_fit() -> None:
    # Same niche, audience and offer; the inflated one has the higher ER and is flagged for it.
    creator("clean", er=0.04, credibility=100, audience=WOMEN_18_34_NL_BE, offer=(WorkKind.SPONSORED_POST, "200"))
    creator("pumped", er=0.085, credibility=80, audience=WOMEN_18_34_NL_BE, offer=(WorkKind.SPONSORED_POST, "200"))
    targeted = campaign(target_genders=["female"], target_countries=["NL"])
    recompute_campaign_matches(campaign_id=targeted.pk)
    assert ranked(targeted) == ["clean", "pumped"]
    pumped = Match.objects.get(influencer__handle="pumped")
    assert pumped.credibility_fit == pytest.approx(20 / 35, abs=1e-4)
    assert "credibility 80/100, so the score counts at 57 %" in pumped.explanation


def test_reach_sums_every_account_on_the_campaign_platforms() -> None:
    # Decided in engine 2.0 (docs/metrics.md#estimated-reach-in-target): all accounts, not the largest.
    anna = creator("anna", followers=20_000, credibility=100)
    SocialAccountFactory(influencer=anna, platform=Platform.INSTAGRAM, handle="anna_second", followers=5_000)
    SocialAccountFactory(influencer=anna, platform=Platform.TIKTOK, handle="anna_tt", followers=100_000)
    instagram_only = campaign()
    recompute_campaign_matches(campaign_id=instagram_only.pk)
    assert Match.objects.get(campaign=instagram_only).estimated_reach == 25_000


def test_reach_is_discounted_by_credibility() -> None:
    creator("honest", followers=50_000, credibility=100)
    creator("doubtful", followers=50_000, credibility=50)
    plain = campaign()
    recompute_campaign_matches(campaign_id=plain.pk)
    reach = {m.influencer.handle: (m.estimated_reach, m.reach_fit) for m in Match.objects.select_related("influencer")}
    assert reach["honest"] == (50_000, pytest.approx(math.log1p(50_000) / math.log1p(1_000_000), abs=1e-4))
    assert reach["doubtful"] == (50_000, pytest.approx(math.log1p(25_000) / math.log1p(1_000_000), abs=1e-4))
    assert "(25,000 after the credibility discount)" in Match.objects.get(influencer__handle="doubtful").explanation


def test_the_top_n_is_the_full_sort_by_score_then_id_with_ties() -> None:
    rng = np.random.default_rng(5)
    for size in (1, 7, 600, 5000):
        scores = Scores.__new__(Scores)
        scores.score = np.round(rng.random(size) * 10, 0)  # many ties
        scores.ids = rng.permutation(size * 3)[:size]
        full = np.lexsort((scores.ids, -scores.score))
        for n in (1, 5, 200, size, size + 3):
            assert list(scores.top(n)) == list(full[:n])
