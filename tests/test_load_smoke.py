"""The load test (`make load`) works end to end: CI's smoke version, 5 users for 10 seconds.

Runs `python -m bench.loadtest` in a subprocess — the same code as `make load`: the bench generator
fills its own database (invloed_bench_loadsmoke, 2,000 influencers without the engine pass,
dropped afterwards), gunicorn serves it with production settings and 2 workers, locust drives
discovery, profiles and the API list. Asserts no request failed and the result file is complete.
The numbers themselves are judged by the manual run (docs/benchmarks.md), not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "invloed_bench_loadsmoke"
PORT = "18502"
SCALE = 2000
ENDPOINTS = {"discovery", "profile", "api list"}
LINE_FIELDS = {"requests", "failures", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"}


def smoke_database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}:{port}/{DATABASE}"


@pytest.fixture
def load_run(tmp_path: Path):
    url = smoke_database_url()
    output = tmp_path / "load.json"
    command = [sys.executable, "-m", "bench.loadtest", "--scale", str(SCALE), "--users", "5", "--spawn-rate", "5"]
    command += ["--duration", "10", "--port", PORT, "--database-url", url, "--output", str(output)]
    # No engine pass: it adds ~15 s (matching 50 campaigns) and the smoke checks the stack, not the numbers.
    command += ["--static-root", str(tmp_path / "static"), "--no-engine"]
    try:
        completed = subprocess.run(
            command, cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300, check=False
        )
        yield completed, output
    finally:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


@pytest.mark.postgres
def test_load_smoke_has_no_failures_and_a_complete_result(load_run) -> None:
    completed, output = load_run
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    result = json.loads(output.read_text())

    assert result["kind"] == "load"
    assert (result["scale"], result["users"], result["duration_s"]) == (SCALE, 5, 10)
    assert result["server"]["workers"] == 2
    assert result["dataset"]["influencers"] == SCALE
    assert result["passed"] is True
    for key in ("cpus", "postgresql", "gunicorn", "locust", "commit", "date"):
        assert result["machine"][key], key
    assert len(result["machine"]["load_average_at_end"]) == 3

    assert result["server_cpu_s"]["gunicorn"] > 0
    assert set(result["server_cpu_s"]["ms_per_request"]) == {"gunicorn", "postgresql"}

    totals = result["totals"]
    assert set(totals) >= LINE_FIELDS
    assert totals["requests"] > 0
    assert totals["failures"] == 0
    assert result["errors"] == []
    assert 0 < totals["p50_ms"] <= totals["p95_ms"] <= totals["p99_ms"] <= totals["max_ms"]

    by_name = {line["name"]: line for line in result["endpoints"]}
    assert set(by_name) >= ENDPOINTS, sorted(by_name)
    for name, line in by_name.items():
        assert set(line) >= LINE_FIELDS, name
        assert line["requests"] > 0, line
        assert line["failures"] == 0, line
        assert 0 < line["p50_ms"] <= line["p95_ms"] <= line["p99_ms"] <= line["max_ms"], line
    assert sum(line["requests"] for line in by_name.values()) == totals["requests"]
