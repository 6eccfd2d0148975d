"""Matching tasks: thin, take ids, idempotent (an unchanged top N is not rewritten).

- recompute_campaign_matches_task(campaign_id, run_id=None, only_if_stale=False): one campaign
  (enqueued on commit by campaign_matches_request when a campaign is published or edited).
- recompute_open_campaigns_task(run_id=None): every open campaign (beat, nightly).
- refresh_matches_for_influencers_task(influencer_ids): after an influencer's metrics or profile
  changed, the open campaigns whose stored list it can enter or leave.
- feature_store_build_task(): rebuild the matching feature store if changes were recorded since the
  last build (beat, and after a full metric run).
- delivery_punctuality_task(): recompute the stored delivers-on-time score discovery filters and sorts
  by (beat, daily: the 365-day window slides and due dates pass without a write).
- engine_sweep_task(): re-enqueue campaigns and influencers whose stale flag is older than
  ENGINE_SWEEP_MINUTES, i.e. whose trigger was lost (beat, every few minutes).
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from influencers.engine_tasks import EngineTask
from influencers.kernel.queueing import enqueue
from influencers.kernel.runs import run_create
from influencers.models import EngineRun, Influencer

from .matching import campaigns_affected_by, recompute_campaign_matches, recompute_open_campaigns
from .matching.store import feature_store_build
from .models import Campaign

# At most this many stale influencers per sweep, so one sweep stays one reasonable task.
SWEEP_INFLUENCER_LIMIT = 10_000


@shared_task(base=EngineTask)
def recompute_campaign_matches_task(*, campaign_id: int, run_id: int | None = None, only_if_stale: bool = False) -> int:
    run = EngineRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None and run.status == EngineRun.Status.SUCCEEDED:
        return 0  # a redelivered copy of work that already finished
    campaign = Campaign.objects.filter(pk=campaign_id).values("matches_stale_since").first()
    if campaign is None or (only_if_stale and campaign["matches_stale_since"] is None):
        return 0  # deleted meanwhile, or another copy already did the work
    return recompute_campaign_matches(campaign_id=campaign_id, run=run)


@shared_task(base=EngineTask)
def recompute_open_campaigns_task(*, run_id: int | None = None) -> int:
    run = EngineRun.objects.filter(pk=run_id).first() if run_id else None
    return recompute_open_campaigns(run=run or run_create(kind=EngineRun.Kind.MATCHES_OPEN))


@shared_task(base=EngineTask)
def refresh_matches_for_influencers_task(*, influencer_ids: list[int]) -> int:
    campaign_ids = campaigns_affected_by(influencer_ids)
    if not campaign_ids:
        return 0
    scope = f"influencer:{influencer_ids[0]}" if len(influencer_ids) == 1 else "influencers"
    run = run_create(kind=EngineRun.Kind.MATCHES_INFLUENCER, scope=scope, detail={"campaigns": campaign_ids})
    return recompute_open_campaigns(run=run, campaign_ids=campaign_ids)


@shared_task(base=EngineTask)
def feature_store_build_task() -> int:
    """Rows stored (0 when the store was current or another worker is building it)."""
    store = feature_store_build()
    return store.rows if store is not None else 0


@shared_task(base=EngineTask)
def engine_sweep_task() -> int:
    """Re-enqueue work whose trigger was lost; returns how many tasks it published."""
    cutoff = timezone.now() - dt.timedelta(minutes=settings.ENGINE_SWEEP_MINUTES)
    published = 0
    for campaign_id in Campaign.objects.filter(matches_stale_since__lte=cutoff).values_list("pk", flat=True):
        # Reuse the run the brand is watching, if the lost trigger left one queued.
        run = (
            EngineRun.objects.filter(scope=f"campaign:{campaign_id}", status=EngineRun.Status.QUEUED)
            .order_by("-created_at")
            .first()
        )
        published += enqueue(
            "campaigns.tasks.recompute_campaign_matches_task",
            campaign_id=campaign_id,
            run_id=run.pk if run else None,
            only_if_stale=True,
        )
    stale = list(
        Influencer.objects.filter(metrics_stale_since__lte=cutoff)
        .order_by("metrics_stale_since")
        .values_list("pk", flat=True)[:SWEEP_INFLUENCER_LIMIT]
    )
    if stale:
        published += enqueue("influencers.tasks.recompute_metrics_task", influencer_ids=stale)
    return published


@shared_task
def ledger_overdue_task(*, today: str | None = None) -> int:
    """Daily (beat): notify both sides of payables that became overdue; each payable is noticed once."""
    from .services.payments import ledger_overdue_notify

    day = dt.date.fromisoformat(today) if today else None
    return ledger_overdue_notify(today=day)


@shared_task
def delivery_punctuality_task(*, today: str | None = None) -> int:
    """Daily (beat): recompute the stored delivers-on-time score of every creator with history."""
    from .services.punctuality import delivery_punctuality_refresh_all

    day = dt.date.fromisoformat(today) if today else None
    return delivery_punctuality_refresh_all(today=day)


@shared_task
def webhook_deliver_task(*, delivery_id: int, manual: bool = False) -> bool:
    """One attempt of a due webhook delivery (a no-op when it is not due or another worker has it)."""
    from .webhooks import webhook_attempt

    attempt = webhook_attempt(delivery_id=delivery_id, manual=manual)
    return bool(attempt and attempt.succeeded)


@shared_task
def webhook_retry_sweep_task() -> int:
    """Every minute (beat): queue the webhook deliveries whose next attempt is due."""
    from .webhooks import webhook_retry_sweep

    return webhook_retry_sweep()


@shared_task
def webhook_log_prune_task() -> int:
    """Daily (beat): drop webhook events, deliveries and attempts older than the retention period."""
    from .webhooks import webhook_log_prune

    return webhook_log_prune()
