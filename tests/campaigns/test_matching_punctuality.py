"""Delivery punctuality as a small, explained input to matching (docs/metrics.md#reputation-in-matching)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from campaigns.matching import recompute_campaign_matches
from campaigns.matching.scoring import punctuality_factor
from campaigns.models import Collaboration, Deliverable, Match
from tests.campaigns.test_matching import campaign, creator
from tests.factories import CollaborationFactory, DeliverableFactory

pytestmark = pytest.mark.django_db


def test_the_factor_is_small_and_never_punishes_a_short_history():
    factor = punctuality_factor(np.array([1.0, 0.5, 0.0, np.nan]))
    assert factor.tolist() == pytest.approx([1.0, 0.975, 0.95, 1.0])


def late_record(influencer, count: int = 3) -> None:
    """Deliverables handed in ten days after their due date, on an earlier collaboration."""
    collaboration = CollaborationFactory(influencer=influencer, status=Collaboration.Status.COMPLETED)
    today = timezone.localdate()
    for _ in range(count):
        DeliverableFactory(
            collaboration=collaboration,
            due_date=today - dt.timedelta(days=30),
            submitted_at=timezone.now() - dt.timedelta(days=20),
            status=Deliverable.Status.APPROVED,
        )


def test_a_creator_who_delivered_late_ranks_below_an_equal_one_and_is_told_why():
    late = creator("late.one")
    creator("fresh.one")
    late_record(late)
    target = campaign()
    recompute_campaign_matches(campaign_id=target.pk)
    matches = {m.influencer.handle: m for m in Match.objects.filter(campaign=target).select_related("influencer")}
    assert matches["fresh.one"].rank < matches["late.one"].rank
    assert matches["late.one"].score == pytest.approx(matches["fresh.one"].score * 0.95, abs=0.01)
    assert "delivered 0 of 3 on time in the last 365 days" in matches["late.one"].explanation
    assert "on time" not in matches["fresh.one"].explanation
