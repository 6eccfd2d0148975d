"""The stored copy of each creator's delivery punctuality that discovery filters and sorts by.

`campaigns.reputation.delivers_on_time` is the one definition (docs/metrics.md#delivers-on-time); the
profile computes it live. Discovery cannot compute it for a million creators per search, so the same
function's answer is written onto the influencer row (plain data for influencers/, which never imports
campaigns) and from there, by the search table's triggers, into the discovery search row:

- at once, in the transaction of every deliverable submission and review (deliverables.py);
- daily by beat (`delivery-punctuality-daily`), because the 365-day window slides and a due date passing
  unsubmitted makes a deliverable late without any write.

Below 3 data points the stored percent is NULL ("not enough history"), never a number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from influencers.models import Influencer

from ..models import Deliverable
from ..reputation import PERIOD_DAYS, delivers_on_time

# Creators per transaction of the daily recompute: few enough that the row locks are brief.
CHUNK_SIZE = 2_000
FIELDS = ["delivery_on_time_percent", "delivery_on_time_count", "delivery_sample", "delivery_computed_at"]


def influencer_delivery_punctuality_store(*, influencer_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Recompute and store the delivers-on-time score of these creators; returns how many rows it wrote.

    The rows are locked before the score is read, so a submission committing meanwhile is either seen
    or writes its own (newer) score after this one: the stored copy never goes back to an older answer.
    """
    ids = sorted(set(influencer_ids))
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        creators = list(Influencer.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("pk", *FIELDS))
        scores = delivers_on_time([creator.pk for creator in creators], today=today)
        for creator in creators:
            score = scores[creator.pk]
            creator.delivery_on_time_percent = score.percent
            creator.delivery_on_time_count = score.on_time
            creator.delivery_sample = score.sample
            creator.delivery_computed_at = now
        Influencer.objects.bulk_update(creators, FIELDS)
    return len(creators)


def delivery_punctuality_influencer_ids(*, today: dt.date | None = None) -> list[int]:
    """The creators whose stored score may differ from today's: any history now, or any stored before."""
    today = today or timezone.localdate()
    with_history = (
        Deliverable.objects.filter(due_date__gte=today - dt.timedelta(days=PERIOD_DAYS))
        .filter(Q(due_date__lt=today) | Q(submitted_at__isnull=False))
        .values_list("collaboration__influencer_id", flat=True)
    )
    stored = Influencer.objects.filter(delivery_sample__gt=0).values_list("pk", flat=True)
    return sorted(set(with_history) | set(stored))


def delivery_punctuality_refresh_all(*, today: dt.date | None = None) -> int:
    """The daily recompute (beat): every creator with history, in chunks of CHUNK_SIZE; returns rows written."""
    ids = delivery_punctuality_influencer_ids(today=today)
    return sum(
        influencer_delivery_punctuality_store(influencer_ids=ids[start : start + CHUNK_SIZE], today=today)
        for start in range(0, len(ids), CHUNK_SIZE)
    )
