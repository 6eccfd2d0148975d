"""Personal API tokens: create (or replace) and revoke, with an audit row for each.

A user has at most one token (DRF's authtoken model). Replacing it invalidates the old key at once,
so a leaked key is dealt with by one click on the account page (or by a moderator in the admin).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.authtoken.models import Token

from influencers.services import audit_record


def api_token_issue(*, user: AbstractBaseUser) -> Token:
    """A new token for this user; an existing one stops working."""
    with transaction.atomic():
        replaced = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        audit_record(actor=user, action="api_token.replaced" if replaced else "api_token.created", target=user)
    return token


def api_token_revoke(*, user: AbstractBaseUser) -> bool:
    """Delete the user's token; False when there was none."""
    with transaction.atomic():
        deleted = Token.objects.filter(user=user).delete()[0] > 0
        if deleted:
            audit_record(actor=user, action="api_token.revoked", target=user)
    return deleted
