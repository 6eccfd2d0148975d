"""Two imports of the same file at once, from two processes, on PostgreSQL (issue #8).

Each process runs `manage.py import_metrics` on its own connection. Protection: every row is upserted
on its natural key under a unique constraint (`INSERT … ON CONFLICT DO UPDATE … WHERE changed`), so the
import that comes second waits for the first one's rows, then finds them unchanged. Expected: both
succeed and the table holds exactly what one import writes — no duplicate, no lost row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from influencers.models import EngineRun, FollowerSnapshot, Post, SocialAccount
from tests.factories import InfluencerFactory, SocialAccountFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
ACCOUNTS = 40
POSTS_PER_ACCOUNT = 300  # 12,000 posts: long enough for the two imports to overlap


def _database_url() -> str:
    """The test database (not the one DATABASE_URL names), for the child processes."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _accounts() -> list[str]:
    handles = []
    for n in range(ACCOUNTS):
        influencer = InfluencerFactory(handle=f"conc{n}", user=None)
        SocialAccountFactory(influencer=influencer, platform="instagram", handle=f"conc{n}.ig", followers=100)
        handles.append(f"conc{n}.ig")
    return handles


def _import_twice_at_once(path: Path) -> list[subprocess.CompletedProcess]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "1",
        "CELERY_BROKER_URL": "",  # the recompute after the import runs in-process (no broker needed)
    }
    command = [sys.executable, str(ROOT / "manage.py"), "import_metrics", str(path)]
    # Overlap by construction, not by luck on a loaded machine: this connection holds the tables the imports
    # write in SHARE mode (reads go on, inserts wait) until both children are blocked on their first write.
    with transaction.atomic():
        _hold_writes(Post, FollowerSnapshot)
        children = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        _wait_for_blocked_writers(Post, FollowerSnapshot, count=2, children=children)
    results = []
    for child in children:
        stdout, stderr = child.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr))
    return results


def _tables(*models: type) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)


def _hold_writes(*models: type) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_tables(*models)} IN SHARE MODE")


def _wait_for_blocked_writers(*models: type, count: int, children: list[subprocess.Popen]) -> None:
    """Wait until `count` other backends wait for a lock on one of `models`' tables (both imports are mid-write)."""
    deadline = time.monotonic() + 180
    tables = [model._meta.db_table for model in models]
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND relation = ANY("
                "SELECT oid FROM pg_class WHERE relname = ANY(%s))",
                [tables],
            )
            if cursor.fetchone()[0] >= count:
                return
        if any(child.poll() is not None for child in children):
            break  # a child ended while it should have been waiting: its output tells why
        time.sleep(0.05)
    for child in children:
        child.kill()
    outputs = [child.communicate()[1][-2000:] for child in children]
    pytest.fail(f"the two imports never both reached their first write: {outputs}")


def _check(results: list[subprocess.CompletedProcess], *, rows: dict[str, int]) -> None:
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr
    runs = list(EngineRun.objects.filter(kind=EngineRun.Kind.IMPORT).order_by("started_at"))
    assert [run.status for run in runs] == [EngineRun.Status.SUCCEEDED] * 2
    # The two transactions overlapped (both were held at their first write; see _import_twice_at_once).
    assert runs[1].started_at < runs[0].finished_at
    for kind, count in rows.items():
        assert sum(run.detail["written"][kind] for run in runs) == count  # each row written once in total
        assert all(run.detail["rows"][kind] == count for run in runs)


def test_two_processes_import_the_same_csv_at_once(tmp_path: Path) -> None:
    handles = _accounts()
    posted = timezone.now() - dt.timedelta(days=1)
    lines = ["platform,account,external_id,posted_at,likes,comments"]
    lines += [
        f"instagram,{handle},p{n},{(posted - dt.timedelta(minutes=n)).isoformat()},{n},{n % 7}"
        for handle in handles
        for n in range(POSTS_PER_ACCOUNT)
    ]
    path = tmp_path / "posts.csv"
    path.write_text("\n".join(lines) + "\n")
    total = ACCOUNTS * POSTS_PER_ACCOUNT

    _check(_import_twice_at_once(path), rows={"posts": total})
    assert Post.objects.count() == total
    assert Post.objects.values("account_id", "external_id").distinct().count() == total


def test_two_processes_import_the_same_json_lines_at_once(tmp_path: Path) -> None:
    """JSON Lines takes the other path (Python validation, typed COPY) and carries snapshots too."""
    handles = _accounts()
    posted = timezone.now() - dt.timedelta(days=1)
    today = timezone.localdate()
    records = [
        {"kind": "post", "platform": "instagram", "account": handle, "external_id": f"j{n}",
         "posted_at": (posted - dt.timedelta(minutes=n)).isoformat(), "likes": n}
        for handle in handles
        for n in range(POSTS_PER_ACCOUNT // 2)
    ] + [
        {"kind": "snapshot", "platform": "instagram", "account": handle,
         "date": (today - dt.timedelta(days=d)).isoformat(), "followers": 1_000 + d}
        for handle in handles
        for d in range(30)
    ]  # fmt: skip
    path = tmp_path / "metrics.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    posts, snapshots = ACCOUNTS * (POSTS_PER_ACCOUNT // 2), ACCOUNTS * 30

    _check(_import_twice_at_once(path), rows={"posts": posts, "snapshots": snapshots})
    assert Post.objects.count() == posts
    assert FollowerSnapshot.objects.count() == snapshots
    assert FollowerSnapshot.objects.values("account_id", "date").distinct().count() == snapshots
    assert set(SocialAccount.objects.values_list("followers", flat=True)) == {1_000}  # the newest snapshot
