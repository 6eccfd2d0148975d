"""The scale benchmark's harness works end to end and writes a complete result file.

Runs `python -m bench all` at a tiny scale against its own database (invloed_bench_smoke on the
same server as the test database), in a subprocess so its Django setup does not touch the test
database. The numbers themselves are not judged here (that is what `make bench` is for); the test
checks that every measurement is present and carries numbers.
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
SCALE = 300
SCENARIOS = ("narrow", "broad", "broadest", "keyword_facets", "audience_share", "deep_page")
ENGINE_LINES = (
    "metrics:full_first_run",
    "metrics:full",
    "metrics:incremental_1pct",
    "matching:one_campaign",
    "matching:feature_store_build",
    "matching:cold_start_store",
    "matching:one_campaign_cold",
    "matching:all_open_campaigns",
)


def smoke_database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}:{port}/invloed_bench_smoke"


@pytest.fixture
def smoke_results(tmp_path: Path):
    url = smoke_database_url()
    output = tmp_path / "bench.json"
    env = {**os.environ, "DJANGO_DEBUG": "1"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "all",
            "--scale",
            str(SCALE),
            "--repeat",
            "2",
            "--database-url",
            url,
            "--output",
            str(output),
            "--no-docs",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    yield json.loads(output.read_text())
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS invloed_bench_smoke WITH (FORCE)")


@pytest.mark.postgres
def test_bench_harness_writes_every_measurement_with_numbers(smoke_results: dict) -> None:
    assert smoke_results["scale"] == SCALE
    assert smoke_results["dataset"]["counts"]["influencers"] == SCALE
    assert smoke_results["machine"]["cpus"] >= 1
    assert smoke_results["machine"]["postgresql"]
    by_name = {m["name"]: m for m in smoke_results["measurements"]}
    expected = [
        *ENGINE_LINES,
        *(f"discovery:{s}" for s in SCENARIOS),
        *(f"api:{s}" for s in SCENARIOS),
        "queries:discovery",
        "queries:api",
        "import:posts",
        "import:posts_unchanged_reimport",
        "lookalikes:api",
        "lookalikes:profile_card",
    ]
    assert sorted(by_name) == sorted(expected)

    for name in expected:
        line = by_name[name]
        assert line["scale"] == SCALE
        if not line["available"] and name.startswith(("api:", "queries:api", "import:")):
            # A part that has not been built yet is recorded as missing, never faked; a part that
            # exists but failed would say "error: …" and fail here.
            assert line["p50_ms"] is None, line
            assert "does not exist yet" in line["detail"]["reason"], line
            continue
        assert line["available"], f"{name}: {line['detail']}"
        if name.startswith("queries:"):
            assert line["queries"] > 0
            assert isinstance(line["detail"]["constant"], bool)
            continue
        assert line["p50_ms"] > 0, name
        assert line["p95_ms"] >= line["p50_ms"], name
        if name.startswith("lookalikes:"):
            assert line["queries"] > 0, name
            assert line["detail"]["queries_constant"], name
            assert line["detail"]["creators"] > 0, name
        if name.startswith(("discovery:", "api:")):
            assert line["floor_ms"] > 0, name
            assert line["ratio"] > 0, name
            assert line["queries"] > 0, name
            assert line["detail"]["count"] is not None, name
    # A page deeper than the first really was reached through the "next" links.
    assert by_name["discovery:deep_page"]["detail"]["page"] > 1
