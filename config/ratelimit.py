"""Rate limits on abuse-prone actions: sign-up, invitations (campaign and team), applications and messages.

One fixed-window counter per (action, who) in Django's cache, so every web process shares it when
the cache is Redis (REDIS_CACHE_URL; `INCR` is atomic there) and a laptop's memory cache works the
same within one process. "Who" is the user, or the client address for anonymous callers (the
address as the login lock-out sees it). The limits are settings.RATE_LIMITS ("20/hour",
"5/10min"; "off" disables one), read at every request.

Pages use `rate_limited(scope)` (a 429 page, or a fragment for htmx, with Retry-After); API views
set `rate_limit_scope` and the `ActionRateThrottle` in REST_FRAMEWORK's throttle classes counts the
same counter, so the page and the API share one budget. A refused attempt never reaches the view,
so it writes nothing.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy, ngettext
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from .client_ip import client_ip

# A view as the decorator sees it: its own request type (e.g. BrandRequest) and arguments are kept.
_Request = TypeVar("_Request", bound=HttpRequest)
_Args = ParamSpec("_Args")
View = Callable[Concatenate[_Request, _Args], HttpResponseBase]
CACHE_ALIAS = "default"
KEY_PREFIX = "ratelimit"
LIMITED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
UNIT_SECONDS |= {"d": 86400, "day": 86400}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")

# What the person is told, per action; "%(wait)s" becomes "12 minutes".
MESSAGES = {
    "signup": gettext_lazy("Too many accounts were created from your address. Try again in %(wait)s."),
    "invite": gettext_lazy("You sent too many invitations in a short time. Try again in %(wait)s."),
    "team_invite": gettext_lazy("You sent too many team invitations in a short time. Try again in %(wait)s."),
    "apply": gettext_lazy("You sent too many applications in a short time. Try again in %(wait)s."),
    "message": gettext_lazy("You sent too many messages in a short time. Try again in %(wait)s."),
    "password_reset_email": gettext_lazy(
        "We already sent several password-reset emails to this address: check your inbox and spam folder, "
        "or try again in %(wait)s."
    ),
    "password_reset_client": gettext_lazy("Too many password-reset requests from your address. Try again in %(wait)s."),
    "password_change": gettext_lazy("Too many attempts to change your password. Try again in %(wait)s."),
}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends; 0 when allowed


def parse_rate(text: str) -> Rate | None:
    """ "20/hour" → Rate(20, 3600); "5/10min" → Rate(5, 600); "off" → None. Anything else is a ValueError."""
    if text.strip().lower() in ("off", "none", ""):
        return None
    match = RATE_PATTERN.match(text.lower())
    if match is None or match.group(3) not in UNIT_SECONDS:
        raise ValueError(f"Rate {text!r}: write it as <count>/<period>, e.g. 20/hour, 5/10min or 3/30s")
    count, multiple, unit = match.groups()
    period = int(multiple or 1) * UNIT_SECONDS[unit]
    if period < 1:
        raise ValueError(f"Rate {text!r}: the period must be at least one second, e.g. 20/hour")
    return Rate(limit=int(count), period=period)


def rate_for(scope: str) -> Rate | None:
    return parse_rate(settings.RATE_LIMITS[scope])


def rate_limit_hit(*, scope: str, ident: str) -> Verdict:
    """Count one attempt of `scope` by `ident` and say whether it is within the limit."""
    rate = rate_for(scope)
    if rate is None:
        return Verdict(allowed=True, retry_after=0)
    now = time.time()
    window = int(now // rate.period)
    key = f"{KEY_PREFIX}:{scope}:{rate.period}:{ident}:{window}"
    cache = caches[CACHE_ALIAS]
    # add() only creates the counter; incr() is atomic on Redis and locked in the memory cache.
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired or evicted between add() and incr()
        cache.set(key, 1, timeout=rate.period + 1)
        count = 1
    if count <= rate.limit:
        return Verdict(allowed=True, retry_after=0)
    return Verdict(allowed=False, retry_after=max(1, math.ceil((window + 1) * rate.period - now)))


def client_identity(request: HttpRequest) -> str:
    """The user for a logged-in caller, else the client address (config/client_ip.py, as axes and DRF see it)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def limit_message(scope: str, retry_after: int) -> str:
    return MESSAGES[scope] % {"wait": wait_text(retry_after)}


def rate_limited_response(request: HttpRequest, scope: str, retry_after: int) -> HttpResponse:
    """429: the page in the site's layout, or for htmx only the message, to swap in where the answer goes."""
    context = {"message": limit_message(scope, retry_after)}
    template = "429.html#message" if getattr(request, "htmx", False) else "429.html"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str,
) -> Callable[[View[_Request, _Args]], View[_Request, _Args]]:
    """Limit a page's writes (POST) to settings.RATE_LIMITS[scope] per user, or per address when anonymous."""
    if scope not in MESSAGES:
        raise ValueError(f"No message for rate limit scope {scope!r}")

    def decorator(view: View[_Request, _Args]) -> View[_Request, _Args]:
        @wraps(view)
        def wrapper(request: _Request, *args: _Args.args, **kwargs: _Args.kwargs) -> HttpResponseBase:
            if request.method in LIMITED_METHODS:
                verdict = rate_limit_hit(scope=scope, ident=client_identity(request))
                if not verdict.allowed:
                    return rate_limited_response(request, scope, verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class ActionRateThrottle(BaseThrottle):
    """The page limits for API views that set `rate_limit_scope`; the same counter as the page.

    Only authenticated writes count: anonymous callers are refused (401) and counted by the
    address throttle anyway.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        scope = getattr(view, "rate_limit_scope", None)
        if scope is None or request.method not in LIMITED_METHODS or not request.user.is_authenticated:
            return True
        verdict = rate_limit_hit(scope=scope, ident=client_identity(request))
        if verdict.allowed:
            return True
        # Raised here rather than through wait(): the message names the action, and
        # Retry-After (set by DRF's handler from `wait`) is the end of this window.
        error = Throttled(detail=limit_message(scope, verdict.retry_after))
        error.wait = verdict.retry_after  # type: ignore[attr-defined]  # stubs declare it only as __init__'s argument
        raise error
