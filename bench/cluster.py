"""A private PostgreSQL cluster for the benchmark, started with production settings for this machine.

    python -m bench cluster start  --data-dir /srv/pgbench --port 5440   initdb if empty, write the settings, start
    python -m bench cluster status --data-dir /srv/pgbench --port 5440   running or not, and the settings in force
    python -m bench cluster stop   --data-dir /srv/pgbench --port 5440   fast shutdown

A development server (and the machine's shared cluster on port 5432, which runs with autovacuum off and
the default 128 MB of shared_buffers) measures something no production server looks like: the 1M data
set is ~13 GB, so with 128 MB of buffers every discovery count reads from the OS cache and every engine
write evicts what the next query needs. The block below is what a dedicated database server of this
size would be given; its sizes come from the machine's memory (`--memory` overrides it, e.g. to try
the settings on a small share of a shared machine) and cores. Each line says why.

initdb and the server run as the `postgres` user (`runuser -u postgres --` when started as root:
PostgreSQL refuses to run as root). Authentication is `trust` on 127.0.0.1 and the data directory's
socket only — a benchmark cluster, never a production one.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import psycopg

MB = 1024 * 1024
GB = 1024 * MB
BLOCK_START = "# --- invloed bench: production settings (bench/cluster.py) ---"
BLOCK_END = "# --- end of invloed bench settings ---"
SHOWN_SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "max_wal_size",
    "min_wal_size",
    "checkpoint_timeout",
    "random_page_cost",
    "effective_io_concurrency",
    "max_worker_processes",
    "max_parallel_workers",
    "max_parallel_workers_per_gather",
    "max_parallel_maintenance_workers",
    "autovacuum",
    "jit",
)
MAX_CONNECTIONS = 100


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    why: str


def machine_memory() -> int:
    """Physical memory in bytes (MemTotal)."""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("No MemTotal in /proc/meminfo")


def parse_size(text: str) -> int:
    """'24GB', '1536MB' or a number of bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?B?)\s*", text.upper())
    if not match:
        raise ValueError(f"Not a size: {text!r} (use e.g. 2GB or 512MB)")
    unit = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": MB, "MB": MB, "G": GB, "GB": GB, "T": 1024 * GB, "TB": 1024 * GB}
    return int(float(match.group(1)) * unit[match.group(2)])


def _mb(size: float) -> str:
    """A size in whole megabytes, or gigabytes when it is a whole number of them (postgresql.conf units)."""
    megabytes = max(1, int(size // MB))
    return f"{megabytes // 1024}GB" if megabytes % 1024 == 0 else f"{megabytes}MB"


def production_settings(*, memory: int, cpus: int) -> list[Setting]:
    """The settings block for a dedicated server with `memory` bytes of RAM and `cpus` cores (SSD storage)."""
    shared_buffers = memory // 4
    parallel = max(1, (cpus + 1) // 2)
    return [
        Setting(
            "shared_buffers",
            _mb(shared_buffers),
            "25 % of RAM, the usual share for a dedicated server: the hot indexes of discovery and the engine's "
            "working set stay in PostgreSQL's own cache; the rest of RAM is the OS cache",
        ),
        Setting(
            "effective_cache_size",
            _mb(memory * 0.65),
            "~65 % of RAM: what PostgreSQL plus the OS cache can hold; tells the planner index scans are cached",
        ),
        Setting(
            "work_mem",
            _mb(min(256 * MB, max(4 * MB, (memory - shared_buffers) // (MAX_CONNECTIONS * 3)))),
            "per sort or hash node: (RAM - shared_buffers) / (3 x max_connections), so counts, sorts and hash "
            "joins of a search stay in memory without a burst of connections exhausting RAM (the engine sets "
            "its own, ENGINE_PG_WORK_MEM)",
        ),
        Setting(
            "maintenance_work_mem",
            _mb(min(2 * GB, max(64 * MB, memory // 16))),
            "RAM / 16, at most 2 GB: index builds (the loader rebuilds every index), VACUUM and foreign-key checks",
        ),
        Setting(
            "max_wal_size",
            "16GB",
            "checkpoints by time, not by WAL volume: with the default 1 GB a bulk load or a full metric "
            "recompute forced a checkpoint every few seconds and the backends wrote dirty pages themselves",
        ),
        Setting("min_wal_size", "2GB", "keeps WAL segments for reuse instead of recreating them after each burst"),
        Setting("checkpoint_timeout", "30min", "with max_wal_size: fewer, spread-out checkpoints"),
        Setting("checkpoint_completion_target", "0.9", "spread checkpoint writes over the interval"),
        Setting("wal_compression", "on", "full-page images after a checkpoint are smaller: less WAL to write"),
        Setting(
            "random_page_cost",
            "1.1",
            "SSD storage and a mostly cached data set: a random page costs about as much as a sequential one, "
            "so the planner uses the discovery indexes (the default 4 assumes spinning disks)",
        ),
        Setting("effective_io_concurrency", "200", "SSD: bitmap heap scans prefetch many pages at once"),
        Setting(
            "max_worker_processes",
            str(cpus + 2),
            "cores + 2 background workers (parallel query and maintenance, autovacuum has its own)",
        ),
        Setting("max_parallel_workers", str(cpus), "never more parallel workers than cores"),
        Setting(
            "max_parallel_workers_per_gather",
            str(parallel),
            "half the cores per query (leader + workers = cores): the full recompute's scan uses both cores on "
            "2 cores, while a second query still gets one",
        ),
        Setting("max_parallel_maintenance_workers", str(parallel), "parallel index builds, as for queries"),
        Setting(
            "autovacuum",
            "on",
            "as in production: keeps statistics fresh and the visibility map set, which discovery's index-only "
            "scans need (migration influencers/0008 lowers the creator table's threshold to 1 %)",
        ),
        Setting("autovacuum_vacuum_cost_limit", "2000", "lets autovacuum keep up with the engine's rewrites"),
        Setting(
            "jit",
            "off",
            "short OLTP queries paid ~100 ms compiling at 1M (the app turns it off per connection too: DB_JIT)",
        ),
    ]


def settings_block(*, memory: int, cpus: int, port: int, data_dir: Path) -> str:
    lines = [
        BLOCK_START,
        f"# Sized for {memory / GB:.1f} GB of RAM and {cpus} cores. Rewritten by `python -m bench cluster start`.",
        f"port = {port}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{data_dir}'",
        f"max_connections = {MAX_CONNECTIONS}",
    ]
    for setting in production_settings(memory=memory, cpus=cpus):
        lines += textwrap.wrap(setting.why, width=100, initial_indent="# ", subsequent_indent="# ")
        lines.append(f"{setting.name} = {setting.value}")
    lines.append(BLOCK_END)
    return "\n".join(lines) + "\n"


def write_settings(conf: Path, block: str) -> None:
    """Append the block to postgresql.conf, or replace the one an earlier start wrote (later lines win)."""
    text = conf.read_text()
    pattern = re.compile(re.escape(BLOCK_START) + r".*?" + re.escape(BLOCK_END) + r"\n?", re.S)
    text = pattern.sub("", text).rstrip("\n") + "\n\n" + block
    conf.write_text(text)


def binary(name: str) -> str:
    """pg_ctl / initdb: from PATH, else the newest /usr/lib/postgresql/*/bin (Debian keeps them there)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(path.split("/")[4]))
    if not candidates:
        raise RuntimeError(f"{name} not found: install the PostgreSQL server package")
    return candidates[-1]


def as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL will not run as root: run it as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _owner_is_postgres(path: Path) -> None:
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam("postgres")
    os.chown(path, user.pw_uid, user.pw_gid)


def initialised(data_dir: Path) -> bool:
    return (data_dir / "PG_VERSION").exists()


def init(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _owner_is_postgres(data_dir)
    subprocess.run(
        as_postgres(
            [binary("initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def running(data_dir: Path) -> bool:
    if not initialised(data_dir):
        return False
    result = subprocess.run(as_postgres([binary("pg_ctl"), "-D", str(data_dir), "status"]), capture_output=True)
    return result.returncode == 0


def database_url(port: int, name: str = "invloed_bench") -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{name}"


def start(*, data_dir: Path, port: int, memory: int | None = None, cpus: int | None = None) -> str:
    """initdb when the directory is empty, (re)write the settings block, start; returns the bench database URL."""
    data_dir = data_dir.resolve()
    if not initialised(data_dir):
        print(f"initdb {data_dir}")
        init(data_dir)
    if running(data_dir):
        print(f"Already running: {data_dir} (settings unchanged; stop and start to apply new ones)")
        return database_url(port)
    block = settings_block(
        memory=memory or machine_memory(), cpus=cpus or os.cpu_count() or 1, port=port, data_dir=data_dir
    )
    write_settings(data_dir / "postgresql.conf", block)
    log = data_dir / "server.log"
    subprocess.run(
        as_postgres([binary("pg_ctl"), "-D", str(data_dir), "-l", str(log), "-w", "-t", "120", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"Started PostgreSQL on 127.0.0.1:{port} (data {data_dir}, log {log})")
    return database_url(port)


def stop(*, data_dir: Path) -> None:
    data_dir = data_dir.resolve()
    if not running(data_dir):
        print(f"Not running: {data_dir}")
        return
    subprocess.run(
        as_postgres([binary("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"Stopped {data_dir}")


def server_settings(port: int) -> dict[str, str]:
    with psycopg.connect(database_url(port, "postgres"), connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)", [list(SHOWN_SETTINGS)]
        ).fetchall()
    found = dict(rows)
    return {name: found[name] for name in SHOWN_SETTINGS if name in found}


def status(*, data_dir: Path, port: int) -> bool:
    data_dir = data_dir.resolve()
    if not running(data_dir):
        print(f"Not running: {data_dir}" + ("" if initialised(data_dir) else " (no cluster there yet)"))
        return False
    print(f"Running: {data_dir} on 127.0.0.1:{port} — {database_url(port)}")
    for name, value in server_settings(port).items():
        print(f"  {name} = {value}")
    return True
