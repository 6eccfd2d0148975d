"""The benchmark's own PostgreSQL database: name checks, drop/create, migrate, connection string."""

from __future__ import annotations

from urllib.parse import urlparse

import psycopg
from psycopg import sql

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/invloed_bench"


class UnsafeDatabase(Exception):
    """The target database does not look like a throw-away benchmark or test database."""


def database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def check_disposable(url: str) -> None:
    """The generator truncates every table it loads: refuse anything not named like a bench/test database."""
    name = database_name(url)
    if "bench" not in name and not name.startswith("test"):
        raise UnsafeDatabase(
            f"Refusing to load benchmark data into {name!r}: its tables are truncated first. "
            "Use a database whose name contains 'bench' (default: invloed_bench)."
        )


def maintenance_url(url: str) -> str:
    return urlparse(url)._replace(path="/postgres").geturl()


def recreate(url: str) -> None:
    """Drop (closing leftover sessions) and create the database named in `url`."""
    check_disposable(url)
    name = database_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def exists(url: str) -> bool:
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]).fetchone()
    return row is not None


def django_dsn() -> str:
    """A libpq connection string for Django's default database (what the loader and timers use)."""
    from django.db import connection

    params = connection.get_connection_params()
    keys = ("host", "port", "dbname", "user", "password")
    return " ".join(f"{key}={params[key]}" for key in keys if params.get(key) not in (None, ""))
