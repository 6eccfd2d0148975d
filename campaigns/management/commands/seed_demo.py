"""`manage.py seed_demo`: deterministic demo data and the demo logins (see the package campaigns/demo/)."""

from __future__ import annotations

import os
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from campaigns import demo
from campaigns.matching import recompute_open_campaigns
from influencers.metrics import recompute_metrics


class Command(BaseCommand):
    help = (
        "Fill the database with deterministic demo data (influencers, accounts, posts, follower history, "
        "audiences, offers, brands, campaigns, collaborations) and create the demo logins. Running it again "
        "with the same --seed adds nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--influencers",
            type=int,
            default=demo.DEFAULT_INFLUENCERS,
            help=f"Number of influencers (default {demo.DEFAULT_INFLUENCERS}, at least {demo.MIN_INFLUENCERS}).",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help=f"Random seed (default {demo.DEFAULT_SEED})."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has influencers."
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="Only make sure the demo logins exist with their documented passwords, and print them.",
        )
        parser.add_argument(
            "--url",
            default=f"http://127.0.0.1:{os.environ.get('PORT') or 8000}",
            help="Where the demo server listens, for the printed login address (default http://127.0.0.1:$PORT, "
            "PORT defaulting to 8000; `make run PORT=8080` passes it).",
        )

    def handle(self, *args: Any, **options: Any) -> None:  # BaseCommand's signature: argparse's values
        if options["print_logins"]:
            demo.demo_logins_ensure()
            self.stdout.write(demo.demo_logins_text(options["url"]))
            return
        if options["if_empty"] and demo.has_influencers():
            self.stdout.write("Influencers already exist: --if-empty leaves the database as it is.")
            return
        count: int = options["influencers"]
        if count < demo.MIN_INFLUENCERS:
            raise CommandError(f"--influencers must be at least {demo.MIN_INFLUENCERS}.")
        with tqdm(total=count, unit="influencer", disable=options["verbosity"] == 0) as bar:
            result = demo.seed_demo(influencers=count, seed=options["seed"], progress=bar.update)
        self._report(result)
        if result.written:
            self._run_engine()
        self.stdout.write(demo.demo_logins_text(options["url"]))

    def _run_engine(self) -> None:
        # The demo shows derived numbers at once: the same engine code the workers run, synchronously.
        started = time.perf_counter()
        rows = recompute_metrics(full=True)
        matches = recompute_open_campaigns()
        self.stdout.write(
            f"Engine: {rows:,} metric rows written, {matches:,} matches stored ({time.perf_counter() - started:.1f} s)."
        )

    def _report(self, result: demo.SeedResult) -> None:
        if not result.written:
            self.stdout.write(f"Demo data for seed {result.seed} is complete: nothing to add.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded demo data (seed {result.seed}, {result.influencers} influencers, demo today "
                f"{result.today:%Y-%m-%d}) in {result.seconds:.1f} s:"
            )
        )
        for label, rows in result.written.items():
            self.stdout.write(f"  {rows:>12,}  {label}")
