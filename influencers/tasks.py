"""Metric tasks: thin, take ids, idempotent (a recompute run twice writes the same values).

- recompute_metrics_task(run_id=None, account_ids=None, influencer_ids=None, full=False, refresh_matches=True)
  incremental by default (beat, every 15 minutes); full=True fans one chunk task per id range out
  to the workers (beat, nightly). After an incremental run it asks the matching engine to refresh
  the open campaigns those influencers can affect.
- recompute_metrics_chunk_task(run_id, lo, hi): one influencer id range of a full run.
- email_deliver_task(to, subject, body): one email (influencers/kernel/emails.py), retried with backoff.
"""

from __future__ import annotations

import logging

from celery import Task, group, shared_task
from django.utils import timezone

from .engine_tasks import EngineTask
from .kernel.emails import EMAIL_MAX_RETRIES, email_deliver, email_error_is_transient, email_retry_delay
from .kernel.queueing import enqueue
from .kernel.runs import run_advance, run_create, run_start, run_succeed
from .metrics import (
    Scope,
    features_changed,
    full_chunks,
    incremental_influencer_ids,
    recompute_metrics,
    recompute_scope,
)
from .models import EngineRun

# One logger for every email failure, wherever it happens (influencers/kernel/emails.py logs there too).
email_logger = logging.getLogger("influencers.kernel.emails")

MATCH_REFRESH_TASK = "campaigns.tasks.refresh_matches_for_influencers_task"
FEATURE_STORE_TASK = "campaigns.tasks.feature_store_build_task"


def _run(run_id: int | None, *, kind: str, scope: str) -> EngineRun:
    run = EngineRun.objects.filter(pk=run_id).first() if run_id else None
    return run or run_create(kind=kind, scope=scope)


@shared_task(base=EngineTask)
def recompute_metrics_task(
    *,
    run_id: int | None = None,
    account_ids: list[int] | None = None,
    influencer_ids: list[int] | None = None,
    full: bool = False,
    refresh_matches: bool = True,
) -> int:
    if full:
        run = _run(run_id, kind=EngineRun.Kind.METRICS_FULL, scope="all")
        chunks = full_chunks()
        run_start(run, total_chunks=len(chunks))
        if not chunks:
            run_succeed(run)
            return 0
        group(recompute_metrics_chunk_task.si(run_id=run.pk, lo=lo, hi=hi) for lo, hi in chunks).apply_async()
        return 0
    ids = set(influencer_ids or ())
    if account_ids is not None or not ids:
        ids |= set(incremental_influencer_ids(account_ids))
    if not ids:
        # Nothing changed since the last run: no run row, so beat does not fill the table with no-ops.
        if run_id:
            run = _run(run_id, kind=EngineRun.Kind.METRICS_INCREMENTAL, scope="incremental")
            run_start(run, total_chunks=1)
            run_succeed(run)
        return 0
    scope = f"influencer:{next(iter(ids))}" if len(ids) == 1 else "incremental"
    run = _run(run_id, kind=EngineRun.Kind.METRICS_INCREMENTAL, scope=scope)
    touched = recompute_metrics(influencer_ids=sorted(ids), run=run)
    if refresh_matches:
        enqueue(MATCH_REFRESH_TASK, influencer_ids=sorted(ids))
    return touched


@shared_task(base=EngineTask)
def recompute_metrics_chunk_task(*, run_id: int, lo: int, hi: int) -> int:
    run = EngineRun.objects.get(pk=run_id)
    rows = recompute_scope(Scope(id_range=(lo, hi)), now=timezone.now(), started=run.started_at or timezone.now())
    if rows:
        features_changed(id_range=(lo, hi))
    run_advance(run, rows=rows)
    if run.done_chunks >= run.total_chunks:
        run_succeed(run)
        # Every chunk is in: rebuild the matching feature store instead of patching 1M rows.
        enqueue(FEATURE_STORE_TASK)
    return rows


@shared_task(bind=True, max_retries=EMAIL_MAX_RETRIES)
def email_deliver_task(self: Task, *, to: str, subject: str, body: str) -> None:
    """Never raises (an email must not fail the request that sent it in eager mode): retries or logs."""
    attempt = self.request.retries + 1
    try:
        email_deliver(to=to, subject=subject, body=body)
    except Exception as error:
        if not email_error_is_transient(error):
            email_logger.exception("Email %r to %s failed for good and is not retried", subject, to)
        elif self.request.retries >= EMAIL_MAX_RETRIES:
            email_logger.error("Email %r: gave up after %d attempts (%s) to %s", subject, attempt, error, to)
        else:
            delay = email_retry_delay(self.request.retries)
            email_logger.warning("Email %r to %s failed (%s); will retry in %d s", subject, to, error, delay)
            if self.request.is_eager:
                # In-process (no broker): Celery would raise the Retry into the request, so retry at once here.
                self.apply(kwargs={"to": to, "subject": subject, "body": body}, retries=self.request.retries + 1)
                return
            raise self.retry(countdown=delay) from error
