"""Password change and reset: Django's views with rate limits, and API tokens revoked afterwards.

Mounted before django.contrib.auth.urls under the same names, so every link keeps working.
- Change: every attempt counts against RATE_LIMITS["password_change"] per user, so a stolen
  session cannot guess the old password on and on (the limit answers before the password is checked).
- Reset: every request counts per client (RATE_LIMITS["password_reset_client"]), and every request
  for one address counts for that address (RATE_LIMITS["password_reset_email"]), whether or not an
  account has it, so the answer says nothing about who is registered and no mailbox is flooded.
- A changed or reset password revokes the user's API token, as it logs out their other sessions.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse
from django.utils.decorators import method_decorator

from config.ratelimit import rate_limit_hit, rate_limited, rate_limited_response

from .api_tokens import api_tokens_revoke_for_password_change


def email_identity(email: str) -> str:
    """A rate-limit key for an address: hashed, so the cache holds no address in clear."""
    return "email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


@method_decorator(rate_limited("password_change"), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        api_tokens_revoke_for_password_change(user=form.user)
        return response


@method_decorator(rate_limited("password_reset_client"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        verdict = rate_limit_hit(scope="password_reset_email", ident=email_identity(form.cleaned_data["email"]))
        if not verdict.allowed:
            return rate_limited_response(self.request, "password_reset_email", verdict.retry_after)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        api_tokens_revoke_for_password_change(user=form.user)
        return response
