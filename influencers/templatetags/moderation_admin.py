"""Template tags for the admin index: the moderation queues with their pending counts."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib import admin

from influencers.kernel.admin_base import ModeratedAdmin

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_queues(context: template.Context) -> list[dict[str, Any]]:
    """One entry per moderated model the user may see: its name, pending count and queue link.

    Walks the index's app_list (already limited to the user's permissions) instead of importing
    brands and campaigns, so influencers keeps depending on nothing downstream.
    """
    queues = []
    for app in context.get("app_list") or []:
        for entry in app["models"]:
            if not admin.site.is_registered(entry["model"]):
                continue
            model_admin = admin.site.get_model_admin(entry["model"])
            if isinstance(model_admin, ModeratedAdmin):
                queues.append(
                    {
                        "name": entry["name"],
                        "pending": model_admin.pending_count(),
                        "url": model_admin.queue_url(),
                    }
                )
    return queues
