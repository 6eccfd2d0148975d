"""A worker killed in the middle of a long recompute: the work still completes, exactly once in effect.

A real `celery -A config worker` (prefork, one pool process) recomputes the metrics of a population
in many small chunks (METRICS_CHUNK_SIZE, so the task runs for seconds on real data). Once the run
has committed some chunks but not all, we SIGKILL
- the pool process: the worker sees WorkerLostError and, with acks_late + reject_on_worker_lost,
  puts the message back at once; a fresh pool process runs it again;
- the whole worker (main process and pool, as when a machine dies): nothing is acknowledged or
  restored; a new worker restores the unacknowledged message once the visibility timeout passed
  (its restore sweep runs every CELERY_UNACKED_RESTORE_INTERVAL seconds) and runs it.
In both cases the derived rows (every account's and influencer's numbers, the campaign's stored
matches) equal those of an undisturbed run, the one engine run ends "succeeded" with every chunk
counted once, and the follow-up match refresh is queued and run once.
"""

from __future__ import annotations

import os
import re
import signal
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from campaigns.matching import recompute_campaign_matches
from campaigns.models import Match
from influencers.kernel.runs import run_create
from influencers.metrics import recompute_metrics
from influencers.models import EngineRun, Influencer, SocialAccount
from influencers.taxonomy import ModerationStatus, Platform
from tests.factories import CampaignFactory, niche

from .conftest import queued_messages
from .procs import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

INFLUENCERS = 1_200
POSTS_PER_ACCOUNT = 12
CHUNK_SIZE = 20  # 60 chunks: the recompute runs for a few seconds in the worker
METRICS_TASK = "influencers.tasks.recompute_metrics_task"
REFRESH_TASK = "campaigns.tasks.refresh_matches_for_influencers_task"
INFLUENCER_FIELDS = (
    "total_followers",
    "engagement_rate",
    "er_sample_size",
    "tier",
    "credibility_score",
    "credibility_reasons",
    "follower_growth_30d",
    "metrics_stale_since",
)
ACCOUNT_FIELDS = (
    "engagement_rate",
    "engagement_rate_by_views",
    "er_sample_size",
    "avg_likes",
    "avg_comments",
    "avg_views",
    "last_post_at",
)


def populate() -> list[int]:
    """Influencers with one account and a dozen posts each, varied so tiers and credibility differ."""
    fashion = niche("fashion")
    influencers = Influencer.objects.bulk_create(
        Influencer(
            handle=f"rel{n}",
            display_name=f"Creator {n}",
            country="NL",
            languages=["nl"],
            status=ModerationStatus.APPROVED,
        )
        for n in range(INFLUENCERS)
    )
    Influencer.niches.through.objects.bulk_create(
        Influencer.niches.through(influencer_id=i.pk, niche_id=fashion.pk) for i in influencers
    )
    SocialAccount.objects.bulk_create(
        SocialAccount(
            influencer=influencer,
            platform=Platform.INSTAGRAM,
            handle=f"rel{n}.ig",
            url=f"https://www.instagram.com/rel{n}.ig/",
            followers=2_000 + (n * 7_919) % 400_000,
        )
        for n, influencer in enumerate(influencers)
    )
    # The posts in one statement (the test runs on PostgreSQL only): 12 per account over 5 weeks.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO influencers_post (account_id, external_id, posted_at, format, caption, url, likes, comments,
                                          is_sponsored, has_ad_disclosure, updated_at)
            SELECT a.id, a.id || '-' || k,
                   %(now)s - make_interval(days => 2 + 3 * k, hours => CAST(a.id %% 24 AS INTEGER)),
                   'image', '', '', 50 + (a.id * 37 + k * 101) %% 9000, 1 + (a.id * 13 + k * 7) %% 300,
                   k = 0 AND a.id %% 10 = 0, FALSE, %(now)s
            FROM influencers_socialaccount a CROSS JOIN generate_series(0, {POSTS_PER_ACCOUNT - 1}) AS k
            """,  # noqa: S608 - a module constant, no input
            {"now": timezone.now()},
        )
    return [i.pk for i in influencers]


def snapshot(campaign_id: int) -> dict[str, list]:
    return {
        "influencers": list(Influencer.objects.order_by("pk").values_list("pk", *INFLUENCER_FIELDS)),
        "accounts": list(SocialAccount.objects.order_by("pk").values_list("pk", *ACCOUNT_FIELDS)),
        "matches": list(
            Match.objects.filter(campaign_id=campaign_id)
            .order_by("rank")
            .values_list("rank", "influencer_id", "score", "explanation")
        ),
    }


def forget_derived(campaign_id: int) -> None:
    """Back to "never computed", so the run under test must write every derived row itself."""
    blank: dict[type[Model], dict] = {
        Influencer: {
            "total_followers": 0,
            "engagement_rate": None,
            "er_sample_size": 0,
            "tier": "",
            "credibility_score": None,
            "credibility_reasons": [],
            "follower_growth_30d": None,
            "metrics_updated_at": None,
        },
        SocialAccount: dict.fromkeys(ACCOUNT_FIELDS) | {"er_sample_size": 0, "metrics_updated_at": None},
    }
    for model, values in blank.items():
        model.objects.update(**values)
    Match.objects.filter(campaign_id=campaign_id).delete()
    EngineRun.objects.all().delete()


@pytest.fixture
def population() -> tuple[list[int], int, dict[str, list]]:
    """The data, the open campaign, and the derived rows of an undisturbed run (in this process)."""
    ids = populate()
    campaign = CampaignFactory(budget_total=Decimal("200000"), budget_per_creator=Decimal("100000"))
    campaign.niches.set([niche("fashion")])
    recompute_metrics(influencer_ids=ids)
    recompute_campaign_matches(campaign_id=campaign.pk)
    expected = snapshot(campaign.pk)
    assert len(expected["matches"]) > 0, "the campaign should have matches to compare"
    assert len({row[4] for row in expected["influencers"]}) >= 2, "several tiers, so the numbers differ"
    forget_derived(campaign.pk)
    return ids, campaign.pk, expected


def enqueue_long_recompute(ids: list[int]) -> EngineRun:
    from influencers.kernel.queueing import enqueue

    run = run_create(kind=EngineRun.Kind.METRICS_INCREMENTAL, scope="incremental")
    assert enqueue(METRICS_TASK, run_id=run.pk, influencer_ids=ids)
    return run


def wait_mid_run(run: EngineRun) -> int:
    """Wait until the run has committed some chunks but not all; returns how many."""

    def progressed() -> int:
        run.refresh_from_db()
        return run.status == EngineRun.Status.RUNNING and 0 < run.done_chunks < run.total_chunks

    wait_for(progressed, "the recompute to be part-way", timeout=40, interval=0.02)
    return run.done_chunks


def assert_done_exactly_once(run: EngineRun, campaign_id: int, expected: dict[str, list]) -> None:
    def finished() -> bool:
        return EngineRun.objects.filter(kind=EngineRun.Kind.MATCHES_INFLUENCER, status="succeeded").exists()

    wait_for(finished, "the recompute and the match refresh it queues", timeout=60, interval=0.1)
    run.refresh_from_db()
    print(f"run {run.pk}: {(run.finished_at - run.started_at).total_seconds():.1f}s from first start to success")
    assert run.status == EngineRun.Status.SUCCEEDED
    assert run.done_chunks == run.total_chunks == -(-INFLUENCERS // CHUNK_SIZE)
    assert run.error == ""
    # One run per kind: the killed attempt queued no follow-up, the completed one queued exactly one.
    kinds = sorted(EngineRun.objects.values_list("kind", "status"))
    assert kinds == [("matches_influencer", "succeeded"), ("metrics_incremental", "succeeded")]
    actual = snapshot(campaign_id)
    for table in ("influencers", "accounts", "matches"):
        assert actual[table] == expected[table], f"{table} differ from the undisturbed run"
    assert not Influencer.objects.filter(metrics_updated_at__isnull=True).exists()
    assert not SocialAccount.objects.filter(metrics_updated_at__isnull=True).exists()


def received(log: str, task: str) -> list[str]:
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log)


def test_pool_process_killed_mid_task_the_task_runs_again_to_the_same_result(
    population, test_broker, point_app_at, start_worker
) -> None:
    ids, campaign_id, expected = population
    point_app_at(test_broker)
    worker = start_worker(test_broker, METRICS_CHUNK_SIZE=str(CHUNK_SIZE))
    child = worker.pool_child()
    run = enqueue_long_recompute(ids)
    done_when_killed = wait_mid_run(run)
    os.kill(child, signal.SIGKILL)

    assert_done_exactly_once(run, campaign_id, expected)
    log = worker.output()
    assert "WorkerLostError" in log
    # The same message ran twice (the second time in a fresh pool process); its follow-up once.
    first, *rest = received(log, METRICS_TASK)
    assert rest == [first], log[-3000:]
    assert len(received(log, REFRESH_TASK)) == 1
    assert worker.pool_child() != child
    assert 0 < done_when_killed < run.total_chunks
    assert queued_messages(test_broker) == 0


def test_whole_worker_killed_mid_task_a_new_worker_finishes_it(
    population, test_broker, point_app_at, start_worker
) -> None:
    ids, campaign_id, expected = population
    point_app_at(test_broker)
    # Short visibility for this test only (production: 3600 s, above the 1800 s time limit), and a
    # restore sweep every second so the new worker picks the abandoned message up right away.
    fast_restore = {
        "METRICS_CHUNK_SIZE": str(CHUNK_SIZE),
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "CELERY_TASK_SOFT_TIME_LIMIT": "14",
        "CELERY_TASK_TIME_LIMIT": "15",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    }
    first = start_worker(test_broker, **fast_restore)
    run = enqueue_long_recompute(ids)
    wait_mid_run(run)
    first.kill()
    run.refresh_from_db()
    assert run.status == EngineRun.Status.RUNNING
    assert run.done_chunks < run.total_chunks
    assert queued_messages(test_broker) == 0  # the message is neither queued nor acknowledged: unacked

    second = start_worker(test_broker, **fast_restore)
    assert_done_exactly_once(run, campaign_id, expected)
    # The message the dead worker had taken is the one the new worker ran (restored once, not copied).
    assert received(second.output(), METRICS_TASK) == received(first.output(), METRICS_TASK)
    assert len(received(second.output(), METRICS_TASK)) == 1
    assert len(received(second.output(), REFRESH_TASK)) == 1
    assert queued_messages(test_broker) == 0
