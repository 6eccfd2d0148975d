"""Reads of the read-mostly pages go to a PostgreSQL streaming replica; everything else to the primary.

Installed only when DATABASE_REPLICA_URL is set (config/settings.py); without it Django never sees
this module. Django asks a router about *every* ORM read, so the replica is opt-in per request:
`ReadReplicaMiddleware` marks a request replica-readable only when it is a GET/HEAD/OPTIONS under
one of DATABASE_REPLICA_PATHS (discovery, profiles, the API) and its client is not pinned. Outside
such a request (Celery tasks, management commands, the admin, any POST) every read is the primary's.

Read-your-own-writes: a request that writes (any POST/PUT/PATCH/DELETE, or an ORM write during a
GET) answers with a signed cookie that sends the same browser's reads to the primary for
DATABASE_REPLICA_PIN_SECONDS (10 s by default: far above the sub-second lag of a healthy streaming
replica). API clients that keep no cookies are pinned by their Authorization header in the cache.
Inside a request, the first write sends the rest of its reads to the primary; so does any open
transaction (`transaction.atomic`, `select_for_update`): a transaction reads what it will write.

Raw SQL through `django.db.connection` always runs on the primary; code that wants the replica
asks for `connections[Model.objects.db]` (the lookalike card in influencers/selectors.py does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
PIN_COOKIE = "invloed_primary"
PIN_SALT = "config.db_router.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Who is asking: sessions, logins, API keys and lock-outs are read on every request and written by
# logins and password changes. A lagging copy would log a user out or accept a revoked key, so they
# are always read from the primary, and writing them (a key's last use) pins nobody.
PRIMARY_ONLY_APPS = frozenset({"admin", "auth", "authtoken", "axes", "contenttypes", "knox", "sessions"})
PRIMARY_ONLY_MODELS = frozenset({"brands.ApiToken"})


@dataclass
class ReadRouting:
    """What the current request may read from: set by the middleware, updated by the router."""

    replica: bool
    wrote: bool = False


_routing: ContextVar[ReadRouting | None] = ContextVar("invloed_read_routing", default=None)


def current_routing() -> ReadRouting | None:
    return _routing.get()


def primary_only(model: type[Model]) -> bool:
    return model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label in PRIMARY_ONLY_MODELS


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        routing = _routing.get()
        if (
            routing is None
            or not routing.replica
            or routing.wrote
            or primary_only(model)
            or connections[PRIMARY].in_atomic_block
        ):
            # Explicitly the primary, not None: Django would otherwise follow the database of a related
            # instance (hints["instance"]) that was read from the replica earlier in the request.
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        routing = _routing.get()
        if routing is not None and not primary_only(model):
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: a row read from one may point at a row read from the other.
        return True if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # The replica replays the primary's schema changes; it is read-only and never migrated itself.
        return False if db == REPLICA else None


def _header_pin_key(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if not authorization:
        return None
    return "db-pin:" + hashlib.sha256(authorization.encode()).hexdigest()


def is_pinned(request: HttpRequest) -> bool:
    """Did this client write within the pinning window?"""
    pin_seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    if request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=pin_seconds) is not None:
        return True
    key = _header_pin_key(request)
    return key is not None and cache.get(key) is not None


def pin(request: HttpRequest, response: HttpResponse) -> None:
    pin_seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    # Signed with its time: the server checks the age itself, so a client cannot stretch the window.
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=PIN_SALT,
        max_age=pin_seconds,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    key = _header_pin_key(request)
    if key is not None:
        cache.set(key, 1, pin_seconds)


def may_read_replica(request: HttpRequest) -> bool:
    return (
        request.method in SAFE_METHODS
        and request.path.startswith(tuple(settings.DATABASE_REPLICA_PATHS))
        and not is_pinned(request)
    )


class ReadReplicaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        routing = ReadRouting(replica=may_read_replica(request))
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        if routing.wrote or request.method not in SAFE_METHODS:
            pin(request, response)
        return response
