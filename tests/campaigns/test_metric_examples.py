"""Every worked example of docs/metrics.md#match-score, as a test (the doc quotes these numbers)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from campaigns.matching import recompute_campaign_matches
from campaigns.matching.scoring import (
    audience_fit,
    audience_share,
    credibility_fit,
    credible_reach,
    engagement_quality,
    price_fit,
)
from campaigns.models import Match
from influencers.taxonomy import WorkKind
from tests.campaigns.test_matching import WOMEN_18_34_NL_BE, campaign, creator, ranked

NAN = float("nan")


def test_example_audience_fit_and_share() -> None:
    on_target = [np.array([0.8]), np.array([0.775]), np.array([1.0])]  # 18–34, women, NL/BE
    assert audience_share(on_target, np.array([True]))[0] == pytest.approx(0.62)
    assert audience_fit(on_target, np.array([True]))[0] == 1.0
    partial = [np.array([0.4]), np.array([0.6]), np.array([0.5])]
    assert audience_share(partial, np.array([True]))[0] == pytest.approx(0.12)
    assert audience_fit(partial, np.array([True]))[0] == pytest.approx(0.35, abs=0.001)


def test_example_engagement_quality_on_instagram_micro() -> None:
    quality = engagement_quality(np.array([0.015, 0.06, 0.09, 0.12, 0.15, NAN]), np.full(6, 0.03))
    assert quality.tolist() == [0.25, 1.0, 1.0, 0.5, 0.0, 0.0]


def test_example_credibility_gate() -> None:
    gate = credibility_fit(np.array([100.0, 92.0, 80.0, 60.0, NAN]))
    assert gate == pytest.approx([1.0, 0.914, 0.571, 0.0, 0.75], abs=0.001)


def test_example_price_fit_with_a_400_budget() -> None:
    assert price_fit(np.array([350.0, 500.0, 800.0, NAN]), 400) == pytest.approx([1.0, 0.45, 0.0, 0.85])


def test_example_credible_reach() -> None:
    assert credible_reach(np.array([12_400]), np.array([92.0]))[0] == 11_408


@pytest.mark.django_db
def test_example_anna_bea_cleo_in_a_review_campaign() -> None:
    """The three creators of the doc's worked example, scored by the engine."""
    creator(
        "anna", followers=20_000, er=0.06, credibility=92, offer=(WorkKind.REVIEW, "350"), audience=WOMEN_18_34_NL_BE
    )
    creator(
        "bea", followers=20_000, er=0.12, credibility=80, offer=(WorkKind.REVIEW, "350"), audience=WOMEN_18_34_NL_BE
    )
    creator("cleo", followers=20_000, er=0.045, credibility=100, audience=WOMEN_18_34_NL_BE)
    review = campaign(
        review=True,
        budget_per_creator=Decimal("400"),
        budget_total=Decimal("4000"),
        target_age_bands=["18_24", "25_34"],
        target_genders=["female"],
        target_countries=["NL", "BE"],
    )
    recompute_campaign_matches(campaign_id=review.pk)
    assert ranked(review) == ["cleo", "anna", "bea"]
    scores = dict(Match.objects.values_list("influencer__handle", "score"))
    reach_fit = {
        n: math.log1p(reach) / math.log1p(1_000_000) for n, reach in {"a": 11_408, "b": 9_920, "c": 12_400}.items()
    }
    assert scores["anna"] == pytest.approx(100 * 32 / 35 * (0.85 + 0.15 * reach_fit["a"]), abs=0.02)
    assert scores["anna"] == pytest.approx(86.99, abs=0.01)
    assert scores["bea"] == pytest.approx(100 * 20 / 35 * (0.775 + 0.15 * reach_fit["b"]), abs=0.02)
    assert scores["bea"] == pytest.approx(50.0, abs=0.01)
    assert scores["cleo"] == pytest.approx(
        100 * (0.3 + 0.3 + 0.15 * 0.75 + 0.1 * 0.85 + 0.15 * reach_fit["c"]), abs=0.02
    )
    assert scores["cleo"] == pytest.approx(89.98, abs=0.01)
    cleo = Match.objects.get(influencer__handle="cleo").explanation
    assert "price unknown: no active product review offer in EUR on the rate card, to be agreed" in cleo
    bea = Match.objects.get(influencer__handle="bea").explanation
    assert "ER 12.0 % on Instagram, 4× the micro benchmark: more than is plausible for its size" in bea
    assert "credibility 80/100, so the score counts at 57 %" in bea
