"""`{% api_token_state as token %}`: whether the user has an API token, and the new key to show once."""

from __future__ import annotations

from django import template

from brands.accounts.api_tokens import api_token_for
from brands.accounts.token_views import SESSION_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def api_token_state(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"exists": False, "token": None, "new_key": None}
    token = api_token_for(user)
    # Shown on this rendering only: the session forgets it at once.
    new_key = request.session.pop(SESSION_KEY, None)
    return {"exists": token is not None, "token": token, "new_key": new_key}
