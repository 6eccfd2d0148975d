"""Two-sided reviews after a collaboration: each side rates the other once, on named aspects.

A review stays blind (seen only by its author and moderators) until the other side has reviewed too or
BLIND_DAYS have passed, so neither can answer the other's score. Moderators hide abusive reviews in the
admin; the reviewed side may reply once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .party_scope import party_scope

if TYPE_CHECKING:
    from influencers.access import Actor

BLIND_DAYS = 14
ASPECT_LABELS = {
    "brief_clarity": _("Brief clarity"),
    "payment": _("Payment"),
    "quality": _("Quality"),
    "punctuality": _("Punctuality"),
    "communication": _("Communication"),
}
ALL_ASPECTS = ("brief_clarity", "payment", "quality", "punctuality", "communication")


def published_condition(now: dt.datetime | None = None) -> Q:
    """Not hidden by moderation, and the other side reviewed too or BLIND_DAYS have passed."""
    now = now or timezone.now()
    counterpart = Review.objects.filter(collaboration_id=OuterRef("collaboration_id")).exclude(
        author_party=OuterRef("author_party")
    )
    return Q(moderation_status=Review.Moderation.VISIBLE) & (
        Q(Exists(counterpart)) | Q(created_at__lte=now - dt.timedelta(days=BLIND_DAYS))
    )


class ReviewQuerySet(models.QuerySet["Review"]):
    def published(self, now: dt.datetime | None = None) -> ReviewQuerySet:
        """Visible to everyone: not hidden by moderation, and both sides reviewed or the blind period is over."""
        return self.filter(published_condition(now))

    def about_brand(self, brand_id: int) -> ReviewQuerySet:
        return self.filter(author_party=Review.Party.INFLUENCER, collaboration__campaign__brand_id=brand_id)

    def about_influencer(self, influencer_id: int) -> ReviewQuerySet:
        return self.filter(author_party=Review.Party.BRAND, collaboration__influencer_id=influencer_id)

    def visible_to(self, actor: Actor) -> ReviewQuerySet:
        """Published reviews of the actor's collaborations, plus their own side's reviews (even while blind)."""
        if actor.can("campaigns.view_review"):
            return self
        own = Q(author_party=Review.Party.BRAND, collaboration__campaign__brand_id=actor.brand_id or 0) | Q(
            author_party=Review.Party.INFLUENCER, collaboration__influencer_id=actor.influencer_id or 0
        )
        return self.filter(party_scope(actor, "collaboration__")).filter(own | published_condition())


class Review(models.Model):
    class Party(models.TextChoices):
        BRAND = "brand", _("Brand")
        INFLUENCER = "influencer", _("Creator")

    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by a moderator")

    # The aspects each author rates: a creator rates the brand, a brand rates the creator.
    ASPECTS: dict[str, tuple[str, ...]] = {
        Party.INFLUENCER: ("brief_clarity", "communication", "payment"),
        Party.BRAND: ("quality", "punctuality", "communication"),
    }
    ALL_ASPECTS = ALL_ASPECTS

    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("collaboration")
    )
    author_party = models.CharField(max_length=10, choices=Party.choices, verbose_name=_("author's side"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    brief_clarity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("brief clarity")
    )
    payment = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("payment")
    )
    quality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("quality")
    )
    punctuality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("punctuality")
    )
    communication = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], verbose_name=_("communication")
    )
    comment = models.TextField(max_length=2000, blank=True, verbose_name=_("comment"))
    reply = models.TextField(max_length=2000, blank=True, verbose_name=_("reply"))
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("replied at"))
    moderation_status = models.CharField(
        max_length=8, choices=Moderation.choices, default=Moderation.VISIBLE, verbose_name=_("moderation")
    )
    moderation_reason = models.TextField(blank=True, verbose_name=_("moderation reason"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "author_party"], name="review_once_per_side"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{aspect}__isnull": True}) | Q(**{f"{aspect}__gte": 1, f"{aspect}__lte": 5}),
                    name=f"review_{aspect}_1_5",
                )
                for aspect in ALL_ASPECTS
            ),
            models.CheckConstraint(
                condition=~Q(author_party="influencer")
                | Q(brief_clarity__isnull=False, payment__isnull=False, quality__isnull=True, punctuality__isnull=True),
                name="review_of_brand_aspects",
            ),
            models.CheckConstraint(
                condition=~Q(author_party="brand")
                | Q(quality__isnull=False, punctuality__isnull=False, brief_clarity__isnull=True, payment__isnull=True),
                name="review_of_creator_aspects",
            ),
        ]

    def __str__(self) -> str:
        return _("Review by the %(party)s of collaboration %(id)s") % {
            "party": self.get_author_party_display().lower(),
            "id": self.collaboration_id,
        }

    collaboration_id: int

    def ratings(self) -> dict[str, int]:
        """The aspects this review rates, name -> 1..5."""
        return {aspect: getattr(self, aspect) for aspect in self.ASPECTS[self.author_party]}

    def rating_items(self) -> list[tuple[str, int]]:
        """(label, 1..5) per rated aspect, for pages."""
        return [(str(ASPECT_LABELS[aspect]), value) for aspect, value in self.ratings().items()]

    @property
    def average(self) -> float:
        values = list(self.ratings().values())
        return sum(values) / len(values)
