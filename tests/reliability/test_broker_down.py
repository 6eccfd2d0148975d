"""Redis down when a campaign is published: the request succeeds, the sweep later recomputes exactly once.

A private redis-server stands in for the broker so it can be stopped. Publishing with it down still
answers at once (the publish fails fast and is logged), the campaign is open and flagged
matches_stale_since, and its engine run waits "queued". Nothing was buffered: when Redis comes back
its queue is empty. The sweep (beat, every ENGINE_SWEEP_MINUTES) re-enqueues exactly one task, a real
worker runs it once and fills the run the brand is watching; a second sweep finds nothing to do.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Match
from campaigns.services import MATCHES_TASK
from campaigns.tasks import engine_sweep_task
from influencers.metrics import recompute_metrics
from influencers.models import EngineRun
from tests.factories import (
    AudienceFactory,
    BrandMemberFactory,
    CampaignFactory,
    InfluencerFactory,
    OfferFactory,
    PostFactory,
    SocialAccountFactory,
    niche,
)

from .conftest import queued_messages
from .procs import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def creators(count: int) -> None:
    for n in range(count):
        influencer = InfluencerFactory(niches=["fashion"])
        account = SocialAccountFactory(influencer=influencer, followers=20_000 + 5_000 * n)
        for _ in range(4):
            PostFactory(account=account, likes=500 + 50 * n, comments=30)
        AudienceFactory(influencer=influencer)
        OfferFactory(influencer=influencer, price=Decimal("300"))
    recompute_metrics(full=True)


def test_publish_with_the_broker_down_succeeds_and_the_sweep_recomputes_once(
    private_redis, point_app_at, start_worker, client, settings
) -> None:
    point_app_at(private_redis.url)
    creators(3)
    member = BrandMemberFactory()
    campaign = CampaignFactory(brand=member.brand, status=Campaign.Status.DRAFT, budget_per_creator=Decimal("600"))
    campaign.niches.set([niche("fashion")])
    client.force_login(member.user)

    private_redis.stop()
    started = time.monotonic()
    response = client.post(reverse("campaigns:action", args=[campaign.pk, "publish"]), follow=True)
    assert time.monotonic() - started < 5, "publishing must not hang on the dead broker"
    assert response.status_code == 200
    assert "Campaign published." in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.matches_stale_since is not None
    run = EngineRun.objects.get()
    assert (run.scope, run.status) == (f"campaign:{campaign.pk}", EngineRun.Status.QUEUED)

    private_redis.start()
    assert queued_messages(private_redis.url) == 0  # the lost publish was not buffered anywhere
    settings.ENGINE_SWEEP_MINUTES = 0  # the flag is old enough right away (production: 5 minutes)
    assert engine_sweep_task() == 1
    assert queued_messages(private_redis.url) == 1

    worker = start_worker(private_redis.url)
    run = wait_for(
        lambda: EngineRun.objects.filter(pk=run.pk, status=EngineRun.Status.SUCCEEDED).first(),
        "the swept recompute",
    )
    assert EngineRun.objects.count() == 1  # the run the brand was watching, not a new one
    assert Match.objects.filter(campaign=campaign).count() == 3
    assert run.rows_touched == 3
    campaign.refresh_from_db()
    assert campaign.matches_stale_since is None
    # Exactly once: a second sweep has nothing to re-enqueue, and the worker ran one task.
    assert engine_sweep_task() == 0
    assert queued_messages(private_redis.url) == 0
    worker.stop()
    assert len(re.findall(rf"Task {re.escape(MATCHES_TASK)}\[[0-9a-f-]+\] received", worker.output())) == 1
