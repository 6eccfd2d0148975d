"""`{% account_nav as nav %}`: the logged-in user's role and unread notification count for the nav.

One query per request (cached on the request), whatever the page.
"""

from __future__ import annotations

from django import template
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from brands.models import BrandMember
from influencers.models import Influencer

register = template.Library()


@register.simple_tag(takes_context=True)
def account_nav(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"role": None, "unread": 0}
    cached = getattr(request, "_account_nav", None)
    if cached is not None:
        return cached
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            is_influencer=Exists(Influencer.objects.filter(user=OuterRef("pk"))),
            is_brand=Exists(BrandMember.objects.filter(user=OuterRef("pk"))),
            unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)),
        )
        .values("is_influencer", "is_brand", "unread")
        .first()
    ) or {"is_influencer": False, "is_brand": False, "unread": 0}
    role = "influencer" if row["is_influencer"] else "brand" if row["is_brand"] else None
    nav = {"role": role, "unread": row["unread"]}
    if request is not None:
        request._account_nav = nav
    return nav
