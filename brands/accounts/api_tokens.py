"""Personal API tokens: create (or replace) and revoke, with an audit row for each.

A user has at most one token. It is stored as a digest (django-rest-knox, model brands.ApiToken), so
the key exists in clear only in the answer to `api_token_issue`, which the account page shows once.
Replacing it invalidates the old key at once, so a leaked key is dealt with by one click on the
account page (or by a moderator in the admin); a password change or reset revokes it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from knox.settings import knox_settings

from influencers.kernel.audit import audit_record

from ..models import ApiToken


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only copy in clear: show it once, never store it


def api_token_issue(*, user: AbstractBaseUser) -> IssuedToken:
    """A new token for this user; an existing one stops working."""
    with transaction.atomic():
        replaced = ApiToken.objects.filter(user=user).delete()[0] > 0
        token, key = ApiToken.objects.create(
            user=user, expiry=knox_settings.TOKEN_TTL, password_fingerprint=user.get_session_auth_hash()
        )
        audit_record(actor=user, action="api_token.replaced" if replaced else "api_token.created", target=user)
    return IssuedToken(token=token, key=key)


def api_token_revoke(*, user: AbstractBaseUser, by: AbstractBaseUser | None = None, reason: str = "") -> bool:
    """Delete the user's token; False when there was none. `by` is a moderator revoking it, else the owner."""
    with transaction.atomic():
        deleted = ApiToken.objects.filter(user=user).delete()[0] > 0
        if deleted:
            audit_record(actor=by or user, action="api_token.revoked", target=user, reason=reason)
    return deleted


def api_tokens_revoke_for_password_change(*, user: AbstractBaseUser) -> bool:
    """Called after a password change or reset: the keys made with the old password stop working.

    The authentication class refuses them anyway (their password fingerprint no longer matches);
    this deletes the rows so the account page and the admin say so, with an audit row.
    """
    with transaction.atomic():
        deleted = ApiToken.objects.filter(user=user).delete()[0] > 0
        if deleted:
            audit_record(actor=user, action="api_token.revoked", target=user, reason="password changed")
    return deleted


def api_token_for(user: AbstractBaseUser) -> ApiToken | None:
    """The user's token if it still works (not expired, made with the current password)."""
    token = api_tokens_usable(ApiToken.objects.filter(user=user)).first()
    if token is None or token.password_fingerprint != user.get_session_auth_hash():
        return None
    return token


def api_tokens_usable(tokens: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
    now = timezone.now()
    return tokens.exclude(expiry__lt=now)
