"""The demo's payment ledger and reviews, with a realistic spread: most brands pay on time, some late,
a few payments still open or waiting for the creator, one dispute; most finished collaborations reviewed.

Written after the collaborations (campaign_rows._seed_brands), for every approved or completed one with a
fee; a collaboration that already has ledger entries is left alone, so a second run adds nothing. Dates
that carry meaning (due, sent) hang off the work's approval; the entries' own timestamps are the seeding
time (the table is append-only: they cannot be back-dated afterwards). Review timestamps can be, so the
blind period has passed for the demo's older reviews.
"""

from __future__ import annotations

import datetime as dt
import random

from campaigns.ledger_models import BrandPaymentTerms, LedgerEntry
from campaigns.models import Collaboration, Deliverable
from campaigns.review_models import Review
from campaigns.services.payments import payables_due

from .cast import BRANDS, DEMO_BRAND
from .context import DemoContext, SeedResult

Kind = LedgerEntry.Kind
CS = Collaboration.Status
# Share of payables per outcome, in this order (the rest stay open): paid on time, paid late, sent and waiting.
ON_TIME, LATE, WAITING = 0.72, 0.16, 0.06
# Only payables due in the last STILL_OPEN_DAYS may still be open or waiting for the creator.
STILL_OPEN_DAYS = 21
DISPUTE_MESSAGE = "Er is €50 minder binnengekomen dan afgesproken. / €50 less arrived than agreed."
BRAND_COMMENTS = ("Fijne samenwerking, mooie content.", "Great content, delivered on time.", "")
CREATOR_COMMENTS = ("Duidelijke briefing en snel betaald.", "Clear brief, friendly team.", "")


def seed_ledger(ctx: DemoContext, result: SeedResult) -> None:
    slugs = [spec.slug for spec in BRANDS]
    _payment_terms(ctx, slugs, result)
    collaborations = (
        Collaboration.objects.filter(campaign__brand__slug__in=slugs, status__in=[CS.APPROVED, CS.COMPLETED])
        .exclude(ledger_entries__isnull=False)
        .select_related("campaign__brand")
        .order_by("pk")
    )
    disputed = False
    for collaboration in collaborations:
        rng = random.Random(f"{ctx.seed}:ledger:{collaboration.pk}")  # noqa: S311 - demo data, not security
        approved = _approved_on(ctx, collaboration)
        terms = getattr(collaboration.campaign.brand, "payment_terms", None)
        due_on = approved + dt.timedelta(days=terms.days if terms else BrandPaymentTerms.DEFAULT_DAYS)
        for key, period, amount in payables_due(collaboration):
            payable = LedgerEntry.objects.create(
                collaboration=collaboration,
                kind=Kind.PAYABLE,
                key=key,
                period=period,
                amount_cents=amount,
                currency=collaboration.currency,
                due_on=due_on,
                party=LedgerEntry.Party.BRAND,
            )
            result.add("ledger entries", 1)
            wants_dispute = not disputed and collaboration.campaign.brand.slug == DEMO_BRAND.slug
            disputed |= _outcome(ctx, rng, collaboration, payable, result, dispute=wants_dispute)
        if collaboration.status == CS.COMPLETED:
            _reviews(ctx, rng, collaboration, result)


def _payment_terms(ctx: DemoContext, slugs: list[str], result: SeedResult) -> None:
    from brands.models import Brand

    for brand in Brand.objects.filter(slug__in=slugs).exclude(payment_terms__isnull=False):
        rng = random.Random(f"{ctx.seed}:terms:{brand.slug}")  # noqa: S311 - demo data, not security
        days = 14 if brand.slug == DEMO_BRAND.slug else rng.choice([14, 30, 30, 45])
        BrandPaymentTerms.objects.create(brand=brand, days=days)
        result.add("payment terms", 1)


def _approved_on(ctx: DemoContext, collaboration: Collaboration) -> dt.date:
    reviewed = (
        Deliverable.objects.filter(collaboration=collaboration, status=Deliverable.Status.APPROVED)
        .exclude(reviewed_at=None)
        .order_by("-reviewed_at")
        .values_list("reviewed_at", flat=True)
        .first()
    )
    moment = reviewed or collaboration.status_changed_at
    return min(moment.astimezone(ctx.tz).date(), ctx.today)


def _outcome(
    ctx: DemoContext,
    rng: random.Random,
    collaboration: Collaboration,
    payable: LedgerEntry,
    result: SeedResult,
    *,
    dispute: bool,
) -> bool:
    """Append what happened to one payable; True when this was the demo's dispute."""
    if payable.due_on is None or payable.amount_cents is None:  # never: a payable has both
        return False
    roll = rng.random()
    if payable.due_on < ctx.today - dt.timedelta(days=STILL_OPEN_DAYS) and roll >= ON_TIME + LATE:
        roll = rng.random() * ON_TIME  # long past: settled by now, on time (an old open debt is not the norm)
    if dispute and payable.due_on <= ctx.today:
        sent = _sent(collaboration, payable, payable.amount_cents - 5000, payable.due_on, "NL-DEMO-1")
        _answer(collaboration, sent, Kind.DISPUTED, DISPUTE_MESSAGE)
        result.add("ledger entries", 2)
        return True
    if roll < ON_TIME + LATE:
        late = roll >= ON_TIME
        sent_on = payable.due_on + dt.timedelta(days=rng.randint(2, 21) if late else -rng.randint(0, 10))
        if sent_on > ctx.today:
            return False  # not yet paid: still open (and not yet due, or due today)
        sent = _sent(collaboration, payable, payable.amount_cents, sent_on, f"INV-{payable.pk:05d}")
        _answer(collaboration, sent, Kind.CONFIRMED, "")
        result.add("ledger entries", 2)
    elif roll < ON_TIME + LATE + WAITING:
        sent = _sent(collaboration, payable, payable.amount_cents, min(payable.due_on, ctx.today), "")
        result.add("ledger entries", 1)
    return False


def _sent(collaboration: Collaboration, payable: LedgerEntry, cents: int, on: dt.date, ref: str) -> LedgerEntry:
    return LedgerEntry.objects.create(
        collaboration=collaboration,
        kind=Kind.SENT,
        payable=payable,
        amount_cents=cents,
        currency=payable.currency,
        sent_on=on,
        reference=ref,
        party=LedgerEntry.Party.BRAND,
    )


def _answer(collaboration: Collaboration, sent: LedgerEntry, kind: str, message: str) -> None:
    LedgerEntry.objects.create(
        collaboration=collaboration,
        kind=kind,
        payable_id=sent.payable_id,
        responds_to=sent,
        amount_cents=sent.amount_cents,
        currency=sent.currency,
        message=message,
        party=LedgerEntry.Party.INFLUENCER,
    )


def _rating(rng: random.Random) -> int:
    return rng.choices([5, 4, 3, 2], weights=[50, 35, 12, 3])[0]


def _reviews(ctx: DemoContext, rng: random.Random, collaboration: Collaboration, result: SeedResult) -> None:
    """Most finished collaborations are reviewed by both sides, some by one, a few by neither."""
    roll = rng.random()
    sides = ("brand", "influencer") if roll < 0.7 else ("brand",) if roll < 0.85 else ()
    written_at = ctx.at(min(collaboration.status_changed_at.astimezone(ctx.tz).date(), ctx.today), 12)
    for side in sides:
        aspects = {aspect: _rating(rng) for aspect in Review.ASPECTS[side]}
        comments = BRAND_COMMENTS if side == "brand" else CREATOR_COMMENTS
        review = Review.objects.create(
            collaboration=collaboration, author_party=side, comment=rng.choice(comments), **aspects
        )
        Review.objects.filter(pk=review.pk).update(created_at=written_at)
        result.add("reviews", 1)
