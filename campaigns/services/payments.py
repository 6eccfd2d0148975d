"""Writes on the payment ledger: payables opened by approved work, payments marked sent, confirmed or
disputed, corrected amounts, overdue notices, and a brand's payment terms.

Every write appends entries (the table refuses UPDATE and DELETE), records an audit event and
notifies the other side. Writes about one payable lock its row first (SELECT … FOR UPDATE: a lock,
not an update), so a concurrent confirm and dispute are serialised; the unique constraint
`ledger_one_answer` is the backstop that lets exactly one of them in.

Extension point: a payment provider would call `ledger_payment_mark_sent` (as the brand) when it
executes a transfer, and `ledger_payment_confirm` from its settlement webhook; nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand, BrandMember
from influencers.access import actor_for
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.notifications import notification_send
from influencers.taxonomy import WorkKind

from ..ledger import PayableState, PayableStatus, overdue_payables, payable_state, payment_terms_days
from ..ledger_models import MAX_CENTS, BrandPaymentTerms, LedgerEntry, cents_display
from ..models import Collaboration, Deliverable
from ..webhook_models import EventType
from ..webhooks import payment_data, webhook_collaboration_event
from .transitions import collaboration_party

Kind = LedgerEntry.Kind
Party = Collaboration.Party


def _cents(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month `months` after `day`'s month (the same arithmetic as deliverable planning)."""
    month_index = day.month - 1 + months
    return dt.date(day.year + month_index // 12, month_index % 12 + 1, 1)


def _split(total_cents: int, parts: int) -> list[int]:
    """Equal monthly amounts that add up to the total exactly (the last month takes the remainder)."""
    base = total_cents // parts
    return [base] * (parts - 1) + [total_cents - base * (parts - 1)]


def payables_due(collaboration: Collaboration) -> list[tuple[str, dt.date | None, int]]:
    """(key, period, amount in cents) of every payable the collaboration's approved work calls for.

    Ambassadorship: one per month whose deliverables are all approved; its share of the agreed fee
    (or the campaign's monthly fee when no fee was agreed). Other kinds: the agreed fee, once every
    deliverable is approved. A zero fee (a review paid in product) owes nothing.
    """
    campaign = collaboration.campaign
    deliverables = list(collaboration.deliverables.values_list("period", "status"))
    if not deliverables:
        return []
    if campaign.kind != WorkKind.AMBASSADORSHIP:
        if any(status != Deliverable.Status.APPROVED for _period, status in deliverables):
            return []
        fee = _cents(collaboration.agreed_fee)
        return [("fee", None, fee)] if fee > 0 else []
    months = campaign.duration_months or 1
    total = _cents(collaboration.agreed_fee) or _cents(campaign.monthly_fee) * months
    first = campaign.starts_on.replace(day=1)
    amounts = _split(total, months)
    due: list[tuple[str, dt.date | None, int]] = []
    for index in range(months):
        period = _add_months(first, index)
        statuses = [status for p, status in deliverables if p == period]
        if statuses and all(status == Deliverable.Status.APPROVED for status in statuses) and amounts[index] > 0:
            due.append((f"{period:%Y-%m}", period, amounts[index]))
    return due


def ledger_payables_open(*, collaboration: Collaboration, by: User | None) -> list[LedgerEntry]:
    """Open the payables that approved work calls for, due after the brand's payment terms.

    Called by deliverable_review after an approval, inside its transaction; running it twice adds nothing.
    """
    wanted = payables_due(collaboration)
    if not wanted:
        return []
    existing = set(LedgerEntry.objects.payables().filter(collaboration=collaboration).values_list("key", flat=True))
    today = timezone.localdate()
    due_on = today + dt.timedelta(days=payment_terms_days(brand_id=collaboration.campaign.brand_id))
    created = []
    for key, period, amount in wanted:
        if key in existing:
            continue
        entry = LedgerEntry.objects.create(
            collaboration=collaboration,
            kind=Kind.PAYABLE,
            key=key,
            period=period,
            amount_cents=amount,
            currency=collaboration.currency,
            due_on=due_on,
            party=LedgerEntry.Party.BRAND,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="ledger.payable",
            target=entry,
            data={"collaboration": collaboration.pk, "key": key, "amount_cents": amount, "due_on": str(due_on)},
        )
        text = _("%(amount)s for “%(title)s” is payable by %(date)s.") % {
            "amount": f"{entry.currency} {cents_display(amount)}",
            "title": collaboration.campaign.title,
            "date": due_on,
        }
        notification_send(
            user=collaboration.influencer.user, verb="ledger.payable", message=text, url=ledger_url(collaboration)
        )
        created.append(entry)
    return created


def ledger_url(collaboration: Collaboration) -> str:
    return reverse("ledger:detail", args=[collaboration.pk])


def _locked_state(payable: LedgerEntry) -> PayableState:
    locked = LedgerEntry.objects.select_for_update().select_related(
        "collaboration__campaign", "collaboration__influencer"
    )
    return payable_state(locked.get(pk=payable.pk, kind=Kind.PAYABLE))


def _notify_brand(collaboration: Collaboration, verb: str, text: str) -> None:
    for member in BrandMember.objects.filter(brand_id=collaboration.campaign.brand_id).select_related("user"):
        notification_send(user=member.user, verb=verb, message=text, url=ledger_url(collaboration))


def _amount_check(amount_cents: int | None) -> int:
    if amount_cents is None or isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise DomainError(_("Enter the amount in cents, as a whole number."), field="amount_cents")
    if amount_cents < 1 or amount_cents > MAX_CENTS:
        raise DomainError(_("The amount must be between 1 cent and 100,000,000.00."), field="amount_cents")
    return amount_cents


def _text_check(value: str, *, field: str, limit: int, required: str | None = None) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(_("The text contains a character that cannot be stored."), field=field)
    if required and not value:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    return value


def ledger_payment_mark_sent(
    *, payable: LedgerEntry, by: User, amount_cents: int, sent_on: dt.date, reference: str = ""
) -> LedgerEntry:
    """The brand records that it sent a payment (amount, date, its reference); the creator then answers."""
    collaboration = payable.collaboration
    if collaboration_party(collaboration=collaboration, user=by) != Party.BRAND:
        raise NotAllowed(_("Only the brand marks a payment as sent."))
    amount_cents = _amount_check(amount_cents)
    reference = _text_check(reference, field="reference", limit=120)
    if sent_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."), field="sent_on")
    if sent_on < collaboration.created_at.date() - dt.timedelta(days=1):
        raise DomainError(_("The payment date is before the collaboration started."), field="sent_on")
    with transaction.atomic():
        state = _locked_state(payable)
        if state.status == PayableStatus.PAID:
            raise Conflict(_("This payment is already confirmed as received."))
        if state.status == PayableStatus.SENT:
            raise Conflict(_("A payment is already marked sent; wait for the creator's answer."))
        entry = LedgerEntry.objects.create(
            collaboration=collaboration,
            kind=Kind.SENT,
            payable=payable,
            amount_cents=amount_cents,
            currency=payable.currency,
            sent_on=sent_on,
            reference=reference,
            party=LedgerEntry.Party.BRAND,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="ledger.sent",
            target=entry,
            data={"payable": payable.pk, "amount_cents": amount_cents, "sent_on": str(sent_on), "reference": reference},
        )
        text = _("%(brand)s marked %(amount)s for “%(title)s” as sent on %(date)s. Confirm when it arrives.") % {
            "brand": collaboration.campaign.brand.name,
            "amount": f"{entry.currency} {cents_display(amount_cents)}",
            "title": collaboration.campaign.title,
            "date": sent_on,
        }
        notification_send(
            user=collaboration.influencer.user, verb="ledger.sent", message=text, url=ledger_url(collaboration)
        )
        webhook_collaboration_event(
            event_type=EventType.PAYMENT_MARKED_SENT,
            collaboration=collaboration,
            extra={"payment": payment_data(entry)},
        )
    return entry


def _answer(*, sent: LedgerEntry, by: User, kind: str, message: str) -> LedgerEntry:
    collaboration = sent.collaboration
    if collaboration_party(collaboration=collaboration, user=by) != Party.INFLUENCER:
        raise NotAllowed(_("Only the creator confirms or disputes a payment."))
    if sent.kind != Kind.SENT or sent.payable is None:
        raise DomainError(_("Only a payment marked sent can be confirmed or disputed."))
    try:
        with transaction.atomic():
            state = _locked_state(sent.payable)
            if state.awaiting_answer is None or state.awaiting_answer.pk != sent.pk:
                raise Conflict(_("This payment was already answered. Reload to see the ledger."))
            entry = LedgerEntry.objects.create(
                collaboration=collaboration,
                kind=kind,
                payable=sent.payable,
                responds_to=sent,
                amount_cents=sent.amount_cents,
                currency=sent.currency,
                message=message,
                party=LedgerEntry.Party.INFLUENCER,
                created_by=by,
            )
            audit_record(actor=by, action=f"ledger.{kind}", target=entry, reason=message, data={"sent": sent.pk})
    except IntegrityError as exc:  # the other answer got in first (ledger_one_answer)
        raise Conflict(_("This payment was already answered. Reload to see the ledger.")) from exc
    return entry


def ledger_payment_confirm(*, sent: LedgerEntry, by: User) -> LedgerEntry:
    """The creator confirms the payment marked sent arrived: the payable is paid."""
    entry = _answer(sent=sent, by=by, kind=Kind.CONFIRMED, message="")
    collaboration = sent.collaboration
    text = _("@%(handle)s confirmed receiving %(amount)s for “%(title)s”.") % {
        "handle": collaboration.influencer.handle,
        "amount": f"{sent.currency} {cents_display(sent.amount_cents)}",
        "title": collaboration.campaign.title,
    }
    _notify_brand(collaboration, "ledger.confirmed", text)
    return entry


def ledger_payment_dispute(*, sent: LedgerEntry, by: User, message: str) -> LedgerEntry:
    """The creator disputes the payment marked sent (not arrived, wrong amount …), saying why."""
    message = _text_check(
        message, field="message", limit=2000, required=_("Say what is wrong, so the brand can put it right.")
    )
    entry = _answer(sent=sent, by=by, kind=Kind.DISPUTED, message=message)
    collaboration = sent.collaboration
    text = _("@%(handle)s disputes the payment for “%(title)s”: %(message)s") % {
        "handle": collaboration.influencer.handle,
        "title": collaboration.campaign.title,
        "message": message,
    }
    _notify_brand(collaboration, "ledger.disputed", text)
    return entry


def ledger_payable_correct(*, payable: LedgerEntry, by: User, amount_cents: int, message: str) -> LedgerEntry:
    """The brand corrects what is owed (a new entry with the new amount and the reason; nothing is edited)."""
    collaboration = payable.collaboration
    if collaboration_party(collaboration=collaboration, user=by) != Party.BRAND:
        raise NotAllowed(_("Only the brand corrects an amount owed."))
    amount_cents = _amount_check(amount_cents)
    message = _text_check(message, field="message", limit=2000, required=_("Say why the amount changes."))
    with transaction.atomic():
        state = _locked_state(payable)
        if state.status in (PayableStatus.PAID, PayableStatus.SENT):
            raise Conflict(_("Only an unpaid amount without a payment waiting for an answer can be corrected."))
        entry = LedgerEntry.objects.create(
            collaboration=collaboration,
            kind=Kind.CORRECTION,
            payable=payable,
            amount_cents=amount_cents,
            currency=payable.currency,
            message=message,
            party=LedgerEntry.Party.BRAND,
            created_by=by,
        )
        audit_record(
            actor=by,
            action="ledger.correction",
            target=entry,
            reason=message,
            data={"payable": payable.pk, "from_cents": state.amount_cents, "to_cents": amount_cents},
        )
        text = _("%(brand)s corrected the amount for “%(title)s” to %(amount)s: %(message)s") % {
            "brand": collaboration.campaign.brand.name,
            "title": collaboration.campaign.title,
            "amount": f"{entry.currency} {cents_display(amount_cents)}",
            "message": message,
        }
        notification_send(
            user=collaboration.influencer.user, verb="ledger.correction", message=text, url=ledger_url(collaboration)
        )
    return entry


def ledger_overdue_notify(*, today: dt.date | None = None) -> int:
    """Tell both sides about each payable that became overdue; each payable is noticed once.

    The notice is itself a ledger entry (unique per payable), so running this twice, or on two
    workers at once, notifies nobody twice. Returns how many payables were noticed.
    """
    today = today or timezone.localdate()
    pending = (
        overdue_payables(today=today)
        .exclude(pk__in=LedgerEntry.objects.filter(kind=Kind.OVERDUE_NOTICE).values("payable_id"))
        .select_related("collaboration__campaign__brand", "collaboration__influencer__user")
    )
    noticed = 0
    for payable in pending:
        collaboration = payable.collaboration
        try:
            with transaction.atomic():
                entry = LedgerEntry.objects.create(
                    collaboration=collaboration,
                    kind=Kind.OVERDUE_NOTICE,
                    payable=payable,
                    party=LedgerEntry.Party.SYSTEM,
                )
                audit_record(actor=None, action="ledger.overdue_notice", target=entry, data={"payable": payable.pk})
                text = _("%(amount)s for “%(title)s” (@%(handle)s) was due on %(date)s and is not confirmed paid.") % {
                    "amount": f"{payable.currency} {cents_display(payable.amount_cents)}",
                    "title": collaboration.campaign.title,
                    "handle": collaboration.influencer.handle,
                    "date": payable.due_on,
                }
                notification_send(
                    user=collaboration.influencer.user,
                    verb="ledger.overdue",
                    message=text,
                    url=ledger_url(collaboration),
                )
                _notify_brand(collaboration, "ledger.overdue", text)
        except IntegrityError:
            continue  # another run noticed it first
        noticed += 1
    return noticed


def payment_terms_set(*, brand: Brand, by: User, days: int) -> BrandPaymentTerms:
    """A brand member sets the brand's payment terms (days after approval); applies to new payables."""
    if actor_for(by).brand_id != brand.pk:
        raise NotAllowed(_("Only the brand's team sets its payment terms."))
    if days not in BrandPaymentTerms.Days.values:
        raise DomainError(_("Choose 7, 14, 30, 45 or 60 days."), field="days")
    with transaction.atomic():
        before = payment_terms_days(brand_id=brand.pk)
        terms, _created = BrandPaymentTerms.objects.update_or_create(brand=brand, defaults={"days": days})
        audit_record(actor=by, action="brand.payment_terms", target=brand, data={"from": before, "to": days})
    return terms
