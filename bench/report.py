"""Targets, bench/results/*.json and the generated tables in docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .measure import Measurement

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- bench:start -->"
SECTION_END = "<!-- bench:end -->"
TARGET_SCALE = 1_000_000
SMALLEST_DOCUMENTED_SCALE = 10_000  # smoke runs (CI: 2,000) do not rewrite the docs

Check = Callable[[Measurement], bool]


def _page_target(m: Measurement) -> bool:
    return m.p50_ms <= 40 and m.p95_ms <= 100 and (m.ratio is None or m.ratio <= 3)


def _api_target(m: Measurement) -> bool:
    return m.p50_ms <= 25 and (m.ratio is None or m.ratio <= 3)


# (name prefix, target text, check) — the targets at SCALE=1,000,000.
TARGETS: tuple[tuple[str, str, Check], ...] = (
    ("discovery:", "p50 <= 40 ms, p95 <= 100 ms, stack/floor <= 3", _page_target),
    ("api:", "p50 <= 25 ms, stack/floor <= 3", _api_target),
    ("workload:page:", "p50 <= 40 ms, p95 <= 100 ms, stack/floor <= 3", _page_target),
    ("workload:api:", "p50 <= 25 ms, stack/floor <= 3", _api_target),
    ("matching:one_campaign", "<= 150 ms", lambda m: m.p50_ms <= 150),
    ("matching:cold_start", "<= 2 s", lambda m: m.p50_ms <= 2_000),
    ("matching:all_open_campaigns", "<= 20 s", lambda m: m.p50_ms <= 20_000),
    ("metrics:full", "<= 20 s", lambda m: m.p50_ms <= 20_000),
    ("metrics:incremental_1pct", "<= 2 s", lambda m: m.p50_ms <= 2_000),
    ("import:posts", ">= 50,000 posts/s", lambda m: (m.detail.get("rows_per_second_p50") or 0) >= 50_000),
    ("queries:", "constant in page size", lambda m: bool(m.detail.get("constant"))),
    # The estimates' errors against the planted truth are in the detail column, in standard errors.
    ("overlap:", "p50 <= 100 ms", lambda m: m.p50_ms <= 100),
)


def judge(measurement: Measurement) -> None:
    """Attach the target and whether it is met (cold/first-run lines have no target of their own)."""
    if not measurement.available or (measurement.p50_ms is None and not measurement.name.startswith("queries:")):
        return
    if measurement.name.endswith(("_cold", "_first_run")):
        return
    for prefix, text, check in TARGETS:
        if measurement.name.startswith(prefix):
            measurement.target = text
            # The targets are set for SCALE=1,000,000; a smaller run meeting one proves nothing.
            measurement.met = check(measurement) if measurement.scale >= TARGET_SCALE else None
            return


def machine(dsn: str) -> dict[str, Any]:
    import django
    import psycopg

    with psycopg.connect(dsn) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
                "('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', "
                "'max_parallel_workers_per_gather', 'jit', 'maintenance_work_mem', 'max_wal_size', "
                "'checkpoint_timeout', 'effective_io_concurrency', 'max_parallel_workers', 'autovacuum')"
            ).fetchall()
        )
    memory_kb = 0
    try:
        with open("/proc/meminfo") as meminfo:
            memory_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    # BENCH_COMMIT names the commit when the harness runs from an exported tree (no .git there).
    commit = os.environ.get("BENCH_COMMIT", "")
    if not commit:
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            commit = ""
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "postgresql": version,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "django": django.get_version(),
        "os": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "commit": commit,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def write_json(path: Path, *, scale: int, measurements: list[Measurement], meta: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"scale": scale, **meta, "measurements": [m.as_json() for m in measurements]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


# Server settings named in the table's heading when the results file has them (older files have fewer).
HEADING_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "max_wal_size",
    "random_page_cost",
    "max_parallel_workers_per_gather",
    "autovacuum",
)


def markdown_table(*, scale: int, measurements: list[Measurement], meta: dict[str, Any]) -> str:
    m = meta["machine"]
    dataset = meta.get("dataset", {}).get("counts", {})
    server = m["postgresql_settings"]
    settings_text = ", ".join(f"{name} {server[name]}" for name in HEADING_SETTINGS if name in server)
    workload = [item for item in measurements if item.group == "workload"]
    lines = [
        f"### SCALE={scale:,}",
        "",
        f"Measured {m['date']} at commit `{m['commit']}` on {m['cpus']} cores, {m['memory_gb']} GB RAM, "
        f"PostgreSQL {m['postgresql']} ({settings_text}), Python {m['python']}, Django {m['django']}; "
        f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])} "
        "(other work on the machine adds noise).",
        "",
        "Data set: "
        + ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in dataset.items() if isinstance(value, int))
        + ".",
        "",
        "| measurement | p50 ms | p95 ms | floor ms | stack/floor | queries | shown count / detail "
        "| target (1M) | met (1M only) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for item in measurements:
        if item.group == "workload":
            continue
        if not item.available:
            lines.append(f"| {item.name} | — | — | — | — | — | not available: {item.detail.get('reason', '')} | | |")
            continue
        detail = _detail_text(item)
        met = "" if item.met is None else ("yes" if item.met else "**no**")
        lines.append(
            f"| {item.name} | {_fmt(item.p50_ms)} | {_fmt(item.p95_ms)} | {_fmt(item.floor_ms)} | "
            f"{_fmt(item.ratio, 2)} | {item.queries if item.queries is not None else '—'} | {detail} | "
            f"{item.target} | {met} |"
        )
    lines.append("")
    if workload:
        lines += workload_table(workload)
    return "\n".join(lines)


def _met(item: Measurement | None) -> str:
    if item is None or item.met is None:
        return ""
    return "yes" if item.met else "**no**"


def workload_table(measurements: list[Measurement]) -> list[str]:
    """The search mix: one row per class, page and API side by side (bench/search_timing.py)."""
    by_name = {item.name: item for item in measurements}
    labels = list(dict.fromkeys(item.name.split(":", 2)[2] for item in measurements))
    labels.sort(key=lambda label: label == "all")  # the overall row last
    overall = by_name.get("workload:page:all") or by_name.get("workload:api:all")
    searches = overall.detail.get("searches", 0) if overall else 0
    lines = [
        f"Search mix: {searches:,} searches drawn with a fixed seed from the filters the UI offers "
        "(`bench/search_mix.py`), each timed once as a page and as an API list (page size 24) after one "
        "untimed request; p50/p95/max over the searches of a class, floor = p50 of each search's SQL alone.",
        "",
        "| class | searches | page p50 ms | page p95 ms | page max ms | page floor ms | page queries "
        "| API p50 ms | API p95 ms | API max ms | API floor ms | API queries | no results | met (1M only) page / API |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label in labels:
        page, api = by_name.get(f"workload:page:{label}"), by_name.get(f"workload:api:{label}")
        cells = []
        for item in (page, api):
            if item is None or not item.available:
                reason = item.detail.get("reason", "") if item is not None else ""
                cells.append(f"not available: {reason} | — | — | — | —")
                continue
            d = item.detail
            queries = d.get("queries_min"), d.get("queries_max")
            cells.append(
                f"{_fmt(item.p50_ms)} | {_fmt(item.p95_ms)} | {_fmt(d.get('max_ms'))} | {_fmt(item.floor_ms)} | "
                + (f"{queries[0]}–{queries[1]}" if queries[0] != queries[1] else f"{queries[1]}")
            )
        first = page if page is not None and page.available else api
        count = first.detail.get("searches", "—") if first is not None else "—"
        empty = first.detail.get("no_results", "—") if first is not None and first.available else "—"
        name = f"**{label}**" if label == "all" else label
        met = " / ".join(filter(None, (_met(page), _met(api))))
        lines.append(f"| {name} | {count} | {cells[0]} | {cells[1]} | {empty} | {met} |")
    deep = by_name.get("workload:page:deep page")
    if deep is not None and deep.available and "pages" in deep.detail:
        low, high = deep.detail["pages"]
        lines += ["", f'The deep-page searches were timed on pages {low}–{high} (reached by following "next").']
    lines.append("")
    return lines


def _detail_text(item: Measurement) -> str:
    d = item.detail
    if item.group in ("discovery", "api"):
        count = d.get("count")
        capped = d.get("count_capped", count is not None and count > _count_cap())
        shown = "—" if count is None else (f"{count - 1:,}+" if capped else f"{count:,}")
        page = f", page {d['page']}" if d.get("page", 1) > 1 else ""
        return f"{shown}{page}"
    if "rows_per_second_p50" in d:
        return f"{d['rows_per_second_p50']:,} rows/s ({d.get('rows_per_run', 0):,} per run)"
    if item.group == "overlap" and "unique_reach" in d:
        pairs = f"{d['pairs']} pairs (max {d['pairs_max_z']} SE off), " if d.get("pairs") else ""
        return (
            f"{d['sampled']} sampled creators: {pairs}unique reach {d['unique_reach']:,} ± {d['unique_reach_bound']:,}"
            f" vs planted {d['unique_reach_truth']:,} ({d['unique_reach_z']} SE off)"
        )
    if "creators" in d:
        return f"{d['creators']} random creators, slowest {_fmt(d.get('slowest_ms'))} ms"
    if item.name.startswith("queries:"):
        return ", ".join(f"{k}: {v}" for k, v in d.get("queries", {}).items())
    for key in ("stored", "accounts_with_new_posts", "rows_written_last_run", "campaigns"):
        if key in d:
            return f"{key.replace('_', ' ')}: {d[key]:,}" if isinstance(d[key], int) else str(d[key])
    return ""


def _count_cap() -> int:
    from .web import count_cap

    return count_cap()


def measurements_from_json(path: Path) -> tuple[int, list[Measurement], dict[str, Any]]:
    """A results file back as (scale, measurements, meta), to re-render its table."""
    payload = json.loads(path.read_text())
    measurements = [Measurement(**item) for item in payload.pop("measurements")]
    return payload.pop("scale"), measurements, payload


def write_docs(*, scale: int, table: str, path: Path | None = None) -> None:
    """Replace (or add) this scale's block inside the bench section; other sections stay untouched."""
    path = path or DOCS
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if SECTION_START not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION_START}\n{SECTION_END}\n"
    start_marker, end_marker = f"<!-- bench:results:{scale}:start -->", f"<!-- bench:results:{scale}:end -->"
    block = f"{start_marker}\n{table}{end_marker}"
    if start_marker in text:
        text = re.sub(re.escape(start_marker) + r".*?" + re.escape(end_marker), lambda _m: block, text, flags=re.S)
    else:
        text = text.replace(SECTION_END, f"{block}\n\n{SECTION_END}", 1)
    path.write_text(text)
