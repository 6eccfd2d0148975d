"""Reads for audience overlap and unique reach (docs/metrics.md, "Audience overlap").

The sketches of a set of creators come in one query; the estimates are influencers/overlap.py's.
A creator without a sample on the platform compared is listed as "no sample" and left out of every
estimate: nothing is guessed for it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from . import overlap
from .models import FollowerSketch, Influencer
from .taxonomy import Platform

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_CREATORS = 2
MAX_CREATORS = 10  # the API and the compare page; a shortlist's unique reach takes up to UNION_MAX
UNION_MAX = 50


@dataclass(frozen=True)
class CreatorSample:
    """One creator's sampled account on the platform compared."""

    influencer_id: int
    handle: str
    account_handle: str
    followers: int
    sample_size: int
    level: int
    imported_at: dt.datetime
    member: overlap.Member

    @property
    def rate(self) -> float:
        return overlap.rate_of(self.level)

    @property
    def rate_denominator(self) -> int:
        return 2**self.level


@dataclass(frozen=True)
class PairOverlap:
    a: CreatorSample
    b: CreatorSample
    shared: overlap.Estimate  # followers of both
    share: overlap.Estimate  # of the smaller audience

    @property
    def smaller(self) -> CreatorSample:
        return self.a if self.a.followers <= self.b.followers else self.b

    @property
    def larger(self) -> CreatorSample:
        return self.b if self.smaller is self.a else self.a


@dataclass
class OverlapReport:
    platform: str | None
    sampled: list[CreatorSample] = field(default_factory=list)
    no_sample: list[str] = field(default_factory=list)  # handles
    pairs: list[PairOverlap] = field(default_factory=list)
    reach: overlap.Estimate | None = None  # None with fewer than two sampled creators
    followers_total: int = 0  # of the sampled creators: the reach without any overlap

    @property
    def platform_label(self) -> StrOrPromise:
        return Platform(self.platform).label if self.platform else ""

    @property
    def top_pair(self) -> PairOverlap | None:
        return max(self.pairs, key=lambda pair: pair.share.value, default=None)

    @property
    def oldest_import(self) -> dt.datetime | None:
        return min((sample.imported_at for sample in self.sampled), default=None)

    @property
    def sample_total(self) -> int:
        return sum(sample.sample_size for sample in self.sampled)

    @property
    def deepest_rate_denominator(self) -> int:
        return max((sample.rate_denominator for sample in self.sampled), default=1)


def _sketch_rows(influencer_ids: Iterable[int], platform: str | None = None) -> QuerySet:
    rows = FollowerSketch.objects.filter(account__influencer_id__in=list(influencer_ids))
    if platform:
        rows = rows.filter(account__platform=platform)
    return rows.values_list(
        "account__influencer_id",
        "account__platform",
        "account__handle",
        "level",
        "sample_size",
        "followers",
        "sketch",
        "imported_at",
    )


def _samples_by_platform(influencers: Sequence[Influencer], platform: str | None) -> dict[str, dict[int, tuple]]:
    """platform -> influencer id -> the row of its largest sampled account there (one query)."""
    found: dict[str, dict[int, tuple]] = {}
    for row in _sketch_rows([influencer.pk for influencer in influencers], platform):
        influencer_id, account_platform, _handle, _level, _size, followers = row[:6]
        current = found.setdefault(account_platform, {}).get(influencer_id)
        if current is None or followers > current[5]:
            found[account_platform][influencer_id] = row
    return found


def _sample(handle: str, row: tuple) -> CreatorSample:
    influencer_id, _platform, account_handle, level, sample_size, followers, data, imported_at = row
    sketch = overlap.Sketch.from_bytes(bytes(data))
    return CreatorSample(
        influencer_id=influencer_id,
        handle=handle,
        account_handle=account_handle,
        followers=followers,
        sample_size=sample_size,
        level=level,
        imported_at=imported_at,
        member=overlap.Member(followers=followers, sketch=sketch),
    )


def overlap_platform_choice(found: dict[str, dict[int, tuple]]) -> str | None:
    """The platform most of the creators have a sample on (ties: the platform list's order)."""
    counts = Counter({name: len(rows) for name, rows in found.items()})
    order = {name: index for index, name in enumerate(Platform.values)}
    return min(counts, key=lambda name: (-counts[name], order.get(name, 99)), default=None)


def audience_overlap(
    *, influencers: Sequence[Influencer], platform: str | None = None, pairs: bool = True
) -> OverlapReport:
    """Pairwise shared audience and the unique reach of the creators on one platform (one query).

    Without a platform, the one most of them have a follower sample on. `pairs=False` skips the
    pairwise estimates (a long shortlist needs only the unique reach and its largest pair).
    """
    found = _samples_by_platform(influencers, platform)
    chosen = platform or overlap_platform_choice(found)
    rows = found.get(chosen, {}) if chosen else {}
    report = OverlapReport(platform=chosen)
    for influencer in influencers:
        row = rows.get(influencer.pk)
        if row is None:
            report.no_sample.append(influencer.handle)
        else:
            report.sampled.append(_sample(influencer.handle, row))
    if len(report.sampled) >= MIN_CREATORS:
        members = [sample.member for sample in report.sampled]
        report.reach = overlap.unique_reach(members)
        report.followers_total = sum(sample.followers for sample in report.sampled)
        if pairs:
            for i, a in enumerate(report.sampled):
                for b in report.sampled[i + 1 :]:
                    shared, share = overlap.shared_audience(a.member, b.member)
                    report.pairs.append(PairOverlap(a=a, b=b, shared=shared, share=share))
    return report


@dataclass(frozen=True)
class OverlapWithCampaign:
    """A candidate's largest shared share with a creator already in the campaign."""

    share: overlap.Estimate
    handle: str  # the creator already in the campaign
    platform: str


def overlap_with_creators(*, candidate_ids: Sequence[int], anchors: dict[int, str]) -> dict[int, OverlapWithCampaign]:
    """For each candidate with a sample: its largest shared share with any anchor, on any common platform.

    `anchors` maps the creators already chosen (id -> handle). One query for all sketches.
    """
    ids = set(candidate_ids) | set(anchors)
    by_platform: dict[str, dict[int, tuple]] = {}
    for row in _sketch_rows(ids):
        influencer_id, account_platform, _handle, _level, _size, followers = row[:6]
        current = by_platform.setdefault(account_platform, {}).get(influencer_id)
        if current is None or followers > current[5]:
            by_platform[account_platform][influencer_id] = row
    result: dict[int, OverlapWithCampaign] = {}
    for platform, rows in by_platform.items():
        anchor_samples = [_sample(anchors[i], rows[i]) for i in anchors if i in rows]
        if not anchor_samples:
            continue
        for candidate_id in candidate_ids:
            if candidate_id in anchors or candidate_id not in rows:
                continue
            candidate = _sample("", rows[candidate_id])
            for anchor in anchor_samples:
                _shared, share = overlap.shared_audience(candidate.member, anchor.member)
                best = result.get(candidate_id)
                if best is None or share.value > best.share.value:
                    result[candidate_id] = OverlapWithCampaign(share=share, handle=anchor.handle, platform=platform)
    return result
