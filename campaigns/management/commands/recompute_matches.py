"""python manage.py recompute_matches [--campaign ID | --all-open]: matching, synchronously, with progress."""

from __future__ import annotations

import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from campaigns.matching import recompute_campaign_matches, recompute_open_campaigns
from campaigns.models import Campaign
from influencers.kernel.runs import run_create
from influencers.models import EngineRun


class Command(BaseCommand):
    help = "Recompute and store the top matches of one campaign or of every open campaign (docs/metrics.md)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--campaign", type=int, metavar="ID", help="One campaign, by id.")
        which.add_argument("--all-open", action="store_true", help="Every open campaign.")

    def handle(self, *args: object, campaign: int | None, all_open: bool, **options: object) -> None:
        started = time.perf_counter()
        if campaign is not None:
            if not Campaign.objects.filter(pk=campaign).exists():
                raise CommandError(f"There is no campaign with id {campaign}.")
            run = run_create(kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=f"campaign:{campaign}")
            stored = recompute_campaign_matches(campaign_id=campaign, run=run)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{stored:,} matches stored for campaign {campaign} in {time.perf_counter() - started:.2f} s "
                    f"(run #{run.pk})."
                )
            )
            return
        run = run_create(kind=EngineRun.Kind.MATCHES_OPEN, detail={"source": "command"})
        with tqdm(desc="campaigns", unit="campaign", disable=options["verbosity"] == 0, file=self.stderr) as bar:

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            stored = recompute_open_campaigns(run=run, on_campaign=advance)
        run.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"{stored:,} matches stored for {run.total_chunks:,} open campaign(s) in "
                f"{time.perf_counter() - started:.1f} s (run #{run.pk})."
            )
        )
