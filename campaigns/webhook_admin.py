"""Admin for webhooks: moderators read endpoints, events, the delivery log and every attempt.

Everything here is written by campaigns/webhooks.py (owners act on their pages and the API), so the
admin is read-only; the signing secret is never shown (it is not among the fields). A moderator may
delete an endpoint (e.g. one aimed at a third party), which removes its deliveries too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from influencers.kernel.admin_base import ViewOnlyAdmin

from .webhook_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ViewOnlyAdmin):
    list_display = ("url", "brand", "influencer", "is_active", "failing_since", "disabled_at", "created_at")
    list_select_related = ("brand", "influencer")
    list_filter = ("is_active",)
    search_fields = ("url", "description", "brand__name", "influencer__handle")
    ordering = ("-id",)
    show_full_result_count = False
    fields = (
        "brand",
        "influencer",
        "url",
        "description",
        "events",
        "is_active",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "created_by",
        "created_at",
        "secret_rotated_at",
    )  # never the secret


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("number", "manual", "started_at", "duration_ms", "status_code", "succeeded", "error", "response_body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at")
    list_select_related = ("event", "endpoint")
    list_filter = ("status",)
    search_fields = ("endpoint__url", "event__type")
    ordering = ("-id",)
    show_full_result_count = False
    inlines = [WebhookAttemptInline]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "type", "public_id")
    list_filter = ("type",)
    search_fields = ("=public_id",)
    ordering = ("-id",)
    show_full_result_count = False


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ViewOnlyAdmin):
    list_display = ("started_at", "delivery", "number", "status_code", "succeeded", "duration_ms", "error")
    list_select_related = ("delivery__event", "delivery__endpoint")
    list_filter = ("succeeded",)
    ordering = ("-id",)
    show_full_result_count = False
