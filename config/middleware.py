"""Refuse query strings no page can mean, before any view or database sees them.

A NUL character cannot be stored or compared in PostgreSQL text (the query fails with a DataError, a
500), and a query value of hundreds of kilobytes is never a real filter: SQLite refuses LIKE patterns
over 50,000 bytes. Forms and serializers refuse both in what is posted; query strings reach views,
filters and the Django admin's list filters and search directly, so they are checked here once, for
every request: the answer is a 400 page (or the API's JSON error) that says what was wrong.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api_errors import error_body

# Longer than any filter, search, cursor or `next` URL the site produces; proxies cap whole URLs at ~8 KB.
MAX_QUERY_VALUE_LENGTH = 4096


def query_problem(request: HttpRequest) -> str | None:
    """Why this request's query string cannot be served, or None."""
    for key, values in request.GET.lists():
        for text in (key, *values):
            if "\x00" in text:
                return _("The address contains a null character, which no search or filter can use.")
            if len(text) > MAX_QUERY_VALUE_LENGTH:
                return _("A value in the address is longer than %(limit)s characters; shorten the search.") % {
                    "limit": MAX_QUERY_VALUE_LENGTH
                }
    return None


class HostileQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = query_problem(request)
        if problem is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # The API's error shape (config/api_errors.py).
            return JsonResponse(error_body(status_code=400, code="invalid", detail=problem), status=400)
        return render(request, "400.html", {"reason": problem}, status=400)
