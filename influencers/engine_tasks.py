"""The base class of every engine task: retries with backoff on transient errors, failed runs recorded.

Tasks are thin: they take ids, call the engine, and may run twice (acks_late redelivery) with the
same result, because every engine write is an idempotent recompute.
"""

from __future__ import annotations

import logging

from celery import Task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .kernel.queueing import BROKER_ERRORS
from .kernel.runs import run_fail
from .models import EngineRun

logger = logging.getLogger(__name__)

# Worth another try later: the database restarted or a connection dropped, the broker blinked.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, *BROKER_ERRORS)


class EngineTask(Task):
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2  # seconds: 2, 4, 8 … with jitter
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = settings.ENGINE_TASK_MAX_RETRIES

    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: object) -> None:
        """Out of retries (or not retryable): the run says so instead of staying "running" forever."""
        run_id = kwargs.get("run_id")
        run = EngineRun.objects.filter(pk=run_id).first() if run_id else None
        if run is not None and run.status != EngineRun.Status.FAILED:
            try:
                run_fail(run, error=f"{type(exc).__name__}: {exc}")
            except Exception:
                logger.exception("Could not record the failure of run %s", run_id)
        super().on_failure(exc, task_id, args, kwargs, einfo)
