"""Forms of the ledger page: marking a payment sent, disputing one, reviewing, replying, payment terms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .ledger_models import BrandPaymentTerms
from .review_models import ASPECT_LABELS, Review

RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class MarkSentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount sent"), min_value=Decimal("0.01"), max_value=Decimal("100000000"), decimal_places=2
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Payment reference"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()

    @property
    def amount_cents(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class DisputeForm(forms.Form):
    message = forms.CharField(label=_("What is wrong?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    """The aspects of the author's side (Review.ASPECTS), each 1–5, and an optional comment."""

    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, party: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aspects = Review.ASPECTS[party]
        for aspect in self.aspects:
            self.fields[aspect] = forms.TypedChoiceField(
                label=ASPECT_LABELS[aspect], choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        self.order_fields([*self.aspects, "comment"])

    def ratings(self) -> dict[str, object]:
        return {aspect: self.cleaned_data[aspect] for aspect in self.aspects}


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Your reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentTermsForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("We pay within"), choices=BrandPaymentTerms.Days.choices, coerce=int, initial=30
    )
