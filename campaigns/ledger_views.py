"""The ledger page of a collaboration (/collaborations/<id>/ledger/): payments and reviews, for both parties.

Only the two parties and moderators (the view permission on ledger entries) find the collaboration
(campaigns.ledger.ledger_collaborations); anyone else gets a 404. Writes go through the services, which
check the side; a DomainError becomes a message on the page and nothing is written.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from brands.views import brand_member_required
from influencers.access import actor_of
from influencers.kernel.errors import DomainError
from influencers.kernel.http import AuthenticatedRequest, BrandRequest

from .ledger import ledger_collaborations, ledger_for_collaboration, payment_terms_days
from .ledger_forms import DisputeForm, MarkSentForm, PaymentTermsForm, ReplyForm, ReviewForm
from .ledger_models import LedgerEntry
from .models import Collaboration
from .reputation import brand_reputations, creator_reputations
from .review_models import Review
from .services.payments import (
    ledger_payment_confirm,
    ledger_payment_dispute,
    ledger_payment_mark_sent,
    payment_terms_set,
)
from .services.reviews import REVIEWABLE_STATUSES, review_reply, review_submit

Party = Collaboration.Party


def _collaboration(request: AuthenticatedRequest, pk: int) -> Collaboration:
    return get_object_or_404(ledger_collaborations(actor=actor_of(request)), pk=pk)


def _party(request: AuthenticatedRequest, collaboration: Collaboration) -> str | None:
    actor = actor_of(request)
    if actor.influencer_id is not None and collaboration.influencer_id == actor.influencer_id:
        return Party.INFLUENCER
    if actor.brand_id is not None and collaboration.campaign.brand_id == actor.brand_id:
        return Party.BRAND
    return None  # a moderator reading it


def _entry(collaboration: Collaboration, entry_pk: int, kind: str) -> LedgerEntry:
    entry = get_object_or_404(LedgerEntry.objects.filter(collaboration=collaboration, kind=kind), pk=entry_pk)
    entry.collaboration = collaboration
    return entry


@login_required
@require_safe
def ledger_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    collaboration = _collaboration(request, pk)
    party = _party(request, collaboration)
    actor = actor_of(request)
    reviews = list(Review.objects.visible_to(actor).filter(collaboration=collaboration).order_by("created_at"))
    own = next((review for review in reviews if review.author_party == party), None)
    can_review = party is not None and own is None and collaboration.status in REVIEWABLE_STATUSES
    brand_id, influencer_id = collaboration.campaign.brand_id, collaboration.influencer_id
    return render(
        request,
        "campaigns/ledger.html",
        {
            "collaboration": collaboration,
            "party": party,
            "payables": ledger_for_collaboration(collaboration=collaboration),
            "terms_days": payment_terms_days(brand_id=brand_id),
            "sent_form": MarkSentForm(),
            "dispute_form": DisputeForm(),
            "reviews": reviews,
            "review_form": ReviewForm(party=party) if can_review and party else None,
            "reply_form": ReplyForm(),
            "brand_reputation": brand_reputations([brand_id])[brand_id],
            "creator_reputation": creator_reputations([influencer_id])[influencer_id],
        },
    )


def _back(collaboration: Collaboration) -> HttpResponse:
    return redirect("ledger:detail", pk=collaboration.pk)


@login_required
@require_POST
def payment_mark_sent(request: AuthenticatedRequest, pk: int, entry_pk: int) -> HttpResponse:
    collaboration = _collaboration(request, pk)
    payable = _entry(collaboration, entry_pk, LedgerEntry.Kind.PAYABLE)
    form = MarkSentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the payment: %(errors)s") % {"errors": _form_errors(form)})
        return _back(collaboration)
    try:
        ledger_payment_mark_sent(
            payable=payable,
            by=request.user,
            amount_cents=form.amount_cents,
            sent_on=form.cleaned_data["sent_on"],
            reference=form.cleaned_data["reference"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Payment marked sent; the creator is asked to confirm it."))
    return _back(collaboration)


@login_required
@require_POST
def payment_confirm(request: AuthenticatedRequest, pk: int, entry_pk: int) -> HttpResponse:
    collaboration = _collaboration(request, pk)
    sent = _entry(collaboration, entry_pk, LedgerEntry.Kind.SENT)
    try:
        ledger_payment_confirm(sent=sent, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Payment confirmed as received."))
    return _back(collaboration)


@login_required
@require_POST
def payment_dispute(request: AuthenticatedRequest, pk: int, entry_pk: int) -> HttpResponse:
    collaboration = _collaboration(request, pk)
    sent = _entry(collaboration, entry_pk, LedgerEntry.Kind.SENT)
    try:
        ledger_payment_dispute(sent=sent, by=request.user, message=request.POST.get("message", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Payment disputed; the brand has been told why."))
    return _back(collaboration)


@login_required
@require_POST
def review_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    collaboration = _collaboration(request, pk)
    party = _party(request, collaboration)
    if party is None:
        messages.error(request, _("Only the two sides of the collaboration review each other."))
        return _back(collaboration)
    form = ReviewForm(request.POST, party=party)
    if not form.is_valid():
        messages.error(request, _("Rate every aspect from 1 to 5."))
        return _back(collaboration)
    try:
        review_submit(
            collaboration=collaboration, by=request.user, ratings=form.ratings(), comment=form.cleaned_data["comment"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Review saved. It is published when both sides have reviewed, or after 14 days."))
    return _back(collaboration)


@login_required
@require_POST
def review_reply_view(request: AuthenticatedRequest, pk: int, review_pk: int) -> HttpResponse:
    collaboration = _collaboration(request, pk)
    review = get_object_or_404(
        Review.objects.visible_to(actor_of(request)).filter(collaboration=collaboration), pk=review_pk
    )
    review.collaboration = collaboration
    try:
        review_reply(review=review, by=request.user, reply=request.POST.get("reply", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reply published."))
    return _back(collaboration)


@brand_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def payment_terms(request: BrandRequest) -> HttpResponse:
    """The brand's payment terms: shown to creators on its campaigns before they apply."""
    form = PaymentTermsForm(request.POST or None, initial={"days": payment_terms_days(brand_id=request.brand.pk)})
    if request.method == "POST" and form.is_valid():
        try:
            payment_terms_set(brand=request.brand, by=request.user, days=form.cleaned_data["days"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Payment terms saved; they apply to work approved from now on."))
            return redirect("payment_terms")
    return render(request, "campaigns/payment_terms.html", {"form": form})


def _form_errors(form: MarkSentForm) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
    )
