"""Campaigns of four kinds, the collaborations they start, deliverables and stored matches."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from influencers.models import Influencer, Niche, Offer, Post
from influencers.taxonomy import (
    AgeBand,
    Country,
    Currency,
    Gender,
    Language,
    ModerationStatus,
    Platform,
    PostFormat,
    Tier,
    WorkKind,
)

from .party_scope import party_scope as _party_scope

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from influencers.access import Actor


class MoneyFieldOptions(TypedDict):
    """The options every amount of money is stored with, spelled out so the stubs check `DecimalField(**money)`."""

    max_digits: int
    decimal_places: int
    validators: list[MinValueValidator | MaxValueValidator]


money: MoneyFieldOptions = {
    "max_digits": 12,
    "decimal_places": 2,
    "validators": [MinValueValidator(0), MaxValueValidator(100_000_000)],
}


@dataclass(frozen=True)
class KindTerms:
    """The terms of one campaign kind: the one table the model, services, forms, admin, API and demo read."""

    heading: StrOrPromise  # what the terms are called on their own (admin fieldset, API schema)
    fields: tuple[str, ...]  # every term a brand sets for this kind, in the order people read them
    required: tuple[str, ...]  # the terms a campaign of this kind cannot go without (clean + check constraint)
    recorded: tuple[str, ...] = ()  # set by an action later (never by the brand's edit), shown with the terms


# Terms per campaign kind (field names on Campaign). Terms of the other kinds are reset whenever a
# campaign is saved, so a sponsored post never keeps the prize of an earlier giveaway draft.
TERMS_BY_KIND: dict[str, KindTerms] = {
    WorkKind.SPONSORED_POST: KindTerms(
        heading=_("Sponsored post terms"),
        fields=("posts_count", "formats"),
        required=("posts_count",),
    ),
    WorkKind.REVIEW: KindTerms(
        heading=_("Product review terms"),
        fields=("product_name", "product_value", "honest_review_clause"),
        required=("product_name", "product_value"),
    ),
    WorkKind.GIVEAWAY: KindTerms(
        heading=_("Giveaway terms"),
        fields=("prize", "prize_value", "winners_count", "entry_end_date", "winner_announcement_date"),
        required=("prize", "prize_value", "winners_count", "entry_end_date"),
        recorded=("winners_announced_at",),
    ),
    WorkKind.AMBASSADORSHIP: KindTerms(
        heading=_("Ambassadorship terms"),
        fields=("duration_months", "posts_per_month", "monthly_fee", "exclusivity"),
        required=("duration_months", "posts_per_month", "monthly_fee"),
    ),
}
# The two views of the table most code needs: what a brand sets per kind, and what it must set.
KIND_TERMS: dict[str, tuple[str, ...]] = {kind: terms.fields for kind, terms in TERMS_BY_KIND.items()}
KIND_REQUIRED_TERMS: dict[str, tuple[str, ...]] = {kind: terms.required for kind, terms in TERMS_BY_KIND.items()}
# Required text terms are missing when blank; every other required term is missing when NULL.
TEXT_TERMS = frozenset({"product_name", "prize"})


def kind_terms_present(kind: str) -> Q:
    """The check-constraint condition: a campaign of `kind` carries every required term of it."""
    present = [
        ~Q(**{name: ""}) if name in TEXT_TERMS else Q(**{f"{name}__isnull": False})
        for name in KIND_REQUIRED_TERMS[kind]
    ]
    return ~Q(kind=kind) | reduce(operator.and_, present)


# A campaign stops accepting creators when moderation rejects or suspends it or its brand.
STOPPED_BY_MODERATION = (ModerationStatus.REJECTED, ModerationStatus.SUSPENDED)


def _none() -> Q:
    return Q(pk__in=[])


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def for_brand(self, brand: Brand) -> CampaignQuerySet:
        return self.filter(brand=brand)

    def managed_by(self, actor: Actor) -> CampaignQuerySet:
        """The campaigns this actor runs: their brand's. Staff never manage a brand's campaigns."""
        return self.filter(brand_id=actor.brand_id) if actor.brand_id is not None else self.none()

    def visible_to(self, actor: Actor) -> CampaignQuerySet:
        """What this actor may look at: their brand's campaigns; for a creator, the open public ones and
        those they were invited to or work on; for staff, every campaign if they hold the view permission."""
        if actor.can("campaigns.view_campaign"):
            return self
        scope = _none()
        if actor.brand_id is not None:
            scope |= Q(brand_id=actor.brand_id)
        if actor.influencer_id is not None:
            scope |= Q(pk__in=Campaign.objects.open().public().values("pk"))
            scope |= Q(pk__in=Collaboration.objects.filter(influencer_id=actor.influencer_id).values("campaign_id"))
        return self.filter(scope)

    def taking_creators(self) -> CampaignQuerySet:
        """Published (open or in progress) and neither it nor its brand stopped by moderation: invitable."""
        return (
            self.filter(status__in=[Campaign.Status.OPEN, Campaign.Status.IN_PROGRESS])
            .exclude(moderation_status__in=STOPPED_BY_MODERATION)
            .exclude(brand__status__in=STOPPED_BY_MODERATION)
        )

    def open(self) -> CampaignQuerySet:
        """Published, not stopped by moderation, of a brand moderation has not stopped: accepting creators."""
        return (
            self.filter(status=Campaign.Status.OPEN)
            .exclude(moderation_status__in=STOPPED_BY_MODERATION)
            .exclude(brand__status__in=STOPPED_BY_MODERATION)
        )

    def public(self) -> CampaignQuerySet:
        return self.filter(visibility=Campaign.Visibility.PUBLIC)


# The campaign's list fields and the choices each holds (validated in Campaign.clean, shown by Campaign.labels).
CHOICE_LISTS: dict[str, type[models.TextChoices]] = {
    "formats": PostFormat,
    "platforms": Platform,
    "target_age_bands": AgeBand,
    "target_genders": Gender,
    "target_countries": Country,
    "target_languages": Language,
    "tiers": Tier,
}


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAUSED = "paused", _("Paused")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: creators can apply")
        INVITE_ONLY = "invite_only", _("Invite only")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(max_length=160)
    brief = models.TextField(max_length=10_000)
    kind = models.CharField(max_length=16, choices=WorkKind.choices)

    # Sponsored post terms.
    posts_count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    formats = models.JSONField(default=list, blank=True, help_text=_('Post formats, e.g. ["reel", "story"].'))
    # Product review terms.
    product_name = models.CharField(max_length=160, blank=True)
    product_value = models.DecimalField(null=True, blank=True, **money)
    honest_review_clause = models.BooleanField(
        default=True, help_text=_("The creator may share an honest opinion, including criticism.")
    )
    # Giveaway terms.
    prize = models.CharField(max_length=200, blank=True)
    prize_value = models.DecimalField(null=True, blank=True, **money)
    winners_count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    entry_end_date = models.DateField(null=True, blank=True)
    winner_announcement_date = models.DateField(null=True, blank=True)
    winners_announced_at = models.DateTimeField(null=True, blank=True)
    # Ambassadorship terms.
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    posts_per_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    monthly_fee = models.DecimalField(null=True, blank=True, **money)
    exclusivity = models.BooleanField(
        default=False, help_text=_("The creator works with no competing brand meanwhile.")
    )

    # Who it is for.
    niches = models.ManyToManyField(Niche, related_name="campaigns", blank=True)
    platforms = models.JSONField(default=list, blank=True)
    target_age_bands = models.JSONField(default=list, blank=True)
    target_genders = models.JSONField(default=list, blank=True)
    target_countries = models.JSONField(default=list, blank=True)
    target_languages = models.JSONField(default=list, blank=True)
    min_followers = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    max_followers = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    tiers = models.JSONField(default=list, blank=True)

    # Money and time.
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    budget_total = models.DecimalField(**money)
    budget_per_creator = models.DecimalField(**money)
    starts_on = models.DateField()
    ends_on = models.DateField()

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    visibility = models.CharField(max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    moderation_status = models.CharField(
        max_length=12, choices=ModerationStatus.choices, default=ModerationStatus.PENDING
    )
    moderation_reason = models.TextField(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set when the matches must be recomputed; cleared by the matching run. The sweep re-enqueues
    # campaigns whose flag is old, so a trigger lost with the broker is retried.
    matches_stale_since = models.DateTimeField(null=True, blank=True, db_index=True)
    matches_computed_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    # Not columns: set by selectors.opportunities_for_influencer on the campaigns it recommends.
    match_score: float  # from the matching engine
    match_explanation: str
    match_reach: int

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "visibility"], name="campaign_status_visibility")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_dates_ordered"),
            models.CheckConstraint(
                condition=Q(budget_total__gte=0) & Q(budget_per_creator__gte=0), name="campaign_budget_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(budget_per_creator__lte=F("budget_total")), name="campaign_per_creator_within_total"
            ),
            models.CheckConstraint(
                condition=Q(min_followers__isnull=True)
                | Q(max_followers__isnull=True)
                | Q(max_followers__gte=F("min_followers")),
                name="campaign_follower_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(winner_announcement_date__isnull=True)
                | Q(entry_end_date__isnull=True)
                | Q(winner_announcement_date__gte=F("entry_end_date")),
                name="campaign_giveaway_dates_ordered",
            ),
            *(
                models.CheckConstraint(condition=kind_terms_present(kind), name=f"campaign_{kind}_terms")
                for kind in TERMS_BY_KIND
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, list[str | Promise]] = {}

        def add(field: str, message: str | Promise) -> None:
            errors.setdefault(field, []).append(message)

        for field in KIND_REQUIRED_TERMS.get(self.kind, ()):
            if getattr(self, field) in (None, ""):
                add(field, _("Required for a %(kind)s campaign.") % {"kind": self.get_kind_display().lower()})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            add("ends_on", _("The campaign cannot end before it starts."))
        if (
            self.budget_total is not None
            and self.budget_per_creator is not None
            and self.budget_per_creator > self.budget_total
        ):
            add("budget_per_creator", _("The budget per creator cannot exceed the total budget."))
        if (
            self.min_followers is not None
            and self.max_followers is not None
            and self.max_followers < self.min_followers
        ):
            add("max_followers", _("The maximum number of followers is below the minimum."))
        if self.kind == WorkKind.GIVEAWAY:
            if self.entry_end_date and self.starts_on and self.entry_end_date < self.starts_on:
                add("entry_end_date", _("Entries cannot close before the campaign starts."))
            if (
                self.entry_end_date
                and self.winner_announcement_date
                and self.winner_announcement_date < self.entry_end_date
            ):
                add("winner_announcement_date", _("Winners are announced after entries close."))
        if (
            self.kind == WorkKind.AMBASSADORSHIP
            and self.monthly_fee is not None
            and self.budget_per_creator is not None
            and self.duration_months
            and self.monthly_fee * self.duration_months > self.budget_per_creator
        ):
            add("monthly_fee", _("Monthly fee × duration exceeds the budget per creator."))
        for field, choices in CHOICE_LISTS.items():
            value = getattr(self, field)
            if not isinstance(value, list) or any(item not in choices.values for item in value):
                add(field, _("Choose from the listed options."))
        if errors:
            raise ValidationError(errors)

    def labels(self, field: str) -> str:
        """A list field's choices as people read them ("Instagram, TikTok", "Netherlands, Belgium"), not codes."""
        choices = CHOICE_LISTS[field]
        shown = dict(choices.choices)
        return ", ".join(str(shown.get(code, code)) for code in getattr(self, field))

    @property
    def platform_labels(self) -> str:
        return self.labels("platforms")

    @property
    def format_labels(self) -> str:
        return self.labels("formats")

    @property
    def tier_labels(self) -> str:
        return self.labels("tiers")

    @property
    def target_audience_labels(self) -> list[str]:
        """The target audience, one phrase per dimension that is set."""
        return [
            self.labels(field)
            for field in ("target_age_bands", "target_genders", "target_countries", "target_languages")
            if getattr(self, field)
        ]

    @property
    def takes_creators(self) -> bool:
        """Invitable now: the single-object form of CampaignQuerySet.taking_creators()."""
        return (
            self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
            and self.moderation_status not in STOPPED_BY_MODERATION
            and self.brand.status not in STOPPED_BY_MODERATION
        )

    @property
    def is_open(self) -> bool:
        """Accepting creators: the single-object form of CampaignQuerySet.open()."""
        return (
            self.status == self.Status.OPEN
            and self.moderation_status not in STOPPED_BY_MODERATION
            and self.brand.status not in STOPPED_BY_MODERATION
        )


def term_default(name: str) -> object:
    """The value a term of another kind is reset to: the default of its Campaign field."""
    field = Campaign._meta.get_field(name)
    if not isinstance(field, models.Field):  # every term is a concrete column, never a reverse relation
        raise TypeError(f"Campaign.{name} is not a term field")
    return field.get_default()


class CollaborationQuerySet(models.QuerySet["Collaboration"]):
    def managed_by(self, actor: Actor) -> CollaborationQuerySet:
        """Collaborations this actor takes part in (and may act on, as the status machine allows)."""
        return self.filter(_party_scope(actor))

    def visible_to(self, actor: Actor) -> CollaborationQuerySet:
        """The parties' collaborations; staff read all of them only with the admin's view permission."""
        if actor.can("campaigns.view_collaboration"):
            return self
        return self.managed_by(actor)


class Collaboration(models.Model):
    """One influencer working on one campaign, from invitation or application to completion."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CONTENT_SUBMITTED = "content_submitted", _("Content submitted")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        APPROVED = "approved", _("Content approved")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class Party(models.TextChoices):
        BRAND = "brand", _("Brand")
        INFLUENCER = "influencer", _("Influencer")

    # Every legal edge of the status machine and the party allowed to take it. An application is
    # answered by the brand, an invitation by the influencer; whoever started it may withdraw it.
    TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
        (Status.INVITED, Status.ACCEPTED): (Party.INFLUENCER,),
        (Status.INVITED, Status.DECLINED): (Party.INFLUENCER,),
        (Status.INVITED, Status.WITHDRAWN): (Party.BRAND,),
        (Status.APPLIED, Status.ACCEPTED): (Party.BRAND,),
        (Status.APPLIED, Status.DECLINED): (Party.BRAND,),
        (Status.APPLIED, Status.WITHDRAWN): (Party.INFLUENCER,),
        (Status.ACCEPTED, Status.CONTENT_SUBMITTED): (Party.INFLUENCER,),
        (Status.ACCEPTED, Status.CANCELLED): (Party.BRAND, Party.INFLUENCER),
        (Status.CONTENT_SUBMITTED, Status.APPROVED): (Party.BRAND,),
        (Status.CONTENT_SUBMITTED, Status.REVISION_REQUESTED): (Party.BRAND,),
        (Status.REVISION_REQUESTED, Status.CONTENT_SUBMITTED): (Party.INFLUENCER,),
        (Status.REVISION_REQUESTED, Status.CANCELLED): (Party.BRAND, Party.INFLUENCER),
        (Status.APPROVED, Status.CONTENT_SUBMITTED): (Party.INFLUENCER,),  # next deliverable (ambassadorship)
        (Status.APPROVED, Status.COMPLETED): (Party.BRAND,),
    }
    FINAL_STATUSES = frozenset({Status.DECLINED, Status.WITHDRAWN, Status.COMPLETED, Status.CANCELLED})

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="collaborations")
    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="collaborations")
    initiated_by = models.CharField(max_length=10, choices=Party.choices)
    offer = models.ForeignKey(Offer, null=True, blank=True, on_delete=models.SET_NULL, related_name="collaborations")
    proposed_fee = models.DecimalField(null=True, blank=True, **money)
    agreed_fee = models.DecimalField(null=True, blank=True, **money)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    status = models.CharField(max_length=20, choices=Status.choices)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    is_giveaway_winner_announced = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "status"], name="collaboration_campaign_status")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "influencer"], name="collaboration_unique_pair"),
            models.CheckConstraint(
                condition=Q(proposed_fee__isnull=True) | Q(proposed_fee__gte=0),
                name="collaboration_proposed_fee_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(agreed_fee__isnull=True) | Q(agreed_fee__gte=0),
                name="collaboration_agreed_fee_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.influencer} × {self.campaign}"

    @classmethod
    def allowed_parties(cls, current: str, target: str) -> tuple[str, ...]:
        """Who may move a collaboration from `current` to `target` (empty: the edge is illegal)."""
        return cls.TRANSITIONS.get((current, target), ())

    def next_statuses(self, party: str) -> list[str]:
        return [to for (frm, to), parties in self.TRANSITIONS.items() if frm == self.status and party in parties]

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


class CollaborationMessageQuerySet(models.QuerySet["CollaborationMessage"]):
    def visible_to(self, actor: Actor) -> CollaborationMessageQuerySet:
        if actor.can("campaigns.view_collaborationmessage"):
            return self
        return self.filter(_party_scope(actor, "collaboration__"))


class CollaborationMessage(models.Model):
    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CollaborationMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]


class DeliverableQuerySet(models.QuerySet["Deliverable"]):
    def managed_by(self, actor: Actor) -> DeliverableQuerySet:
        return self.filter(_party_scope(actor, "collaboration__"))

    def visible_to(self, actor: Actor) -> DeliverableQuerySet:
        if actor.can("campaigns.view_deliverable"):
            return self
        return self.managed_by(actor)


class Deliverable(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet submitted")
        SUBMITTED = "submitted", _("Submitted")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")
        APPROVED = "approved", _("Approved")

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="deliverables")
    kind = models.CharField(max_length=10, choices=PostFormat.choices, default=PostFormat.IMAGE)
    title = models.CharField(max_length=160, blank=True)
    due_date = models.DateField(null=True, blank=True)
    # The month an ambassadorship deliverable belongs to (first day of the month).
    period = models.DateField(null=True, blank=True)
    submitted_url = models.URLField(max_length=500, blank=True)
    draft_text = models.TextField(max_length=5000, blank=True)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    has_ad_disclosure = models.BooleanField(null=True, blank=True, help_text=_("Result of the disclosure check."))
    disclosure_found = models.CharField(max_length=60, blank=True)
    review_comment = models.TextField(max_length=4000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliverableQuerySet.as_manager()

    # Not columns: set by selectors.campaign_report on the deliverables of the report.
    linked_post: Post | None  # the post it links, or the creator's post found at its submitted URL
    engagement: int | None  # that post's engagements, when measured

    class Meta:
        ordering = ["due_date", "created_at"]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} for {self.collaboration}"


class MatchQuerySet(models.QuerySet["Match"]):
    def visible_to(self, actor: Actor) -> MatchQuerySet:
        """A campaign's recommendations are its brand's; staff read them with the view permission."""
        if actor.can("campaigns.view_match"):
            return self
        return self.filter(campaign__brand_id=actor.brand_id) if actor.brand_id is not None else self.none()


class Match(models.Model):
    """A stored recommendation: how well one influencer fits one campaign, and why."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="matches")
    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="matches")
    rank = models.PositiveIntegerField()
    score = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(100)])
    niche_fit = models.FloatField()
    audience_fit = models.FloatField()
    engagement_quality = models.FloatField()
    credibility_fit = models.FloatField()
    price_fit = models.FloatField()
    reach_fit = models.FloatField()
    estimated_reach = models.BigIntegerField(default=0)
    price = models.DecimalField(null=True, blank=True, max_digits=12, decimal_places=2)
    cost_per_engagement = models.FloatField(null=True, blank=True)
    cpm = models.FloatField(null=True, blank=True)
    explanation = models.TextField()
    # The explanation as data (campaigns/matching/explain.py): rendered in each viewer's language.
    # Empty for rows computed before it was stored; those show `explanation`, the site's language.
    explanation_parts = models.JSONField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField()
    engine_version = models.CharField(max_length=20)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "rank"]
        verbose_name_plural = "matches"
        indexes = [models.Index(fields=["influencer", "-score"], name="match_influencer_score")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "influencer"], name="match_unique_pair"),
            models.UniqueConstraint(fields=["campaign", "rank"], name="match_unique_rank"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="match_score_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.influencer} for {self.campaign}: {self.score:.0f}"

    COMPONENTS = ("niche_fit", "audience_fit", "engagement_quality", "credibility_fit", "price_fit", "reach_fit")

    def components(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.COMPONENTS}

    @property
    def explanation_shown(self) -> str:
        """Why this creator was recommended, in the active language."""
        if not self.explanation_parts:
            return self.explanation
        from .matching.explain import render  # the engine's package imports these models

        return render(self.explanation_parts)


# The matching feature store's tables (campaigns/matching/store.py) have their own module too.
# Giveaway draws live in their own module (it names Collaboration by string, so no import cycle).
from .draws import GiveawayDraw  # noqa: E402, F401
from .feature_store_models import FeatureStore, FeatureStoreColumn  # noqa: E402, F401

# The ledger and reviews live in their own modules (this one stays readable); importing them here registers them.
from .ledger_models import BrandPaymentTerms, LedgerEntry  # noqa: E402, F401
from .review_models import Review  # noqa: E402, F401

# Signed webhooks (endpoints, events, deliveries and their attempts): campaigns/webhook_models.py.
from .webhook_models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent  # noqa: E402, F401
