# ruff: noqa: S608 - SQL is assembled from constants and dialect pieces; values go in as parameters.
"""The portable writer (SQLite, the demo): the upserts run as multi-row statements in batches."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from ..models import SocialAccount
from .writer_base import (
    BATCH_ROWS,
    POST_FIELDS,
    ImportWriter,
    _no_account,
    _same_as,
)


class BatchWriter(ImportWriter):
    """Portable: multi-row INSERT … ON CONFLICT … RETURNING in batches (SQLite, the demo)."""

    def __init__(self) -> None:
        super().__init__()
        self._buffers: dict[str, list[tuple[int, str, tuple]]] = {"posts": [], "snapshots": []}
        self._accounts: dict[tuple[str, str], int | None] = {}
        self._seen: dict[tuple, str] = {}

    def _add_counts(self, kind: str, label: str, values: tuple) -> None:
        buffer = self._buffers[kind]
        buffer.append((self.row_no, label, values))
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
        self._resolve({(values[0], values[1]) for _row_no, _label, values in batch})
        rows = []
        for row_no, label, values in batch:
            account_id = self._accounts[(values[0], values[1])]
            if account_id is None:
                self.reject(label, [_no_account(values[0], values[1])], row_no)
                continue
            key = (kind, account_id, values[2])
            if key in self._seen:
                self.reject(label, [_same_as(self._seen[key])], row_no)
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
        if kind == "snapshots":
            self.changed_snapshot_accounts.update(changed)
