"""End to end with a real Celery worker (celery.contrib.pytest) and Redis as the broker.

Publishing a campaign makes its matches appear; importing metrics changes an influencer's ER and
tier and the matches follow — every step through transaction.on_commit, the broker and the worker.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from celery import Celery
from celery.signals import task_postrun
from django.db import OperationalError, connection
from django.utils import timezone
from kombu import pools as kombu_pools

from campaigns.models import Campaign, Match
from campaigns.services import campaign_publish
from config.celery import app as invloed_app
from influencers.importers import metrics_import
from influencers.metrics import recompute_metrics
from influencers.models import EngineRun, Influencer
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
from tests.services import redis_url

# The celery_worker fixture (an embedded worker thread) comes from Celery's pytest plugin.
pytest_plugins = ("celery.contrib.pytest",)
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def _close_worker_connection(**kwargs: object) -> None:
    # The worker runs tasks in its own thread with its own database connection; close it after
    # each task so the test database can be dropped at the end of the run.
    connection.close()


def _forget_connections(app: Celery) -> None:
    # Eager apply_async in earlier tests created the producer pools for the old (empty) broker URL;
    # drop them so they are rebuilt for the URL set here (Celery has no public reset for this).
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps its own process-wide registry of producer pools keyed by connection: when the
    # broker URL is the same as before (CI sets CELERY_BROKER_URL), it would hand back the pool
    # just closed above ("Acquire on closed pool"). Empty it too.
    kombu_pools.reset()


@pytest.fixture
def celery_app() -> Iterator[Celery]:
    """The project's own app (tasks, routing, retries), pointed at the test broker, not eager."""
    conf = invloed_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    conf.update(broker_url=redis_url(), task_always_eager=False, result_backend=None)
    _forget_connections(invloed_app)
    invloed_app.loader.import_default_modules()
    with invloed_app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")  # nothing left over from another run
    task_postrun.connect(_close_worker_connection, weak=False)
    yield invloed_app
    task_postrun.disconnect(_close_worker_connection)
    conf.update(saved)
    _forget_connections(invloed_app)


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict:
    # No ping round trip: the project runs without a result backend (results are in EngineRun).
    return {"perform_ping_check": False, "shutdown_timeout": 30}


def wait_for(check: Callable[[], object], what: str) -> object:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            value = check()
        except OperationalError:
            value = None  # SQLite: the worker thread holds the table right now
        if value:
            return value
        time.sleep(0.2)
    runs = list(EngineRun.objects.values_list("kind", "scope", "status", "error"))
    pytest.fail(f"Timed out waiting for {what}; engine runs: {runs}")


def test_publish_then_import_flows_through_the_worker(celery_worker) -> None:
    member = BrandMemberFactory()
    campaign = CampaignFactory(
        brand=member.brand,
        status=Campaign.Status.DRAFT,
        budget_per_creator=Decimal("600"),
        target_genders=["female"],
    )
    campaign.niches.set([niche("fashion")])
    anna = InfluencerFactory(handle="anna", user=None, niches=["fashion"])
    account = SocialAccountFactory(influencer=anna, handle="anna.ig", followers=40_000)
    for day in range(1, 6):
        PostFactory(account=account, likes=1_100, comments=100, posted_at=timezone.now() - dt.timedelta(days=day))
    AudienceFactory(influencer=anna)
    OfferFactory(influencer=anna, price=Decimal("250"))
    recompute_metrics(full=True)
    anna.refresh_from_db()
    assert (anna.tier, anna.engagement_rate) == ("micro", pytest.approx(0.03))

    # 1. Publishing queues the campaign's matching on commit; the worker stores explained matches.
    campaign_publish(campaign=campaign, by=member.user)
    run = wait_for(
        lambda: EngineRun.objects.filter(scope=f"campaign:{campaign.pk}", status="succeeded").first(),
        "the campaign's matching run",
    )
    match = Match.objects.get(campaign=campaign, influencer=anna)
    assert run.rows_touched == 1
    assert match.rank == 1
    assert match.explanation.startswith("60 % of the audience are women; ER 3.0 % on Instagram, 1× the micro benchmark")
    assert "sponsored post offer EUR 250 per post × 2 = EUR 500 fits the EUR 600 budget" in match.explanation
    first_score = match.score
    campaign.refresh_from_db()
    assert campaign.matches_stale_since is None

    # 2. An import grows her to 150,000 followers with livelier posts: the worker recomputes her metrics
    #    (ER and tier change) and then refreshes the matches of the open campaign she is in.
    account_key = {"platform": "instagram", "account": "anna.ig"}
    document = {
        "snapshots": [account_key | {"date": str(timezone.localdate()), "followers": 150_000}],
        "posts": [
            account_key
            | {
                "external_id": f"new{n}",
                "posted_at": (timezone.now() - dt.timedelta(hours=n + 1)).isoformat(),
                "likes": 5_800,
                "comments": 200,
            }
            for n in range(6)
        ],
    }
    metrics_import(source=io.BytesIO(json.dumps(document).encode()), fmt="json")

    def refreshed() -> Match | None:
        current = Match.objects.filter(campaign=campaign, influencer=anna).first()
        return current if current and "macro benchmark" in current.explanation else None

    match = wait_for(refreshed, "the refreshed match")
    anna.refresh_from_db()
    assert anna.tier == "macro"
    assert anna.total_followers == 150_000
    # The sample is the latest 12 posts: 6 imported (6,000 each) and the 5 older ones (1,200 each).
    assert anna.engagement_rate == pytest.approx((6 * 6_000 + 5 * 1_200) / 11 / 150_000, abs=1e-6)
    assert anna.metrics_stale_since is None
    assert "ER 2.5 % on Instagram, 1.7× the macro benchmark" in match.explanation
    assert match.score != first_score
    assert Influencer.objects.get(pk=anna.pk).metrics_updated_at is not None
    # The refreshed match rows are committed just before their run is marked finished: wait for it.
    expected = {"import", "metrics_incremental", "matches_campaign", "matches_influencer"}
    wait_for(
        lambda: expected <= set(EngineRun.objects.filter(status="succeeded").values_list("kind", flat=True)),
        "every engine run to be recorded as succeeded",
    )
