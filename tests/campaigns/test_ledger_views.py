"""The ledger page: both parties use it, bad input is a message that writes nothing, a fixed query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.ledger_models import BrandPaymentTerms, LedgerEntry
from tests.factories import BrandMemberFactory
from tests.ledger_data import approved_collaboration

pytestmark = pytest.mark.django_db


def brand_user(collaboration):
    return collaboration.campaign.brand.members.first().user


def test_the_brand_marks_sent_and_the_creator_confirms_on_the_page(client):
    collaboration = approved_collaboration()
    url = f"/collaborations/{collaboration.pk}/ledger/"
    payable = LedgerEntry.objects.get(collaboration=collaboration)
    client.force_login(brand_user(collaboration))
    page = client.get(url).content.decode()
    assert "EUR 350.00" in page
    assert "Mark payment sent" in page
    today = timezone.localdate().isoformat()
    response = client.post(f"{url}{payable.pk}/sent/", {"amount": "350.00", "sent_on": today, "reference": "R1"})
    assert response.status_code == 302
    sent = LedgerEntry.objects.get(kind="sent")
    assert (sent.amount_cents, sent.reference) == (35000, "R1")
    client.force_login(collaboration.influencer.user)
    assert "Confirm payment received" in client.get(url).content.decode()
    client.post(f"{url}{sent.pk}/confirm/")
    assert LedgerEntry.objects.filter(kind="confirmed", responds_to=sent).exists()


@pytest.mark.parametrize(
    "form",
    [
        {"amount": "", "sent_on": "2026-01-01"},
        {"amount": "-1", "sent_on": "2026-01-01"},
        {"amount": "abc", "sent_on": "2026-01-01"},
        {"amount": "10", "sent_on": "not a date"},
        {"amount": "10", "sent_on": "2999-01-01"},
        {"amount": "10", "sent_on": "2026-01-01", "reference": "x" * 121},
    ],
)
def test_bad_payment_input_is_a_message_and_writes_nothing(client, form):
    collaboration = approved_collaboration()
    payable = LedgerEntry.objects.get(collaboration=collaboration)
    client.force_login(brand_user(collaboration))
    response = client.post(f"/collaborations/{collaboration.pk}/ledger/{payable.pk}/sent/", form, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert LedgerEntry.objects.count() == 1


def test_payment_terms_page(client):
    member = BrandMemberFactory()
    client.force_login(member.user)
    assert "We pay within" in client.get("/brand/payment-terms/").content.decode()
    client.post("/brand/payment-terms/", {"days": "45"})
    assert BrandPaymentTerms.objects.get(brand=member.brand).days == 45
    client.post("/brand/payment-terms/", {"days": "13"})
    assert BrandPaymentTerms.objects.get(brand=member.brand).days == 45


@pytest.mark.parametrize("months", [2, 12])
def test_the_ledger_page_runs_a_fixed_number_of_queries(client, months):
    collaboration = approved_collaboration(
        fee=str(100 * months),
        ambassadorship=True,
        duration_months=months,
        posts_per_month=1,
        budget_per_creator=100 * months,
        budget_total=100 * months,
        complete=True,
    )
    client.force_login(collaboration.influencer.user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/collaborations/{collaboration.pk}/ledger/").content.decode()
    assert page.count('class="card wf-payable"') == months
    # session, user, actor, the collaboration, its entries, terms, reviews, the two brand scores, the two
    # creator scores, and the navigation's unread count
    assert len(queries) == 12


def test_creators_see_the_brands_payment_terms_and_record_before_applying(client):
    from campaigns.services.payments import payment_terms_set
    from tests.factories import CampaignFactory, InfluencerFactory

    member = BrandMemberFactory()
    payment_terms_set(brand=member.brand, by=member.user, days=14)
    campaign = CampaignFactory(brand=member.brand)
    client.force_login(InfluencerFactory().user)
    page = client.get(f"/me/opportunities/{campaign.pk}/").content.decode()
    assert "pays within 14 days of approved work" in page
    assert "not enough history (0 data points in the last 365 days; 3 needed)" in page
    assert "/metrics/#pays-on-time" in page
