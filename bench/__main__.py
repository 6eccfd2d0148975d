"""Command line of the scale benchmark (independent of manage.py so it can own its database).

    python -m bench all --scale 100000       drop + create + migrate invloed_bench, generate, time
    python -m bench load --scale 100000      drop + create + migrate invloed_bench and generate (no timing)
    python -m bench generate --scale 100000  load data into an existing, migrated bench database
    python -m bench engine                   run the engine once over the loaded data set
    python -m bench run --scale 100000       time the already loaded data set
    python -m bench run --scale 100000 --only import   time only the metric import
    python -m bench run --scale 100000 --only lookalikes   time only the similar-creators requests
    python -m bench run --scale 100000 --only workload     time only the realistic search mix (240 searches)
    python -m bench run --scale 100000 --only overlap      time only overlap (10 creators), unique reach (50)
    python -m bench report --scale 100000    rewrite the docs table from bench/results/scale-N.json
    python -m bench.render_cpu               CPU per discovery request (page, table, htmx, API) on 3,000
                                             creators in invloed_render_bench (bench/render_cpu.py)
    python -m bench cluster start|stop|status --data-dir DIR --port 5440
                                             a private PostgreSQL with production settings (bench/cluster.py)
    python -m bench all --cluster DIR --cluster-port 5440 --scale 100000
                                             start that cluster if needed and benchmark on it

`make bench SCALE=…` runs `all` (`make bench BENCH_CLUSTER=DIR` on the private cluster). The database comes
from --database-url (default postgres://postgres@127.0.0.1:5432/invloed_bench) or, with --cluster, the
same database name on the private cluster — never from DATABASE_URL, so a benchmark cannot truncate a
development or production database by accident.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from .database import DEFAULT_URL, check_disposable, recreate


def _setup_django(database_url: str) -> None:
    """Production settings (DEBUG off, every production default), pointed at the bench database.

    Only what a laptop cannot provide is filled in: a throw-away secret key, the test client's host
    name and a static root of its own (collected before timing, see run.py). Requests are made as
    HTTPS, so the security middleware behaves as behind a TLS proxy.
    """
    os.environ["DATABASE_URL"] = database_url
    # Work the app enqueues (e.g. the recompute after an import) goes to the bench's own Redis
    # database and is not run in-process: the harness times each engine step on its own.
    os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_CELERY_BROKER_URL", "redis://127.0.0.1:6379/7")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    # One brand user sends every API request of the run (the search mix alone ~2,000 in a few minutes):
    # the per-user rate limit would answer 429 and stop it, as in the load test. Throttling is tested in tests/api.
    os.environ["API_THROTTLE_USER"] = "1000000/min"
    os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "invloed-bench-static"))
    import django

    django.setup()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["all", "load", "generate", "engine", "run", "report", "cluster"])
    parser.add_argument("action", nargs="?", choices=["start", "stop", "status"], help="cluster: what to do")
    parser.add_argument(
        "--scale", type=int, default=int(os.environ.get("SCALE", 100_000)), help="number of influencers"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=None, help="generator processes (default: min(2, cores))")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="all: keep the existing database when it already holds this scale and seed (skips the load)",
    )
    parser.add_argument(
        "--no-engine", action="store_true", help="generate: skip the engine run (derived fields stay empty)"
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed repetitions per measurement")
    parser.add_argument("--output", default=None, help="write only this results JSON (no per-scale file, no docs)")
    parser.add_argument("--results-dir", default=None, help="where latest.json and scale-N.json go (bench/results)")
    parser.add_argument("--docs", default=None, help="the Markdown file with the bench section (docs/benchmarks.md)")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the bench section of the docs")
    parser.add_argument(
        "--only",
        choices=["import", "lookalikes", "workload", "overlap"],
        help="run: time only this group (results go to --output or bench/results/latest.json; no docs)",
    )
    parser.add_argument(
        "--cluster",
        metavar="DIR",
        default=os.environ.get("BENCH_CLUSTER") or None,
        help="run on the private cluster in DIR (started, with initdb if empty, when not running; BENCH_CLUSTER)",
    )
    parser.add_argument("--cluster-port", type=int, default=int(os.environ.get("BENCH_CLUSTER_PORT") or 5440))
    parser.add_argument("--data-dir", help="cluster: the data directory (default: --cluster)")
    parser.add_argument("--port", type=int, help="cluster: the port (default: --cluster-port)")
    parser.add_argument("--memory", help="cluster start: size the settings for this much RAM (default: the machine's)")
    args = parser.parse_args(argv)
    if args.command == "cluster":
        return _cluster(parser, args)
    if args.cluster and args.command != "report":
        from . import cluster

        memory = cluster.parse_size(args.memory) if args.memory else None
        url = cluster.start(data_dir=Path(args.cluster), port=args.cluster_port, memory=memory)
        args.database_url = url.rsplit("/", 1)[0] + "/" + args.database_url.rsplit("/", 1)[-1]
    check_disposable(args.database_url)
    started = time.perf_counter()

    fresh = args.command in ("all", "load")
    if fresh and not (args.reuse and _reusable(args)):
        print(f"Recreating {args.database_url.rsplit('/', 1)[-1]} and migrating")
        recreate(args.database_url)
        _setup_django(args.database_url)
        _migrate()
    else:
        _setup_django(args.database_url)
        if fresh:
            _migrate()
    if args.command in ("all", "load", "generate") and not (args.reuse and _reusable(args)):
        from .generate import generate

        generate(scale=args.scale, seed=args.seed, workers=args.workers, engine=not args.no_engine)
    if args.command == "report":
        from .report import RESULTS_DIR, judge, markdown_table, measurements_from_json, write_docs

        folder = Path(args.results_dir) if args.results_dir else RESULTS_DIR
        scale, measurements, meta = measurements_from_json(folder / f"scale-{args.scale}.json")
        for measurement in measurements:
            judge(measurement)
        write_docs(
            scale=scale,
            table=markdown_table(scale=scale, measurements=measurements, meta=meta),
            path=Path(args.docs) if args.docs else None,
        )
    if args.command == "engine":
        from .database import django_dsn
        from .generate import engine_pass

        engine_pass(django_dsn())
    if args.command in ("all", "run"):
        from .run import run

        run(
            scale=args.scale,
            repeat=args.repeat,
            output=args.output,
            results_dir=args.results_dir,
            docs=args.docs,
            write_docs=not args.no_docs and not args.output and not args.only,
            only=args.only,
        )
    print(f"Done in {time.perf_counter() - started:.0f} s")
    return 0


def _cluster(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from . import cluster

    data_dir = args.data_dir or args.cluster
    if not args.action or not data_dir:
        parser.error("cluster needs an action (start, stop, status) and --data-dir (or BENCH_CLUSTER)")
    port = args.port or args.cluster_port
    if args.action == "start":
        memory = cluster.parse_size(args.memory) if args.memory else None
        print(cluster.start(data_dir=Path(data_dir), port=port, memory=memory))
        return 0
    if args.action == "stop":
        cluster.stop(data_dir=Path(data_dir))
        return 0
    return 0 if cluster.status(data_dir=Path(data_dir), port=port) else 1


def _reusable(args: argparse.Namespace) -> bool:
    """True when the bench database already holds a complete data set of this scale and seed."""
    import psycopg

    from .database import exists

    if not exists(args.database_url):
        return False
    try:
        with psycopg.connect(args.database_url) as conn:
            row = conn.execute("SELECT value FROM bench_meta WHERE key = 'dataset'").fetchone()
            pending = conn.execute("SELECT 1 FROM bench_meta WHERE key = 'pending_ddl'").fetchone()
    except psycopg.Error:
        return False
    return bool(row and not pending and row[0].get("scale") == args.scale and row[0].get("seed") == args.seed)


if __name__ == "__main__":
    sys.exit(main())
