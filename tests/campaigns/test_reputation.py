"""Reputation scores: the worked example of docs/metrics.md#pays-on-time-example, "not enough history"
below 3 data points, delivery punctuality and ratings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.ledger_models import LedgerEntry
from campaigns.models import Collaboration, Deliverable
from campaigns.reputation import creator_ratings, delivers_on_time, pays_on_time
from campaigns.review_models import Review
from tests.factories import BrandMemberFactory, CampaignFactory, CollaborationFactory, DeliverableFactory

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind
TODAY = dt.date(2026, 4, 1)


def ledger(collaboration: Collaboration, rows: list[tuple[str, dt.date, dt.date | None]]) -> None:
    """Payables (key, due date, date of the payment the creator confirmed) written as the services would."""
    for key, due_on, paid_on in rows:
        payable = LedgerEntry.objects.create(
            collaboration=collaboration, kind=Kind.PAYABLE, key=key, amount_cents=10000, due_on=due_on, party="brand"
        )
        if paid_on is not None:
            sent = LedgerEntry.objects.create(
                collaboration=collaboration,
                kind=Kind.SENT,
                payable=payable,
                amount_cents=10000,
                sent_on=paid_on,
                party="brand",
            )
            LedgerEntry.objects.create(
                collaboration=collaboration, kind=Kind.CONFIRMED, payable=payable, responds_to=sent, party="influencer"
            )


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


WORKED_EXAMPLE = [
    ("A", d(3, 1), d(2, 27)),
    ("B", d(3, 10), d(3, 10)),
    ("C", d(3, 15), d(3, 19)),
    ("D", d(3, 20), None),
    ("E", d(4, 10), None),
    ("F", d(4, 25), d(3, 30)),
]


def test_pays_on_time_worked_example_of_docs_metrics():
    collaboration = CollaborationFactory(status=Collaboration.Status.COMPLETED)
    ledger(collaboration, WORKED_EXAMPLE)
    brand_id = collaboration.campaign.brand_id
    score = pays_on_time([brand_id], today=TODAY)[brand_id]
    assert score.sample == 5
    assert score.on_time == 3
    assert score.percent == 60
    assert score.days_late == (4, 12)
    assert score.median_days_late == 8.0
    assert score.period_days == 365
    doc = (Path(settings.BASE_DIR) / "docs" / "metrics.md").read_text()
    assert "Sample 5, on time 3: **pays on time 60 %**" in doc
    assert "a median 8 days late" in doc


def test_below_three_data_points_is_not_enough_history():
    collaboration = CollaborationFactory(status=Collaboration.Status.COMPLETED)
    ledger(collaboration, [row for row in WORKED_EXAMPLE if row[0] in ("A", "C")])
    brand_id = collaboration.campaign.brand_id
    score = pays_on_time([brand_id], today=TODAY)[brand_id]
    assert score.sample == 2
    assert not score.enough
    assert score.percent is None
    assert score.median_days_late is None
    unknown = pays_on_time([brand_id + 1000], today=TODAY)[brand_id + 1000]
    assert unknown.sample == 0


def test_a_brand_page_says_not_enough_history(client):
    member = BrandMemberFactory()
    collaboration = CollaborationFactory(campaign=CampaignFactory(brand=member.brand))
    ledger(collaboration, [("A", timezone.localdate() - dt.timedelta(days=3), None)])
    client.force_login(collaboration.influencer.user)
    page = client.get(f"/collaborations/{collaboration.pk}/ledger/").content.decode()
    assert "not enough history (1 data point in the last 365 days; 3 needed)" in page
    assert "/metrics/#pays-on-time" in page


def test_delivers_on_time_counts_first_submissions_against_due_dates():
    collaboration = CollaborationFactory(status=Collaboration.Status.COMPLETED)
    today = timezone.localdate()
    noon = dt.time(12, tzinfo=timezone.get_current_timezone())

    def deliverable(due_ago: int, submitted_ago: int | None) -> None:
        submitted = (
            dt.datetime.combine(today - dt.timedelta(days=submitted_ago), noon) if submitted_ago is not None else None
        )
        DeliverableFactory(
            collaboration=collaboration,
            due_date=today - dt.timedelta(days=due_ago),
            submitted_at=submitted,
            status=Deliverable.Status.APPROVED if submitted else Deliverable.Status.PENDING,
        )

    deliverable(10, 12)  # on time
    deliverable(10, 10)  # on time (the due day itself)
    deliverable(10, 7)  # 3 days late
    deliverable(5, None)  # not submitted, 5 days late by today
    deliverable(-5, None)  # not yet due: not in the sample
    deliverable(400, 401)  # outside the 365 days
    score = delivers_on_time([collaboration.influencer_id])[collaboration.influencer_id]
    assert (score.sample, score.on_time, score.days_late) == (4, 2, (3, 5))
    assert score.percent == 50
    assert score.median_days_late == 4.0


def test_ratings_average_published_reviews_only():
    influencer_collaborations = [CollaborationFactory(status=Collaboration.Status.COMPLETED) for _ in range(3)]
    influencer = influencer_collaborations[0].influencer
    for collaboration in influencer_collaborations:
        collaboration.influencer = influencer
        collaboration.save()
    old = timezone.now() - dt.timedelta(days=15)
    for i, collaboration in enumerate(influencer_collaborations):
        review = Review.objects.create(
            collaboration=collaboration, author_party="brand", quality=5, punctuality=3 + i % 2, communication=4
        )
        Review.objects.filter(pk=review.pk).update(created_at=old)  # past the blind period
    ratings = creator_ratings([influencer.pk])[influencer.pk]
    assert ratings.sample == 3
    assert ratings.aspects == {"quality": 5.0, "punctuality": pytest.approx(10 / 3), "communication": 4.0}
    assert ratings.overall == 4.1
    Review.objects.filter(collaboration=influencer_collaborations[0]).update(moderation_status="hidden")
    assert not creator_ratings([influencer.pk])[influencer.pk].enough


# --- the stored copy discovery reads (docs/metrics.md#delivers-on-time-in-discovery) --------------


def _stored(influencer) -> tuple:
    influencer.refresh_from_db()
    return (influencer.delivery_on_time_percent, influencer.delivery_on_time_count, influencer.delivery_sample)


def test_a_submission_stores_exactly_the_score_the_profile_shows(client):
    from tests.ledger_data import accepted_collaboration

    today = timezone.localdate()
    collaboration = accepted_collaboration(fee="350")  # a sponsored post: two planned deliverables
    influencer = collaboration.influencer
    earlier = CollaborationFactory(influencer=influencer, status=Collaboration.Status.COMPLETED)
    noon = dt.datetime.combine(today - dt.timedelta(days=20), dt.time(12), tzinfo=timezone.get_current_timezone())
    DeliverableFactory(collaboration=earlier, due_date=today - dt.timedelta(days=15), submitted_at=noon)
    DeliverableFactory(collaboration=earlier, due_date=today - dt.timedelta(days=9))  # never handed in: late
    collaboration.deliverables.update(due_date=today - dt.timedelta(days=2))
    assert _stored(influencer) == (None, 0, 0)  # nothing stored until something is computed

    from campaigns.services import deliverable_submit

    first = collaboration.deliverables.order_by("pk").first()
    deliverable_submit(
        collaboration=collaboration, by=influencer.user, url="https://x.com/p/1", draft_text="#ad", deliverable=first
    )
    live = delivers_on_time([influencer.pk])[influencer.pk]
    assert (live.sample, live.on_time) == (4, 1)  # the early one on time; two days late; two unsubmitted
    assert _stored(influencer) == (live.percent, live.on_time, live.sample) == (25, 1, 4)
    assert influencer.delivery_computed_at is not None
    # The profile computes it live: the same number.
    member = collaboration.campaign.brand.members.first()
    client.force_login(member.user)
    profile = client.get(f"/influencers/{influencer.handle}/").content.decode()
    assert "25 %" in profile
    assert "1 of 4 on time, last 365 days" in profile


def test_below_three_data_points_nothing_is_stored_but_the_sample():
    from campaigns.services import influencer_delivery_punctuality_store

    collaboration = CollaborationFactory(status=Collaboration.Status.COMPLETED)
    DeliverableFactory(collaboration=collaboration, due_date=timezone.localdate() - dt.timedelta(days=3))
    DeliverableFactory(collaboration=collaboration, due_date=timezone.localdate() - dt.timedelta(days=4))
    influencer_delivery_punctuality_store(influencer_ids=[collaboration.influencer_id])
    assert _stored(collaboration.influencer) == (None, 0, 2)


def test_the_daily_task_recomputes_as_due_dates_pass_and_the_window_slides():
    from campaigns.tasks import delivery_punctuality_task

    today = timezone.localdate()
    noon = dt.time(12, tzinfo=timezone.get_current_timezone())
    old = CollaborationFactory(status=Collaboration.Status.COMPLETED)
    for days in (360, 361, 362):  # on time, leaving the 365 days within a week
        submitted = dt.datetime.combine(today - dt.timedelta(days=days + 1), noon)
        DeliverableFactory(collaboration=old, due_date=today - dt.timedelta(days=days), submitted_at=submitted)
    busy = CollaborationFactory(status=Collaboration.Status.ACCEPTED)
    for days in (10, 11):
        submitted = dt.datetime.combine(today - dt.timedelta(days=days), noon)
        DeliverableFactory(collaboration=busy, due_date=today - dt.timedelta(days=days), submitted_at=submitted)
    DeliverableFactory(collaboration=busy, due_date=today + dt.timedelta(days=2))  # not yet due, not handed in
    idle = CollaborationFactory(status=Collaboration.Status.ACCEPTED).influencer

    assert delivery_punctuality_task.apply(kwargs={}).get() == 2  # the idle creator has no history
    assert _stored(old.influencer) == (100, 3, 3)
    assert _stored(busy.influencer) == (None, 2, 2)
    assert idle.delivery_computed_at is None
    assert _stored(idle) == (None, 0, 0)

    later = today + dt.timedelta(days=5)
    assert delivery_punctuality_task.apply(kwargs={"today": later.isoformat()}).get() == 2
    assert _stored(busy.influencer) == (67, 2, 3)  # the third is now due and not handed in
    assert _stored(old.influencer) == (None, 1, 1)  # two of the three left the 365 days
    expected = delivers_on_time([busy.influencer_id], today=later)[busy.influencer_id]
    assert _stored(busy.influencer) == (expected.percent, expected.on_time, expected.sample)
