"""Bookkeeping of engine runs (EngineRun): start, progress by chunks, success, failure.

Progress is written with single UPDATE statements on F() expressions, so chunk tasks of one run on
several workers can report at the same time without losing each other's counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import EngineRun

T = TypeVar("T")


def run_create(
    *,
    kind: str,
    scope: str = "all",
    by: AbstractBaseUser | AnonymousUser | None = None,
    detail: dict | None = None,
) -> EngineRun:
    return EngineRun.objects.create(
        kind=kind,
        scope=scope,
        triggered_by=by if isinstance(by, User) and by.is_authenticated else None,
        detail=detail or {},
    )


def run_start(run: EngineRun, *, total_chunks: int) -> None:
    """Mark the run as running; a redelivered task restarts the progress of a run that never finished."""
    now = timezone.now()
    EngineRun.objects.filter(pk=run.pk).update(
        status=EngineRun.Status.RUNNING,
        total_chunks=max(total_chunks, 1),
        done_chunks=0,
        rows_touched=0,
        error="",
        started_at=Coalesce(F("started_at"), Value(now)),
        finished_at=None,
    )
    run.refresh_from_db()


def run_advance(run: EngineRun, *, rows: int, chunks: int = 1) -> None:
    """Count finished chunks and touched rows (capped at total_chunks: a redelivered chunk counts once)."""
    EngineRun.objects.filter(pk=run.pk).update(
        done_chunks=Case(
            When(done_chunks__lte=F("total_chunks") - chunks, then=F("done_chunks") + chunks),
            default=F("total_chunks"),
            output_field=PositiveIntegerField(),
        ),
        rows_touched=F("rows_touched") + rows,
    )
    run.refresh_from_db(fields=["done_chunks", "total_chunks", "rows_touched"])


def run_succeed(run: EngineRun, *, detail: dict | None = None) -> None:
    changes: dict = {
        "status": EngineRun.Status.SUCCEEDED,
        "done_chunks": F("total_chunks"),
        "finished_at": timezone.now(),
    }
    if detail is not None:
        changes["detail"] = {**run.detail, **detail}
    EngineRun.objects.filter(pk=run.pk).update(**changes)
    run.refresh_from_db()


def run_fail(run: EngineRun, *, error: str, detail: dict | None = None) -> None:
    changes: dict = {"status": EngineRun.Status.FAILED, "error": error[:10_000], "finished_at": timezone.now()}
    if detail is not None:
        changes["detail"] = {**run.detail, **detail}
    EngineRun.objects.filter(pk=run.pk).update(**changes)
    run.refresh_from_db()


def run_in_chunks(
    run: EngineRun | None,
    chunks: Sequence[T],
    work: Callable[[T], int],
    *,
    on_chunk: Callable[[int, int], None] | None = None,
    detail: Callable[[], dict] | None = None,
) -> int:
    """Do `work` for every chunk in turn, recording progress on the run (when there is one).

    Returns the rows written in total. A failure marks the run failed with the error, then re-raises.
    `detail` is called at the end for what the run should remember (counts known only then).
    """
    if run is not None:
        run_start(run, total_chunks=len(chunks))
    total = 0
    try:
        for index, chunk in enumerate(chunks, start=1):
            rows = work(chunk)
            total += rows
            if run is not None:
                run_advance(run, rows=rows)
            if on_chunk is not None:
                on_chunk(index, len(chunks))
    except Exception as exc:
        if run is not None:
            run_fail(run, error=f"{type(exc).__name__}: {exc}")
        raise
    if run is not None:
        run_succeed(run, detail=detail() if detail is not None else None)
    return total
