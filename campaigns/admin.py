"""Admin for campaigns, collaborations, deliverables and stored matches.

Campaign moderation goes through campaigns.services.campaign_moderate. A collaboration's status
is read-only: it only moves along its status machine through collaboration_transition, taken by
the brand or the influencer. Match scores are written by the matching engine and are read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from influencers.kernel.admin_base import HTTPS_URL_FIELDS, ModeratedAdmin, ViewOnlyAdmin, related_count
from influencers.kernel.admin_ownership import OwnershipTransferAdmin

from .draws import GiveawayDraw
from .models import (
    TERMS_BY_KIND,
    Campaign,
    Collaboration,
    CollaborationMessage,
    Deliverable,
    FeatureStore,
    FeatureStoreColumn,
    Match,
)
from .ownership import campaign_transfer_ownership
from .services import campaign_moderate

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts, _FieldsetSpec
    from django_stubs_ext import StrOrPromise, WithAnnotations


class StoredSize(TypedDict):
    size: int


class CampaignCounts(TypedDict):
    """What CampaignAdmin.get_queryset annotates."""

    collaboration_count: int


class CollaborationInline(admin.TabularInline):
    """The campaign's collaborations at a glance; open one to see its deliverables and messages."""

    model = Collaboration
    extra = 0
    show_change_link = True
    can_delete = False
    fields = ("influencer", "initiated_by", "status", "status_changed_at", "proposed_fee", "agreed_fee", "currency")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Campaign | None = None) -> bool:
        # Collaborations start with an invitation or an application, never from the admin.
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Collaboration]:
        return super().get_queryset(request).select_related("influencer")


@admin.register(Campaign)
class CampaignAdmin(OwnershipTransferAdmin, ModeratedAdmin):
    moderation_status_field = "moderation_status"
    moderation_reason_field = "moderation_reason"
    # The brand owning a campaign gets its applications and pays its fees: moved only by the transfer page.
    ownership_fields = ("brand",)
    transfer_owner_field = "brand_slug"
    transfer_owner_label = _("Slug of the new brand")
    transfer_owner_help = _("An approved brand, e.g. acme-studio (shown in the brand list).")

    list_display = (
        "title",
        "brand",
        "kind",
        "status",
        "moderation_status",
        "visibility",
        "budget_total",
        "currency",
        "starts_on",
        "ends_on",
        "collaboration_count",
    )
    list_select_related = ("brand",)
    list_filter = ("moderation_status", "status", "kind", "visibility")
    search_fields = ("title", "brand__name")
    search_help_text = _("Search by title or brand name.")
    autocomplete_fields = ("brand", "niches", "created_by")
    date_hierarchy = "starts_on"
    inlines = (CollaborationInline,)
    readonly_fields = (
        "status",
        "published_at",
        "matches_stale_since",
        "matches_computed_at",
        "winners_announced_at",
        "created_at",
        "updated_at",
    )

    def get_fieldsets(self, request: HttpRequest, obj: Campaign | None = None) -> _FieldsetSpec:
        # The terms of the campaign's own kind stay open; the other kinds' terms fold away.
        terms: list[tuple[StrOrPromise | None, _FieldOpts]] = [
            (
                terms.heading,
                {
                    "fields": terms.fields + terms.recorded,
                    "classes": () if obj is None or obj.kind == kind else ("collapse",),
                },
            )
            for kind, terms in TERMS_BY_KIND.items()
        ]
        return [
            (
                None,
                {"fields": ("brand", "title", "brief", "kind", "visibility", "status", "published_at", "created_by")},
            ),
            *terms,
            (
                _("Who it is for"),
                {
                    "fields": (
                        "niches",
                        "platforms",
                        ("min_followers", "max_followers"),
                        "tiers",
                        "target_age_bands",
                        "target_genders",
                        "target_countries",
                        "target_languages",
                    )
                },
            ),
            (
                _("Money and time"),
                {"fields": ("currency", "budget_total", "budget_per_creator", "starts_on", "ends_on")},
            ),
            (_("Moderation"), {"fields": ("moderation_status", "moderation_reason", "moderated_at")}),
            (
                _("Matching"),
                {
                    "fields": ("matches_stale_since", "matches_computed_at"),
                    "description": _("Written by the matching engine; read-only here."),
                },
            ),
            (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
        ]

    def moderate(self, *, obj: Campaign, decision: str, reason: str, by: User) -> Campaign:
        return campaign_moderate(campaign=obj, decision=decision, reason=reason, by=by)

    def transfer(self, *, obj: Campaign, owner: str, reason: str, by: User) -> Campaign:
        return campaign_transfer_ownership(campaign=obj, brand_slug=owner, reason=reason, by=by)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Campaign]:
        return super().get_queryset(request).annotate(collaboration_count=related_count(Collaboration, "campaign"))

    @admin.display(description=_("Collaborations"), ordering="collaboration_count")
    def collaboration_count(self, obj: WithAnnotations[Campaign, CampaignCounts]) -> int:
        return obj.collaboration_count


class DeliverableInline(admin.StackedInline):
    model = Deliverable
    extra = 0
    fields = (
        ("kind", "title", "due_date", "period"),
        ("submitted_url", "post"),
        "draft_text",
        ("status", "has_ad_disclosure", "disclosure_found"),
        "review_comment",
        ("submitted_at", "reviewed_at"),
    )
    readonly_fields = ("status", "has_ad_disclosure", "disclosure_found", "submitted_at", "reviewed_at")
    raw_id_fields = ("post",)
    formfield_overrides = HTTPS_URL_FIELDS


class CollaborationMessageInline(admin.TabularInline):
    """The conversation between brand and influencer: readable for moderators, removable if abusive."""

    model = CollaborationMessage
    extra = 0
    fields = ("created_at", "author", "body")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Collaboration | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[CollaborationMessage]:
        return super().get_queryset(request).select_related("author")


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "campaign",
        "influencer",
        "status",
        "initiated_by",
        "agreed_fee",
        "currency",
        "status_changed_at",
    )
    list_select_related = ("campaign", "influencer")
    list_filter = ("status", "initiated_by", "currency")
    search_fields = ("campaign__title", "influencer__handle", "campaign__brand__name")
    autocomplete_fields = ("campaign", "influencer", "offer")
    date_hierarchy = "created_at"
    inlines = (DeliverableInline, CollaborationMessageInline)
    fields = (
        ("campaign", "influencer"),
        ("status", "status_changed_at", "initiated_by"),
        "offer",
        ("proposed_fee", "agreed_fee", "currency"),
        "is_giveaway_winner_announced",
        ("created_at", "updated_at"),
    )
    readonly_fields = (
        "campaign",
        "influencer",
        "initiated_by",
        "status",
        "status_changed_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A collaboration begins with collaboration_invite or collaboration_apply on the site.
        return False


@admin.register(CollaborationMessage)
class CollaborationMessageAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "collaboration", "author", "excerpt")
    list_select_related = ("collaboration__campaign", "collaboration__influencer", "author")
    search_fields = ("body", "collaboration__campaign__title", "collaboration__influencer__handle")
    date_hierarchy = "created_at"
    ordering = ("-id",)  # newest first without sorting the table (no index on created_at)
    fields = ("collaboration", "author", "created_at", "body")

    @admin.display(description=_("Message"))
    def excerpt(self, obj: CollaborationMessage) -> str:
        return Truncator(obj.body).chars(80)


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ("__str__", "collaboration", "kind", "status", "due_date", "has_ad_disclosure", "submitted_at")
    list_select_related = ("collaboration__campaign", "collaboration__influencer")
    list_filter = ("status", "kind", "has_ad_disclosure")
    search_fields = ("title", "collaboration__campaign__title", "collaboration__influencer__handle")
    autocomplete_fields = ("collaboration",)
    raw_id_fields = ("post",)
    formfield_overrides = HTTPS_URL_FIELDS
    fields = (
        "collaboration",
        *DeliverableInline.fields,
        "created_at",
    )
    readonly_fields = (*DeliverableInline.readonly_fields, "created_at")


@admin.register(Match)
class MatchAdmin(ViewOnlyAdmin):
    list_display = (
        "campaign",
        "rank",
        "influencer",
        "score_display",
        "niche_fit",
        "audience_fit",
        "engagement_quality",
        "credibility_fit",
        "price_fit",
        "reach_fit",
        "estimated_reach",
        "price",
        "computed_at",
    )
    list_select_related = ("campaign", "influencer")
    search_fields = ("campaign__title", "influencer__handle")
    show_full_result_count = False
    fields = (
        ("campaign", "influencer", "rank"),
        "score",
        ("niche_fit", "audience_fit", "engagement_quality"),
        ("credibility_fit", "price_fit", "reach_fit"),
        ("estimated_reach", "price", "cost_per_engagement", "cpm"),
        "explanation",
        ("computed_at", "engine_version"),
    )

    @admin.display(description=_("Score"), ordering="score")
    def score_display(self, obj: Match) -> str:
        return f"{obj.score:.0f}"


class FeatureStoreColumnInline(admin.TabularInline):
    model = FeatureStoreColumn
    fields = ("name", "encoding", "dtype", "shape", "stored_bytes")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeatureStoreColumn]:
        # The arrays are megabytes each: the page shows their size, never loads them.
        return super().get_queryset(request).defer("data").annotate(size=Length("data"))

    @admin.display(description=_("Stored bytes"))
    def stored_bytes(self, obj: WithAnnotations[FeatureStoreColumn, StoredSize]) -> int:
        return obj.size


@admin.register(FeatureStore)
class FeatureStoreAdmin(ViewOnlyAdmin):
    """Builds of the matching feature store (campaigns/matching/store.py). Deleting one is safe: workers
    then load the matrix live and queue a rebuild."""

    list_display = ("id", "through", "rows", "bytes", "build_ms", "created_at")
    ordering = ("-id",)
    fields = (("through", "layout"), ("rows", "bytes", "build_ms"), "created_at")
    inlines = (FeatureStoreColumnInline,)


# The ledger, payment terms and reviews have their own admin module; importing it registers them.
from . import ledger_admin  # noqa: E402, F401


@admin.register(GiveawayDraw)
class GiveawayDrawAdmin(ViewOnlyAdmin):
    """Draws are written only by campaigns/services/draws.py; moderators read them (the seed once drawn)."""

    list_display = ("public_id", "collaboration", "status", "eligible_count", "winners_count", "drawn_at")
    list_select_related = ("collaboration__campaign", "collaboration__influencer")
    list_filter = ("status",)
    search_fields = ("public_id", "collaboration__campaign__title", "collaboration__influencer__handle")
    fields = (
        ("public_id", "collaboration", "status"),
        ("raw_count", "duplicates_removed", "excluded_removed", "eligible_count", "winners_count"),
        "excluded_handles",
        ("entries_sha256", "seed_sha256"),
        "revealed_seed",
        "winners",
        ("uploaded_by", "uploaded_at"),
        ("committed_by", "committed_at"),
        ("drawn_by", "drawn_at"),
    )
    readonly_fields = ("public_id", "revealed_seed")

    @admin.display(description=_("Revealed seed (hex)"))
    def revealed_seed(self, draw: GiveawayDraw) -> str:
        return draw.revealed_seed


# Webhooks (endpoints, events, the delivery log) have their own admin module; importing it registers them.
from . import webhook_admin  # noqa: E402, F401
