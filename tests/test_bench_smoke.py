"""The scale benchmark's harness works end to end and writes a complete result file.

Runs `python -m bench all` at a tiny scale against its own database (invloed_bench_smoke_<test
database>, on the same server as the test database, so two checkouts sharing a server do not drop each
other's), in a subprocess so its Django setup does not touch the test
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
from psycopg import sql

from bench.search_mix import CLASS_WEIGHTS

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
# The search mix: one line per class and surface, plus the overall line (bench/search_timing.py).
WORKLOAD_LINES = tuple(
    f"workload:{surface}:{label}" for surface in ("page", "api") for label in (*CLASS_WEIGHTS, "all")
)


def smoke_database_name() -> str:
    return "invloed_bench_smoke_" + str(settings.DATABASES["default"]["NAME"]).removeprefix("test_")


def smoke_database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}:{port}/{smoke_database_name()}"


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory: pytest.TempPathFactory):
    """One harness run for the module's tests (it takes a few minutes)."""
    url = smoke_database_url()
    output = tmp_path_factory.mktemp("bench") / "bench.json"
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
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(smoke_database_name())))


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
        *WORKLOAD_LINES,
        "queries:workload_page",
        "queries:workload_api",
        "import:posts",
        "import:posts_unchanged_reimport",
        "lookalikes:api",
        "lookalikes:profile_card",
        "overlap:pairs_10_creators",
        "overlap:unique_reach_50_creators",
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
        if name.startswith("overlap:"):
            # Planted samples (bench/overlap.py), the estimates compared with the truth: the strict
            # within-the-bound checks are tests/influencers/test_overlap.py's; here a gross error (a
            # missing scale factor is tens of standard errors off) must not hide in the harness.
            assert line["detail"]["sampled"] >= 2, name
            assert isinstance(line["detail"]["within_bound"], bool), name
            assert line["detail"]["unique_reach_z"] < 5, (name, line["detail"])
            assert line["detail"]["pairs_max_z"] < 5, (name, line["detail"])
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


@pytest.mark.postgres
def test_bench_search_mix_times_every_class_on_page_and_api(smoke_results: dict) -> None:
    by_name = {m["name"]: m for m in smoke_results["measurements"]}
    for name in WORKLOAD_LINES:
        line = by_name[name]
        detail = line["detail"]
        assert line["available"], f"{name}: {detail}"
        assert detail["errors"] == [], name
        assert detail["searches"] >= 1, name
        assert 0 < line["p50_ms"] <= line["p95_ms"] <= detail["max_ms"], name
        assert line["floor_ms"] > 0, name
        assert line["queries"] > 0, name
    for surface in ("page", "api"):
        overall = by_name[f"workload:{surface}:all"]
        assert overall["detail"]["searches"] == len(overall["detail"]["samples"]) >= 30
        assert all(sample["ms"] > 0 for sample in overall["detail"]["samples"])
        # Every search's shown count was found in its SQL (the "no results" line is built from them).
        assert all(sample["count"] is not None for sample in overall["detail"]["samples"]), surface
        # … and it is the creators' count, not another count on the page (the nav's unread notifications).
        assert any(sample["count"] > 0 for sample in overall["detail"]["samples"]), surface
        # The same search at page size 12, 24 and 48 issues the same number of queries.
        queries = by_name[f"queries:workload_{surface}"]
        assert queries["detail"]["constant"] is True, queries["detail"]
        assert queries["detail"]["queries"]["same at 12, 24 and 48"] == overall["detail"]["searches"]
    # Deep pages are reached through "next" even on 300 creators (smaller than pages 5–40 ask for).
    assert by_name["workload:page:deep page"]["detail"]["deepest_page"] > 1
