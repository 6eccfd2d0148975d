"""The ledger, review and reputation endpoints: the whole loop through the API, bad input that writes
nothing, and the pinned query count of the ledger whatever its size."""

from __future__ import annotations

import pytest
from django.utils import timezone

from campaigns.ledger_models import LedgerEntry
from campaigns.review_models import Review
from tests.api.conftest import Roles
from tests.ledger_data import approved_collaboration

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(roles: Roles):
    return approved_collaboration(member=roles.member_a, influencer=roles.influencer_a, complete=True)


def test_payable_sent_confirmed_reviewed_and_scored_through_the_api(api, paid):
    brand, creator = api("brand_a"), api("influencer_a")
    url = f"/api/v1/collaborations/{paid.pk}/ledger/"
    ledger = brand.get(url).json()
    [payable] = ledger["payables"]
    assert (payable["amount_cents"], payable["status"], ledger["payment_terms_days"]) == (35000, "open", 30)
    today = timezone.localdate().isoformat()
    response = brand.post(
        f"{url}{payable['id']}/sent/", {"amount_cents": 35000, "sent_on": today, "reference": "INV-1"}, format="json"
    )
    assert response.status_code == 201
    sent_id = response.json()["payables"][0]["awaiting_answer"]
    response = creator.post(f"{url}{sent_id}/confirm/", format="json")
    assert response.status_code == 201
    assert response.json()["payables"][0]["status"] == "paid"
    assert creator.post(f"{url}{sent_id}/dispute/", {"message": "x"}, format="json").status_code == 409

    reviews = f"/api/v1/collaborations/{paid.pk}/reviews/"
    ratings = {"quality": 5, "punctuality": 5, "communication": 4, "comment": "Lovely work"}
    assert brand.post(reviews, ratings, format="json").status_code == 201
    assert creator.get(reviews).json() == []  # blind until the creator reviews too
    mine = {"brief_clarity": 4, "payment": 5, "communication": 5}
    assert creator.post(reviews, mine, format="json").status_code == 201
    assert len(creator.get(reviews).json()) == 2

    reputation = brand.get(f"/api/v1/influencers/{paid.influencer.handle}/reputation/").json()
    assert reputation["delivers_on_time"]["sample"] == 2
    assert reputation["delivers_on_time"]["enough_history"] is False
    assert reputation["delivers_on_time"]["definition"] == "/metrics/#delivers-on-time"
    brand_side = creator.get(f"/api/v1/campaigns/{paid.campaign_id}/brand-reputation/").json()
    assert brand_side["pays_on_time"]["sample"] == 1
    assert brand_side["pays_on_time"]["share_on_time"] is None  # not enough history
    assert brand_side["payment_terms_days"] == 30


@pytest.mark.parametrize(
    "body",
    [
        {"amount_cents": 0, "sent_on": "2026-01-01"},
        {"amount_cents": "100", "sent_on": "2026-01-01"},
        {"amount_cents": 100, "sent_on": "yesterday"},
        {"amount_cents": 100, "sent_on": "2999-01-01"},
        {"amount_cents": 100, "sent_on": "2026-01-01", "reference": "x" * 121},
        {"amount_cents": 10**13, "sent_on": "2026-01-01"},
    ],
)
def test_bad_payment_input_is_a_clear_400_that_writes_nothing(api, paid, body):
    payable = LedgerEntry.objects.get(collaboration=paid)
    before = LedgerEntry.objects.count()
    response = api("brand_a").post(f"/api/v1/collaborations/{paid.pk}/ledger/{payable.pk}/sent/", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert LedgerEntry.objects.count() == before


def test_bad_reviews_are_refused_and_write_nothing(api, paid):
    url = f"/api/v1/collaborations/{paid.pk}/reviews/"
    for body in ({"communication": 5}, {"quality": 9, "punctuality": 1, "communication": 1}, {"payment": 5}):
        assert api("brand_a").post(url, body, format="json").status_code == 400
    assert not Review.objects.exists()


def test_payment_terms_through_the_api(api, roles):
    client = api("brand_a")
    assert client.get("/api/v1/brands/me/payment-terms/").json() == {"days": 30}
    assert client.put("/api/v1/brands/me/payment-terms/", {"days": 14}, format="json").json() == {"days": 14}
    assert client.put("/api/v1/brands/me/payment-terms/", {"days": 13}, format="json").status_code == 400
    assert api("influencer_a").get("/api/v1/brands/me/payment-terms/").status_code == 404


@pytest.mark.parametrize("months", [2, 12])
def test_the_ledger_runs_a_fixed_number_of_queries(api, roles, django_assert_num_queries, months):
    collaboration = approved_collaboration(
        member=roles.member_a,
        influencer=roles.influencer_a,
        fee=str(100 * months),
        ambassadorship=True,
        duration_months=months,
        posts_per_month=1,
        budget_per_creator=100 * months,
        budget_total=100 * months,
    )
    client = api("brand_a")
    # token + user, actor (user, creator, membership, brand), the collaboration, its entries, the brand's terms
    with django_assert_num_queries(5):
        payables = client.get(f"/api/v1/collaborations/{collaboration.pk}/ledger/").json()["payables"]
    assert len(payables) == months
