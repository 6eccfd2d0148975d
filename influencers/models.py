"""Influencers, their social accounts, posts, follower history, audience and rate card.

Fields marked "derived" are written only by the metrics engine (influencers/metrics.py) and are
read-only everywhere else: admin, forms and API.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .taxonomy import (
    AGE_FIELDS,
    GENDER_FIELDS,
    SHARE_SUM_TOLERANCE,
    Country,
    Currency,
    Language,
    ModerationStatus,
    Platform,
    PostFormat,
    Tier,
    WorkKind,
)

handle_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9._]{0,48}[a-z0-9])?$",
    _("Use 1–50 lowercase letters, digits, dots or underscores, starting and ending with a letter or digit."),
)


def niche_label(name: str) -> str:
    """A niche's stored (English) name in the active language; names the catalog lacks stay as typed."""
    return gettext(name) if name else name


class Niche(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the visitor's language (the seeded names are in the catalog: taxonomy.NICHES)."""
        return niche_label(self.name)


class InfluencerQuerySet(models.QuerySet["Influencer"]):
    def approved(self) -> InfluencerQuerySet:
        return self.filter(status=ModerationStatus.APPROVED)

    def visible_to_brands(self) -> InfluencerQuerySet:
        """Approved and not paused by the influencer: the only profiles a brand may ever see."""
        return self.approved().filter(is_active=True)

    def pending(self) -> InfluencerQuerySet:
        return self.filter(status=ModerationStatus.PENDING)

    def in_niches(self, niches) -> InfluencerQuerySet:
        return self.filter(niches__in=niches).distinct()

    def in_tier(self, tier: str) -> InfluencerQuerySet:
        return self.filter(tier=tier)


# The profiles brands may see (InfluencerQuerySet.visible_to_brands), as an index condition.
VISIBLE = Q(status=ModerationStatus.APPROVED, is_active=True)
# The creator's own columns discovery filters on, carried in the discovery indexes as non-key columns
# (PostgreSQL; other databases ignore them, see models.W040 in config/settings.py).
DISCOVERY_INCLUDE = [
    "tier",
    "country",
    "total_followers",
    "engagement_rate",
    "follower_growth_30d",
    "credibility_score",
]


class Influencer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="influencer",
        help_text=_("Empty for imported profiles that nobody has claimed yet."),
    )
    handle = models.CharField(max_length=50, unique=True, validators=[handle_validator])
    display_name = models.CharField(max_length=120)
    bio = models.TextField(max_length=2000, blank=True)
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True)
    country = models.CharField(max_length=2, choices=Country.choices, blank=True)
    city = models.CharField(max_length=80, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text=_('ISO 639-1 codes, e.g. ["nl", "en"].'))
    niches = models.ManyToManyField(Niche, related_name="influencers", blank=True)
    is_active = models.BooleanField(
        default=True, help_text=_("The influencer can pause their profile; paused profiles are not matched.")
    )

    status = models.CharField(max_length=12, choices=ModerationStatus.choices, default=ModerationStatus.PENDING)
    status_reason = models.TextField(blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)

    # Derived by the metrics engine.
    total_followers = models.BigIntegerField(default=0, editable=False)
    engagement_rate = models.FloatField(null=True, blank=True, editable=False)
    er_sample_size = models.PositiveIntegerField(default=0, editable=False)
    tier = models.CharField(max_length=8, choices=Tier.choices, blank=True, editable=False)
    credibility_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    credibility_reasons = models.JSONField(default=list, blank=True, editable=False)
    follower_growth_30d = models.FloatField(null=True, blank=True, editable=False)
    metrics_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when something that feeds the engine changed; cleared by the recompute. The sweep
    # re-enqueues rows whose flag is old (the trigger may have been lost with the broker down).
    metrics_stale_since = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    # Delivery punctuality (docs/metrics.md#delivers-on-time): a stored copy of the creator's
    # delivers-on-time score for discovery's filter and sort, plain data here. Written only by campaigns
    # (campaigns/services/punctuality.py) when a deliverable is handed in or reviewed and by a daily beat
    # task, with the same function the profile shows live. NULL percent: fewer than 3 data points.
    delivery_on_time_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("delivers on time (%)")
    )
    delivery_on_time_count = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("deliverables on time")
    )
    delivery_sample = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("deliverables counted"))
    delivery_computed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("delivery punctuality computed at")
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InfluencerQuerySet.as_manager()

    # Not columns: attributes some readers put on the instances they return (declared for the type checker).
    er_benchmark: float | None  # selectors.attach_benchmarks
    card_accounts: list[SocialAccount]  # discovery_details.attach_card_details
    audience_shares: list[float | None]  # discovery_details.attach_card_details
    active_offers: list[Offer]  # selectors.influencer_profile_queryset (Prefetch to_attr)
    sort_key: object  # the discovery ordering annotation (filters.InfluencerFilter._order)
    # Discovery's annotations (filters.InfluencerFilter, or selectors._discovery_from_search_table).
    cheapest_offer_price: Decimal | None
    cheapest_offer_currency: str
    relevance: float

    class Meta:
        ordering = ["handle"]
        indexes = [
            models.Index(fields=["status", "is_active", "-total_followers"], name="influencer_status_followers"),
            # The incremental recompute's work list (metrics.recompute.incremental_influencer_ids): only
            # the few profiles waiting for it, instead of a scan of every profile.
            models.Index(
                fields=["id"],
                name="influencer_metrics_pending",
                condition=Q(metrics_stale_since__isnull=False) | Q(metrics_updated_at__isnull=True),
            ),
            # Discovery's keyset pagination (influencers/filters.py): one partial index per sort key over
            # brand-visible profiles, in the order of the page (key DESC, id DESC). Unknown values are
            # coalesced to the same stand-in the FilterSet uses, so each key is one index range.
            # Each also carries the profile's own filter columns (DISCOVERY_INCLUDE, PostgreSQL only):
            # the page's id query then filters on the index entries alone (an index-only scan), and
            # only the page's rows are read from the table (selectors.influencer_discovery).
            models.Index(
                F("total_followers").desc(),
                F("id").desc(),
                name="discover_followers",
                condition=VISIBLE,
                include=[column for column in DISCOVERY_INCLUDE if column != "total_followers"],
            ),
            models.Index(
                Coalesce("engagement_rate", Value(-1e9), output_field=models.FloatField()).desc(),
                F("id").desc(),
                name="discover_engagement",
                condition=VISIBLE,
                include=DISCOVERY_INCLUDE,
            ),
            models.Index(
                Coalesce("follower_growth_30d", Value(-1e9), output_field=models.FloatField()).desc(),
                F("id").desc(),
                name="discover_growth",
                condition=VISIBLE,
                include=DISCOVERY_INCLUDE,
            ),
            models.Index(
                Coalesce("credibility_score", Value(-1), output_field=models.IntegerField()).desc(),
                F("id").desc(),
                name="discover_credibility",
                condition=VISIBLE,
                include=DISCOVERY_INCLUDE,
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_followers__gte=0), name="influencer_followers_non_negative"),
            models.CheckConstraint(
                condition=Q(credibility_score__isnull=True) | Q(credibility_score__lte=100),
                name="influencer_credibility_0_100",
            ),
            models.CheckConstraint(
                condition=Q(engagement_rate__isnull=True) | Q(engagement_rate__gte=0),
                name="influencer_er_non_negative",
            ),
            models.CheckConstraint(
                condition=(Q(delivery_on_time_percent__isnull=True) | Q(delivery_on_time_percent__lte=100))
                & Q(delivery_on_time_count__lte=F("delivery_sample")),
                name="influencer_delivery_on_time_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def clean(self) -> None:
        self.handle = (self.handle or "").lower()
        unknown = [code for code in self.languages or [] if code not in Language.values]
        if not isinstance(self.languages, list) or unknown:
            raise ValidationError({"languages": _("Unknown language code(s): %s") % ", ".join(map(str, unknown))})

    @property
    def is_visible_to_brands(self) -> bool:
        return self.status == ModerationStatus.APPROVED and self.is_active


class MetricsSource(models.TextChoices):
    """Where an account's posts and follower count came from (docs/metrics.md, "Self-reported numbers")."""

    IMPORT = "import", _("Verified import")
    SELF_REPORTED = "self_reported", _("Self-reported")


class SocialAccount(models.Model):
    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=12, choices=Platform.choices)
    handle = models.CharField(max_length=100)
    url = models.URLField(max_length=300, blank=True)
    followers = models.BigIntegerField(default=0, validators=[MinValueValidator(0)])

    # Derived by the metrics engine.
    engagement_rate = models.FloatField(null=True, blank=True, editable=False)
    engagement_rate_by_views = models.FloatField(null=True, blank=True, editable=False)
    er_sample_size = models.PositiveSmallIntegerField(default=0, editable=False)
    avg_likes = models.FloatField(null=True, blank=True, editable=False)
    avg_comments = models.FloatField(null=True, blank=True, editable=False)
    avg_views = models.FloatField(null=True, blank=True, editable=False)
    last_post_at = models.DateTimeField(null=True, blank=True, editable=False)
    metrics_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bumped whenever a post of this account is written; the incremental recompute picks up
    # accounts whose posts changed after their metrics were computed.
    posts_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Self-reported until a verified (staff) import replaces the creator's own numbers; the engine caps
    # the credibility of an influencer with a self-reported account.
    metrics_source = models.CharField(
        max_length=16,
        choices=MetricsSource.choices,
        default=MetricsSource.IMPORT,
        db_default=MetricsSource.IMPORT,  # raw COPY/INSERT paths (bench generator) leave the column out
        editable=False,
    )

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-followers"]
        indexes = [
            # The incremental recompute's work list: accounts whose posts changed after their metrics
            # (metrics.recompute.incremental_influencer_ids), a few thousand of two million at 1M.
            models.Index(
                fields=["influencer"],
                name="account_posts_pending",
                condition=Q(posts_changed_at__isnull=False)
                & (Q(metrics_updated_at__isnull=True) | Q(posts_changed_at__gt=F("metrics_updated_at"))),
            ),
            # The few self-reported accounts, looked up by every verified import (importers/verification.py).
            models.Index(fields=["id"], name="account_self_reported", condition=Q(metrics_source="self_reported")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="account_unique_platform_handle"),
            models.CheckConstraint(condition=Q(followers__gte=0), name="account_followers_non_negative"),
            models.CheckConstraint(
                condition=Q(engagement_rate__isnull=True) | Q(engagement_rate__gte=0),
                name="account_er_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"

    @property
    def is_self_reported(self) -> bool:
        return self.metrics_source == MetricsSource.SELF_REPORTED


class FollowerSketch(models.Model):
    """The compact sketch of an account's follower sample (docs/metrics.md, "Audience overlap").

    Written only by the import (influencers/importers); the raw follower ids are hashed and dropped
    on import, never stored. `followers` is the account's count when the sample came in, the size
    the estimates scale to; `level` is the sampling rule's level (rate 2^-level, 0 = full list).
    """

    account = models.OneToOneField(SocialAccount, on_delete=models.CASCADE, related_name="follower_sketch")
    level = models.PositiveSmallIntegerField()
    sample_size = models.PositiveIntegerField()
    followers = models.BigIntegerField()
    sketch = models.BinaryField()
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(level__lte=16), name="followersketch_level_range"),
            models.CheckConstraint(condition=Q(sample_size__gt=0), name="followersketch_sample_not_empty"),
            models.CheckConstraint(
                condition=Q(followers__gte=F("sample_size")), name="followersketch_sample_within_followers"
            ),
        ]

    def __str__(self) -> str:
        return f"follower sample of {self.account_id}"

    @property
    def rate(self) -> float:
        return 2.0**-self.level


class Post(models.Model):
    # No index of its own: the unique (account, external_id) and (account, -posted_at) indexes lead with
    # it. One index fewer on the biggest table makes imports faster (docs/benchmarks.md).
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="posts", db_index=False)
    external_id = models.CharField(max_length=100)
    posted_at = models.DateTimeField()
    format = models.CharField(max_length=10, choices=PostFormat.choices, default=PostFormat.IMAGE)
    caption = models.TextField(max_length=5000, blank=True)
    url = models.URLField(max_length=500, blank=True)
    # Hidden counts are NULL (missing data), never 0; the engine skips them.
    likes = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    comments = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    shares = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    views = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    saves = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    is_sponsored = models.BooleanField(default=False)
    has_ad_disclosure = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_at"]
        indexes = [models.Index(fields=["account", "-posted_at"], name="post_account_recent")]
        constraints = [
            models.UniqueConstraint(fields=["account", "external_id"], name="post_unique_external_id"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
                    name=f"post_{field}_non_negative",
                )
                for field in ("likes", "comments", "shares", "views", "saves")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.external_id}"


class FollowerSnapshot(models.Model):
    # No index of its own: the unique (account, date) index leads with it.
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE, related_name="snapshots", db_index=False)
    date = models.DateField()
    followers = models.BigIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["account", "date"]
        constraints = [
            models.UniqueConstraint(fields=["account", "date"], name="snapshot_unique_per_day"),
            models.CheckConstraint(condition=Q(followers__gte=0), name="snapshot_followers_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.date}: {self.followers}"


share_validators = [MinValueValidator(0.0), MaxValueValidator(1.0)]


def _share_field(label: StrOrPromise) -> models.FloatField:
    return models.FloatField(default=0.0, validators=share_validators, verbose_name=label)


class AudienceSource(models.TextChoices):
    SELF_REPORTED = "self_reported", _("Reported by the influencer")
    PLATFORM_INSIGHTS = "platform_insights", _("Platform insights export")
    IMPORT = "import", _("Imported")
    ESTIMATED = "estimated", _("Estimated")


class Audience(models.Model):
    """Who follows an influencer: shares (fractions 0–1) per age band, gender, country and language."""

    influencer = models.OneToOneField(Influencer, on_delete=models.CASCADE, related_name="audience")
    age_13_17 = _share_field("13–17")
    age_18_24 = _share_field("18–24")
    age_25_34 = _share_field("25–34")
    age_35_44 = _share_field("35–44")
    age_45_54 = _share_field("45–54")
    age_55_plus = _share_field("55+")
    gender_female = _share_field(_("Women"))
    gender_male = _share_field(_("Men"))
    gender_other = _share_field(_("Other"))
    language_shares = models.JSONField(default=dict, blank=True, help_text=_('{"nl": 0.7, "en": 0.3}'))
    source = models.CharField(max_length=20, choices=AudienceSource.choices, default=AudienceSource.SELF_REPORTED)
    as_of = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{field}__gte": 0.0}) & Q(**{f"{field}__lte": 1.0}),
                name=f"audience_{field}_share",
            )
            for field in [*AGE_FIELDS.values(), *GENDER_FIELDS.values()]
        ]

    def __str__(self) -> str:
        return f"Audience of {self.influencer}"

    def age_shares(self) -> dict[str, float]:
        return {band: getattr(self, field) for band, field in AGE_FIELDS.items()}

    def gender_shares(self) -> dict[str, float]:
        return {gender: getattr(self, field) for gender, field in GENDER_FIELDS.items()}

    def clean(self) -> None:
        errors: dict[str, Any] = {}  # ValidationError's dict form: messages, or a list of them
        for label, shares in ((_("Age"), self.age_shares()), (_("Gender"), self.gender_shares())):
            message = share_sum_error(label, shares.values())
            if message:
                errors.setdefault("__all__", []).append(message)
        languages = self.language_shares or {}
        if not isinstance(languages, dict) or any(
            code not in Language.values or not isinstance(v, int | float) or not 0 <= v <= 1
            for code, v in languages.items()
        ):
            errors["language_shares"] = _("Use known language codes with shares between 0 and 1.")
        elif languages and (message := share_sum_error(_("Language"), languages.values())):
            errors["language_shares"] = message
        if errors:
            raise ValidationError(errors)


def share_sum_error(label: StrOrPromise, shares: Iterable[float]) -> str | None:
    """A message when shares of one dimension do not add up to 100 % (None when they do)."""
    total = sum(shares)
    if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
        return _("%(label)s shares add up to %(total).0f %%; they must add up to 100 %%.") % {
            "label": label,
            "total": total * 100,
        }
    return None


class AudienceCountry(models.Model):
    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(max_length=2, choices=Country.choices)
    share = models.FloatField(validators=share_validators)

    class Meta:
        ordering = ["-share"]
        verbose_name_plural = "audience countries"
        constraints = [
            models.UniqueConstraint(fields=["audience", "country"], name="audience_country_unique"),
            models.CheckConstraint(condition=Q(share__gte=0.0) & Q(share__lte=1.0), name="audience_country_share"),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.share:.0%}"


class OfferQuerySet(models.QuerySet["Offer"]):
    def active(self) -> OfferQuerySet:
        return self.filter(is_active=True)


class Offer(models.Model):
    """One line of an influencer's rate card."""

    influencer = models.ForeignKey(Influencer, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=16, choices=WorkKind.choices)
    platform = models.CharField(max_length=12, choices=Platform.choices)
    title = models.CharField(max_length=120)
    deliverables = models.TextField(max_length=2000, blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(10_000_000)]
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    turnaround_days = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "price"]
        indexes = [models.Index(fields=["influencer", "kind", "is_active"], name="offer_influencer_kind")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="offer_price_non_negative"),
            models.CheckConstraint(
                condition=Q(turnaround_days__gte=1) & Q(turnaround_days__lte=365), name="offer_turnaround_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.price} {self.currency})"


class EngineRun(models.Model):
    """One run of the metrics or matching engine: what, for which scope, how far, and how it ended."""

    class Kind(models.TextChoices):
        METRICS_FULL = "metrics_full", _("Metrics — full")
        METRICS_INCREMENTAL = "metrics_incremental", _("Metrics — incremental")
        MATCHES_CAMPAIGN = "matches_campaign", _("Matches — one campaign")
        MATCHES_OPEN = "matches_open", _("Matches — all open campaigns")
        MATCHES_INFLUENCER = "matches_influencer", _("Matches — one influencer")
        IMPORT = "import", _("Metrics import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    # "campaign:12", "influencer:7", "all" — indexed so a page finds its own latest run.
    scope = models.CharField(max_length=64, default="all", db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_chunks = models.PositiveIntegerField(default=1)
    done_chunks = models.PositiveIntegerField(default=0)
    rows_touched = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(done_chunks__lte=models.F("total_chunks")), name="run_progress_bounded"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=models.F("started_at")),
                name="run_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} [{self.scope}] {self.status}"

    @property
    def progress(self) -> float:
        return self.done_chunks / self.total_chunks if self.total_chunks else 1.0

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class AuditEvent(models.Model):
    """An append-only record of a moderation decision or a state change, with who and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_target")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class Notification(models.Model):
    """An in-app notice for one user (an invitation, an application, a review …)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=40)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message


class FeatureChange(models.Model):
    """ "The inputs matching reads changed for these influencers": one row per committed change.

    Written after the change committed (by the services and the metrics engine), read by the matching
    feature store: a store built through change N is patched with the influencers of the changes after
    N, or not used. `influencer_ids` null means "possibly every influencer" (a bulk load, a test).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    influencer_ids = models.JSONField(null=True, blank=True)
    # An inclusive id range instead of a list: a chunk of a full metric recompute.
    id_from = models.BigIntegerField(null=True, blank=True)
    id_to = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(id_from__isnull=True, id_to__isnull=True)
                | Q(id_from__isnull=False, id_to__isnull=False, id_from__lte=F("id_to")),
                name="featurechange_range_complete",
            )
        ]

    def __str__(self) -> str:
        return f"feature change {self.pk}"


# The discovery search table (PostgreSQL), defined beside the models it is built from.
from .search_row import SearchRow  # noqa: E402, F401
