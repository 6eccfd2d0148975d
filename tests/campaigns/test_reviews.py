"""Two-sided reviews: once per side after the work ends, blind until both reviewed or 14 days, one reply,
moderation in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.review_models import Review
from campaigns.services.reviews import review_moderate, review_reply, review_submit
from influencers.access import actor_for
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.models import AuditEvent
from tests.factories import BrandMemberFactory, StaffFactory
from tests.ledger_data import accepted_collaboration, approved_collaboration

pytestmark = pytest.mark.django_db
BRAND_RATINGS = {"quality": 5, "punctuality": 4, "communication": 5}
CREATOR_RATINGS = {"brief_clarity": 3, "payment": 5, "communication": 4}


@pytest.fixture
def completed():
    return approved_collaboration(complete=True)


def brand_user(collaboration):
    return collaboration.campaign.brand.members.first().user


def test_reviews_stay_blind_until_both_sides_reviewed(completed):
    creator = completed.influencer.user
    by_brand = review_submit(collaboration=completed, by=brand_user(completed), ratings=BRAND_RATINGS, comment="Great")
    assert not Review.objects.published().exists()
    assert list(Review.objects.visible_to(actor_for(creator))) == []  # the creator cannot see it yet
    assert list(Review.objects.visible_to(actor_for(brand_user(completed)))) == [by_brand]  # its author can
    by_creator = review_submit(collaboration=completed, by=creator, ratings=CREATOR_RATINGS)
    assert set(Review.objects.published()) == {by_brand, by_creator}
    assert set(Review.objects.visible_to(actor_for(creator))) == {by_brand, by_creator}
    assert AuditEvent.objects.filter(action="review.submitted").count() == 2


def test_a_lone_review_is_published_after_fourteen_days(completed):
    review = review_submit(collaboration=completed, by=brand_user(completed), ratings=BRAND_RATINGS)
    assert not Review.objects.published().exists()
    later = timezone.now() + dt.timedelta(days=14, minutes=1)
    assert list(Review.objects.published(later)) == [review]


def test_each_side_reviews_once_only_after_the_work_ended(completed):
    review_submit(collaboration=completed, by=brand_user(completed), ratings=BRAND_RATINGS)
    with pytest.raises(Conflict, match="already reviewed"):
        review_submit(collaboration=completed, by=brand_user(completed), ratings=BRAND_RATINGS)
    running = accepted_collaboration()
    with pytest.raises(DomainError, match="completed or cancelled"):
        review_submit(collaboration=running, by=brand_user(running), ratings=BRAND_RATINGS)
    with pytest.raises(NotAllowed):
        review_submit(collaboration=completed, by=BrandMemberFactory().user, ratings=BRAND_RATINGS)
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    "ratings",
    [
        {"quality": 5, "punctuality": 4},  # an aspect missing
        {"quality": 6, "punctuality": 4, "communication": 5},
        {"quality": 0, "punctuality": 4, "communication": 5},
        {"quality": "5", "punctuality": 4, "communication": 5},
        {**BRAND_RATINGS, "payment": 5},  # the other side's aspect
    ],
)
def test_bad_ratings_are_refused_and_write_nothing(completed, ratings):
    with pytest.raises(DomainError):
        review_submit(collaboration=completed, by=brand_user(completed), ratings=ratings)
    assert not Review.objects.exists()


def test_the_reviewed_side_replies_once_to_a_published_review(completed):
    creator = completed.influencer.user
    by_brand = review_submit(collaboration=completed, by=brand_user(completed), ratings=BRAND_RATINGS)
    with pytest.raises(DomainError, match="once the review is published"):
        review_reply(review=by_brand, by=creator, reply="Thanks")
    review_submit(collaboration=completed, by=creator, ratings=CREATOR_RATINGS)
    with pytest.raises(NotAllowed):
        review_reply(review=by_brand, by=brand_user(completed), reply="Me too")
    review_reply(review=by_brand, by=creator, reply="Thanks!")
    with pytest.raises(Conflict):
        review_reply(review=by_brand, by=creator, reply="Again")
    by_brand.refresh_from_db()
    assert by_brand.reply == "Thanks!"


def test_moderators_hide_a_review_with_a_reason(completed):
    review = review_submit(collaboration=completed, by=brand_user(completed), ratings=BRAND_RATINGS)
    with pytest.raises(NotAllowed):
        review_moderate(review=review, by=brand_user(completed), hide=True, reason="x")
    with pytest.raises(DomainError, match="reason"):
        review_moderate(review=review, by=StaffFactory(), hide=True, reason="")
    review_moderate(review=review, by=StaffFactory(), hide=True, reason="Personal data")
    later = timezone.now() + dt.timedelta(days=15)
    assert not Review.objects.published(later).exists()
    assert AuditEvent.objects.filter(action="review.hidden", reason="Personal data").exists()
