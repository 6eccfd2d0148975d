"""Storing matches: score a campaign, keep the top N, replace the stored list atomically.

Also the reverse direction (open campaigns recommended to one influencer) and the question "which
campaigns' stored lists can an influencer's change affect?", both with the same scorer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone, translation
from psycopg.types.json import Jsonb

from influencers.kernel.runs import run_in_chunks
from influencers.models import EngineRun, Influencer

from ..models import Campaign, Collaboration, Match
from ..reputation import delivers_on_time
from .explain import explanation_parts, render
from .features import Features, load_features
from .scoring import (
    COMPONENTS,
    ENGINE_VERSION,
    PUNCTUALITY_FLOOR,
    Scores,
    Target,
    punctuality_factor,
    score_campaign,
)
from .store import matchable_features

# Extra candidates scored beyond N, so a few influencers suspended since the features were cached
# can be dropped without leaving the list short.
CANDIDATE_MARGIN = 50


def _optional(value: float, digits: int) -> float | None:
    return None if math.isnan(value) else round(float(value), digits)


def _match_rows(
    campaign_id: int, target: Target, features: Features, scores: Scores, positions: Iterable[int], now: dt.datetime
) -> list[Match]:
    matches = []
    for rank, k in enumerate(positions, start=1):
        cost = scores.cost[k]
        matches.append(
            Match(
                campaign_id=campaign_id,
                influencer_id=int(scores.ids[k]),
                rank=rank,
                score=float(scores.score[k]),
                **{name: float(scores.components[name][k]) for name in COMPONENTS},
                estimated_reach=int(scores.estimated_reach[k]),
                price=None if math.isnan(cost) else Decimal(str(round(float(cost), 2))),
                cost_per_engagement=_optional(scores.cost_per_engagement[k], 4),
                cpm=_optional(scores.cpm[k], 2),
                explanation=render(parts := explanation_parts(target, features, scores, k)),
                explanation_parts=parts,
                computed_at=now,
                engine_version=ENGINE_VERSION,
            )
        )
    return matches


_COMPARED = (
    *("influencer_id", "rank", "score", *COMPONENTS),
    *("estimated_reach", "price", "cost_per_engagement", "cpm", "explanation", "explanation_parts", "engine_version"),
)


def _comparable(match: Match) -> tuple:
    return tuple(getattr(match, field) for field in _COMPARED)


def _same_rows(stored: list[Match], fresh: list[Match]) -> bool:
    return [_comparable(m) for m in stored] == [_comparable(m) for m in fresh]


def _top_matches(campaign: Campaign, features: Features, now: dt.datetime) -> list[Match]:
    target = Target.from_campaign(campaign)
    excluded = list(Collaboration.objects.filter(campaign_id=campaign.pk).values_list("influencer_id", flat=True))
    scores = score_campaign(features, target, exclude_ids=excluded)
    top_n = settings.MATCH_TOP_N
    _with_punctuality(scores, pool=top_n + CANDIDATE_MARGIN)
    positions = scores.top(top_n + CANDIDATE_MARGIN)
    # The features may come from a cache: re-check the few winners against the live rows.
    still_matchable = set(
        Influencer.objects.visible_to_brands()
        .filter(pk__in=[int(i) for i in scores.ids[positions]])
        .values_list("pk", flat=True)
    )
    kept = [k for k in positions if int(scores.ids[k]) in still_matchable][:top_n]
    return _match_rows(campaign.pk, target, features, scores, kept, now)


def _with_punctuality(scores: Scores, *, pool: int) -> None:
    """Scale the scores of creators with a delivery record (docs/metrics.md#reputation-in-matching).

    The factor is at least PUNCTUALITY_FLOOR, so only rows scoring within that factor of the pool's last
    one can change places with it: only those are looked up (at most 5 × pool), in one query.
    """
    if not len(scores):
        return
    last = scores.score[scores.top(pool)[-1]]
    candidates = np.flatnonzero(scores.score >= last * PUNCTUALITY_FLOOR)[: pool * 5]
    ids = [int(i) for i in scores.ids[candidates]]
    records = delivers_on_time(ids)
    share = np.array([records[i].share if records[i].share is not None else np.nan for i in ids], dtype=np.float64)
    scores.score[candidates] = np.round(scores.score[candidates] * punctuality_factor(share), 2)
    scores.extra["on_time"] = {i: records[i] for i in ids if records[i].enough}


def recompute_campaign_matches(
    *, campaign_id: int, run: EngineRun | None = None, features: Features | None = None
) -> int:
    """Score the campaign against every matchable influencer and store its top N; returns rows stored.

    The stored list is replaced in one transaction (delete + bulk insert), so a reader sees either the
    old or the new list. When the new list equals the stored one, nothing is written.
    """
    started = timezone.now()
    stored: list[Match] = []

    def compute_and_store(campaign_id: int) -> int:
        campaign = Campaign.objects.prefetch_related("niches").get(pk=campaign_id)
        # Stored explanations are in the site's language whoever asked (an eager run inherits the request's):
        # the same ranking must compare equal, so a Dutch recompute does not rewrite every row.
        with translation.override(settings.LANGUAGE_CODE):
            stored.extend(_top_matches(campaign, features if features is not None else matchable_features(), started))
        return _store(campaign_id, stored, started)

    run_in_chunks(run, [campaign_id], compute_and_store, detail=lambda: {"matches": len(stored)})
    return len(stored)


def _store(campaign_id: int, fresh: list[Match], started: dt.datetime) -> int:
    with transaction.atomic():
        # Lock the campaign row: two recomputes of one campaign take turns instead of colliding on
        # the unique (campaign, rank) constraint.
        Campaign.objects.select_for_update().filter(pk=campaign_id).values_list("pk", flat=True).first()
        stored = list(Match.objects.filter(campaign_id=campaign_id).order_by("rank"))
        written = 0
        if not _same_rows(stored, fresh):
            Match.objects.filter(campaign_id=campaign_id).delete()
            _insert(fresh)
            written = len(fresh)
        now = timezone.now()
        Campaign.objects.filter(pk=campaign_id).update(matches_computed_at=now)
        # Clear the stale flag only if it was set before this run read the data.
        Campaign.objects.filter(pk=campaign_id, matches_stale_since__lte=started).update(matches_stale_since=None)
    return written


def _copy_value(match: Match, name: str) -> object:
    value = getattr(match, name)
    return Jsonb(value) if name == "explanation_parts" and value is not None else value


def _insert(matches: list[Match]) -> None:
    """Bulk insert; on PostgreSQL with COPY (200 matches: ~20 ms instead of 27-37 ms for the INSERT
    whose ~4,000 parameters Django's client-side cursor interpolates one by one)."""
    if connection.vendor != "postgresql":
        Match.objects.bulk_create(matches, batch_size=500)
        return
    fields = [f for f in Match._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    names = [f.attname for f in fields]
    sql = f"COPY {Match._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for match in matches:
            # Every Match value is a type psycopg adapts itself (int, float, str, Decimal, aware datetime),
            # but for the explanation's phrases, which would go as an array: they are jsonb.
            copy.write_row([_copy_value(match, name) for name in names])


def recompute_open_campaigns(
    *,
    run: EngineRun | None = None,
    campaign_ids: Iterable[int] | None = None,
    on_campaign: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the matches of every open campaign (or the given ones) with one feature matrix."""
    ids = (
        list(campaign_ids)
        if campaign_ids is not None
        else list(Campaign.objects.open().order_by("pk").values_list("pk", flat=True))
    )
    features = matchable_features() if ids else None
    return run_in_chunks(
        run,
        ids,
        lambda campaign_id: recompute_campaign_matches(campaign_id=campaign_id, features=features),
        on_chunk=on_campaign,
        detail=lambda: {"campaigns": len(ids)},
    )


@dataclass(frozen=True)
class Recommendation:
    """An open campaign recommended to an influencer, scored like a stored match."""

    campaign: Campaign
    score: float
    components: dict[str, float]
    estimated_reach: int
    price: Decimal | None
    explanation: str


def campaigns_for_influencer(influencer_id: int, limit: int = 10) -> list[Recommendation]:
    """Open public campaigns the influencer passes the hard filters of, best score first."""
    features = load_features([influencer_id])
    if not len(features):
        return []
    joined = set(Collaboration.objects.filter(influencer_id=influencer_id).values_list("campaign_id", flat=True))
    campaigns = (
        Campaign.objects.open().public().exclude(pk__in=joined).select_related("brand").prefetch_related("niches")
    )
    now = timezone.now()
    found = []
    for campaign in campaigns:
        target = Target.from_campaign(campaign)
        scores = score_campaign(features, target)
        if len(scores):
            [match] = _match_rows(campaign.pk, target, features, scores, [0], now)
            found.append(
                Recommendation(
                    campaign=campaign,
                    score=match.score,
                    components=match.components(),
                    estimated_reach=match.estimated_reach,
                    price=match.price,
                    explanation=match.explanation,
                )
            )
    found.sort(key=lambda r: (-r.score, r.campaign.pk))
    return found[:limit]


def campaigns_affected_by(influencer_ids: Iterable[int]) -> list[int]:
    """Open campaigns whose stored top N may change because these influencers changed.

    A campaign is affected when one of them is in its stored list, or now scores above its lowest
    stored match (or the list has room). Campaigns are scored against just these few rows.
    """
    influencer_ids = sorted(set(influencer_ids))
    open_campaigns = list(Campaign.objects.open().prefetch_related("niches"))
    if not influencer_ids or not open_campaigns:
        return []
    affected = set(
        Match.objects.filter(influencer_id__in=influencer_ids, campaign__in=open_campaigns).values_list(
            "campaign_id", flat=True
        )
    )
    floors = {
        row["campaign_id"]: (row["count"], row["lowest"])
        for row in Match.objects.filter(campaign__in=open_campaigns)
        .values("campaign_id")
        .annotate(count=Count("id"), lowest=Min("score"))
    }
    features = load_features(influencer_ids)
    collaborating = set(
        Collaboration.objects.filter(influencer_id__in=influencer_ids).values_list("campaign_id", "influencer_id")
    )
    for campaign in open_campaigns:
        if campaign.pk in affected:
            continue
        excluded = [i for c, i in collaborating if c == campaign.pk]
        scores = score_campaign(features, Target.from_campaign(campaign), exclude_ids=excluded)
        if not len(scores):
            continue
        count, lowest = floors.get(campaign.pk, (0, None))
        if count < settings.MATCH_TOP_N or lowest is None or scores.score.max() > lowest:
            affected.add(campaign.pk)
    return sorted(affected)
