"""Admin for brands, their members and shortlists. Brand moderation goes through brands.services.brand_moderate."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.models import TokenProxy

from influencers.kernel.admin_base import HTTPS_URL_FIELDS, ModeratedAdmin, ViewOnlyAdmin, admin_user, related_count
from influencers.kernel.admin_ownership import OwnershipReadOnlyAdmin

from .accounts.api_tokens import api_token_revoke
from .models import (
    ApiToken,
    Brand,
    BrandInvitation,
    BrandMember,
    EmailConfirmation,
    SavedSearch,
    Shortlist,
    ShortlistEntry,
)
from .services import brand_moderate

if TYPE_CHECKING:  # django-stubs-ext is a development requirement: the type checker's names only
    from django_stubs_ext import WithAnnotations


class BrandCounts(TypedDict):
    """What BrandAdmin.get_queryset annotates."""

    member_count: int
    campaign_count: int


class ShortlistCounts(TypedDict):
    """What ShortlistAdmin.get_queryset annotates."""

    entry_count: int


class BrandMemberInline(admin.TabularInline):
    """Who works for the brand. People join through the owner's invitations, never by a moderator
    typing a user in: who belongs to a brand is not an edit of the brand."""

    model = BrandMember
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("user", "joined_at")

    def has_add_permission(self, request: HttpRequest, obj: Brand | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BrandMember]:
        return super().get_queryset(request).select_related("user")


class BrandInvitationInline(admin.TabularInline):
    """Open and past invitations, for context; owners send and revoke them from the brand's pages."""

    model = BrandInvitation
    extra = 0
    fields = ("email", "invited_by", "created_at", "accepted_at", "revoked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Brand | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BrandInvitation]:
        return super().get_queryset(request).select_related("invited_by")


@admin.register(Brand)
class BrandAdmin(ModeratedAdmin):
    list_display = (
        "name",
        "slug",
        "status",
        "verified",
        "country",
        "member_count",
        "campaign_count",
        "created_at",
    )
    list_filter = ("status", "verified", "industry_niches")
    search_fields = ("name", "slug", "website")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("industry_niches",)
    formfield_overrides = HTTPS_URL_FIELDS
    date_hierarchy = "created_at"
    inlines = (BrandMemberInline, BrandInvitationInline)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "website", "country", "description", "industry_niches")}),
        (_("Moderation"), {"fields": ("status", "status_reason", "moderated_at", "verified")}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def moderate(self, *, obj: Brand, decision: str, reason: str, by: AbstractBaseUser) -> Brand:
        return brand_moderate(brand=obj, decision=decision, reason=reason, by=by)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Brand]:
        # Campaign lives downstream (campaigns -> brands), so count through the reverse relation.
        campaigns = Brand._meta.get_field("campaigns").related_model
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=related_count(BrandMember, "brand"), campaign_count=related_count(campaigns, "brand")
            )
        )

    @admin.display(description=_("Members"), ordering="member_count")
    def member_count(self, obj: WithAnnotations[Brand, BrandCounts]) -> int:
        return obj.member_count

    @admin.display(description=_("Campaigns"), ordering="campaign_count")
    def campaign_count(self, obj: WithAnnotations[Brand, BrandCounts]) -> int:
        return obj.campaign_count


@admin.register(BrandMember)
class BrandMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "brand", "role", "joined_at")
    list_select_related = ("user", "brand")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "brand__name")
    autocomplete_fields = ("user", "brand")
    readonly_fields = ("joined_at",)

    def get_readonly_fields(self, request: HttpRequest, obj: BrandMember | None = None) -> tuple[str, ...]:
        # An existing membership is never moved to another person or brand: remove it, and invite.
        return ("user", "brand", "joined_at") if obj is not None else ("joined_at",)


@admin.register(BrandInvitation)
class BrandInvitationAdmin(ViewOnlyAdmin):
    """Invitations carry a secret token and an email sent by the brand's owner: read them here, do not forge them."""

    list_display = ("email", "brand", "invited_by", "created_at", "accepted_at", "revoked_at")
    list_select_related = ("brand", "invited_by")
    list_filter = (("accepted_at", admin.EmptyFieldListFilter), ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "brand__name")
    date_hierarchy = "created_at"
    fields = ("brand", "email", "invited_by", "created_at", "accepted_at", "revoked_at")


class ShortlistEntryInline(admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    fields = ("influencer", "note", "added_by", "added_at")
    readonly_fields = ("added_by", "added_at")
    autocomplete_fields = ("influencer",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ShortlistEntry]:
        return super().get_queryset(request).select_related("influencer", "added_by")


@admin.register(Shortlist)
class ShortlistAdmin(OwnershipReadOnlyAdmin):
    ownership_fields = ("brand",)

    list_display = ("name", "brand", "entry_count", "created_by", "updated_at")
    list_select_related = ("brand", "created_by")
    search_fields = ("name", "brand__name")
    autocomplete_fields = ("brand", "created_by")
    inlines = (ShortlistEntryInline,)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shortlist]:
        return super().get_queryset(request).annotate(entry_count=related_count(ShortlistEntry, "shortlist"))

    @admin.display(description=_("Influencers"), ordering="entry_count")
    def entry_count(self, obj: WithAnnotations[Shortlist, ShortlistCounts]) -> int:
        return obj.entry_count


@admin.register(SavedSearch)
class SavedSearchAdmin(ViewOnlyAdmin):
    """A brand's saved discovery searches: its members make and change them on their pages and the API."""

    list_display = ("name", "brand", "notify", "checked_until", "last_new_count", "created_by", "created_at")
    list_select_related = ("brand", "created_by")
    list_filter = ("notify",)
    search_fields = ("name", "brand__name")
    fields = ("brand", "name", "query", "notify", "checked_until", "last_new_count", "created_by", "created_at")


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ("influencer", "shortlist", "brand", "added_by", "added_at")
    list_select_related = ("influencer", "shortlist__brand", "added_by")
    search_fields = ("influencer__handle", "shortlist__name", "shortlist__brand__name")
    autocomplete_fields = ("shortlist", "influencer", "added_by")
    readonly_fields = ("added_at",)

    @admin.display(description=_("Brand"), ordering="shortlist__brand__name")
    def brand(self, obj: ShortlistEntry) -> Brand:
        return obj.shortlist.brand


# DRF's token admin listed every key in clear; those tokens are gone (brands.ApiToken replaced them).
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(ViewOnlyAdmin):
    """Who holds an API key, since when, until when and when it was last used; never the key or its
    digest. A moderator revokes a leaked key with the action (an audit row names them)."""

    list_display = ("user", "created", "expiry", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    date_hierarchy = "created"
    fields = ("user", "created", "expiry", "last_used_at")
    actions = ("revoke",)

    @admin.action(description=_("Revoke the selected API tokens"), permissions=("revoke",))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        users = {token.user for token in queryset.select_related("user")}
        for user in users:
            api_token_revoke(user=user, by=admin_user(request), reason="revoked by a moderator")
        count = len(users)
        self.message_user(
            request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count}
        )

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("brands.delete_apitoken")

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # deleting skips the audit row: revoke with the action instead


@admin.register(EmailConfirmation)
class EmailConfirmationAdmin(ViewOnlyAdmin):
    """Addresses given at sign-up and whether their owner confirmed them; the link's token is never shown."""

    list_display = ("email", "user", "created_at", "confirmed_at")
    list_select_related = ("user",)
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    search_fields = ("email", "user__username")
    fields = ("user", "email", "created_at", "confirmed_at")
