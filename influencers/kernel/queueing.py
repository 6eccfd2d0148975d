"""Publishing engine tasks from services: on commit, by task name, never failing the user's request.

Tasks are addressed by name ("campaigns.tasks.…") so the influencers app can trigger the matching
engine without importing the campaigns app (the dependency direction is campaigns -> influencers).
When the broker is unreachable the publish fails fast (CELERY_TASK_PUBLISH_RETRY_POLICY) and is
logged; the stale flag the service set stays, and the periodic sweep re-enqueues the work.
"""

from __future__ import annotations

import logging

from celery import Task
from django.db import transaction
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a publish raises when Redis is down or unreachable.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, RedisError, OSError)


def engine_task(name: str) -> Task:
    from config.celery import app

    if name not in app.tasks:
        # In a web process the tasks modules are imported lazily; load them (autodiscovery) once.
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue(name: str, **kwargs: object) -> bool:
    """Publish the task now; False when the broker is unreachable (logged, left for the sweep)."""
    try:
        engine_task(name).apply_async(kwargs=kwargs)
    except BROKER_ERRORS:
        logger.warning("Could not enqueue %s %s; the sweep will retry it", name, kwargs, exc_info=True)
        return False
    return True


def enqueue_on_commit(name: str, **kwargs: object) -> None:
    """Publish the task once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: enqueue(name, **kwargs))
