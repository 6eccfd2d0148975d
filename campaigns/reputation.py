"""Reputation scores with their evidence, one function per score as defined in docs/metrics.md:

- pays_on_time (brand): share of payables confirmed paid by their due date, median days late, sample.
- delivers_on_time (creator): share of deliverables submitted by their due date, median days late, sample.
- ratings (either side): the average of each rated aspect over published reviews, sample.

Every score covers PERIOD_DAYS up to today and says "not enough history" below MIN_SAMPLE data points.
Each takes a set of ids and answers for all of them in one query, so list pages stay at a fixed count.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from influencers.definitions import REPUTATION_PERIOD_DAYS
from influencers.models import Influencer

from .ledger_models import LedgerEntry
from .models import Deliverable
from .review_models import ASPECT_LABELS, Review

PERIOD_DAYS = REPUTATION_PERIOD_DAYS  # 365
MIN_SAMPLE = 3

Kind = LedgerEntry.Kind


@dataclass(frozen=True)
class Score:
    """One score and its evidence: what share was on time, how late the late ones were, out of how many."""

    name: str
    anchor: str  # its definition: /metrics/#<anchor> (docs/metrics.md)
    sample: int
    on_time: int = 0
    days_late: tuple[int, ...] = ()  # one value per late item
    period_days: int = PERIOD_DAYS

    @property
    def enough(self) -> bool:
        return self.sample >= MIN_SAMPLE

    @property
    def share(self) -> float | None:
        return self.on_time / self.sample if self.enough else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return round(share * 100) if share is not None else None

    @property
    def median_days_late(self) -> float | None:
        """The median of how many days the late ones were late (0 when none was late)."""
        if not self.enough:
            return None
        return float(statistics.median(self.days_late)) if self.days_late else 0.0


@dataclass(frozen=True)
class Ratings:
    anchor: str
    sample: int
    aspects: dict[str, float] = field(default_factory=dict)  # aspect -> mean 1..5
    period_days: int = PERIOD_DAYS

    @property
    def enough(self) -> bool:
        return self.sample >= MIN_SAMPLE

    @property
    def overall(self) -> float | None:
        if not self.enough or not self.aspects:
            return None
        return round(sum(self.aspects.values()) / len(self.aspects), 1)

    def aspect_list(self) -> list[tuple[str, float]]:
        return [(str(ASPECT_LABELS.get(name, name)), round(value, 1)) for name, value in self.aspects.items()]


def _window(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=PERIOD_DAYS)


def pays_on_time(brand_ids: Iterable[int], *, today: dt.date | None = None) -> dict[int, Score]:
    """Per brand: payables due in the last PERIOD_DAYS whose outcome is known (due date passed, or paid).

    On time = confirmed paid and the confirmed payment was sent on or before the due date. Late =
    confirmed paid after it (days late = sent date - due date) or still unpaid after it (today - due date).
    """
    today = today or timezone.localdate()
    ids = list(brand_ids)
    confirmed = LedgerEntry.objects.filter(kind=Kind.CONFIRMED, payable_id=OuterRef("pk")).values(
        "responds_to__sent_on"
    )
    rows = (
        LedgerEntry.objects.payables()
        .filter(collaboration__campaign__brand_id__in=ids, due_on__gte=_window(today))
        .annotate(brand_id=F("collaboration__campaign__brand_id"), paid_on=Subquery(confirmed[:1]))
        .filter(Q(due_on__lt=today) | Q(paid_on__isnull=False))
        .values_list("brand_id", "due_on", "paid_on")
    )
    found: dict[int, list[int | None]] = defaultdict(list)  # None = on time, else days late
    for brand_id, due_on, paid_on in rows:
        if due_on is None:  # never: a payable always has a due date (ledger_payable_complete)
            continue
        late = (paid_on - due_on).days if paid_on is not None else (today - due_on).days
        found[brand_id].append(late if late > 0 else None)
    return {brand_id: _score("pays_on_time", "pays-on-time", found.get(brand_id, [])) for brand_id in ids}


def delivers_on_time(influencer_ids: Iterable[int], *, today: dt.date | None = None) -> dict[int, Score]:
    """Per creator: deliverables due in the last PERIOD_DAYS that were submitted or whose due date passed.

    On time = submitted (first hand-in) on or before the due date. Late = submitted after it, or not
    submitted by today although due (days late counted to today).
    """
    today = today or timezone.localdate()
    ids = list(influencer_ids)
    rows = (
        Deliverable.objects.filter(
            collaboration__influencer_id__in=ids, due_date__gte=_window(today), due_date__isnull=False
        )
        .filter(Q(due_date__lt=today) | Q(submitted_at__isnull=False))
        .values_list("collaboration__influencer_id", "due_date", "submitted_at")
    )
    found: dict[int, list[int | None]] = defaultdict(list)
    for influencer_id, due_date, submitted_at in rows:
        if due_date is None:
            continue
        done = timezone.localdate(submitted_at) if submitted_at is not None else today
        late = (done - due_date).days
        found[influencer_id].append(late if late > 0 else None)
    return {pk: _score("delivers_on_time", "delivers-on-time", found.get(pk, [])) for pk in ids}


def _score(name: str, anchor: str, outcomes: list[int | None]) -> Score:
    late = tuple(sorted(days for days in outcomes if days is not None))
    return Score(name=name, anchor=anchor, sample=len(outcomes), on_time=len(outcomes) - len(late), days_late=late)


def _ratings(reviews, key: str, aspects: tuple[str, ...], ids: list[int], anchor: str) -> dict[int, Ratings]:
    sums: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[int, int] = defaultdict(int)
    for row in reviews.values(key, *aspects):
        counts[row[key]] += 1
        for aspect in aspects:
            sums[row[key]][aspect] += row[aspect]
    return {
        pk: Ratings(
            anchor=anchor,
            sample=counts.get(pk, 0),
            aspects={a: sums[pk][a] / counts[pk] for a in aspects} if counts.get(pk) else {},
        )
        for pk in ids
    }


def brand_ratings(brand_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[int, Ratings]:
    """Per brand: mean of each aspect creators rated, over published reviews of the last PERIOD_DAYS."""
    now = now or timezone.now()
    ids = list(brand_ids)
    reviews = Review.objects.published(now).filter(
        author_party=Review.Party.INFLUENCER,
        collaboration__campaign__brand_id__in=ids,
        created_at__gte=now - dt.timedelta(days=PERIOD_DAYS),
    )
    return _ratings(
        reviews, "collaboration__campaign__brand_id", Review.ASPECTS[Review.Party.INFLUENCER], ids, "ratings"
    )


def creator_ratings(influencer_ids: Iterable[int], *, now: dt.datetime | None = None) -> dict[int, Ratings]:
    """Per creator: mean of each aspect brands rated, over published reviews of the last PERIOD_DAYS."""
    now = now or timezone.now()
    ids = list(influencer_ids)
    reviews = Review.objects.published(now).filter(
        author_party=Review.Party.BRAND,
        collaboration__influencer_id__in=ids,
        created_at__gte=now - dt.timedelta(days=PERIOD_DAYS),
    )
    return _ratings(reviews, "collaboration__influencer_id", Review.ASPECTS[Review.Party.BRAND], ids, "ratings")


@dataclass(frozen=True)
class BrandReputation:
    pays_on_time: Score
    ratings: Ratings


@dataclass(frozen=True)
class CreatorReputation:
    delivers_on_time: Score
    ratings: Ratings


def brand_reputations(brand_ids: Iterable[int]) -> dict[int, BrandReputation]:
    """Both brand scores for many brands: two queries."""
    ids = list(set(brand_ids))
    paying, rated = pays_on_time(ids), brand_ratings(ids)
    return {pk: BrandReputation(pays_on_time=paying[pk], ratings=rated[pk]) for pk in ids}


def creator_reputations(influencer_ids: Iterable[int]) -> dict[int, CreatorReputation]:
    """Both creator scores for many creators: two queries."""
    ids = list(set(influencer_ids))
    delivering, rated = delivers_on_time(ids), creator_ratings(ids)
    return {pk: CreatorReputation(delivers_on_time=delivering[pk], ratings=rated[pk]) for pk in ids}


@dataclass(frozen=True)
class BrandCard:
    """What a creator sees of a brand before applying: payment terms and both scores."""

    terms_days: int
    reputation: BrandReputation


def brand_cards(brand_ids: Iterable[int]) -> dict[int, BrandCard]:
    """Brand cards for a list page: three queries whatever the number of brands."""
    from .ledger import brand_payment_terms

    ids = list(set(brand_ids))
    terms, reputations = brand_payment_terms(ids), brand_reputations(ids)
    return {pk: BrandCard(terms_days=terms[pk], reputation=reputations[pk]) for pk in ids}


def creator_profile_panel(influencer: Influencer) -> dict[str, object]:
    """The creator's track record on their profile (registered in influencers.views.profile_panels)."""
    return {"creator_reputation": creator_reputations([influencer.pk])[influencer.pk]}
