"""API v1 for a collaboration's payment ledger and reviews, brand payment terms and reputation scores.

A ledger and its reviews are found only by the collaboration's two parties and moderators (the view
permission on ledger entries): anyone else gets a 404. Writes call campaigns/services/payments.py and
reviews.py, which check the side (NotAllowed: 403), the rules (DomainError: 400) and races (Conflict: 409).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_fields import StrictCharField, StrictIntegerField
from config.api_views import ApiView, api_user
from influencers.access import actor_of
from influencers.api import BrandOrStaff
from influencers.models import Influencer

from .ledger import PayableState, ledger_collaborations, ledger_for_collaboration, payment_terms_days
from .ledger_models import MAX_CENTS, BrandPaymentTerms, LedgerEntry
from .models import Campaign, Collaboration
from .reputation import MIN_SAMPLE, Ratings, Score, brand_reputations, creator_reputations
from .review_models import Review
from .services.payments import (
    ledger_payable_correct,
    ledger_payment_confirm,
    ledger_payment_dispute,
    ledger_payment_mark_sent,
    payment_terms_set,
)
from .services.reviews import review_reply, review_submit

# --- serializers ---------------------------------------------------------------------------------


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = (
            "id",
            "kind",
            "amount_cents",
            "currency",
            "due_on",
            "sent_on",
            "reference",
            "message",
            "party",
            "responds_to",
            "created_at",
        )
        read_only_fields = fields


class PayableSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="payable.pk")
    key = serializers.CharField(
        source="payable.key", help_text=_('"fee", or the month ("2026-03") of an ambassadorship')
    )
    period = serializers.DateField(source="payable.period", allow_null=True)
    amount_cents = serializers.IntegerField(help_text=_("What is owed now (after any correction), in cents."))
    currency = serializers.CharField(source="payable.currency")
    due_on = serializers.DateField(source="payable.due_on")
    status = serializers.ChoiceField(choices=["open", "sent", "disputed", "paid"])
    is_overdue = serializers.BooleanField()
    days_late = serializers.IntegerField(allow_null=True)
    awaiting_answer = serializers.IntegerField(
        source="awaiting_answer.pk", allow_null=True, default=None, help_text=_("The sent entry to confirm or dispute.")
    )
    entries = LedgerEntrySerializer(many=True)


class LedgerSerializer(serializers.Serializer):
    collaboration = serializers.IntegerField()
    payment_terms_days = serializers.IntegerField()
    payables = PayableSerializer(many=True)


class MarkSentSerializer(serializers.Serializer):
    amount_cents = StrictIntegerField(min_value=1, max_value=MAX_CENTS, help_text=_("The amount sent, in cents."))
    sent_on = serializers.DateField(help_text=_("The day the payment was sent (not in the future)."))
    reference = StrictCharField(max_length=120, allow_blank=True, required=False)


class DisputeSerializer(serializers.Serializer):
    message = StrictCharField(max_length=2000, help_text=_("What is wrong with the payment."))


class CorrectSerializer(serializers.Serializer):
    amount_cents = StrictIntegerField(min_value=1, max_value=MAX_CENTS, help_text=_("The corrected amount owed."))
    message = StrictCharField(max_length=2000, help_text=_("Why the amount changes."))


def _rating() -> StrictIntegerField:
    return StrictIntegerField(min_value=1, max_value=5, required=False)


class ReviewCreateSerializer(serializers.Serializer):
    brief_clarity = _rating()
    payment = _rating()
    quality = _rating()
    punctuality = _rating()
    communication = StrictIntegerField(min_value=1, max_value=5)
    comment = StrictCharField(max_length=2000, allow_blank=True, required=False)


class ReviewOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ("id", "author_party", *Review.ALL_ASPECTS, "comment", "reply", "replied_at", "created_at")
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    reply = StrictCharField(max_length=2000)


class PaymentTermsSerializer(serializers.Serializer):
    days = serializers.ChoiceField(choices=BrandPaymentTerms.Days.values)


class ScoreSerializer(serializers.Serializer):
    sample = serializers.IntegerField()
    period_days = serializers.IntegerField()
    enough_history = serializers.BooleanField(
        source="enough", help_text=_("At least %(n)d data points.") % {"n": MIN_SAMPLE}
    )
    share_on_time = serializers.FloatField(source="share", allow_null=True)
    median_days_late = serializers.FloatField(allow_null=True)
    definition = serializers.SerializerMethodField()

    def get_definition(self, score: Score) -> str:
        return f"/metrics/#{score.anchor}"


class RatingsSerializer(serializers.Serializer):
    sample = serializers.IntegerField()
    period_days = serializers.IntegerField()
    enough_history = serializers.BooleanField(source="enough")
    overall = serializers.FloatField(allow_null=True)
    aspects = serializers.DictField(child=serializers.FloatField(), help_text=_("Empty below the threshold."))
    definition = serializers.SerializerMethodField()

    def get_definition(self, ratings: Ratings) -> str:
        return f"/metrics/#{ratings.anchor}"


class BrandReputationSerializer(serializers.Serializer):
    brand = serializers.CharField()
    payment_terms_days = serializers.IntegerField()
    pays_on_time = ScoreSerializer()
    ratings = RatingsSerializer()


# --- views ---------------------------------------------------------------------------------------


def _collaboration(request: Request, pk: int) -> Collaboration:
    return get_object_or_404(ledger_collaborations(actor=actor_of(request)), pk=pk)


def _entry(collaboration: Collaboration, entry_pk: int, kind: str) -> LedgerEntry:
    entry = get_object_or_404(
        LedgerEntry.objects.filter(collaboration=collaboration, kind=kind).select_related("payable"), pk=entry_pk
    )
    entry.collaboration = collaboration
    return entry


def _ledger_response(collaboration: Collaboration, status_code: int = 200) -> Response:
    states: list[PayableState] = ledger_for_collaboration(collaboration=collaboration)
    data = {
        "collaboration": collaboration.pk,
        "payment_terms_days": payment_terms_days(brand_id=collaboration.campaign.brand_id),
        "payables": states,
    }
    return Response(LedgerSerializer(data).data, status=status_code)


class LedgerApi(ApiView):
    """The collaboration's payment ledger: each payable with its status and every entry about it (two queries)."""

    @extend_schema(operation_id="ledger_retrieve", responses=LedgerSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _ledger_response(_collaboration(request, pk))


class LedgerSentApi(ApiView):
    """Mark a payment sent for a payable (brand): amount in cents, date, optional reference."""

    @extend_schema(operation_id="ledger_mark_sent", request=MarkSentSerializer, responses={201: LedgerSerializer})
    def post(self, request: Request, pk: int, entry_pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        payable = _entry(collaboration, entry_pk, LedgerEntry.Kind.PAYABLE)
        serializer = MarkSentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ledger_payment_mark_sent(
            payable=payable,
            by=api_user(request),
            amount_cents=data["amount_cents"],
            sent_on=data["sent_on"],
            reference=data.get("reference", ""),
        )
        return _ledger_response(collaboration, status.HTTP_201_CREATED)


class LedgerCorrectApi(ApiView):
    """Correct the amount owed on an unpaid payable (brand), with the reason: a new entry, nothing is edited."""

    @extend_schema(operation_id="ledger_correct", request=CorrectSerializer, responses={201: LedgerSerializer})
    def post(self, request: Request, pk: int, entry_pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        payable = _entry(collaboration, entry_pk, LedgerEntry.Kind.PAYABLE)
        serializer = CorrectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ledger_payable_correct(
            payable=payable, by=api_user(request), amount_cents=data["amount_cents"], message=data["message"]
        )
        return _ledger_response(collaboration, status.HTTP_201_CREATED)


class LedgerConfirmApi(ApiView):
    """Confirm that a payment marked sent arrived (creator). Of a concurrent confirm and dispute, one wins."""

    @extend_schema(operation_id="ledger_confirm", request=None, responses={201: LedgerSerializer})
    def post(self, request: Request, pk: int, entry_pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        sent = _entry(collaboration, entry_pk, LedgerEntry.Kind.SENT)
        ledger_payment_confirm(sent=sent, by=api_user(request))
        return _ledger_response(collaboration, status.HTTP_201_CREATED)


class LedgerDisputeApi(ApiView):
    """Dispute a payment marked sent (creator), saying what is wrong."""

    @extend_schema(operation_id="ledger_dispute", request=DisputeSerializer, responses={201: LedgerSerializer})
    def post(self, request: Request, pk: int, entry_pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        sent = _entry(collaboration, entry_pk, LedgerEntry.Kind.SENT)
        serializer = DisputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ledger_payment_dispute(sent=sent, by=api_user(request), message=serializer.validated_data["message"])
        return _ledger_response(collaboration, status.HTTP_201_CREATED)


class ReviewListApi(ApiView):
    """The collaboration's reviews the caller may read (published ones, and their own while blind); write yours."""

    @extend_schema(operation_id="reviews_list", responses=ReviewOutSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        reviews = Review.objects.visible_to(actor_of(request)).filter(collaboration=collaboration)
        return Response(ReviewOutSerializer(reviews.order_by("created_at"), many=True).data)

    @extend_schema(
        operation_id="reviews_create",
        request=ReviewCreateSerializer,
        responses={201: ReviewOutSerializer},
        description="Creators rate brief_clarity, communication and payment; brands rate quality, punctuality and "
        "communication (1–5 each, all required for your side, no others).",
    )
    def post(self, request: Request, pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        comment = data.pop("comment", "")
        review = review_submit(collaboration=collaboration, by=api_user(request), ratings=data, comment=comment)
        return Response(ReviewOutSerializer(review).data, status=status.HTTP_201_CREATED)


class ReviewReplyApi(ApiView):
    """Reply once to a published review of you."""

    @extend_schema(operation_id="reviews_reply", request=ReplySerializer, responses=ReviewOutSerializer)
    def post(self, request: Request, pk: int, review_pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        review = get_object_or_404(
            Review.objects.visible_to(actor_of(request)).filter(collaboration=collaboration), pk=review_pk
        )
        review.collaboration = collaboration
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        replied = review_reply(review=review, by=api_user(request), reply=serializer.validated_data["reply"])
        return Response(ReviewOutSerializer(replied).data)


class CampaignBrandReputationApi(ApiView):
    """The reputation of the brand behind a campaign you can see: payment terms, pays on time, ratings."""

    @extend_schema(operation_id="campaigns_brand_reputation", responses=BrandReputationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        campaign = get_object_or_404(Campaign.objects.visible_to(actor_of(request)).select_related("brand"), pk=pk)
        reputation = brand_reputations([campaign.brand_id])[campaign.brand_id]
        data = {
            "brand": campaign.brand.name,
            "payment_terms_days": payment_terms_days(brand_id=campaign.brand_id),
            "pays_on_time": reputation.pays_on_time,
            "ratings": reputation.ratings,
        }
        return Response(BrandReputationSerializer(data).data)


class MyPaymentTermsApi(ApiView):
    """Your brand's payment terms (days after approved work), shown to creators before they apply."""

    @extend_schema(operation_id="brands_me_payment_terms_retrieve", responses=PaymentTermsSerializer)
    def get(self, request: Request) -> Response:
        brand = actor_of(request).brand
        if brand is None:
            raise NotFound(_("This is for brand accounts: this account has no brand."))
        return Response({"days": payment_terms_days(brand_id=brand.pk)})

    @extend_schema(
        operation_id="brands_me_payment_terms_update", request=PaymentTermsSerializer, responses=PaymentTermsSerializer
    )
    def put(self, request: Request) -> Response:
        brand = actor_of(request).brand
        if brand is None:
            raise NotFound(_("This is for brand accounts: this account has no brand."))
        serializer = PaymentTermsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        terms = payment_terms_set(brand=brand, by=api_user(request), days=int(serializer.validated_data["days"]))
        return Response({"days": terms.days})


class CreatorReputationSerializer(serializers.Serializer):
    handle = serializers.CharField()
    delivers_on_time = ScoreSerializer()
    ratings = RatingsSerializer()


class InfluencerReputationApi(ApiView):
    """A creator's delivery punctuality and ratings from brands, for the brands and staff who may see the profile."""

    permission_classes = [IsAuthenticated, BrandOrStaff]

    @extend_schema(operation_id="influencers_reputation", responses=CreatorReputationSerializer)
    def get(self, request: Request, handle: str) -> Response:
        influencer = get_object_or_404(Influencer.objects.visible_to_brands(), handle=handle)
        reputation = creator_reputations([influencer.pk])[influencer.pk]
        data = {
            "handle": influencer.handle,
            "delivers_on_time": reputation.delivers_on_time,
            "ratings": reputation.ratings,
        }
        return Response(CreatorReputationSerializer(data).data)
