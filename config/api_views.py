"""The base class of every API view: throttles are checked before permissions.

DRF checks permissions first, so an anonymous caller is refused (401) before the per-address
throttle ever counts it. Counting first limits anonymous floods too; the user throttle still counts
per user once a token authenticated the request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView


class ApiView(APIView):
    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.format_kwarg = self.get_format_suffix(**kwargs)
        neg = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = neg
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        self.perform_authentication(request)
        self.check_throttles(request)
        self.check_permissions(request)


def api_user(request: Request) -> User:
    """The signed-in account of an authenticated API request, typed as a real User.

    Views behind `IsAuthenticated` call this instead of reading `request.user` (User | AnonymousUser to
    the type checker); reaching it without an account is a programming error answered as DRF's 401.
    """
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
