"""Admin for the payment ledger, brand payment terms and reviews.

Ledger entries are read-only and cannot be deleted (the database refuses it anyway). Reviews are
moderated here: a moderator hides or restores one with a reason, through campaigns.services.reviews.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.http import HttpRequest

from influencers.kernel.admin_base import ViewOnlyAdmin
from influencers.kernel.errors import DomainError

from .ledger_models import BrandPaymentTerms, LedgerEntry
from .review_models import Review
from .services.reviews import review_moderate


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "collaboration", "kind", "amount_display", "currency", "due_on", "sent_on", "party")
    list_select_related = ("collaboration__campaign", "collaboration__influencer")
    list_filter = ("kind",)
    search_fields = ("reference", "collaboration__campaign__title", "collaboration__influencer__handle")
    ordering = ("-id",)
    show_full_result_count = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # append-only: a trigger refuses DELETE too


@admin.register(BrandPaymentTerms)
class BrandPaymentTermsAdmin(ViewOnlyAdmin):
    list_display = ("brand", "days", "updated_at")
    list_select_related = ("brand",)
    search_fields = ("brand__name",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("created_at", "collaboration", "author_party", "communication", "moderation_status")
    list_select_related = ("collaboration__campaign", "collaboration__influencer")
    list_filter = ("moderation_status", "author_party")
    search_fields = ("comment", "reply", "collaboration__campaign__title", "collaboration__influencer__handle")
    ordering = ("-id",)
    show_full_result_count = False
    fields = (
        "collaboration",
        "author_party",
        "author",
        *Review.ALL_ASPECTS,
        "comment",
        "reply",
        "replied_at",
        "created_at",
        "moderation_status",
        "moderation_reason",
    )
    readonly_fields = tuple(name for name in fields if name not in ("moderation_status", "moderation_reason"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reviews are written by the two sides of a collaboration

    def save_model(self, request: HttpRequest, obj: Review, form: Any, change: bool) -> None:
        """The moderation decision goes through the service (reason required, audit row)."""
        if not isinstance(request.user, User):  # the admin only lets signed-in staff this far
            return
        try:
            review_moderate(
                review=obj,
                by=request.user,
                hide=obj.moderation_status == Review.Moderation.HIDDEN,
                reason=obj.moderation_reason,
            )
        except DomainError as error:
            messages.error(request, error.message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # hide instead: the decision stays on record
