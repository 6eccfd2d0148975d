"""`Authorization: Token <key>` for the API: django-rest-knox's hashed tokens, bound to the password.

Knox finds the row by the key's first characters, compares SHA-512 digests in constant time and
deletes expired rows. On top of that, a key made before the user's last password change is
refused (the same rule that logs out their sessions), and the time of last use is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from ..models import ApiToken

# Last use is written at most once a minute per key: an API loop must not write a row per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        if token.password_fingerprint != user.get_session_auth_hash():
            raise exceptions.AuthenticationFailed(_("This token was revoked by a password change. Create a new one."))
        api_token_mark_used(token)
        return user, token

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        """Refuse (and delete) this key when it has expired.

        Knox also sweeps the user's other expired keys here, one query per request; a user has one
        key (issuing deletes the old one), so only this key is checked and a request costs one query.
        """
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def api_token_mark_used(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is not None and token.last_used_at >= now - LAST_USED_RESOLUTION:
        return  # recorded recently, as the row just read says: no query
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    # A conditional UPDATE: concurrent requests with the same key write once, without a read first.
    if ApiToken.objects.filter(pk=token.pk).filter(stale).update(last_used_at=now):
        token.last_used_at = now


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme, under the name and shape DRF's token scheme had (`tokenAuth`)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
