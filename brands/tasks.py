"""Brand tasks: thin, idempotent, calling a service.

- saved_search_digest_task(): daily (beat) — tell each member of an approved brand about creators
  approved since the last digest that match one of its saved searches (brands/saved_search_services.py).
"""

from __future__ import annotations

from celery import shared_task

from .saved_search_services import saved_search_digest


@shared_task
def saved_search_digest_task() -> int:
    return saved_search_digest()
