"""Admin for influencers and everything the metrics engine reads and writes.

Derived metric fields are read-only here: only the engine writes them. Influencer moderation
goes through influencers.services.influencer_moderate (see admin_base.ModeratedAdmin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.urls.resolvers import URLPattern
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .import_admin import import_urls
from .kernel.admin_base import (
    HTTPS_URL_FIELDS,
    ModeratedAdmin,
    ViewOnlyAdmin,
    admin_user,
    format_duration,
    format_percent,
    related_count,
)
from .kernel.admin_ownership import OwnershipReadOnlyAdmin, OwnershipTransferAdmin
from .models import (
    Audience,
    AudienceCountry,
    AuditEvent,
    EngineRun,
    FeatureChange,
    FollowerSketch,
    FollowerSnapshot,
    Influencer,
    Niche,
    Notification,
    Offer,
    Post,
    SocialAccount,
)
from .ownership import influencer_transfer_ownership
from .services import influencer_metrics_request, influencer_moderate

admin.site.site_header = _("Invloed moderation")
admin.site.site_title = _("Invloed admin")
admin.site.index_title = _("Moderation and data")

ER_UNKNOWN = _("unknown")
METRICS_HELP = _(
    "Written by the metrics engine from post metrics and follower history; read-only here. "
    "ER is unknown with fewer than 3 usable posts in the last 180 days. Definitions: docs/metrics.md."
)
INFLUENCER_METRICS = (
    "total_followers",
    "engagement_rate_display",
    "er_sample_display",
    "tier",
    "credibility_score",
    "credibility_reasons_display",
    "follower_growth_display",
    "metrics_updated_at",
    "metrics_stale_since",
)
# Discovery's stored copy of the delivers-on-time score (campaigns writes it; docs/metrics.md).
INFLUENCER_PUNCTUALITY = (
    "delivery_on_time_percent",
    "delivery_on_time_count",
    "delivery_sample",
    "delivery_computed_at",
)
PUNCTUALITY_HELP = _(
    "Deliverables handed in by their due date over the last 365 days, stored for discovery's filter and sort "
    "when a deliverable is handed in or reviewed and every night; empty below 3 deliverables. Read-only here."
)
ACCOUNT_METRICS = (
    "metrics_source",
    "engagement_rate_display",
    "engagement_rate_by_views_display",
    "er_sample_display",
    "avg_likes",
    "avg_comments",
    "avg_views",
    "last_post_at",
    "metrics_updated_at",
    "posts_changed_at",
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


# The counts the admins' get_queryset annotate, for their list columns.
class AccountCount(TypedDict):
    account_count: int


class CountryCount(TypedDict):
    country_count: int


class InfluencerCount(TypedDict):
    influencer_count: int


def changelist_link(model: type[models.Model], label: StrOrPromise, **filters: Any) -> str:
    """A link to a changelist filtered by `filters` (e.g. the posts of one account)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), label)


class MetricsDisplayMixin:
    """Engine numbers formatted for people, shared by the influencer and account admins."""

    @admin.display(description=_("ER (followers)"), ordering="engagement_rate")
    def engagement_rate_display(self, obj: Influencer | SocialAccount) -> str:
        return format_percent(obj.engagement_rate, digits=2, missing=ER_UNKNOWN)

    @admin.display(description=_("ER sample (posts)"))
    def er_sample_display(self, obj: Influencer | SocialAccount) -> int:
        return obj.er_sample_size

    @admin.display(description=_("ER (views)"), ordering="engagement_rate_by_views")
    def engagement_rate_by_views_display(self, obj: SocialAccount) -> str:
        return format_percent(obj.engagement_rate_by_views, digits=2)


class EngineInputAdmin(admin.ModelAdmin):
    """Admin edits of what the engines read (profile, accounts, audience, offers) do what the services
    do after such an edit: recompute that creator's metrics and matches, and record the change for the
    matching feature store (which would otherwise keep serving the old row)."""

    def influencer_ids(self, objs: list[Any]) -> list[int]:
        return [obj.pk if isinstance(obj, Influencer) else obj.influencer_id for obj in objs]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        influencer_metrics_request(influencer_ids=self.influencer_ids([form.instance]), by=admin_user(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        ids = self.influencer_ids([obj])
        super().delete_model(request, obj)
        influencer_metrics_request(influencer_ids=ids, by=admin_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        ids = self.influencer_ids(list(queryset))
        super().delete_queryset(request, queryset)
        influencer_metrics_request(influencer_ids=ids, by=admin_user(request))


# --- influencers and their inlines ----------------------------------------------------------------
class SocialAccountInline(MetricsDisplayMixin, admin.TabularInline):
    model = SocialAccount
    extra = 0
    show_change_link = True
    # The URL and the other metrics are on the account's own page (the "Change" link).
    fields = (
        "platform",
        "handle",
        "followers",
        "engagement_rate_display",
        "engagement_rate_by_views_display",
        "metrics_updated_at",
    )
    readonly_fields = ("engagement_rate_display", "engagement_rate_by_views_display", "metrics_updated_at")


class AudienceInline(admin.StackedInline):
    model = Audience
    max_num = 1
    extra = 0
    show_change_link = True
    fields = (
        ("age_13_17", "age_18_24", "age_25_34", "age_35_44", "age_45_54", "age_55_plus"),
        ("gender_female", "gender_male", "gender_other"),
        "language_shares",
        ("source", "as_of"),
        "countries_display",
    )
    readonly_fields = ("countries_display",)

    @admin.display(description=_("Top countries (edit on the audience page)"))
    def countries_display(self, obj: Audience) -> str:
        return ", ".join(str(country) for country in obj.countries.all()) or "-"


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ("kind", "platform", "title", "price", "currency", "turnaround_days", "is_active")


@admin.register(Influencer)
class InfluencerAdmin(MetricsDisplayMixin, EngineInputAdmin, OwnershipTransferAdmin, ModeratedAdmin):
    list_display = (
        "handle",
        "display_name",
        "status",
        "tier",
        "total_followers",
        "engagement_rate_display",
        "credibility_score",
        "account_count",
        "country",
        "is_active",
        "claimed",
        "metrics_updated_at",
    )
    list_display_links = ("handle", "display_name")
    list_filter = ("status", "tier", "is_active", "niches")
    search_fields = ("handle", "display_name", "user__email")
    search_help_text = _("Search by handle, name or the owner's email.")
    autocomplete_fields = ("user", "niches")
    # Counting a million rows twice per page is wasted work; the filtered count is enough.
    show_full_result_count = False
    list_per_page = 50
    inlines = (SocialAccountInline, AudienceInline, OfferInline)
    readonly_fields = (*INFLUENCER_METRICS, *INFLUENCER_PUNCTUALITY, "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("user", "handle", "display_name", "bio", "avatar", ("country", "city"), "languages")}),
        (_("Niches and availability"), {"fields": ("niches", "is_active")}),
        (_("Moderation"), {"fields": ("status", "status_reason", "moderated_at")}),
        (_("Metrics"), {"fields": INFLUENCER_METRICS, "description": METRICS_HELP}),
        (_("Delivery punctuality"), {"fields": INFLUENCER_PUNCTUALITY, "description": PUNCTUALITY_HELP}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    # Who owns the profile gets its collaborations and fees: moved only by the transfer page.
    ownership_fields = ("user",)
    transfer_owner_label = _("Username of the new owner")
    transfer_owner_help = _("A login that is not yet a creator and does not work for a brand.")

    def moderate(self, *, obj: Influencer, decision: str, reason: str, by: User) -> Influencer:
        return influencer_moderate(influencer=obj, decision=decision, reason=reason, by=by)

    def transfer(self, *, obj: Influencer, owner: str, reason: str, by: User) -> Influencer:
        return influencer_transfer_ownership(influencer=obj, username=owner, reason=reason, by=by)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Influencer]:
        return super().get_queryset(request).annotate(account_count=related_count(SocialAccount, "influencer"))

    @admin.display(description=_("Accounts"))
    def account_count(self, obj: WithAnnotations[Influencer, AccountCount]) -> int:
        return obj.account_count

    @admin.display(description=_("Claimed"), boolean=True)
    def claimed(self, obj: Influencer) -> bool:
        return obj.user_id is not None

    @admin.display(description=_("Follower growth (30 days)"))
    def follower_growth_display(self, obj: Influencer) -> str:
        return format_percent(obj.follower_growth_30d, signed=True, missing=_("unknown (too little history)"))

    @admin.display(description=_("Credibility reasons"))
    def credibility_reasons_display(self, obj: Influencer) -> str:
        reasons = obj.credibility_reasons or []
        if not reasons:
            return "-"
        items = format_html_join("", "<li>{}</li>", ((_reason_text(reason),) for reason in reasons))
        return format_html('<ul class="plain-list">{}</ul>', items)


def _reason_text(reason: Any) -> str:
    """One credibility reason as text with its effect on the score ("… (-15)").

    The engine stores {"code", "message", "impact", …} objects; anything else is shown as it is.
    """
    if not isinstance(reason, dict):
        return str(reason)
    text = str(reason.get("message") or reason.get("code") or reason)
    impact = reason.get("impact")
    return f"{text} ({impact:+d})" if isinstance(impact, int) and impact else text


@admin.register(SocialAccount)
class SocialAccountAdmin(MetricsDisplayMixin, EngineInputAdmin, OwnershipReadOnlyAdmin):
    ownership_fields = ("influencer",)

    list_display = (
        "handle",
        "platform",
        "influencer",
        "followers",
        "engagement_rate_display",
        "engagement_rate_by_views_display",
        "er_sample_display",
        "last_post_at",
        "metrics_updated_at",
    )
    list_select_related = ("influencer",)
    # Self-reported accounts: the partial index account_self_reported answers this filter.
    list_filter = ("platform", "metrics_source")
    search_fields = ("handle", "influencer__handle")
    autocomplete_fields = ("influencer",)
    formfield_overrides = HTTPS_URL_FIELDS
    show_full_result_count = False
    # The model's "-followers" has no index: sorting every account for each page took 0.7 s at
    # 450k accounts. Newest first by primary key is instant; the followers column still sorts on click.
    ordering = ("-id",)
    readonly_fields = (*ACCOUNT_METRICS, "related_rows", "created_at")
    fieldsets = (
        (None, {"fields": ("influencer", "platform", "handle", "url", "followers", "related_rows")}),
        (_("Metrics"), {"fields": ACCOUNT_METRICS, "description": METRICS_HELP}),
        (_("Record"), {"fields": ("created_at",), "classes": ("collapse",)}),
    )

    @admin.display(description=_("History"))
    def related_rows(self, obj: SocialAccount) -> str:
        if obj.pk is None:
            return "-"
        return format_html(
            "{} · {}",
            changelist_link(Post, _("Posts"), account__id__exact=obj.pk),
            changelist_link(FollowerSnapshot, _("Follower snapshots"), account__id__exact=obj.pk),
        )


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "account",
        "posted_at",
        "format",
        "likes",
        "comments",
        "shares",
        "views",
        "is_sponsored",
        "has_ad_disclosure",
    )
    list_select_related = ("account",)
    list_filter = ("account__platform", "format", "is_sponsored", "has_ad_disclosure")
    search_fields = ("external_id", "account__handle")
    search_help_text = _("Search by post id or account handle.")
    autocomplete_fields = ("account",)
    formfield_overrides = HTTPS_URL_FIELDS
    show_full_result_count = False
    # Newest rows by primary key: posts is the largest table and has no index on posted_at alone,
    # so sorting it by date would sort every post on each page view. (No date_hierarchy for the same reason.)
    ordering = ("-id",)
    readonly_fields = ("updated_at",)


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(admin.ModelAdmin):
    list_display = ("account", "date", "followers")
    list_select_related = ("account",)
    list_filter = ("account__platform",)
    search_fields = ("account__handle",)
    autocomplete_fields = ("account",)
    show_full_result_count = False
    ordering = ("-id",)  # see PostAdmin.ordering


class AudienceCountryInline(admin.TabularInline):
    model = AudienceCountry
    extra = 0
    fields = ("country", "share")


@admin.register(Audience)
class AudienceAdmin(EngineInputAdmin, OwnershipReadOnlyAdmin):
    ownership_fields = ("influencer",)

    list_display = ("influencer", "source", "as_of", "women_share", "largest_age_band", "country_count", "updated_at")
    list_select_related = ("influencer",)
    list_filter = ("source",)
    search_fields = ("influencer__handle",)
    autocomplete_fields = ("influencer",)
    inlines = (AudienceCountryInline,)
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("influencer", ("source", "as_of"))}),
        (
            _("Age"),
            {"fields": (("age_13_17", "age_18_24", "age_25_34"), ("age_35_44", "age_45_54", "age_55_plus"))},
        ),
        (_("Gender"), {"fields": (("gender_female", "gender_male", "gender_other"),)}),
        (_("Languages"), {"fields": ("language_shares",)}),
        (None, {"fields": ("updated_at",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Audience]:
        return super().get_queryset(request).annotate(country_count=related_count(AudienceCountry, "audience"))

    @admin.display(description=_("Women"), ordering="gender_female")
    def women_share(self, obj: Audience) -> str:
        return format_percent(obj.gender_female, digits=0)

    @admin.display(description=_("Largest age band"))
    def largest_age_band(self, obj: Audience) -> str:
        band, share = max(obj.age_shares().items(), key=lambda item: item[1])
        return f"{band} ({format_percent(share, digits=0)})"

    @admin.display(description=_("Countries"))
    def country_count(self, obj: WithAnnotations[Audience, CountryCount]) -> int:
        return obj.country_count


@admin.register(Offer)
class OfferAdmin(EngineInputAdmin, OwnershipReadOnlyAdmin):
    ownership_fields = ("influencer",)

    list_display = ("title", "influencer", "kind", "platform", "price", "currency", "turnaround_days", "is_active")
    list_select_related = ("influencer",)
    list_filter = ("kind", "platform", "currency", "is_active")
    search_fields = ("title", "influencer__handle")
    autocomplete_fields = ("influencer",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Niche)
class NicheAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "influencer_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Niche]:
        return (
            super().get_queryset(request).annotate(influencer_count=related_count(Influencer.niches.through, "niche"))
        )

    @admin.display(description=_("Influencers"), ordering="influencer_count")
    def influencer_count(self, obj: WithAnnotations[Niche, InfluencerCount]) -> int:
        return obj.influencer_count


# --- engine runs, audit trail, notifications ------------------------------------------------------
@admin.register(FollowerSketch)
class FollowerSketchAdmin(ViewOnlyAdmin):
    """Imported follower samples: who has one, how large, at what rate, since when. Written only by the
    import (docs/import.md); the sketch itself is hashes, not shown."""

    list_display = ("account", "sample_size", "level", "followers", "imported_at")
    list_select_related = ("account",)
    ordering = ("-imported_at",)
    fields = ("account", "sample_size", "level", "followers", "imported_at")
    raw_id_fields = ("account",)


@admin.register(FeatureChange)
class FeatureChangeAdmin(ViewOnlyAdmin):
    """The log the matching feature store is kept exact by: read only, and not deletable by hand
    (a store reader would miss the deleted change)."""

    list_display = ("id", "created_at", "influencer_ids", "id_from", "id_to")
    ordering = ("-id",)
    fields = ("created_at", "influencer_ids", ("id_from", "id_to"))

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


@admin.register(EngineRun)
class EngineRunAdmin(ViewOnlyAdmin):
    list_display = (
        "kind",
        "scope",
        "status",
        "progress_display",
        "duration_display",
        "rows_touched",
        "error_summary",
        "triggered_by",
        "created_at",
    )
    list_select_related = ("triggered_by",)
    list_filter = ("status", "kind")
    search_fields = ("scope", "error")
    date_hierarchy = "created_at"
    ordering = ("-id",)  # newest first without sorting the table (no index on created_at)
    fields = (
        ("kind", "scope", "status"),
        ("progress_display", "done_chunks", "total_chunks"),
        "rows_touched",
        ("created_at", "started_at", "finished_at", "duration_display"),
        "triggered_by",
        "error",
        "detail",
    )
    readonly_fields = ("progress_display", "duration_display")

    def get_urls(self) -> list[URLPattern]:
        # The metrics upload (import_admin.py) lives next to the runs it records.
        return import_urls(self) + super().get_urls()

    @admin.display(description=_("Progress"))
    def progress_display(self, obj: EngineRun) -> str:
        return f"{obj.progress:.0%} ({obj.done_chunks}/{obj.total_chunks})"

    @admin.display(description=_("Duration"))
    def duration_display(self, obj: EngineRun) -> str:
        if obj.duration_seconds is not None:
            return format_duration(obj.duration_seconds)
        if obj.started_at is not None:
            return _("%(elapsed)s so far") % {
                "elapsed": format_duration((timezone.now() - obj.started_at).total_seconds())
            }
        return "-"

    @admin.display(description=_("Error"))
    def error_summary(self, obj: EngineRun) -> str:
        return Truncator(obj.error.strip().splitlines()[0]).chars(80) if obj.error.strip() else ""


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    """The append-only trail of decisions and state changes: nobody adds, edits or deletes a row."""

    list_display = ("created_at", "action", "target_link", "actor", "reason_excerpt")
    list_select_related = ("actor", "content_type")
    list_filter = ("action", ("content_type", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_repr", "reason", "action", "actor__username")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = ("created_at", "actor", "action", "target_link", "object_repr", "reason", "data")
    readonly_fields = ("target_link",)

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    @admin.display(description=_("Object"))
    def target_link(self, obj: AuditEvent) -> str:
        content_type = obj.content_type
        try:
            url = reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return f"{content_type.name}: {obj.object_repr}"
        return format_html('{}: <a href="{}">{}</a>', content_type.name, url, obj.object_repr)

    @admin.display(description=_("Reason"))
    def reason_excerpt(self, obj: AuditEvent) -> str:
        return Truncator(obj.reason).chars(80)


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "user", "verb", "message", "read_at")
    list_select_related = ("user",)
    list_filter = ("verb", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("message", "user__username", "user__email")
    show_full_result_count = False
    ordering = ("-id",)  # newest first without sorting the table (no index on created_at)
    fields = ("created_at", "user", "verb", "message", "url", "read_at")
