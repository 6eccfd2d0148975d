"""Which real services this test run can reach, and what a test that needs one does without it.

A test marked `postgres`, `redis`, `celery_worker` or `browser` is skipped with the reason when its
service is absent, except with REQUIRE_SERVICES=1 (CI), where absence fails the test instead.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
from urllib.parse import urlparse

from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def redis_url() -> str:
    """The Redis used by tests that need one: the broker if configured, else the local default."""
    return os.environ.get("REDIS_TEST_URL") or settings.CELERY_BROKER_URL or "redis://127.0.0.1:6379/0"


@functools.cache
def redis_available() -> bool:
    parsed = urlparse(redis_url())
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def postgres_configured() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def chromium_available() -> bool:
    return bool(shutil.which(CHROMIUM))


def missing_service(marker: str) -> str | None:
    """Why a test with this marker cannot run here, or None when it can."""
    if marker == "postgres" and not postgres_configured():
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if marker in ("redis", "celery_worker") and not redis_available():
        return f"needs Redis at {redis_url()}"
    if marker == "browser" and not chromium_available():
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None
