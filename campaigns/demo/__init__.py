"""Deterministic, realistic demo data for Invloed (`manage.py seed_demo`).

What it writes: influencers spread over the four tiers, each with 1–3 social accounts, ~90 days of
posts and daily follower snapshots per account, an audience and a rate card; brands with owners,
members and shortlists; campaigns of every kind in every status, with collaborations, messages and
deliverables; and the demo logins (see DEMO_LOGINS).

Why rows are written directly in bulk instead of through the services: the services write one row
per call, each with its own transaction, audit row, notification and engine trigger. That is right
for a person clicking a button and hopeless for 100,000 influencers with ~7 million posts and ~16
million follower snapshots (hours instead of minutes). The generator therefore checks natural keys
per batch and streams the new rows in (binary COPY on PostgreSQL, batched INSERTs elsewhere), and
leaves every row in the state a service would have left it: moderation decisions carry a reason, a
moderated_at and a `moderation.*` audit row by the demo moderator; collaborations only ever take
legal edges of `Collaboration.TRANSITIONS`, each step with its audit row, message and notification;
brands and campaigns pass `full_clean()` (Campaign.clean holds the kind-specific rules; the check
constraints are enforced by the database). Derived numbers (tier, engagement, credibility, growth,
matches) are not written here: rows are flagged stale, and the command runs the engines afterwards,
exactly as after an import.

Determinism and idempotency:
- Everything random comes from `random.Random` seeded with (--seed, influencer index, ...), so the
  data of influencer i does not depend on N or on the batch size.
- Dates hang off one anchor, "demo today": the day the database was first seeded, stored in an
  `EngineRun` row (kind import, scope "demo"). Later runs reuse it, so a rerun produces the same
  rows even on another day.
- Natural keys decide what exists: influencer handle, username, (platform, account handle), brand
  slug, campaign title per brand, shortlist name per brand. A row that already exists keeps its
  whole subtree (accounts, posts, snapshots, audience, offers; collaborations of an existing
  campaign), so running twice writes nothing the second time. Each batch of influencers is one
  transaction, so an interrupted run resumes where it stopped; a large PostgreSQL load is one
  transaction (see _bulk_foreign_keys_checked_at_end).
- Bookkeeping timestamps that have a meaning in the product (joined, moderated, collaboration steps,
  messages) are set from the anchor; `updated_at` columns record when the rows were written.

Where things are (each module imports only the ones above it):
- population.py: the population model (countries, names, niches, platforms, formats, audiences,
  prices), plain data shared with the scale benchmark (bench/population.py draws it as numpy columns);
- logins.py: the demo logins; cast.py: the fixed brands, campaign layouts and the words people use;
- context.py: the run's anchor and tally, and how rows are written (COPY / batched INSERT);
- plans.py: one influencer as a pure function of (seed, index);
- influencer_rows.py: posts, follower history and a batch of influencers with everything below them;
- campaign_rows.py: brands, staff and campaigns (terms per kind from campaigns.models.TERMS_BY_KIND);
- collaboration_rows.py: collaborations along legal edges, deliverables, shortlists;
- ledger_rows.py: payment terms, the payment ledger (mostly on time, some late, one dispute) and reviews;
- this module: the entry points (`seed_demo`, the logins) and the batch loop.
"""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from brands.models import Brand
from campaigns.demo.follower_samples import seed_follower_samples
from campaigns.models import Campaign, Collaboration
from campaigns.services.punctuality import delivery_punctuality_refresh_all
from influencers.models import EngineRun, Influencer, Niche

from .campaign_rows import _seed_brands
from .context import (
    BATCH_INFLUENCERS,
    COMMUNITY_SIZE,
    DEFAULT_INFLUENCERS,
    DEFAULT_SEED,
    DEMO_SCOPE,
    HISTORY_DAYS,
    MIN_INFLUENCERS,
    DemoContext,
    SeedResult,
    _bulk_foreign_keys_checked_at_end,
)
from .influencer_rows import _write_influencer_batch
from .ledger_rows import seed_ledger
from .logins import ADMIN_LOGIN, DEMO_LOGINS, DemoLogin, demo_logins_ensure, demo_logins_text
from .plans import HandleBook, influencer_identity

# The package's public face, as `campaigns.demo` offered it when it was one module.
__all__ = [
    "DEFAULT_INFLUENCERS",
    "DEFAULT_SEED",
    "DEMO_LOGINS",
    "DEMO_SCOPE",
    "HISTORY_DAYS",
    "LARGE_LOAD",
    "MIN_INFLUENCERS",
    "DemoLogin",
    "SeedResult",
    "demo_logins_ensure",
    "demo_logins_text",
    "has_influencers",
    "seed_demo",
]

LARGE_LOAD = 20_000  # new influencers from which a PostgreSQL load checks bulk foreign keys once, at the end


# --- Public entry points -------------------------------------------------------------------------


def has_influencers() -> bool:
    return Influencer.objects.exists()


def seed_demo(
    *,
    influencers: int = DEFAULT_INFLUENCERS,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_INFLUENCERS,
) -> SeedResult:
    """Write the demo data set for `seed` with `influencers` profiles; rows that exist are kept.

    `today` is used only when the database has no demo anchor yet (see the module docstring).
    `progress` is called with the number of influencers handled after each batch.
    """
    if influencers < MIN_INFLUENCERS:
        raise ValueError(f"The demo needs at least {MIN_INFLUENCERS} influencers (got {influencers}).")
    started = time.monotonic()
    with _seeding_lock():
        logins = demo_logins_ensure()
        run = _demo_run_start(seed=seed, influencers=influencers, today=today or timezone.localdate())
        ctx = DemoContext(
            seed=seed,
            influencers=influencers,
            today=dt.date.fromisoformat(run.detail["today"]),
            tz=ZoneInfo(settings.TIME_ZONE),
            moderator_id=logins[ADMIN_LOGIN.username].pk,
            niche_ids=dict(Niche.objects.values_list("slug", "id")),
            content_types={
                model: ContentType.objects.get_for_model(model).pk
                for model in (Influencer, Brand, Campaign, Collaboration)
            },
        )
        result = SeedResult(seed=seed, influencers=influencers, today=ctx.today)
        try:
            community = _seed_influencers(ctx, result, progress=progress, batch_size=batch_size)
            with transaction.atomic():
                _seed_brands(ctx, result, community=community, logins=logins)
                seed_ledger(ctx, result)
                if result.written.get("deliverables"):
                    # Discovery's stored delivers-on-time scores, as a submission or the nightly task writes them.
                    delivery_punctuality_refresh_all()
                # After the shortlists: their creators get samples first (audience overlap).
                result.add("follower samples", seed_follower_samples(seed=seed, imported_at=ctx.days_ago(1)))
        except BaseException as exc:
            _demo_run_finish(run, result, error=repr(exc))
            raise
        result.seconds = time.monotonic() - started
        _demo_run_finish(run, result)
    return result


# --- Anchor and lock -----------------------------------------------------------------------------


def _demo_run_start(*, seed: int, influencers: int, today: dt.date) -> EngineRun:
    """The demo's own import record; created once, it fixes "demo today" for every later run."""
    run = EngineRun.objects.filter(kind=EngineRun.Kind.IMPORT, scope=DEMO_SCOPE).order_by("pk").first()
    if run is None:
        run = EngineRun(kind=EngineRun.Kind.IMPORT, scope=DEMO_SCOPE, detail={"today": today.isoformat()})
    run.detail = {
        **run.detail,
        "source": "seed_demo",
        "seeds": sorted({*run.detail.get("seeds", []), seed}),
        "influencers": max(influencers, run.detail.get("influencers", 0)),
    }
    run.status = EngineRun.Status.RUNNING
    run.started_at, run.finished_at, run.error = timezone.now(), None, ""
    run.save()
    return run


def _demo_run_finish(run: EngineRun, result: SeedResult, *, error: str = "") -> None:
    run.status = EngineRun.Status.FAILED if error else EngineRun.Status.SUCCEEDED
    run.error = error
    run.rows_touched += result.total
    run.done_chunks = run.total_chunks
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "rows_touched", "done_chunks", "finished_at"])


@contextmanager
def _seeding_lock() -> Iterator[None]:
    """One seeder at a time on PostgreSQL (a second one waits, then finds everything written)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = zlib.crc32(b"invloed.seed_demo")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


# --- Writing influencers in batches ---------------------------------------------------------------


def _seed_influencers(
    ctx: DemoContext, result: SeedResult, *, progress: Callable[[int], None] | None, batch_size: int
) -> list[str]:
    """Write influencers batch by batch; returns the handles of the community (first influencers).

    Each batch is one transaction, so an interrupted run keeps the finished batches; a large load
    on PostgreSQL runs as one transaction instead (see _bulk_foreign_keys_checked_at_end).
    """
    large = connection.vendor == "postgresql" and ctx.influencers - Influencer.objects.count() >= LARGE_LOAD
    book = HandleBook()
    community: list[str] = []
    with transaction.atomic() if large else nullcontext(), _bulk_foreign_keys_checked_at_end(large):
        for start in range(0, ctx.influencers, batch_size):
            stop = min(ctx.influencers, start + batch_size)
            identities = [influencer_identity(ctx, index, book) for index in range(start, stop)]
            community.extend(who.handle for who in identities if who.index < COMMUNITY_SIZE)
            with transaction.atomic():
                _write_influencer_batch(ctx, result, identities)
            reset_queries()  # with DEBUG on, Django would keep every INSERT of the run in memory
            if progress is not None:
                progress(len(identities))
    return community
