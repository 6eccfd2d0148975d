"""Reads of the payment ledger: a payable's state from its entries, ledgers per collaboration, overdue lists.

Entries never change, so a payable's state is derived from the entries that point at it:
paid once the creator confirmed a "sent" entry; awaiting confirmation while the latest "sent" has no
answer; disputed when the latest answer is a dispute (until the brand marks a new payment sent);
otherwise open, and overdue once its due date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from influencers.access import Actor

from .ledger_models import BrandPaymentTerms, LedgerEntry, cents_display
from .models import Collaboration

Kind = LedgerEntry.Kind


class PayableStatus:
    OPEN = "open"
    SENT = "sent"
    DISPUTED = "disputed"
    PAID = "paid"

    LABELS = {
        OPEN: _("Payable"),
        SENT: _("Sent, waiting for the creator's confirmation"),
        DISPUTED: _("Disputed"),
        PAID: _("Paid (confirmed by the creator)"),
    }


@dataclass
class PayableState:
    payable: LedgerEntry
    entries: list[LedgerEntry] = field(default_factory=list)  # every entry about it, the payable first
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def amount_cents(self) -> int:
        amount = self.payable.amount_cents or 0
        for entry in self.entries:
            if entry.kind == Kind.CORRECTION and entry.amount_cents is not None:
                amount = entry.amount_cents
        return amount

    @property
    def amount_display(self) -> str:
        return f"{self.payable.currency} {cents_display(self.amount_cents)}"

    @property
    def amount_value(self) -> str:
        """The amount as a form value in currency units ("350.00")."""
        return f"{self.amount_cents // 100}.{self.amount_cents % 100:02d}"

    @property
    def latest_sent(self) -> LedgerEntry | None:
        sent = [entry for entry in self.entries if entry.kind == Kind.SENT]
        return sent[-1] if sent else None

    def answer_to(self, sent: LedgerEntry) -> LedgerEntry | None:
        return next((e for e in self.entries if e.kind in LedgerEntry.ANSWERS and e.responds_to_id == sent.pk), None)

    @property
    def confirmation(self) -> LedgerEntry | None:
        return next((e for e in self.entries if e.kind == Kind.CONFIRMED), None)

    @property
    def paid_sent(self) -> LedgerEntry | None:
        """The "sent" entry the creator confirmed."""
        confirmation = self.confirmation
        if confirmation is None:
            return None
        return next((e for e in self.entries if e.pk == confirmation.responds_to_id), None)

    @property
    def status(self) -> str:
        if self.confirmation is not None:
            return PayableStatus.PAID
        sent = self.latest_sent
        if sent is None:
            return PayableStatus.OPEN
        answer = self.answer_to(sent)
        if answer is None:
            return PayableStatus.SENT
        return PayableStatus.DISPUTED

    @property
    def status_label(self) -> str:
        return str(PayableStatus.LABELS[self.status])

    @property
    def awaiting_answer(self) -> LedgerEntry | None:
        """The "sent" entry the creator can confirm or dispute now, if any."""
        return self.latest_sent if self.status == PayableStatus.SENT else None

    @property
    def is_overdue(self) -> bool:
        due = self.payable.due_on
        return self.status != PayableStatus.PAID and due is not None and due < self.today

    @property
    def days_late(self) -> int | None:
        """Days after the due date it was paid (confirmed), or is still unpaid; None when not late."""
        due = self.payable.due_on
        if due is None:
            return None
        if self.status == PayableStatus.PAID:
            paid = self.paid_sent
            if paid is None or paid.sent_on is None:
                return None
            late = (paid.sent_on - due).days
        else:
            late = (self.today - due).days
        return late if late > 0 else None


def payable_states(entries: Iterable[LedgerEntry], *, today: dt.date | None = None) -> list[PayableState]:
    """Group entries (any order) into their payables' states, oldest payable first."""
    today = today or timezone.localdate()
    states: dict[int, PayableState] = {}
    followers: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: (e.created_at, e.pk)):
        if entry.kind == Kind.PAYABLE:
            states[entry.pk] = PayableState(payable=entry, entries=[entry], today=today)
        elif entry.payable_id is not None:
            followers[entry.payable_id].append(entry)
    for payable_id, rest in followers.items():
        if payable_id in states:
            states[payable_id].entries.extend(rest)
    return list(states.values())


def payable_state(payable: LedgerEntry) -> PayableState:
    """One payable's state, read fresh (services call it after locking the payable row)."""
    entries = [payable, *LedgerEntry.objects.filter(payable=payable).order_by("created_at", "pk")]
    return payable_states(entries)[0]


def ledger_entries(*, collaboration: Collaboration) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(collaboration=collaboration).select_related("created_by")


def ledger_for_collaboration(*, collaboration: Collaboration) -> list[PayableState]:
    """Every payable of a collaboration with its history: one query."""
    return payable_states(ledger_entries(collaboration=collaboration))


def payment_terms_days(*, brand_id: int) -> int:
    """The brand's payment terms in days (30 when the brand never set them)."""
    days = BrandPaymentTerms.objects.filter(brand_id=brand_id).values_list("days", flat=True).first()
    return days if days is not None else BrandPaymentTerms.DEFAULT_DAYS


def _confirmed() -> Exists:
    return Exists(LedgerEntry.objects.filter(payable_id=OuterRef("pk"), kind=Kind.CONFIRMED))


def overdue_payables(*, today: dt.date | None = None) -> QuerySet[LedgerEntry]:
    """Payables past their due date that the creator has not confirmed as paid."""
    today = today or timezone.localdate()
    return LedgerEntry.objects.payables().filter(due_on__lt=today).exclude(_confirmed())


def overdue_for(
    *, brand_id: int | None = None, influencer_id: int | None = None, today: dt.date | None = None
) -> list[PayableState]:
    """The overdue payables of one brand's or one creator's collaborations (their dashboards): two queries."""
    today = today or timezone.localdate()
    payables = overdue_payables(today=today)
    if brand_id is not None:
        payables = payables.filter(collaboration__campaign__brand_id=brand_id)
    elif influencer_id is not None:
        payables = payables.filter(collaboration__influencer_id=influencer_id)
    else:
        return []
    rows = list(
        payables.select_related("collaboration__campaign", "collaboration__influencer").order_by("due_on", "pk")[:50]
    )
    followers = LedgerEntry.objects.filter(payable__in=rows)
    return payable_states([*rows, *followers], today=today)


def ledger_collaborations(*, actor: Actor) -> QuerySet[Collaboration]:
    """Collaborations whose ledger and reviews this actor may open: the two parties, and moderators
    with the admin's view permission on ledger entries. Everyone else gets a 404."""
    collaborations = Collaboration.objects.select_related("campaign__brand", "influencer__user")
    if actor.can("campaigns.view_ledgerentry"):
        return collaborations
    return collaborations.managed_by(actor)


def brand_payment_terms(brand_ids: Iterable[int]) -> dict[int, int]:
    """Payment terms in days for many brands at once (30 where never set): one query."""
    ids = list(set(brand_ids))
    found = dict(BrandPaymentTerms.objects.filter(brand_id__in=ids).values_list("brand_id", "days"))
    return {pk: found.get(pk, BrandPaymentTerms.DEFAULT_DAYS) for pk in ids}
