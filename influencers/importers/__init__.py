"""Metric ingestion (docs/import.md): posts, follower snapshots and audiences from CSV, JSON or JSON Lines.

metrics_import() is the one write path used by the `import_metrics` command, the admin upload and the
API: it reads records from a provider, validates every row, upserts on natural keys in one
transaction (all or nothing), records an EngineRun of kind "import", marks changed accounts and
queues the incremental metric recompute (then the matches) on commit. Accounts it writes whose numbers
were self-reported lose those numbers and the mark (verification.py). A creator's own upload goes
through self_reported.py: the same validation and writers, for one account, marked self-reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from ..kernel.runs import run_advance, run_create, run_fail, run_start, run_succeed
from ..models import EngineRun
from ..services import influencer_metrics_request
from .errors import MAX_ERRORS, ImportFailed, RowError
from .providers import (
    KINDS,
    CsvProvider,
    JsonLinesProvider,
    JsonProvider,
    MetricsProvider,
    format_from_name,
    provider_for,
)
from .validation import COLUMNS, validate
from .verification import self_reported_replace
from .writers import CopyWriter, ImportWriter, writer_for_connection

# The SQL-checked CSV path on PostgreSQL; tests turn it off to run the same files through both paths.
FAST_PATH = True


@dataclass
class ImportResult:
    run: EngineRun
    rows: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)
    accounts_changed: int = 0
    influencers_changed: int = 0

    @property
    def unchanged(self) -> dict[str, int]:
        return {kind: self.rows.get(kind, 0) - self.written.get(kind, 0) for kind in self.rows}


def import_records(provider: MetricsProvider, *, by: User | None = None) -> tuple[dict, dict, set, set]:
    """Validate and write every record of the provider in the current transaction; raise ImportFailed."""
    writer = writer_for_connection()
    try:
        if not _staged_in_sql(provider, writer):
            for number, (kind, label, raw) in enumerate(provider.records(), start=1):
                writer.row_no = number
                values, messages = validate(kind, raw)
                if messages:
                    writer.reject(label, messages)
                    if writer.full:
                        break
                elif values is not None:  # always, without messages
                    writer.add(kind, label, values)
        writer.finish()
    finally:
        writer.close()
    if writer.changed_influencers:
        influencer_metrics_request(influencer_ids=writer.changed_influencers, by=by)
    return dict(writer.rows), dict(writer.written), writer.changed_accounts, writer.changed_influencers


def _staged_in_sql(provider: MetricsProvider, writer: ImportWriter) -> bool:
    """PostgreSQL, a CSV file of posts or snapshots: copy the cells, check them in SQL (the fast path).

    Same records, same values, same messages as the loop in import_records (tests/influencers/
    test_import_paths.py runs every case through both).
    """
    if not isinstance(writer, CopyWriter) or type(provider) is not CsvProvider or not FAST_PATH:
        return False
    kind = provider.open()
    header = provider.header
    if kind in ("audience", "follower_samples") or len(set(header)) != len(header):
        # The Python path, header already read. type: this one instance's records continue after it.
        provider.records = _continue_records(provider, kind)  # type: ignore[method-assign]
        return False
    writer.stage_csv(
        kind,
        header,
        provider.rows(),
        label_format=_("row %d"),
        too_long=lambda cells: provider.too_long(cells, len(header)),
    )
    return True


def _continue_records(provider: CsvProvider, kind: str):
    def records():
        label = _("row %d")
        for number, row in provider.rows():
            if len(row) > len(provider.header):
                yield kind, label % number, {"__error__": provider.too_long(len(row), len(provider.header))}
                continue
            yield kind, label % number, dict(zip(provider.header, row, strict=False))

    return records


def metrics_import(
    *,
    source: IO[bytes],
    fmt: str,
    kind: str | None = None,
    by: User | None = None,
    filename: str = "",
    provider: MetricsProvider | None = None,
) -> ImportResult:
    """Import one file (or any provider); all or nothing. Raises ImportFailed with row-numbered errors."""
    run = run_create(kind=EngineRun.Kind.IMPORT, scope="import", by=by, detail={"file": filename[:200], "format": fmt})
    run_start(run, total_chunks=1)
    try:
        with transaction.atomic():
            rows, written, accounts, influencers = import_records(
                provider or provider_for(source, fmt=fmt, kind=kind), by=by
            )
            # Verified numbers replace what the creator reported (the recompute queued above runs on commit).
            self_reported_replace(account_ids=accounts)
    except ImportFailed as failed:
        run_fail(run, error=str(failed), detail={"errors": [str(e) for e in failed.errors]})
        failed.run = run
        raise
    except Exception as exc:
        run_fail(run, error=f"{type(exc).__name__}: {exc}")
        raise
    run_advance(run, rows=sum(written.values()))
    run_succeed(
        run, detail={"rows": rows, "written": written, "accounts": len(accounts), "influencers": len(influencers)}
    )
    return ImportResult(run, rows, written, len(accounts), len(influencers))


__all__ = [
    "COLUMNS",
    "KINDS",
    "MAX_ERRORS",
    "CsvProvider",
    "ImportFailed",
    "ImportResult",
    "JsonLinesProvider",
    "JsonProvider",
    "MetricsProvider",
    "RowError",
    "format_from_name",
    "import_records",
    "metrics_import",
    "provider_for",
]
