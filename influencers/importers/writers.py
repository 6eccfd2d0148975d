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

from django.db import connection

from .batch_writer import BatchWriter
from .copy_writer import CopyWriter
from .writer_base import ImportWriter

__all__ = ["BatchWriter", "CopyWriter", "ImportWriter", "writer_for_connection"]


def writer_for_connection() -> ImportWriter:
    return CopyWriter() if connection.vendor == "postgresql" else BatchWriter()
