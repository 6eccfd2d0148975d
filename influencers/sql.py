"""The few spots where PostgreSQL and SQLite spell the same SQL differently.

The engine's set-based statements are written once in portable SQL and ask this module for the
dialect-specific pieces: null-safe comparison, "id in this array", day differences, JSON casts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper


class Dialect:
    def __init__(self, conn: BaseDatabaseWrapper | None = None) -> None:
        self.conn = conn or connection
        self.postgres = self.conn.vendor == "postgresql"

    @property
    def distinct(self) -> str:
        """Null-safe "differs": NULL vs 1 differs, NULL vs NULL does not."""
        return "IS DISTINCT FROM" if self.postgres else "IS NOT"

    def in_ids(self, column: str, name: str) -> str:
        """`column` is one of the ids passed as the array parameter `name` (see ids_param)."""
        if self.postgres:
            # Typed as BIGINT[] like the id columns: psycopg sends small ids as an integer[], and
            # bigint = ANY(integer[]) cannot use a hash table, so every row was compared with every id
            # (0.6 s per 20,000-influencer chunk at a million; docs/benchmarks.md).
            return f"{column} = ANY(CAST(%({name})s AS BIGINT[]))"
        return f"{column} IN (SELECT value FROM json_each(%({name})s))"  # noqa: S608 - a column name and a placeholder

    def ids_param(self, ids: Iterable[int]) -> list[int] | str:
        ids = sorted({int(i) for i in ids})
        return ids if self.postgres else json.dumps(ids)

    def days_between(self, later: str, earlier: str) -> str:
        if self.postgres:
            return f"({later} - {earlier})"
        return f"(julianday({later}) - julianday({earlier}))"

    def round(self, expression: str, digits: int) -> str:
        """Round a float; PostgreSQL only rounds numerics, so cast there and back."""
        if self.postgres:
            return f"CAST(ROUND(CAST({expression} AS NUMERIC), {digits}) AS DOUBLE PRECISION)"
        return f"ROUND({expression}, {digits})"

    def json_param(self, name: str) -> str:
        return f"CAST(%({name})s AS jsonb)" if self.postgres else f"%({name})s"

    @property
    def json_type(self) -> str:
        return "jsonb" if self.postgres else "TEXT"

    def datetime_param(self, value: dt.datetime) -> dt.datetime | str | None:
        return self.conn.ops.adapt_datetimefield_value(value)

    def date_param(self, value: dt.date) -> dt.date | str | None:
        return self.conn.ops.adapt_datefield_value(value)


def as_date(value: object) -> dt.date:
    """SQLite hands back computed date columns as text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_utc_datetime(value: object) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)  # noqa: S101 - a date column always yields a datetime here
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
