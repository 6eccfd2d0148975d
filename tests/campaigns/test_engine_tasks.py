"""Engine tasks and their triggers, run in-process (eager): idempotence, retries, lost triggers, progress."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from campaigns import tasks as campaign_tasks
from campaigns.models import Campaign, Match
from campaigns.services import campaign_matches_request
from config.celery import app
from influencers import tasks as influencer_tasks
from influencers.models import EngineRun, Influencer, SocialAccount
from influencers.services import influencer_changed
from tests.factories import CampaignFactory, InfluencerFactory, PostFactory, SocialAccountFactory, niche

pytestmark = pytest.mark.django_db


def creator(handle: str, *, followers: int = 20_000, likes: int = 600) -> Influencer:
    influencer = InfluencerFactory(handle=handle, user=None, niches=["fashion"])
    account = SocialAccountFactory(influencer=influencer, handle=f"{handle}_ig", followers=followers)
    for day in range(1, 6):
        PostFactory(account=account, likes=likes, comments=20, posted_at=timezone.now() - dt.timedelta(days=day))
    return influencer


def open_campaign(**fields) -> Campaign:
    campaign = CampaignFactory(**fields)
    campaign.niches.set([niche("fashion")])
    return campaign


def snapshot() -> dict[str, list]:
    """Every row the engine writes, to compare two runs."""
    return {
        "influencers": list(Influencer.objects.order_by("pk").values()),
        "accounts": list(SocialAccount.objects.order_by("pk").values()),
        "matches": list(Match.objects.order_by("pk").values()),
        "campaigns": list(Campaign.objects.order_by("pk").values("pk", "matches_stale_since")),
    }


def test_publishing_a_campaign_request_queues_a_run_and_stores_matches(django_capture_on_commit_callbacks) -> None:
    creator("anna")
    campaign = open_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        run = campaign_matches_request(campaign=campaign, by=None)
    run.refresh_from_db()
    campaign.refresh_from_db()
    assert (run.kind, run.scope, run.status) == (
        EngineRun.Kind.MATCHES_CAMPAIGN,
        f"campaign:{campaign.pk}",
        "succeeded",
    )
    assert run.rows_touched == 1
    assert Match.objects.filter(campaign=campaign).count() == 1
    assert campaign.matches_stale_since is None
    assert campaign.matches_computed_at is not None


def test_a_repeated_request_reuses_the_queued_run(django_capture_on_commit_callbacks) -> None:
    campaign = open_campaign()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = campaign_matches_request(campaign=campaign, by=None)
        second = campaign_matches_request(campaign=campaign, by=None)
    assert first == second
    assert len(callbacks) == 2


def test_broker_down_at_commit_leaves_the_flag_for_the_sweep(django_capture_on_commit_callbacks) -> None:
    creator("anna")
    campaign = open_campaign()
    task = app.tasks["campaigns.tasks.recompute_campaign_matches_task"]
    with (
        mock.patch.object(task, "apply_async", side_effect=BrokerDown("Error 111 connecting to 127.0.0.1:6379")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = campaign_matches_request(campaign=campaign, by=None)  # does not raise
    campaign.refresh_from_db()
    assert campaign.matches_stale_since is not None
    assert not Match.objects.exists()
    run.refresh_from_db()
    assert run.status == EngineRun.Status.QUEUED

    # A sweep right away leaves young flags alone (their trigger may still be on its way) …
    assert campaign_tasks.engine_sweep_task.apply().get() == 0
    # … and picks the campaign up once the flag is older than ENGINE_SWEEP_MINUTES.
    old = timezone.now() - dt.timedelta(minutes=settings.ENGINE_SWEEP_MINUTES + 1)
    Campaign.objects.filter(pk=campaign.pk).update(matches_stale_since=old)
    assert campaign_tasks.engine_sweep_task.apply().get() == 1
    campaign.refresh_from_db()
    run.refresh_from_db()
    assert campaign.matches_stale_since is None
    assert Match.objects.filter(campaign=campaign).count() == 1
    assert run.status == EngineRun.Status.SUCCEEDED  # the run the brand was watching finished
    assert campaign_tasks.engine_sweep_task.apply().get() == 0


def test_the_sweep_recomputes_influencers_whose_trigger_was_lost() -> None:
    anna = creator("anna")
    Influencer.objects.filter(pk=anna.pk).update(metrics_stale_since=timezone.now() - dt.timedelta(hours=1))
    assert campaign_tasks.engine_sweep_task.apply().get() == 1
    anna.refresh_from_db()
    assert anna.metrics_stale_since is None
    assert anna.engagement_rate == pytest.approx(620 / 20_000)


def test_influencer_changed_recomputes_metrics_then_matches(django_capture_on_commit_callbacks) -> None:
    anna = creator("anna", followers=50_000)
    campaign = open_campaign()
    assert not Match.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run = influencer_changed(influencer=anna)
    anna.refresh_from_db()
    run.refresh_from_db()
    assert (run.kind, run.scope, run.status) == (
        EngineRun.Kind.METRICS_INCREMENTAL,
        f"influencer:{anna.pk}",
        "succeeded",
    )
    assert anna.engagement_rate == pytest.approx(620 / 50_000)
    assert anna.tier == "micro"
    assert anna.metrics_stale_since is None
    match = Match.objects.get(campaign=campaign, influencer=anna)
    assert "ER 1.2 % on Instagram" in match.explanation
    refresh = EngineRun.objects.get(kind=EngineRun.Kind.MATCHES_INFLUENCER)
    assert (refresh.scope, refresh.status) == (f"influencer:{anna.pk}", "succeeded")


def test_each_task_twice_leaves_identical_rows() -> None:
    creator("anna")
    creator("bob", followers=3_000, likes=50)
    campaign = open_campaign()
    for task, kwargs in [
        (influencer_tasks.recompute_metrics_task, {"full": True}),
        (influencer_tasks.recompute_metrics_task, {}),
        (campaign_tasks.recompute_campaign_matches_task, {"campaign_id": campaign.pk}),
        (campaign_tasks.recompute_open_campaigns_task, {}),
        (
            campaign_tasks.refresh_matches_for_influencers_task,
            {"influencer_ids": list(Influencer.objects.values_list("pk", flat=True))},
        ),
        (campaign_tasks.engine_sweep_task, {}),
    ]:
        task.apply(kwargs=kwargs).get()
        once = snapshot()
        task.apply(kwargs=kwargs).get()
        assert snapshot() == once, task.name
    assert Match.objects.filter(campaign=campaign).count() == 2


def test_a_full_recompute_fans_out_chunks_and_reports_progress(settings) -> None:
    settings.METRICS_CHUNK_SIZE = 1
    people = [creator(f"c{n}") for n in range(3)]
    influencer_tasks.recompute_metrics_task.apply(kwargs={"full": True}).get()
    run = EngineRun.objects.get(kind=EngineRun.Kind.METRICS_FULL)
    chunks = people[-1].pk - people[0].pk + 1
    assert (run.status, run.total_chunks, run.done_chunks) == ("succeeded", chunks, chunks)
    assert run.rows_touched == 6  # three accounts and three influencers
    assert run.finished_at >= run.started_at
    assert not Influencer.objects.filter(metrics_updated_at__isnull=True).exists()


def test_an_incremental_run_with_nothing_to_do_records_no_run() -> None:
    assert influencer_tasks.recompute_metrics_task.apply().get() == 0
    assert not EngineRun.objects.exists()


def test_transient_errors_are_retried() -> None:
    campaign = open_campaign()
    with mock.patch.object(
        campaign_tasks, "recompute_campaign_matches", side_effect=[OperationalError("gone"), 7]
    ) as recompute:
        # throw=False: in eager mode the retry then runs in place, as a worker would run it later.
        result = campaign_tasks.recompute_campaign_matches_task.apply(kwargs={"campaign_id": campaign.pk}, throw=False)
    assert result.get() == 7
    assert recompute.call_count == 2
    assert campaign_tasks.recompute_campaign_matches_task.max_retries == settings.ENGINE_TASK_MAX_RETRIES
    assert issubclass(OperationalError, campaign_tasks.recompute_campaign_matches_task.autoretry_for)
    assert issubclass(BrokerDown, influencer_tasks.recompute_metrics_task.autoretry_for)


def test_a_failing_task_marks_its_run_failed() -> None:
    campaign = open_campaign()
    run = EngineRun.objects.create(kind=EngineRun.Kind.MATCHES_CAMPAIGN, scope=f"campaign:{campaign.pk}")
    with (
        mock.patch("campaigns.matching.engine._top_matches", side_effect=ValueError("bad data")),
        pytest.raises(ValueError, match="bad data"),
    ):
        campaign_tasks.recompute_campaign_matches_task.apply(kwargs={"campaign_id": campaign.pk, "run_id": run.pk})
    run.refresh_from_db()
    assert run.status == EngineRun.Status.FAILED
    assert run.error == "ValueError: bad data"
    assert run.finished_at is not None


def test_the_beat_schedule_names_registered_tasks() -> None:
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    assert schedule["metrics-full-nightly"]["kwargs"] == {"full": True}
    assert schedule["metrics-incremental"]["schedule"] == dt.timedelta(minutes=15)


def test_recompute_metrics_command_runs_the_engine_synchronously() -> None:
    anna = creator("anna")
    out, err = io.StringIO(), io.StringIO()
    call_command("recompute_metrics", "--full", stdout=out, stderr=err)
    anna.refresh_from_db()
    assert anna.engagement_rate == pytest.approx(620 / 20_000)
    run = EngineRun.objects.get(kind=EngineRun.Kind.METRICS_FULL)
    assert run.status == EngineRun.Status.SUCCEEDED
    assert "2 rows written in 1 chunk(s)" in out.getvalue()
    assert "chunks" in err.getvalue()  # the progress bar
    out = io.StringIO()
    call_command("recompute_metrics", stdout=out, stderr=io.StringIO())
    assert "0 rows written" in out.getvalue()


def test_recompute_matches_command() -> None:
    creator("anna")
    campaign = open_campaign()
    out = io.StringIO()
    call_command("recompute_matches", "--campaign", str(campaign.pk), stdout=out)
    assert f"1 matches stored for campaign {campaign.pk}" in out.getvalue()
    out = io.StringIO()
    call_command("recompute_matches", "--all-open", stdout=out, stderr=io.StringIO())
    assert "1 matches stored for 1 open campaign(s)" in out.getvalue()
    with pytest.raises(CommandError, match="no campaign with id 999999"):
        call_command("recompute_matches", "--campaign", "999999")
    with pytest.raises(CommandError):
        call_command("recompute_matches")
