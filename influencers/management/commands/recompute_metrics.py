"""python manage.py recompute_metrics [--full]: the engine's metric recompute, synchronously, with progress."""

from __future__ import annotations

import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand
from tqdm import tqdm

from influencers.kernel.runs import run_create
from influencers.metrics import recompute_metrics
from influencers.models import EngineRun


class Command(BaseCommand):
    help = (
        "Recompute engagement rates, tiers, growth and credibility (docs/metrics.md). Without --full only "
        "influencers whose posts changed, that are flagged stale or were never computed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--full", action="store_true", help="Every influencer, in id-range chunks.")

    def handle(self, *args: object, full: bool, **options: object) -> None:
        kind = EngineRun.Kind.METRICS_FULL if full else EngineRun.Kind.METRICS_INCREMENTAL
        run = run_create(kind=kind, scope="all" if full else "incremental", detail={"source": "command"})
        started = time.perf_counter()
        with tqdm(desc="chunks", unit="chunk", disable=options["verbosity"] == 0, file=self.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            rows = recompute_metrics(full=full, run=run, on_chunk=advance)
        run.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"{rows:,} rows written in {run.total_chunks:,} chunk(s), {time.perf_counter() - started:.1f} s "
                f"(run #{run.pk})."
            )
        )
