# ruff: noqa: S608 - SQL is assembled from constants and dialect pieces; values go in as parameters.
"""Writers: idempotent upserts of validated records on their natural keys, inside the caller's transaction.

- posts: (platform, account handle, external_id); snapshots: (platform, account handle, date);
  audience: influencer handle. A row whose values did not change is not written (re-importing a file
  changes nothing), and only accounts with a written post or snapshot are marked for a recompute.
- PostgreSQL streams posts and snapshots with COPY into a temporary table, then checks and upserts
  them with a few set-based statements (INSERT … ON CONFLICT DO UPDATE … WHERE changed).
- Elsewhere (SQLite, the demo) the same upserts run as multi-row statements in batches.
Audiences are few per file and go through the ORM in batches on both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from contextlib import ExitStack

from django.db import ProgrammingError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import Copy

from ..models import Audience, AudienceCountry, Influencer, SocialAccount
from ..sql import Dialect
from ..taxonomy import AGE_FIELDS, GENDER_FIELDS
from .errors import MAX_ERRORS, ImportFailed, RowError
from .validation import POST_COLUMNS

BATCH_ROWS = 1000
# SQLSTATE of "ON CONFLICT DO UPDATE command cannot affect row a second time".
CARDINALITY_VIOLATION = "21000"

# Post columns written, in the order of the validated tuple after (platform, account).
POST_FIELDS = POST_COLUMNS[2:]
SHARE_FIELDS = (*AGE_FIELDS.values(), *GENDER_FIELDS.values())


def _no_account(platform: str, handle: str) -> str:
    return _("there is no %(platform)s account @%(handle)s on Invloed; add it to the influencer's profile first") % {
        "platform": platform,
        "handle": handle,
    }


def _same_as(first: str) -> str:
    return _("describes the same record as %(first)s; keep one of them") % {"first": first}


class ImportWriter(ABC):
    def __init__(self) -> None:
        self.dialect = Dialect(connection)
        self.errors: list[RowError] = []
        self.truncated = False
        self.rows: dict[str, int] = defaultdict(int)
        self.written: dict[str, int] = defaultdict(int)
        self.changed_accounts: set[int] = set()
        self.changed_influencers: set[int] = set()
        self._audience: list[tuple[str, tuple]] = []
        self._audience_seen: dict[str, str] = {}

    # --- collecting -----------------------------------------------------------------------------

    def reject(self, label: str, messages: list[str]) -> None:
        for message in messages:
            if len(self.errors) >= MAX_ERRORS:
                self.truncated = True
                return
            self.errors.append(RowError(label, message))

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS

    def add(self, kind: str, label: str, values: tuple) -> None:
        self.rows[kind] += 1
        self.written[kind] += 0  # every kind read is reported, also when nothing of it changed
        if kind == "audience":
            key = values[0]
            if key in self._audience_seen:
                self.reject(label, [_same_as(self._audience_seen[key])])
                return
            self._audience_seen[key] = label
            self._audience.append((label, values))
            if len(self._audience) >= BATCH_ROWS:
                self._pause()
                self._flush_audience()
        else:
            self._add_counts(kind, label, values)

    @abstractmethod
    def _add_counts(self, kind: str, label: str, values: tuple) -> None:
        """Take one validated post or snapshot."""

    def _pause(self) -> None:  # noqa: B027 - a hook: only the streaming writer has something to stop
        """Writers that stream (COPY) stop here before other statements run on the connection."""

    def close(self) -> None:  # noqa: B027 - a hook: only the streaming writer holds a cursor
        """Release what the writer holds; called whether the import succeeded or not."""

    def finish(self) -> None:
        """Write what is left; raise ImportFailed (the caller's transaction rolls back) on any error."""
        self._finish_counts()
        self._flush_audience()
        if self.errors:
            raise ImportFailed(self.errors, truncated=self.truncated)
        if self.changed_accounts:
            self._after_account_changes()

    @abstractmethod
    def _finish_counts(self) -> None:
        """Write the posts and snapshots still held, after checking accounts and duplicates."""

    # --- shared steps ---------------------------------------------------------------------------

    def _after_account_changes(self) -> None:
        """Current followers follow the newest snapshot; the accounts are marked for the recompute."""
        ids = self.dialect.ids_param(self.changed_accounts)
        in_ids = self.dialect.in_ids("account_id", "ids")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE influencers_socialaccount AS a SET followers = s.followers
                FROM (
                    SELECT account_id, followers FROM (
                        SELECT account_id, followers,
                               ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY date DESC) AS rn
                        FROM influencers_followersnapshot WHERE {in_ids}
                    ) AS ranked WHERE rn = 1
                ) AS s
                WHERE a.id = s.account_id AND a.followers {self.dialect.distinct} s.followers
                """,
                {"ids": ids},
            )
        now = timezone.now()
        SocialAccount.objects.filter(pk__in=self.changed_accounts).update(posts_changed_at=now)
        self.changed_influencers |= set(
            SocialAccount.objects.filter(pk__in=self.changed_accounts).values_list("influencer_id", flat=True)
        )

    def _flush_audience(self) -> None:
        batch, self._audience = self._audience, []
        if not batch:
            return
        handles = {values[0] for _label, values in batch}
        influencers = dict(Influencer.objects.filter(handle__in=handles).values_list("handle", "pk"))
        existing = {
            audience.influencer_id: audience
            for audience in Audience.objects.filter(influencer_id__in=influencers.values()).prefetch_related(
                "countries"
            )
        }
        changed: list[Audience] = []
        countries: dict[int, dict[str, float]] = {}
        for label, values in batch:
            handle, as_of, source, *shares = values[:-2]
            country_shares, language_shares = values[-2:]
            influencer_id = influencers.get(handle)
            if influencer_id is None:
                self.reject(label, [_("there is no influencer @%(handle)s on Invloed") % {"handle": handle}])
                continue
            audience = existing.get(influencer_id) or Audience(influencer_id=influencer_id)
            wanted = {"as_of": as_of, "source": source, "language_shares": language_shares}
            wanted |= dict(zip(SHARE_FIELDS, shares, strict=True))
            old_countries = {c.country: c.share for c in audience.countries.all()} if audience.pk is not None else None
            if (
                audience.pk is not None
                and old_countries == country_shares
                and all(getattr(audience, field) == value for field, value in wanted.items())
            ):
                continue
            for field, value in wanted.items():
                setattr(audience, field, value)
            changed.append(audience)
            countries[influencer_id] = country_shares
        if self.errors or not changed:
            return
        now = timezone.now()
        for audience in changed:
            audience.updated_at = now
        new = [a for a in changed if a.pk is None]
        Audience.objects.bulk_create(new)
        Audience.objects.bulk_update(
            [a for a in changed if a not in new], [*SHARE_FIELDS, "as_of", "source", "language_shares", "updated_at"]
        )
        ids = dict(Audience.objects.filter(influencer_id__in=countries).values_list("influencer_id", "pk"))
        AudienceCountry.objects.filter(audience_id__in=ids.values()).delete()
        AudienceCountry.objects.bulk_create(
            AudienceCountry(audience_id=ids[influencer_id], country=code, share=value)
            for influencer_id, shares in countries.items()
            for code, value in shares.items()
        )
        self.written["audience"] += len(changed)
        self.changed_influencers |= set(countries)


class BatchWriter(ImportWriter):
    """Portable: multi-row INSERT … ON CONFLICT … RETURNING in batches (SQLite, the demo)."""

    def __init__(self) -> None:
        super().__init__()
        self._buffers: dict[str, list[tuple[str, tuple]]] = {"posts": [], "snapshots": []}
        self._accounts: dict[tuple[str, str], int | None] = {}
        self._seen: dict[tuple, str] = {}

    def _add_counts(self, kind: str, label: str, values: tuple) -> None:
        buffer = self._buffers[kind]
        buffer.append((label, values))
        if len(buffer) >= BATCH_ROWS:
            self._flush(kind)

    def _finish_counts(self) -> None:
        for kind in self._buffers:
            self._flush(kind)

    def _resolve(self, pairs: set[tuple[str, str]]) -> None:
        missing = pairs - self._accounts.keys()
        if not missing:
            return
        by_platform: dict[str, set[str]] = defaultdict(set)
        for platform, handle in missing:
            by_platform[platform].add(handle)
        query = Q()
        for platform, handles in by_platform.items():
            query |= Q(platform=platform, handle__in=handles)
        found = {(p, h): pk for pk, p, h in SocialAccount.objects.filter(query).values_list("pk", "platform", "handle")}
        for pair in missing:
            self._accounts[pair] = found.get(pair)

    def _flush(self, kind: str) -> None:
        batch, self._buffers[kind] = self._buffers[kind], []
        if not batch:
            return
        self._resolve({(values[0], values[1]) for _label, values in batch})
        rows = []
        for label, values in batch:
            account_id = self._accounts[(values[0], values[1])]
            if account_id is None:
                self.reject(label, [_no_account(values[0], values[1])])
                continue
            key = (kind, account_id, values[2])
            if key in self._seen:
                self.reject(label, [_same_as(self._seen[key])])
                continue
            self._seen[key] = label
            rows.append((account_id, *values[2:]))
        if self.errors or not rows:
            return
        if kind == "posts":
            self._upsert_posts(rows)
        else:
            self._upsert_snapshots(rows)

    def _upsert_posts(self, rows: list[tuple]) -> None:
        d = self.dialect
        now = d.datetime_param(timezone.now())
        params: list = []
        for account_id, external_id, posted_at, *rest in rows:
            params.extend((account_id, external_id, d.datetime_param(posted_at), *rest, now))
        width = len(POST_FIELDS) + 2
        values = ", ".join("(" + ", ".join(["%s"] * width) + ")" for _ in rows)
        self._returning(
            "posts",
            f"""
            INSERT INTO influencers_post (account_id, {", ".join(POST_FIELDS)}, updated_at) VALUES {values}
            ON CONFLICT (account_id, external_id) DO UPDATE SET
                {", ".join(f"{f} = excluded.{f}" for f in POST_FIELDS[1:])}, updated_at = excluded.updated_at
            WHERE {" OR ".join(f"influencers_post.{f} {d.distinct} excluded.{f}" for f in POST_FIELDS[1:])}
            RETURNING account_id
            """,
            params,
        )

    def _upsert_snapshots(self, rows: list[tuple]) -> None:
        d = self.dialect
        params: list = []
        for account_id, date, followers in rows:
            params.extend((account_id, d.date_param(date), followers))
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        self._returning(
            "snapshots",
            f"""
            INSERT INTO influencers_followersnapshot (account_id, date, followers) VALUES {values}
            ON CONFLICT (account_id, date) DO UPDATE SET followers = excluded.followers
            WHERE influencers_followersnapshot.followers {d.distinct} excluded.followers
            RETURNING account_id
            """,
            params,
        )

    def _returning(self, kind: str, sql: str, params: list) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            changed = [row[0] for row in cursor.fetchall()]
        self.written[kind] += len(changed)
        self.changed_accounts.update(changed)


class CopyWriter(ImportWriter):
    """PostgreSQL: COPY into temporary tables, then check and upsert set-based."""

    STAGING = {
        "posts": (
            "import_posts",
            "row_no bigint, row_label text, platform text, handle text, external_id text, posted_at timestamptz, "
            "format text, caption text, url text, likes bigint, comments bigint, shares bigint, views bigint, "
            "saves bigint, is_sponsored boolean, has_ad_disclosure boolean",
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
        self._row_no = 0
        # One COPY stays open while records of one kind arrive: PostgreSQL ingests the stream while
        # Python parses the next rows (two processes, two cores).
        self._cursor = connection.cursor()
        self._copying: tuple[str, ExitStack, Copy] | None = None

    def _add_counts(self, kind: str, label: str, values: tuple) -> None:
        self._row_no += 1
        if self._copying is None or self._copying[0] != kind:
            self._pause()
            self._start_copy(kind)
        # Staged even after an error: the checks below then report every unknown account at once.
        self._copying[2].write_row((self._row_no, label, *values))

    def _start_copy(self, kind: str) -> None:
        table, columns, names = self.STAGING[kind]
        if kind not in self._created:
            self._cursor.execute(f"DROP TABLE IF EXISTS {table}")
            self._cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
            self._created.add(kind)
        stack = ExitStack()
        copy = stack.enter_context(self._cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN"))
        self._copying = (kind, stack, copy)

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
                SELECT t.row_label, t.platform, t.handle FROM {table} t
                WHERE (t.platform, t.handle) IN (
                    SELECT u.platform, u.handle FROM (SELECT DISTINCT platform, handle FROM {table}) AS u
                    LEFT JOIN influencers_socialaccount a ON a.platform = u.platform AND a.handle = u.handle
                    WHERE a.id IS NULL
                )
                ORDER BY t.row_no LIMIT {MAX_ERRORS + 1}
                """
            )
            for label, platform, handle in cursor.fetchall():
                self.reject(label, [_no_account(platform, handle)])
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
                SELECT a.id, {", ".join(f"t.{f}" for f in POST_FIELDS)}, %(now)s FROM {table} t {join}
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
        table = self.STAGING[kind][0]
        key = "t.external_id" if kind == "posts" else "t.date"
        cursor.execute(
            f"""
            SELECT (array_agg(t.row_label ORDER BY t.row_no))[1:{MAX_ERRORS + 1}] FROM {table} t
            GROUP BY t.platform, t.handle, {key} HAVING COUNT(*) > 1 ORDER BY MIN(t.row_no) LIMIT {MAX_ERRORS + 1}
            """
        )
        for (labels,) in cursor.fetchall():
            for label in labels[1:]:
                self.reject(label, [_same_as(labels[0])])


def writer_for_connection() -> ImportWriter:
    return CopyWriter() if connection.vendor == "postgresql" else BatchWriter()
