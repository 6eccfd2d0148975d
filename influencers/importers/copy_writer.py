# ruff: noqa: S608 - SQL is assembled from constants and dialect pieces; values go in as parameters.
"""The PostgreSQL writer: posts and snapshots stream with COPY into a temporary table, then are checked
and upserted with a few set-based statements (INSERT … ON CONFLICT DO UPDATE … WHERE changed)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack

from django.db import ProgrammingError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import Copy

from .errors import MAX_ERRORS
from .validation import (
    COLUMNS,
    FORMATS,
    FUTURE_TOLERANCE,
    MAX_COUNT,
    PLATFORMS,
    validate,
)
from .writer_base import (
    CARDINALITY_VIOLATION,
    ONE_DAY,
    POST_FIELDS,
    ImportWriter,
    _no_account,
    _same_as,
)

# --- the CSV fast path on PostgreSQL -------------------------------------------------------------------
# A row whose every cell has the plainest spelling (checked in Python by one regular expression per
# file: ISO timestamps, lower-case names and handles, ASCII digits, printable ASCII ids) is copied as it
# is into the typed staging table: PostgreSQL's own input functions (timestamptz, bigint, boolean) read
# those spellings exactly as the Python parser does. Every other row is validated in Python first and
# copied typed. The checks a pattern cannot make run on the typed rows in SQL ("not in the future"
# against a limit taken before reading, the 10^12 count limit); the rows they catch go back through the
# Python validator, which words the message. One set of messages, one set of results.

_DAY = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_MOMENT = _DAY + "[T ]" + _TIME + "(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?"
_COUNT = "(?:[0-9]{1,13})?"
_FLAG = "(?i:|[01]|true|false|yes|no|y|n|t|f)"  # with re.ASCII: no Kelvin sign for a k
_HANDLE = r"[!-?\[-~][!-@\[-~]{0,99}"  # stored as is: no upper case, no leading @
_PLATFORM = f"(?:{'|'.join(sorted(PLATFORMS))})"
CELL_SHAPES = {
    "posts": {
        "platform": _PLATFORM,
        "account": _HANDLE,
        "external_id": "[!-~]{1,100}",
        "posted_at": _MOMENT,
        "format": f"(?:|{'|'.join(sorted(FORMATS))})",
        "caption": "[^\x00\x1f]{0,5000}",
        "url": "(?:https?://[!-~]{0,492})?",
        **dict.fromkeys(("likes", "comments", "shares", "views", "saves"), _COUNT),
        **dict.fromkeys(("is_sponsored", "has_ad_disclosure"), _FLAG),
    },
    "snapshots": {"platform": _PLATFORM, "account": _HANDLE, "date": _DAY, "followers": "[0-9]{1,13}"},
}
# Cells the fast path leaves empty (NULL) get the documented default when they are written.
STAGED_VALUE = {
    "format": "COALESCE(t.format, 'image')",
    "caption": "COALESCE(t.caption, '')",
    "url": "COALESCE(t.url, '')",
    "is_sponsored": "COALESCE(t.is_sponsored, false)",
    "has_ad_disclosure": "COALESCE(t.has_ad_disclosure, false)",
}
# A staged row's label: the JSON path stores it, the CSV fast path only the number.
LABEL = "COALESCE(t.row_label, replace(%(label)s, '%%d', t.row_no::text))"
SEPARATOR = "\x1f"  # joins a row's cells for the shape check; no shape lets it through
# The staging column each CSV column is copied into.
STAGED_AS = {"account": "handle"}
# Checked in SQL on the typed rows: what a pattern cannot tell.
LIMITS = {
    "posts": " OR ".join(
        ["t.posted_at > %(moment_limit)s"]
        + [f"t.{c} > {MAX_COUNT}" for c in ("likes", "comments", "shares", "views", "saves")]
    ),
    "snapshots": f"t.date > %(day_limit)s OR t.followers > {MAX_COUNT}",
}


def row_shape(kind: str, header: list[str]) -> re.Pattern:
    """One pattern for a whole row of this file (cells in header order)."""
    return re.compile(SEPARATOR.join(CELL_SHAPES[kind][column] for column in header), re.ASCII)


REQUIRED = {
    "posts": {"platform", "account", "external_id", "posted_at"},
    "snapshots": {"platform", "account", "date", "followers"},
}


def _never(_text: str) -> None:
    return None


def _real_day(cell: str) -> bool:
    """A shaped YYYY-MM-DD… cell names a day of its month (the pattern allows up to 31 in any month)."""
    if cell[8:10] <= "28":
        return True
    try:
        dt.date.fromisoformat(cell[:10])
    except ValueError:
        return False
    return True


def _typed_cell(value: object) -> object:
    """A validated value as PostgreSQL's CSV COPY reads it back identically ("" = NULL)."""
    if value is None:
        return ""
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class CopyWriter(ImportWriter):
    """PostgreSQL: COPY into temporary tables, then check and upsert set-based.

    A CSV file of posts or snapshots takes the fast path (stage_csv): its cells are copied as text and
    checked and converted in SQL; only rows SQL does not accept as plainly valid go through the Python
    validator (for their exact messages, or to accept an unusual spelling). Everything else (JSON, JSON
    Lines, audiences) is validated in Python and the typed rows are streamed with COPY.
    """

    STAGING = {
        "posts": (
            "import_posts",
            "row_no bigint, row_label text, platform text, handle text, external_id text, posted_at timestamptz, "
            "format text, caption text, url text, likes bigint, comments bigint, shares bigint, views bigint, "
            "saves bigint, is_sponsored boolean, has_ad_disclosure boolean, posted_at_text text",
            ("row_no", "row_label", "platform", "handle", *POST_FIELDS),
        ),
        "snapshots": (
            "import_snapshots",
            "row_no bigint, row_label text, platform text, handle text, date date, followers bigint",
            ("row_no", "row_label", "platform", "handle", "date", "followers"),
        ),
    }

    def __init__(self) -> None:
        super().__init__()
        self._created: set[str] = set()
        self._label_format = _("row %d")
        # One COPY stays open while records of one kind arrive: PostgreSQL ingests the stream while
        # Python parses the next rows (two processes, two cores).
        self._cursor = connection.cursor()
        self._copying: tuple[str, ExitStack, Copy] | None = None
        # For this transaction only: the upsert sorts a file's rows in key order in memory, not on disk.
        self._cursor.execute("SET LOCAL work_mem = '64MB'")

    def _add_counts(self, kind: str, label: str, values: tuple) -> None:
        if self._copying is None or self._copying[0] != kind:
            self._pause()
            copy = self._start_copy(kind)
        else:
            copy = self._copying[2]
        # Staged even after an error: the checks below then report every unknown account at once.
        copy.write_row((self.row_no, label, *values))

    def _create(self, kind: str) -> None:
        table, columns, _names = self.STAGING[kind]
        if kind not in self._created:
            self._cursor.execute(f"DROP TABLE IF EXISTS {table}")
            self._cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
            self._created.add(kind)

    def _start_copy(self, kind: str) -> Copy:
        self._create(kind)
        table, _columns, names = self.STAGING[kind]
        stack = ExitStack()
        copy = stack.enter_context(self._cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN"))
        self._copying = (kind, stack, copy)
        return copy

    def _pause(self) -> None:
        """End the open COPY, so the connection can run other statements."""
        if self._copying is not None:
            _kind, stack, _copy = self._copying
            self._copying = None
            stack.close()

    def close(self) -> None:
        # On an exception the open COPY is ended too (psycopg then aborts it).
        self._pause()
        self._cursor.close()

    # --- the CSV fast path --------------------------------------------------------------------------

    def stage_csv(
        self,
        kind: str,
        header: list[str],
        rows: Iterator[tuple[int, list[str]]],
        *,
        label_format: str,
        too_long: Callable[[int], str],
    ) -> None:
        """Copy a CSV file's rows into the typed staging table; Python validates only unusual rows.

        `rows` yields (record number, cells) of the non-blank rows, read by the same csv reader as the
        Python path, so both see the same records. Same outcome as validate() + add() for every row.
        """
        self._pause()
        self._create(kind)
        self._label_format = label_format
        table = self.STAGING[kind][0]
        width = len(header)
        shaped: Callable[[str], object] = row_shape(kind, header).fullmatch
        day_column = "posted_at" if kind == "posts" else "date"
        day_at = header.index(day_column) if day_column in header else None
        moment_at = day_at if kind == "posts" else None
        if not REQUIRED[kind] <= set(header):  # every row fails in Python, with its message
            shaped = _never
        columns = COLUMNS[kind]
        # Limits taken before any row is read: the Python validator, running later, is never stricter.
        limits = {"moment_limit": timezone.now() + FUTURE_TOLERANCE, "day_limit": timezone.localdate() + ONE_DAY}
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        read = 0
        target = ", ".join(STAGED_AS.get(column, column) for column in header)
        extra = ", posted_at_text" if moment_at is not None else ""
        self._cursor.execute("SET LOCAL timezone = 'UTC'")  # a time without a zone is UTC, as in Python
        with self._cursor.cursor.copy(f"COPY {table} (row_no, {target}{extra}) FROM STDIN (FORMAT csv)") as copy:
            for number, row in rows:
                read += 1
                if len(row) != width:
                    if len(row) > width:
                        self.reject(label_format % number, [too_long(len(row))], number)
                        if self.full:
                            break
                        continue
                    row = [*row, *[""] * (width - len(row))]
                cells: Sequence[object]
                if shaped(SEPARATOR.join(row)) and (day_at is None or _real_day(row[day_at])):
                    cells = row
                else:
                    values, messages = validate(kind, dict(zip(header, row, strict=True)))
                    if messages or values is None:  # values is None exactly when there are messages
                        self.reject(label_format % number, messages, number)
                        if self.full:
                            break
                        continue
                    typed = dict(zip(columns, values, strict=True))
                    cells = [_typed_cell(typed[column]) for column in header]
                if moment_at is None:
                    out.writerow((number, *cells))
                else:
                    out.writerow((number, *cells, row[moment_at]))
                if buffer.tell() >= 1 << 17:
                    copy.write(buffer.getvalue())
                    buffer.seek(0)
                    buffer.truncate()
            copy.write(buffer.getvalue())
        self.rows[kind] += read
        self.written[kind] += 0
        # What the patterns cannot check, on the typed rows; the Python validator words the problems.
        raw = ", ".join(
            {"account": "t.handle", "posted_at": "t.posted_at_text"}.get(column, f"t.{column}") for column in header
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.row_no, {raw} FROM {table} t WHERE t.row_label IS NULL AND ({LIMITS[kind]}) "
                f"ORDER BY t.row_no LIMIT {MAX_ERRORS + 1}",
                limits,
            )
            caught = cursor.fetchall()
        for number, *cells in caught:
            raw_row = {column: "" if value is None else str(value) for column, value in zip(header, cells, strict=True)}
            if kind == "posts":
                for flag in ("is_sponsored", "has_ad_disclosure"):
                    if flag in raw_row:
                        raw_row[flag] = {"True": "true", "False": "false"}.get(raw_row[flag], "")
            _values, messages = validate(kind, raw_row)
            if messages:
                self.reject(label_format % number, messages, number)

    # --- checks and upserts -------------------------------------------------------------------------

    def _finish_counts(self) -> None:
        self._pause()
        try:
            for kind in ("posts", "snapshots"):
                if kind in self._created:
                    self._check_and_upsert(kind)
        finally:
            with connection.cursor() as cursor:
                for kind in self._created:
                    cursor.execute(f"DROP TABLE IF EXISTS {self.STAGING[kind][0]}")

    def _check_and_upsert(self, kind: str) -> None:
        table = self.STAGING[kind][0]
        join = "JOIN influencers_socialaccount a ON a.platform = t.platform AND a.handle = t.handle"
        with connection.cursor() as cursor:
            # Unknown accounts, checked on the distinct (platform, handle) pairs: a file names few
            # accounts many times. Only a failing file pays for finding the rows.
            cursor.execute(
                f"""
                SELECT t.row_no, {LABEL}, t.platform, t.handle FROM {table} t
                WHERE (t.platform, t.handle) IN (
                    SELECT u.platform, u.handle FROM (SELECT DISTINCT platform, handle FROM {table}) AS u
                    LEFT JOIN influencers_socialaccount a ON a.platform = u.platform AND a.handle = u.handle
                    WHERE a.id IS NULL
                )
                ORDER BY t.row_no LIMIT {MAX_ERRORS + 1}
                """,
                {"label": self._label_format},
            )
            for row_no, label, platform, handle in cursor.fetchall():
                self.reject(label, [_no_account(platform, handle)], row_no)
            if self.errors:
                self._report_duplicates(cursor, kind)
                return
            try:
                # A savepoint: a file that names one record twice makes the upsert fail ("cannot
                # affect row a second time"); only then is the slower duplicate report run.
                with transaction.atomic():
                    cursor.execute(
                        f"WITH up AS ({self._upsert_sql(kind, table, join)}) "
                        "SELECT account_id, COUNT(*) FROM up GROUP BY account_id",
                        {"now": timezone.now()},
                    )
                    written = cursor.fetchall()
            except ProgrammingError as exc:
                if getattr(exc.__cause__, "sqlstate", None) != CARDINALITY_VIOLATION:
                    raise
                self._report_duplicates(cursor, kind)
                return
            for account_id, count in written:
                self.changed_accounts.add(account_id)
                if kind == "snapshots":
                    self.changed_snapshot_accounts.add(account_id)
                self.written[kind] += count

    @staticmethod
    def _upsert_sql(kind: str, table: str, join: str) -> str:
        # Rows go in key order: neighbouring index entries, fewer page touches.
        if kind == "posts":
            fields = ", ".join(POST_FIELDS)
            updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in POST_FIELDS[1:])
            changed = " OR ".join(f"influencers_post.{f} IS DISTINCT FROM EXCLUDED.{f}" for f in POST_FIELDS[1:])
            return f"""
                INSERT INTO influencers_post (account_id, {fields}, updated_at)
                SELECT a.id, {", ".join(STAGED_VALUE.get(f, f"t.{f}") for f in POST_FIELDS)}, %(now)s
                FROM {table} t {join}
                ORDER BY a.id, t.external_id
                ON CONFLICT (account_id, external_id) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at
                WHERE {changed}
                RETURNING account_id
            """
        return f"""
            INSERT INTO influencers_followersnapshot (account_id, date, followers)
            SELECT a.id, t.date, t.followers FROM {table} t {join} ORDER BY a.id, t.date
            ON CONFLICT (account_id, date) DO UPDATE SET followers = EXCLUDED.followers
            WHERE influencers_followersnapshot.followers IS DISTINCT FROM EXCLUDED.followers
            RETURNING account_id
        """

    def _report_duplicates(self, cursor: CursorWrapper, kind: str) -> None:
        """Later rows naming the same record as an earlier one (of a known account, like BatchWriter)."""
        table = self.STAGING[kind][0]
        key = "t.external_id" if kind == "posts" else "t.date"
        join = "JOIN influencers_socialaccount a ON a.platform = t.platform AND a.handle = t.handle"
        cursor.execute(
            f"""
            SELECT (array_agg(t.row_no ORDER BY t.row_no))[1:{MAX_ERRORS + 1}],
                   (array_agg({LABEL} ORDER BY t.row_no))[1:{MAX_ERRORS + 1}]
            FROM {table} t {join}
            GROUP BY a.id, {key} HAVING COUNT(*) > 1 ORDER BY MIN(t.row_no) LIMIT {MAX_ERRORS + 1}
            """,
            {"label": self._label_format},
        )
        for numbers, labels in cursor.fetchall():
            for number, label in zip(numbers[1:], labels[1:], strict=True):
                self.reject(label, [_same_as(labels[0])], number)
