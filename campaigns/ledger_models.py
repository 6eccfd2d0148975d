"""The payment ledger: what a brand owes a creator per collaboration, and what both said about it.

Entries are append-only. A payable is created when the work is approved; every later fact about it
(the brand marked it sent, the creator confirmed or disputed it, a corrected amount, an overdue notice)
is a new entry pointing at it. The database refuses UPDATE and DELETE on the table (a trigger created
in migration 0004), so the record both sides point at cannot be rewritten by any code path.
No money moves through Invloed: a payment provider would add entries through the same services.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from influencers import formatting
from influencers.taxonomy import Currency

from .party_scope import party_scope

if TYPE_CHECKING:
    from influencers.access import Actor

# The largest amount a ledger entry may carry: 100,000,000.00 in cents (the platform's money limit).
MAX_CENTS = 10_000_000_000


class BrandPaymentTerms(models.Model):
    """How many days after approval a brand pays; shown to creators before they apply."""

    class Days(models.IntegerChoices):
        D7 = 7, _("7 days")
        D14 = 14, _("14 days")
        D30 = 30, _("30 days")
        D45 = 45, _("45 days")
        D60 = 60, _("60 days")

    DEFAULT_DAYS = 30

    brand = models.OneToOneField(
        Brand, on_delete=models.CASCADE, primary_key=True, related_name="payment_terms", verbose_name=_("brand")
    )
    days = models.PositiveSmallIntegerField(choices=Days.choices, default=DEFAULT_DAYS, verbose_name=_("payment terms"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("payment terms")
        verbose_name_plural = _("brand payment terms")
        constraints = [models.CheckConstraint(condition=Q(days__in=[7, 14, 30, 45, 60]), name="payment_terms_days")]

    def __str__(self) -> str:
        return _("%(brand)s: %(days)d days") % {"brand": self.brand, "days": self.days}


class LedgerEntryQuerySet(models.QuerySet["LedgerEntry"]):
    def visible_to(self, actor: Actor) -> LedgerEntryQuerySet:
        """Only the two parties of the collaboration, and moderators with the admin's view permission."""
        if actor.can("campaigns.view_ledgerentry"):
            return self
        return self.filter(party_scope(actor, "collaboration__"))

    def payables(self) -> LedgerEntryQuerySet:
        return self.filter(kind=LedgerEntry.Kind.PAYABLE)


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        PAYABLE = "payable", _("Payable")
        SENT = "sent", _("Marked sent")
        CONFIRMED = "confirmed", _("Receipt confirmed")
        DISPUTED = "disputed", _("Disputed")
        CORRECTION = "correction", _("Amount corrected")
        OVERDUE_NOTICE = "overdue_notice", _("Overdue notice")

    class Party(models.TextChoices):
        BRAND = "brand", _("Brand")
        INFLUENCER = "influencer", _("Creator")
        SYSTEM = "system", _("Invloed")

    ANSWERS = (Kind.CONFIRMED, Kind.DISPUTED)

    collaboration = models.ForeignKey(
        "campaigns.Collaboration",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("collaboration"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    # Every entry but a payable is about one payable; a confirmation or dispute answers one "sent" entry.
    payable = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("payable")
    )
    responds_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("responds to")
    )
    # A payable's key within its collaboration: "fee", or the month ("2026-03") of an ambassadorship.
    key = models.CharField(max_length=7, blank=True, verbose_name=_("key"))
    period = models.DateField(null=True, blank=True, verbose_name=_("period"))
    amount_cents = models.BigIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CENTS)],
        verbose_name=_("amount (cents)"),
    )
    currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.EUR, verbose_name=_("currency")
    )
    due_on = models.DateField(null=True, blank=True, verbose_name=_("due on"))
    sent_on = models.DateField(null=True, blank=True, verbose_name=_("sent on"))
    reference = models.CharField(max_length=120, blank=True, verbose_name=_("payment reference"))
    message = models.TextField(max_length=2000, blank=True, verbose_name=_("message"))
    party = models.CharField(max_length=10, choices=Party.choices, verbose_name=_("party"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["collaboration", "kind"], name="ledger_collaboration_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "key"], condition=Q(kind="payable"), name="ledger_one_payable_per_key"
            ),
            # Of a concurrent confirm and dispute of the same payment, the database lets exactly one in.
            models.UniqueConstraint(
                fields=["responds_to"], condition=Q(kind__in=["confirmed", "disputed"]), name="ledger_one_answer"
            ),
            models.UniqueConstraint(
                fields=["payable"], condition=Q(kind="overdue_notice"), name="ledger_one_overdue_notice"
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__isnull=True) | Q(amount_cents__gte=0, amount_cents__lte=MAX_CENTS),
                name="ledger_amount_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="payable")
                | Q(payable__isnull=True, amount_cents__isnull=False, due_on__isnull=False),
                name="ledger_payable_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind="payable") | Q(payable__isnull=False), name="ledger_entry_has_payable"
            ),
            models.CheckConstraint(
                condition=~Q(kind="sent") | Q(amount_cents__isnull=False, sent_on__isnull=False),
                name="ledger_sent_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["confirmed", "disputed"]) | Q(responds_to__isnull=False),
                name="ledger_answer_has_sent",
            ),
        ]

    collaboration_id: int

    def __str__(self) -> str:
        amount = f" {self.currency} {cents_display(self.amount_cents)}" if self.amount_cents is not None else ""
        return _("%(kind)s%(amount)s (collaboration %(id)s)") % {
            "kind": self.get_kind_display(),
            "amount": amount,
            "id": self.collaboration_id,
        }

    @property
    @admin.display(description=_("amount"))
    def amount_display(self) -> str:
        return cents_display(self.amount_cents)


def cents_display(cents: int | None) -> str:
    """12345 -> "123.45" (in Dutch "123,45"); None -> ""."""
    if cents is None:
        return ""
    return formatting.decimal(Decimal(cents) / 100, 2, grouping=True)
