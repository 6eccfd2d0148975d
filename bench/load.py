"""Bulk loading into the real Django tables: one transaction of binary COPY FREEZE, then indexes.

Why this shape:
- Secondary indexes, unique constraints and foreign keys are dropped inside the load transaction and
  rebuilt afterwards (two connections in parallel): building an index from sorted data is many times
  cheaper than maintaining it row by row, and re-adding a foreign key validates it in one join
  instead of one trigger call per row. Primary keys and CHECK constraints stay, so every row is
  still checked as it arrives.
- The tables are truncated in the same transaction, which allows COPY ... FREEZE: rows are written
  frozen and all-visible, so the first read does not rewrite every page to set hint bits, and
  index-only scans work without waiting for a VACUUM.
- The DDL to rebuild is stored in bench_meta in the same transaction; if the rebuild is interrupted,
  the next run finishes it first.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

import psycopg
from django.db import models

from .pgcopy import HEADER, TRAILER, Column, encode_rows

Rows = dict[str, object]

META_DDL = "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)"


def column_types(conn: psycopg.Connection, table: str) -> dict[str, str]:
    rows = conn.execute(
        """SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped""",
        [table],
    ).fetchall()
    return dict(rows)


def encode(rows: Rows, types: dict[str, str]) -> bytes:
    """Rows (column -> values or (values, null)) as binary COPY rows, in the order of `rows`."""
    columns = []
    for name, value in rows.items():
        values, null = value if isinstance(value, tuple) else (value, None)
        columns.append(Column(types[name], values, null))
    return encode_rows(columns)


def copy_sql(table: str, columns: Iterable[str], *, freeze: bool) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'COPY "{table}" ({names}) FROM STDIN (FORMAT binary{", FREEZE" if freeze else ""})'


def copy_stream(
    conn: psycopg.Connection, table: str, columns: list[str], chunks: Iterable[bytes], *, freeze: bool
) -> None:
    with conn.cursor().copy(copy_sql(table, columns, freeze=freeze)) as copy:
        copy.write(HEADER)
        for chunk in chunks:
            copy.write(chunk)
        copy.write(TRAILER)


def secondary_ddl(conn: psycopg.Connection, tables: list[str]) -> list[dict[str, str]]:
    """Drop and re-create statements for the foreign keys, unique constraints and plain indexes."""
    statements: list[dict[str, str]] = []
    constraints = conn.execute(
        """SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid),
                  EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
                          AND NOT f.conrelid = ANY(%s::regclass[]))
           FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')""",
        [tables, tables],
    ).fetchall()
    for table, name, kind, definition, referenced_from_outside in constraints:
        if kind == "u" and referenced_from_outside:
            continue
        statements.append(
            {
                "table": table,
                "kind": "foreign_key" if kind == "f" else "unique",
                "drop": f'ALTER TABLE {table} DROP CONSTRAINT "{name}"',
                "create": f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}',
            }
        )
    indexes = conn.execute(
        """SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
           FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                           WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)""",
        [tables],
    ).fetchall()
    for table, index, definition in indexes:
        statements.append({"table": table, "kind": "index", "drop": f"DROP INDEX {index}", "create": definition})
    # Foreign keys go first when dropping, last when creating (they need the unique indexes).
    statements.sort(key=lambda s: s["kind"] != "foreign_key")
    return statements


def temporary_defaults(
    conn: psycopg.Connection, model: type[models.Model], copied: set[str], anchor_sql: str
) -> list[str]:
    """Give NOT NULL columns that the load does not fill their model default for the duration of the load.

    Returns the statements that remove them again. This keeps the loader working when another
    change adds a field with a Python-side default.
    """
    from django.db import connection as django_connection

    table = model._meta.db_table
    has_default = {
        name
        for (name,) in conn.execute(
            "SELECT a.attname FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s::regclass",
            [table],
        ).fetchall()
    }
    undo = []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in copied or field.null or column in has_default or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            literal = anchor_sql
        else:
            value = field.get_db_prep_save(field.get_default(), connection=django_connection)
            if hasattr(value, "obj"):  # psycopg Jsonb wrapper from JSONField
                value = json.dumps(value.obj)
            literal = psycopg.sql.Literal(value).as_string(conn)
        conn.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET DEFAULT {literal}')
        undo.append(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" DROP DEFAULT')
    return undo


def run_parallel(dsn: str, statements: list[str], *, workers: int = 2, setup: tuple[str, ...] = ()) -> dict[str, float]:
    """Run independent statements on `workers` autocommit connections; returns seconds per statement."""
    timings: dict[str, float] = {}

    def run(statement: str) -> None:
        for attempt in range(3):
            try:
                with psycopg.connect(dsn, autocommit=True) as conn:
                    for line in setup:
                        conn.execute(line)
                    started = time.perf_counter()
                    conn.execute(statement)
                    timings[statement] = time.perf_counter() - started
                    return
            except (psycopg.errors.DuplicateTable, psycopg.errors.DuplicateObject):
                # Already rebuilt by an earlier, interrupted run.
                timings[statement] = 0.0
                return
            except psycopg.errors.DeadlockDetected:
                if attempt == 2:
                    raise

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, statements))
    return timings


def finish_pending_ddl(conn: psycopg.Connection, dsn: str, workers: int, log: Callable[[str], None]) -> float:
    """Re-create the indexes and constraints a load dropped (also finishes an interrupted earlier load)."""
    conn.execute(META_DDL)
    row = conn.execute("SELECT value FROM bench_meta WHERE key = 'pending_ddl'").fetchone()
    if not row or not row[0]:
        return 0.0
    pending = row[0]
    started = time.perf_counter()
    setup = ("SET maintenance_work_mem = '1GB'",)
    sizes = dict(
        conn.execute(
            "SELECT c.oid::regclass::text, c.relpages FROM pg_class c WHERE c.oid = ANY(%s::regclass[])",
            [sorted({s["table"] for s in pending})],
        ).fetchall()
    )
    # Unique constraints and indexes first (foreign keys lean on them); biggest tables first so
    # the two connections finish at about the same time.
    for label, kinds in (("indexes and unique constraints", ("unique", "index")), ("foreign keys", ("foreign_key",))):
        batch = sorted((s for s in pending if s["kind"] in kinds), key=lambda s: -sizes.get(s["table"], 0))
        if batch:
            log(f"  rebuilding {len(batch)} {label}")
            run_parallel(dsn, [s["create"] for s in batch], workers=workers, setup=setup)
    conn.execute("DELETE FROM bench_meta WHERE key = 'pending_ddl'")
    conn.commit()
    return time.perf_counter() - started
