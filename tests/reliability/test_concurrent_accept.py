"""Two processes accept the same collaboration at the same moment: exactly one wins.

The thread race in tests/campaigns/test_services.py shares one interpreter; here two separate Python
processes (as two gunicorn workers would be), each with its own PostgreSQL connection, load the same
applications, then accept each one at the same instant. The status is claimed with
UPDATE … WHERE status = <seen>, so one accept commits and the other gets Conflict; the deliverables are
planned once and one audit event is written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from campaigns.models import Collaboration, Deliverable
from campaigns.services import collaboration_apply
from influencers.models import AuditEvent
from tests.factories import BrandMemberFactory, CampaignFactory, InfluencerFactory

from .accept_process import RESULT
from .procs import ROOT, child_env, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 5


def start(user_id: int, collaboration_ids: list[int], log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.accept_process", str(user_id), *map(str, collaboration_ids)],
        cwd=ROOT,
        env=child_env(DATABASE_URL=database_url(), EMAIL_URL="dummymail://"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    return process


def wait_ready(process: subprocess.Popen, log: Path) -> None:
    line = process.stdout.readline()
    assert line.strip() == "ready", f"accept process failed to start: {line!r}\n{log.read_text()}"


def outcome(process: subprocess.Popen, log: Path) -> str:
    for line in process.stdout:
        if line.startswith(RESULT):
            return json.loads(line.removeprefix(RESULT))["outcome"]
    pytest.fail(f"accept process died:\n{log.read_text()[-3000:]}")


def test_two_processes_accepting_one_collaboration_at_once_exactly_one_wins(tmp_path: Path) -> None:
    owner = BrandMemberFactory()
    teammate = BrandMemberFactory(brand=owner.brand, role="member")
    campaign = CampaignFactory(brand=owner.brand, posts_count=2)
    applications = []
    for _ in range(ROUNDS):
        influencer = InfluencerFactory()
        applications.append(collaboration_apply(campaign=campaign, influencer=influencer, by=influencer.user))
    ids = [application.pk for application in applications]

    logs = [tmp_path / "owner.log", tmp_path / "teammate.log"]
    processes = [start(owner.user.pk, ids, logs[0]), start(teammate.user.pk, ids, logs[1])]
    for process, log in zip(processes, logs, strict=True):
        wait_ready(process, log)
    try:
        outcomes = []
        for pk in ids:
            for process in processes:  # both released back to back; neither has seen the other's write
                process.stdin.write(f"go {pk}\n")
                process.stdin.flush()
            outcomes.append(sorted(outcome(process, log) for process, log in zip(processes, logs, strict=True)))
    finally:
        for process in processes:
            process.stdin.close()
            process.wait(timeout=30)
    assert [process.returncode for process in processes] == [0, 0]

    assert outcomes == [["Conflict", "ok"]] * ROUNDS
    for pk in ids:
        assert Collaboration.objects.get(pk=pk).status == Collaboration.Status.ACCEPTED
        assert Deliverable.objects.filter(collaboration_id=pk).count() == 2  # planned once, not twice
        assert AuditEvent.objects.filter(object_id=str(pk), action="collaboration.accepted").count() == 1
