"""`{% account_nav as nav %}`: the logged-in user's role and unread notification count for the nav.

The role is the request's actor (influencers/access.py, resolved once per request and usually already by
the view); the unread count is one small query. Both cached on the request, whatever the page.
"""

from __future__ import annotations

from django import template

from influencers.access import actor_for, actor_of
from influencers.models import Notification

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
    actor = actor_of(request) if request is not None else actor_for(user)
    role = "influencer" if actor.influencer is not None else "brand" if actor.membership is not None else None
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
    nav = {"role": role, "unread": unread}
    if request is not None:
        request._account_nav = nav
    return nav
