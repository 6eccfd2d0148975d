"""Engine work is published on commit: a rolled-back change enqueues nothing, a committed one exactly one task.

First with Django's on-commit capture (any database), then end to end against the real broker: the
queue in Redis is empty after a rollback and holds exactly one message, for the right campaign, after
the commit.
"""

from __future__ import annotations

import base64
import json

import pytest
import redis
from django.db import transaction

from campaigns.models import Campaign
from campaigns.services import MATCHES_TASK, campaign_publish
from influencers.models import EngineRun
from tests.factories import BrandMemberFactory, CampaignFactory

from .conftest import queued_messages


class RequestFailed(Exception):
    """Something later in the same request went wrong, so its transaction rolls back."""


def draft() -> tuple[Campaign, object]:
    member = BrandMemberFactory()
    return CampaignFactory(brand=member.brand, status=Campaign.Status.DRAFT), member.user


def publish_then_fail(campaign: Campaign, user: object) -> None:
    def request() -> None:
        with transaction.atomic():
            campaign_publish(campaign=campaign, by=user)
            raise RequestFailed

    with pytest.raises(RequestFailed):
        request()


def assert_nothing_happened(campaign: Campaign) -> None:
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.matches_stale_since is None
    assert not EngineRun.objects.exists()


@pytest.mark.django_db
def test_rollback_captures_no_callback_and_commit_captures_one(django_capture_on_commit_callbacks) -> None:
    campaign, user = draft()
    with django_capture_on_commit_callbacks() as callbacks:
        publish_then_fail(campaign, user)
    assert callbacks == []
    assert_nothing_happened(campaign)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        campaign_publish(campaign=campaign, by=user)
    assert len(callbacks) == 1
    # The one callback is the campaign's matching (tasks run in-process here): its run finished.
    run = EngineRun.objects.get()
    assert (run.scope, run.status) == (f"campaign:{campaign.pk}", EngineRun.Status.SUCCEEDED)


def messages(url: str) -> list[dict]:
    client = redis.Redis.from_url(url)
    try:
        raw = client.lrange("celery", 0, -1)
    finally:
        client.close()
    found = []
    for item in raw:
        envelope = json.loads(item)
        _args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        found.append({"task": envelope["headers"]["task"], "kwargs": kwargs})
    return found


@pytest.mark.redis
@pytest.mark.celery_worker  # publishes to the real broker instead of running tasks in-process
@pytest.mark.django_db(transaction=True)
def test_rollback_publishes_nothing_and_commit_publishes_one_message(test_broker, point_app_at) -> None:
    point_app_at(test_broker)
    campaign, user = draft()
    publish_then_fail(campaign, user)
    assert queued_messages(test_broker) == 0
    assert_nothing_happened(campaign)

    campaign_publish(campaign=campaign, by=user)
    run = EngineRun.objects.get()
    assert messages(test_broker) == [
        {"task": MATCHES_TASK, "kwargs": {"campaign_id": campaign.pk, "run_id": run.pk}},
    ]
