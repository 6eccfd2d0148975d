"""The error pages a visitor sees, also in the demo.

Without DEBUG, Django answers a missing page, a refused one and a crash with templates/404.html,
403.html and 500.html. The demo (`make run`) runs with DEBUG so that static files are served and tasks run
eagerly, which would show Django's technical pages (settings, URL patterns, a traceback) to someone trying
the product. With DJANGO_FRIENDLY_ERRORS=1 (`make run` sets it) this middleware answers the views' Http404,
PermissionDenied and unexpected exceptions with the production pages instead, and `unknown_path` (the last
URL pattern in that mode) does the same for addresses no pattern matches. The exception is still logged,
so the developer running the demo sees the traceback in the console.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

logger = logging.getLogger("django.request")


def enabled() -> bool:
    return bool(settings.DEBUG and settings.FRIENDLY_ERROR_PAGES)


class FriendlyErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not enabled():
            raise MiddlewareNotUsed  # production already shows these pages; tests and runserver keep Django's
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"status_code": 500})
        return defaults.server_error(request)


def unknown_path(request: HttpRequest, path: str) -> HttpResponse:
    """No URL pattern matched: the production 404 page (only routed in the friendly-errors demo mode)."""
    raise Http404(path)
