"""The payment ledger: payables per campaign kind, sent → confirmed / disputed, corrections, overdue
notices, append-only enforced by the database, and a concurrent confirm/dispute where exactly one wins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from campaigns.ledger import PayableStatus, ledger_for_collaboration, overdue_for
from campaigns.ledger_models import BrandPaymentTerms, LedgerEntry
from campaigns.services.payments import (
    ledger_overdue_notify,
    ledger_payable_correct,
    ledger_payment_confirm,
    ledger_payment_dispute,
    ledger_payment_mark_sent,
    payment_terms_set,
)
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.models import AuditEvent, Notification
from tests.factories import BrandMemberFactory, StaffFactory
from tests.ledger_data import accepted_collaboration, approved_collaboration

pytestmark = pytest.mark.django_db
Kind = LedgerEntry.Kind


def brand_user(collaboration):
    return collaboration.campaign.brand.members.first().user


def payable_of(collaboration) -> LedgerEntry:
    return LedgerEntry.objects.get(collaboration=collaboration, kind=Kind.PAYABLE)


# --- payables per campaign kind ------------------------------------------------------------------


@pytest.mark.parametrize("kind", [{}, {"review": True}, {"giveaway": True}])
def test_approved_work_makes_the_agreed_fee_payable_once_per_kind(kind):
    collaboration = approved_collaboration(fee="350", **kind)
    payable = payable_of(collaboration)
    assert (payable.amount_cents, payable.currency, payable.key) == (35000, "EUR", "fee")
    assert payable.due_on == timezone.localdate() + dt.timedelta(days=30)  # no terms set: 30 days
    assert AuditEvent.objects.filter(action="ledger.payable", object_id=str(payable.pk)).exists()
    assert Notification.objects.filter(user=collaboration.influencer.user, verb="ledger.payable").count() == 1


def test_nothing_is_payable_until_every_deliverable_is_approved():
    collaboration = accepted_collaboration(fee="350")  # sponsored post: two posts
    assert collaboration.deliverables.count() == 2
    first = collaboration.deliverables.order_by("pk").first()
    from campaigns.services import deliverable_review, deliverable_submit

    deliverable_submit(
        collaboration=collaboration,
        by=collaboration.influencer.user,
        url="https://x.com/p/1",
        draft_text="#ad",
        deliverable=first,
    )
    deliverable_review(deliverable=first, by=brand_user(collaboration), approve=True)
    assert not LedgerEntry.objects.filter(collaboration=collaboration).exists()


def test_a_review_paid_in_product_owes_nothing():
    collaboration = approved_collaboration(fee="0", review=True)
    assert not LedgerEntry.objects.filter(collaboration=collaboration).exists()


def test_an_ambassadorship_is_payable_month_by_month_adding_up_to_the_fee():
    collaboration = approved_collaboration(fee="1000", ambassadorship=True, budget_per_creator=1000)
    payables = LedgerEntry.objects.filter(collaboration=collaboration, kind=Kind.PAYABLE).order_by("period")
    assert [p.amount_cents for p in payables] == [33333, 33333, 33334]  # three months, the last takes the cent
    assert len({p.key for p in payables}) == 3
    assert all(p.period is not None and p.period.day == 1 for p in payables)


def test_the_brands_payment_terms_set_the_due_date():
    member = BrandMemberFactory()
    payment_terms_set(brand=member.brand, by=member.user, days=14)
    collaboration = approved_collaboration(member=member)
    assert payable_of(collaboration).due_on == timezone.localdate() + dt.timedelta(days=14)
    with pytest.raises(DomainError, match="7, 14, 30, 45 or 60"):
        payment_terms_set(brand=member.brand, by=member.user, days=13)
    with pytest.raises(NotAllowed):
        payment_terms_set(brand=member.brand, by=BrandMemberFactory().user, days=7)
    assert BrandPaymentTerms.objects.get(brand=member.brand).days == 14


# --- sent, confirmed, disputed -------------------------------------------------------------------


def test_a_payment_marked_sent_and_confirmed_is_paid():
    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    today = timezone.localdate()
    sent = ledger_payment_mark_sent(
        payable=payable, by=brand_user(collaboration), amount_cents=35000, sent_on=today, reference="INV-7"
    )
    assert Notification.objects.filter(user=collaboration.influencer.user, verb="ledger.sent").exists()
    [state] = ledger_for_collaboration(collaboration=collaboration)
    assert state.status == PayableStatus.SENT
    assert state.awaiting_answer == sent
    ledger_payment_confirm(sent=sent, by=collaboration.influencer.user)
    [state] = ledger_for_collaboration(collaboration=collaboration)
    assert state.status == PayableStatus.PAID
    assert state.days_late is None
    assert [e.kind for e in state.entries] == [Kind.PAYABLE, Kind.SENT, Kind.CONFIRMED]
    assert set(AuditEvent.objects.filter(action__startswith="ledger.").values_list("action", flat=True)) == {
        "ledger.payable",
        "ledger.sent",
        "ledger.confirmed",
    }
    with pytest.raises(Conflict, match="already confirmed"):
        ledger_payment_mark_sent(payable=payable, by=brand_user(collaboration), amount_cents=1, sent_on=today)


def test_a_dispute_says_why_and_the_brand_can_send_again():
    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    today = timezone.localdate()
    sent = ledger_payment_mark_sent(payable=payable, by=brand_user(collaboration), amount_cents=30000, sent_on=today)
    with pytest.raises(DomainError, match="Say what is wrong"):
        ledger_payment_dispute(sent=sent, by=collaboration.influencer.user, message="  ")
    ledger_payment_dispute(sent=sent, by=collaboration.influencer.user, message="Only 300 arrived, 350 agreed.")
    [state] = ledger_for_collaboration(collaboration=collaboration)
    assert state.status == PayableStatus.DISPUTED
    assert Notification.objects.filter(user=brand_user(collaboration), verb="ledger.disputed").exists()
    with pytest.raises(Conflict):
        ledger_payment_confirm(sent=sent, by=collaboration.influencer.user)
    again = ledger_payment_mark_sent(payable=payable, by=brand_user(collaboration), amount_cents=5000, sent_on=today)
    ledger_payment_confirm(sent=again, by=collaboration.influencer.user)
    [state] = ledger_for_collaboration(collaboration=collaboration)
    assert state.status == PayableStatus.PAID


def test_only_the_right_side_acts_and_bad_input_writes_nothing():
    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    today = timezone.localdate()
    before = LedgerEntry.objects.count()
    brand = brand_user(collaboration)
    for by in (collaboration.influencer.user, StaffFactory(), BrandMemberFactory().user):
        with pytest.raises(NotAllowed):
            ledger_payment_mark_sent(payable=payable, by=by, amount_cents=100, sent_on=today)
    for amount, sent_on, match in (
        (0, today, "between 1 cent"),
        (-5, today, "between 1 cent"),
        (10**12, today, "between 1 cent"),
        (100, today + dt.timedelta(days=1), "future"),
        (100, today - dt.timedelta(days=400), "before the collaboration"),
    ):
        with pytest.raises(DomainError, match=match):
            ledger_payment_mark_sent(payable=payable, by=brand, amount_cents=amount, sent_on=sent_on)
    with pytest.raises(DomainError, match="At most"):
        ledger_payment_mark_sent(payable=payable, by=brand, amount_cents=100, sent_on=today, reference="x" * 121)
    assert LedgerEntry.objects.count() == before
    sent = ledger_payment_mark_sent(payable=payable, by=brand, amount_cents=100, sent_on=today)
    with pytest.raises(Conflict, match="wait for the creator"):
        ledger_payment_mark_sent(payable=payable, by=brand, amount_cents=100, sent_on=today)
    with pytest.raises(NotAllowed):
        ledger_payment_confirm(sent=sent, by=brand)


def test_a_correction_is_a_new_entry_with_the_new_amount():
    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    with pytest.raises(DomainError, match="Say why"):
        ledger_payable_correct(payable=payable, by=brand_user(collaboration), amount_cents=40000, message="")
    ledger_payable_correct(payable=payable, by=brand_user(collaboration), amount_cents=40000, message="Extra story")
    [state] = ledger_for_collaboration(collaboration=collaboration)
    assert state.amount_cents == 40000
    assert state.payable.amount_cents == 35000
    assert LedgerEntry.objects.get(pk=payable.pk).amount_cents == 35000  # the original entry is untouched


# --- overdue -------------------------------------------------------------------------------------


def test_an_overdue_payable_notifies_both_sides_once_and_shows_on_both_dashboards():
    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    assert payable.due_on is not None
    late = payable.due_on + dt.timedelta(days=3)
    assert ledger_overdue_notify(today=payable.due_on) == 0  # due today is not overdue
    assert ledger_overdue_notify(today=late) == 1
    assert ledger_overdue_notify(today=late) == 0  # idempotent: one notice per payable
    assert Notification.objects.filter(verb="ledger.overdue", user=collaboration.influencer.user).count() == 1
    assert Notification.objects.filter(verb="ledger.overdue", user=brand_user(collaboration)).count() == 1
    assert LedgerEntry.objects.filter(kind=Kind.OVERDUE_NOTICE, payable=payable).count() == 1
    for scope in ({"influencer_id": collaboration.influencer_id}, {"brand_id": collaboration.campaign.brand_id}):
        [state] = overdue_for(**scope, today=late)
        assert state.payable == payable
        assert state.days_late == 3
    assert overdue_for(brand_id=BrandMemberFactory().brand_id, today=late) == []


def test_the_overdue_task_runs_the_service():
    from campaigns.tasks import ledger_overdue_task

    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    assert payable.due_on is not None
    assert ledger_overdue_task(today=(payable.due_on + dt.timedelta(days=1)).isoformat()) == 1


# --- append-only, enforced by the database --------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_a_ledger_entry():
    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=payable.pk).update(amount_cents=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE campaigns_ledgerentry SET amount_cents = 1 WHERE id = %s", [payable.pk])
    if connection.vendor == "postgresql":  # SQLite refuses updates only (see migration 0004)
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerEntry.objects.filter(pk=payable.pk).delete()
    assert LedgerEntry.objects.get(pk=payable.pk).amount_cents == 35000


# --- real concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_confirm_and_dispute_exactly_one_wins():
    from tests.campaigns.test_services import _race

    collaboration = approved_collaboration()
    payable = payable_of(collaboration)
    sent = ledger_payment_mark_sent(
        payable=payable, by=brand_user(collaboration), amount_cents=35000, sent_on=timezone.localdate()
    )
    creator = collaboration.influencer.user
    first, second = (LedgerEntry.objects.select_related("payable", "collaboration").get(pk=sent.pk) for _ in range(2))
    results = _race(
        [
            lambda: ledger_payment_confirm(sent=first, by=creator),
            lambda: ledger_payment_dispute(sent=second, by=creator, message="Not arrived"),
        ]
    )
    assert results == ["Conflict", "ok"]
    assert LedgerEntry.objects.filter(responds_to=sent).count() == 1
