"""The worker reliability settings (README "Worker reliability settings") as the app really loads them."""

from __future__ import annotations

import subprocess
import sys

from config.celery import app

from .procs import ROOT, child_env


def test_tasks_are_acknowledged_late_and_requeued_when_the_worker_is_lost() -> None:
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    options = conf.broker_transport_options
    # Redelivery of a dead worker's task must never hit a task that is still running.
    assert options["visibility_timeout"] > conf.task_time_limit > conf.task_soft_time_limit
    assert options["unacked_restore_interval"] <= 60
    assert options["unacked_restore_throttle"] == 1


def test_a_visibility_timeout_not_above_the_time_limit_refuses_to_load() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=child_env(CELERY_VISIBILITY_TIMEOUT="1800", CELERY_TASK_TIME_LIMIT="1800"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT (1800s) must be above CELERY_TASK_TIME_LIMIT (1800s)" in result.stderr
