"""`make load`: concurrent users against gunicorn on PostgreSQL, with the scale benchmark's data set.

1. Data: `python -m bench load` into the load test's own database (default invloed_bench_load;
   the bench's name rule applies: it is truncated and refilled). --reuse keeps a loaded data set of
   the same scale and seed and only generates when it is missing.
2. collectstatic into a folder of its own (production settings need the manifest; see settings.py
   for the one difference from config.settings).
3. gunicorn with production settings (DEBUG off, HTTPS redirect, secure cookies, persistent
   connections) — 2 sync workers by default, the README's deploy command — on 127.0.0.1:PORT.
4. The bench brand logs in through the real login form once and creates its API token through the
   account page; handles of visible creators are picked from the database.
5. locust headless (bench/loadtest/locustfile.py) with USERS users for DURATION seconds; every
   response is checked.
6. Exact p50/p95/p99 per endpoint from the raw timings, written to bench/results/load-N.json (or
   --output) and, for runs of 10,000 influencers or more, to the load section of docs/benchmarks.md.

Exits 1 when any request failed (or none was made), so CI and `make load` fail on errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg
import requests

from ..database import check_disposable, database_name
from ..measure import percentile

ROOT = Path(__file__).resolve().parent.parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
RESULTS_DIR = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/invloed_bench_load"
DEFAULT_PORT = 18501
SECTION_START, SECTION_END = "<!-- load:start -->", "<!-- load:end -->"
RESULTS_START, RESULTS_END = "<!-- load:results:start -->", "<!-- load:results:end -->"
SMALLEST_DOCUMENTED_SCALE = 10_000
HANDLES_SAMPLE = 2_000
# The bench brand (bench/fixtures.py); the load database is a bench database, so the same login.
USERNAME = "bench-brand"
PASSWORD = "bench-brand-password-2024"  # noqa: S105 - a throw-away benchmark database only
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_KEY = re.compile(r'id="api-token-key">(invl_[0-9a-f]{64})<')


class LoadTestError(Exception):
    """The load test could not be set up (not: requests failed — that is a result)."""


def log(message: str) -> None:
    print(message, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("SCALE", 100_000)))
    parser.add_argument("--seed", type=int, default=7, help="data set seed (the bench's)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load after the first user starts")
    parser.add_argument("--spawn-rate", type=float, default=None, help="users started per second (users/5)")
    parser.add_argument("--wait", default="1-5", help="think time between a user's actions, seconds MIN-MAX")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", DEFAULT_PORT)))
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--reuse", action="store_true", help="keep a loaded data set of this scale and seed")
    parser.add_argument("--no-engine", action="store_true", help="data: skip the engine pass (smoke runs)")
    parser.add_argument("--static-root", default=str(Path(tempfile.gettempdir()) / "invloed-load-static"))
    parser.add_argument("--output", default=None, help="write only this results JSON (no per-scale file, no docs)")
    parser.add_argument("--results-dir", default=None)
    parser.add_argument("--docs", default=None)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args(argv)
    low, _, high = args.wait.partition("-")
    args.wait_min, args.wait_max = float(low), float(high or low)
    if args.spawn_rate is None:
        args.spawn_rate = max(1.0, args.users / 5)
    if args.users < 1 or args.duration < 1:
        parser.error("--users and --duration must be at least 1")
    return args


def server_env(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    """Production settings pointed at the load database; what a laptop lacks is filled in."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The server's own configuration only: no broker (tasks a page might enqueue run in-process),
        # per-process cache (no Redis database of anyone else's touched).
        if key not in ("CELERY_BROKER_URL", "REDIS_CACHE_URL", "DJANGO_SETTINGS_MODULE")
        and not key.startswith(("DJANGO_", "API_THROTTLE_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=args.database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="load-" + secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench.loadtest.settings",
        # One brand's token carries the whole API share of the load; the rate limit is not what is
        # measured here (tests/api covers it), so it must not turn load into 429s.
        API_THROTTLE_USER="1000000/min",
        AXES_ENABLED="1",
    )
    return env


def prepare_data(args: argparse.Namespace) -> float:
    command = [sys.executable, "-m", "bench", "load", "--scale", str(args.scale), "--seed", str(args.seed)]
    command += ["--database-url", args.database_url]
    if args.reuse:
        command.append("--reuse")
    if args.no_engine:
        command.append("--no-engine")
    log(f"Data set: {' '.join(command[1:])}")
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "DJANGO_DEBUG": "0"})
    return time.perf_counter() - started


def start_collectstatic(env: dict[str, str]) -> subprocess.Popen:
    """collectstatic needs no database: it runs while the data set is prepared."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env
    )


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    if not port_free(args.port):
        raise LoadTestError(f"port {args.port} is in use; pass --port (LOAD_PORT) with a free one")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--bind",
        f"127.0.0.1:{args.port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(log_path),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise LoadTestError(f"gunicorn exited with {server.returncode}: {tail(log_path)}")
        try:
            answer = requests.get(f"{base_url(args)}/healthz", headers=HTTPS, timeout=5)
            if answer.status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop(server)
    raise LoadTestError(f"gunicorn did not answer /healthz within 60 s: {tail(log_path)}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text()[-size:]
    except OSError:
        return ""


HTTPS = {"X-Forwarded-Proto": "https"}


def base_url(args: argparse.Namespace) -> str:
    return f"http://127.0.0.1:{args.port}"


def login_and_token(args: argparse.Namespace) -> tuple[str, str]:
    """Log the bench brand in through the login form, create its API token on the account page.

    Returns the Cookie header for pages and the token key. Cookies are Secure (production
    settings), so they are carried by hand over the plain-HTTP hop behind the "TLS proxy".
    """
    base = base_url(args)
    origin = f"https://127.0.0.1:{args.port}"
    with requests.Session() as http:
        form = http.get(f"{base}/accounts/login/", headers=HTTPS, timeout=30)
        if form.status_code != 200 or "csrftoken" not in form.cookies:
            raise LoadTestError(f"login page answered {form.status_code}")
        csrf = form.cookies["csrftoken"]
        login = http.post(
            f"{base}/accounts/login/",
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": CSRF_INPUT.search(form.text)[1]},
            headers={**HTTPS, "Cookie": f"csrftoken={csrf}", "Referer": f"{origin}/accounts/login/"},
            allow_redirects=False,
            timeout=60,
        )
        if login.status_code != 302 or "sessionid" not in login.cookies:
            raise LoadTestError(f"login as {USERNAME} failed ({login.status_code}); is the data set loaded?")
        cookie = f"sessionid={login.cookies['sessionid']}; csrftoken={login.cookies.get('csrftoken', csrf)}"
        csrf = login.cookies.get("csrftoken", csrf)
        created = http.post(
            f"{base}/account/api-token/",
            data={"action": "create"},
            headers={**HTTPS, "Cookie": cookie, "X-CSRFToken": csrf, "Referer": f"{origin}/account/"},
            allow_redirects=False,
            timeout=30,
        )
        account = http.get(f"{base}/account/", headers={**HTTPS, "Cookie": cookie}, timeout=30)
        key = TOKEN_KEY.search(account.text) if created.status_code == 302 else None
        if key is None:
            raise LoadTestError(f"creating the API token failed ({created.status_code}, {account.status_code})")
    return cookie, key[1]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds so far of each process (Linux /proc; missing ones are left out)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def server_pids(server: subprocess.Popen, args: argparse.Namespace) -> dict[str, list[int]]:
    """gunicorn's worker processes and the PostgreSQL backends connected to the load database."""
    try:
        workers = [int(pid) for pid in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
    except OSError:
        workers = []
    with psycopg.connect(args.database_url) as conn:
        backends = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return {"gunicorn": workers, "postgresql": backends}


class CpuSampler(threading.Thread):
    """Samples the server's processes every second while locust runs.

    PostgreSQL backends come and go (persistent connections are replaced after DB_CONN_MAX_AGE), so
    one reading at the end would lose the CPU of every backend closed during the run: the last
    reading of each process counts (at most a second of a closed backend's work is missed).
    """

    def __init__(self, server: subprocess.Popen, args: argparse.Namespace) -> None:
        super().__init__(daemon=True)
        self.server, self.args = server, args
        self.before = self.read()
        self.latest = {group: dict(values) for group, values in self.before.items()}
        self.done = threading.Event()

    def read(self) -> dict[str, dict[int, float]]:
        return {group: cpu_seconds(pids) for group, pids in server_pids(self.server, self.args).items()}

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.sample()

    def sample(self) -> None:
        try:
            reading = self.read()
        except psycopg.Error:
            return
        for group, values in reading.items():
            self.latest.setdefault(group, {}).update(values)

    def finish(self) -> dict[str, dict[int, float]]:
        self.done.set()
        self.join(timeout=10)
        self.sample()
        return self.latest


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    return {
        group: round(sum(value - before[group].get(pid, 0.0) for pid, value in after[group].items()), 2)
        for group in after
    }


def dataset_facts(args: argparse.Namespace) -> dict[str, Any]:
    with psycopg.connect(args.database_url) as conn:
        handles = [
            row[0]
            for row in conn.execute(
                "SELECT handle FROM influencers_influencer WHERE status = 'approved' AND is_active "
                "ORDER BY md5(handle) LIMIT %s",
                [HANDLES_SAMPLE],
            )
        ]
        influencers, visible = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'approved' AND is_active) FROM influencers_influencer"
        ).fetchone()
        meta = conn.execute("SELECT value FROM bench_meta WHERE key = 'dataset'").fetchone()
        version = conn.execute("SHOW server_version").fetchone()[0]
        pg_settings = dict(
            conn.execute(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem')"
            ).fetchall()
        )
    counts = (meta[0] or {}).get("counts", {}) if meta else {}
    return {
        "handles": handles,
        "dataset": {
            "database": database_name(args.database_url),
            "influencers": influencers,
            "visible_to_brands": visible,
            "counts": counts,
        },
        "postgresql": version,
        "postgresql_settings": pg_settings,
    }


def run_locust(args: argparse.Namespace, *, cookie: str, token: str, handles_file: Path, workdir: Path) -> Path:
    raw = workdir / "raw.json"
    env = {
        **os.environ,
        "LOAD_SESSION_COOKIE": cookie,
        "LOAD_API_TOKEN": token,
        "LOAD_HANDLES": str(handles_file),
        "LOAD_RAW_OUTPUT": str(raw),
        "LOAD_WAIT_MIN": str(args.wait_min),
        "LOAD_WAIT_MAX": str(args.wait_max),
        "LOAD_SEED": str(args.seed),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "30",
        "--host",
        base_url(args),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log(f"locust: {args.users} users ({args.spawn_rate:g}/s), {args.duration} s, think time {args.wait}")
    completed = subprocess.run(command, cwd=ROOT, env=env, timeout=args.duration + 180, check=False)
    if not raw.exists():
        raise LoadTestError(f"locust wrote no timings (exit {completed.returncode})")
    return raw


def summarize(raw: list[list]) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Totals, per-endpoint lines and distinct errors from the raw (name, start, ms, error) rows."""
    if not raw:
        return {"requests": 0, "failures": 0}, [], []
    window = max(start + ms / 1000 for _, start, ms, _ in raw) - min(start for _, start, _, _ in raw)
    window = max(window, 1e-3)

    def line(rows: list[list]) -> dict[str, Any]:
        times = [ms for _, _, ms, _ in rows]
        return {
            "requests": len(rows),
            "failures": sum(1 for *_, error in rows if error),
            "rps": round(len(rows) / window, 2),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(max(times), 1),
            "mean_ms": round(sum(times) / len(times), 1),
        }

    by_name: dict[str, list[list]] = defaultdict(list)
    for row in raw:
        by_name[row[0]].append(row)
    endpoints = [{"name": name, **line(rows)} for name, rows in sorted(by_name.items())]
    errors = Counter((name, error) for name, _, _, error in raw if error)
    return (
        {**line(raw), "window_s": round(window, 1)},
        endpoints,
        [{"name": name, "error": error, "count": count} for (name, error), count in errors.most_common(20)],
    )


def commit() -> str:
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""


def memory_gb() -> float:
    try:
        with open("/proc/meminfo") as meminfo:
            return round(int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1]) / 1024**2, 1)
    except (OSError, StopIteration, ValueError):
        return 0.0


def markdown_table(result: dict[str, Any]) -> str:
    m, s, t = result["machine"], result["server"], result["totals"]
    lines = [
        f"### {result['users']} users, {result['duration_s']} s, {result['scale']:,} influencers",
        "",
        f"Measured {m['date']} at commit `{m['commit']}` on {m['cpus']} cores, {m['memory_gb']} GB RAM, "
        f"PostgreSQL {m['postgresql']} (shared_buffers {m['postgresql_settings'].get('shared_buffers')}); "
        f"gunicorn {m['gunicorn']}, {s['workers']} {s['worker_class']} workers; locust {m['locust']} on the "
        f"same machine; think time {result['wait_s'][0]:g}–{result['wait_s'][1]:g} s, {result['spawn_rate']:g} "
        f"users started per second. Load average {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])} "
        f"at the start, {', '.join(f'{x:.1f}' for x in m['load_average_at_end'])} at the end: "
        f"{m['note']}",
        "",
        f"**{t['requests']:,} requests, {t['failures']} failed, {t['rps']:.1f} requests/s** over "
        f"{t['window_s']:.0f} s. {cpu_text(result)}",
        "",
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [*result["endpoints"], {"name": "**all**", **t}]:
        lines.append(
            f"| {row['name']} | {row['requests']:,} | {row['failures']} | {row['rps']:.1f} | {row['p50_ms']:,.0f} | "
            f"{row['p95_ms']:,.0f} | {row['p99_ms']:,.0f} | {row['max_ms']:,.0f} |"
        )
    for error in result["errors"]:
        lines.append(f"\nFailure: {error['name']}: {error['error']} ({error['count']}×)")
    lines.append("")
    return "\n".join(lines)


def cpu_text(result: dict[str, Any]) -> str:
    per_request = result.get("server_cpu_s", {}).get("ms_per_request")
    if not per_request:
        return ""
    total = sum(per_request.values())
    cores = result["machine"]["cpus"] or 1
    return (
        f"CPU per request: gunicorn workers {per_request.get('gunicorn', 0):.0f} ms + PostgreSQL "
        f"{per_request.get('postgresql', 0):.0f} ms, so {cores} idle cores would serve at most "
        f"~{1000 * cores / total:.0f} requests/s of this mix."
    )


def write_docs(table: str, path: Path) -> None:
    """Replace the results block inside the load section; add the section at the end if missing."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{RESULTS_START}\n{table}{RESULTS_END}"
    if RESULTS_START in text:
        text = re.sub(re.escape(RESULTS_START) + r".*?" + re.escape(RESULTS_END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION_START}\n## Load test (`make load`)\n\n{block}\n{SECTION_END}\n"
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    check_disposable(args.database_url)
    started = time.perf_counter()
    load_average_at_start = os.getloadavg()
    env = server_env(args, args.static_root)
    log("collectstatic (in the background)")
    collecting = start_collectstatic(env)
    try:
        data_seconds = prepare_data(args)
    finally:
        phase = time.perf_counter()
        collected = collecting.wait(timeout=600)
    if collected != 0:
        raise LoadTestError(f"collectstatic failed (exit {collected})")
    phases = {"data": round(data_seconds, 1), "collectstatic_wait": round(time.perf_counter() - phase, 1)}
    facts = dataset_facts(args)
    if not facts["handles"]:
        raise LoadTestError("the data set has no visible creators")
    with tempfile.TemporaryDirectory(prefix="invloed-load-") as folder:
        workdir = Path(folder)
        handles_file = workdir / "handles.json"
        handles_file.write_text(json.dumps(facts["handles"]))
        server_log = workdir / "gunicorn.log"
        log(f"gunicorn: {args.workers} {args.worker_class} workers on {base_url(args)}")
        phase = time.perf_counter()
        server = start_gunicorn(args, env, server_log)
        phases["gunicorn_start"] = round(time.perf_counter() - phase, 1)
        try:
            phase = time.perf_counter()
            cookie, token = login_and_token(args)
            phases["login_and_token"] = round(time.perf_counter() - phase, 1)
            phase = time.perf_counter()
            sampler = CpuSampler(server, args)
            sampler.start()
            try:
                raw_path = run_locust(args, cookie=cookie, token=token, handles_file=handles_file, workdir=workdir)
            finally:
                cpu_after = sampler.finish()
            cpu_before = sampler.before
            phases["locust"] = round(time.perf_counter() - phase, 1)
        finally:
            stop(server)
        server_errors = tail(server_log)
        raw = json.loads(raw_path.read_text())["requests"]
    totals, endpoints, errors = summarize(raw)
    server_cpu = cpu_used(cpu_before, cpu_after)
    if totals["requests"]:
        # CPU per request is what the machine's noise does not change much: it bounds the capacity
        # of the cores (requests/s <= cores / CPU per request) whatever else is running.
        server_cpu["ms_per_request"] = {
            group: round(1000 * seconds / totals["requests"], 1) for group, seconds in list(server_cpu.items())
        }
    result: dict[str, Any] = {
        "kind": "load",
        "scale": args.scale,
        "seed": args.seed,
        "users": args.users,
        "duration_s": args.duration,
        "spawn_rate": args.spawn_rate,
        "wait_s": [args.wait_min, args.wait_max],
        "server": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "settings": "production (DEBUG off, HTTPS via X-Forwarded-Proto, secure cookies, persistent connections)",
            "api_throttle_user": "1000000/min (off for the measurement)",
            "cache": "per-process memory (no REDIS_CACHE_URL)",
        },
        "dataset": facts["dataset"],
        "phases_s": phases,
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": memory_gb(),
            "postgresql": facts["postgresql"],
            "postgresql_settings": facts["postgresql_settings"],
            "python": platform.python_version(),
            "django": metadata.version("Django"),
            "gunicorn": metadata.version("gunicorn"),
            "locust": metadata.version("locust"),
            "load_average_at_start": load_average_at_start,
            "load_average_at_end": os.getloadavg(),
            "commit": commit(),
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "note": os.environ.get(
                "LOAD_NOTE",
                "the machine is shared with other work, and locust and PostgreSQL share its cores with gunicorn.",
            ),
        },
        "totals": totals,
        "server_cpu_s": server_cpu,
        "endpoints": endpoints,
        "errors": errors,
        "server_log_tail": server_errors[-2000:],
        "passed": totals["requests"] > 0 and totals["failures"] == 0,
        "total_s": round(time.perf_counter() - started, 1),
    }
    if args.output:
        paths = [Path(args.output)]
    else:
        folder = Path(args.results_dir) if args.results_dir else RESULTS_DIR
        paths = [folder / f"load-{args.scale}.json", folder / "load-latest.json"]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=2) + "\n")
    table = markdown_table(result)
    if not args.output and not args.no_docs and args.scale >= SMALLEST_DOCUMENTED_SCALE:
        write_docs(table, Path(args.docs) if args.docs else DOCS)
    log("\n" + table)
    log(f"Results: {', '.join(str(p) for p in paths)}")
    if not result["passed"]:
        log(f"FAILED: {totals['failures']} of {totals['requests']} requests failed")
        if server_errors:
            log(f"gunicorn log:\n{server_errors}")
        return 1
    return 0
