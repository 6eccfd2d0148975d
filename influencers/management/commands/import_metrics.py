"""python manage.py import_metrics FILE [--format csv|json|jsonl] [--kind posts|snapshots|audience|follower_samples]"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from influencers.importers import KINDS, ImportFailed, format_from_name, metrics_import


class Command(BaseCommand):
    help = (
        "Import posts, follower snapshots or audiences from a CSV, JSON or JSON Lines file (columns in "
        "docs/import.md). All or nothing; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format", dest="fmt", choices=["csv", "json", "jsonl"], help="Default: from the file name."
        )
        parser.add_argument("--kind", choices=KINDS, help="CSV only; default: recognised from the header.")

    def handle(self, *args: object, file: Path, fmt: str | None, kind: str | None, **options: object) -> None:
        fmt = fmt or format_from_name(file.name)
        if fmt is None:
            raise CommandError("Cannot tell the format from the file name; pass --format csv, json or jsonl.")
        try:
            with file.open("rb") as source:
                result = metrics_import(source=source, fmt=fmt, kind=kind, filename=file.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        except ImportFailed as failed:
            raise CommandError(failed.message) from failed
        for name, rows in result.rows.items():
            self.stdout.write(
                f"{name}: {rows:,} rows, {result.written.get(name, 0):,} new or changed, "
                f"{result.unchanged[name]:,} unchanged"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name} (run #{result.run.pk}); metrics of {result.influencers_changed:,} "
                "influencer(s) are being recomputed."
            )
        )
