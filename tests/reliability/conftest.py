"""Fixtures that start real processes (Celery workers, private Redis/PostgreSQL, gunicorn) and clean up."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from kombu import pools as kombu_pools

from config.celery import app as invloed_app
from tests.services import redis_url, services_required

from .procs import PG_BIN, Gunicorn, PrivatePostgres, PrivateRedis, Worker, child_env, database_url, free_port

# Ports reserved for these tests (private Redis, private PostgreSQL, gunicorn).
REDIS_PORTS = (6391, 6399)
POSTGRES_PORTS = (54391, 54399)
GUNICORN_PORTS = (18391, 18399)
# The keys Celery's Redis transport keeps for the default queue and for delivered, unacknowledged messages.
BROKER_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


def require_binary(path: str | Path) -> None:
    """A test that starts a private service needs its binary: skip without it, fail under REQUIRE_SERVICES=1."""
    if shutil.which(str(path)):
        return
    reason = f"needs {path} to start a private instance"
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
    pytest.skip(reason)


def clear_broker(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.delete(*BROKER_KEYS)
    finally:
        client.close()


def queued_messages(url: str) -> int:
    client = redis.Redis.from_url(url)
    try:
        return client.llen("celery")
    finally:
        client.close()


def forget_broker_connections(app: Celery) -> None:
    # Producer pools built for another broker URL (or a dead connection) must be rebuilt; Celery has no
    # public reset (same as tests/test_worker_integration.py).
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu_pools.reset()


@pytest.fixture
def point_app_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Make this process publish to the given broker for real (not eager) until the test ends."""
    conf = invloed_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}

    def point(url: str) -> None:
        # Celery reads the CELERY_BROKER_URL environment variable before its own configuration.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        conf.update(broker_url=url, task_always_eager=False)
        forget_broker_connections(invloed_app)
        invloed_app.loader.import_default_modules()

    yield point
    conf.update(saved)
    forget_broker_connections(invloed_app)


@pytest.fixture
def test_broker() -> Iterator[str]:
    """The configured test Redis (CELERY_BROKER_URL: your own db number), emptied before and after."""
    url = redis_url()
    clear_broker(url)
    yield url
    clear_broker(url)


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start `celery -A config worker` against the test database; every worker is stopped at the end."""
    workers: list[Worker] = []

    def start(broker: str, **env: str) -> Worker:
        name = f"reliability{len(workers) + 1}"
        worker = Worker(
            tmp_path / f"{name}.log",
            child_env(DATABASE_URL=database_url(), CELERY_BROKER_URL=broker, **env),
            name,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    require_binary("redis-server")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = PrivateRedis(directory, free_port(*REDIS_PORTS))
    yield server
    server.stop()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    require_binary(PG_BIN / "initdb")
    if not shutil.which("runuser"):
        require_binary("runuser")
    cluster = PrivatePostgres(free_port(*POSTGRES_PORTS))
    yield cluster
    cluster.destroy()


@pytest.fixture
def start_gunicorn(tmp_path: Path) -> Iterator[Callable[..., Gunicorn]]:
    servers: list[Gunicorn] = []

    def start(**env: str) -> Gunicorn:
        server = Gunicorn(tmp_path / f"gunicorn{len(servers) + 1}.log", child_env(**env), free_port(*GUNICORN_PORTS))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
