"""POST /account/api-token/: create, replace or revoke the user's API token from the account page.

The key is shown once, on the account page right after it is created (kept in the server-side
session for that one rendering), never again: whoever sees the page later cannot copy it. The
database keeps only its digest; the account page is sent with `Cache-Control: no-store`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from influencers.kernel.http import AuthenticatedRequest

from .api_tokens import api_token_issue, api_token_revoke

SESSION_KEY = "api_token_once"


@login_required
@require_POST
def api_token(request: AuthenticatedRequest) -> HttpResponse:
    action = request.POST.get("action")
    if action == "create":
        issued = api_token_issue(user=request.user)
        request.session[SESSION_KEY] = issued.key
        messages.success(request, _("Your API token was created. Copy it now: it is shown only once."))
    elif action == "revoke":
        if api_token_revoke(user=request.user):
            messages.success(request, _("Your API token was revoked; requests with it are refused from now on."))
        else:
            messages.info(request, _("You had no API token."))
    else:
        messages.error(request, _("Choose to create or revoke the token."))
    return redirect("account")
