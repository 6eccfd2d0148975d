"""API shapes for creators: discovery results, profiles, charts, and the creator's own records.

Output serializers only read; input serializers check types and ranges and hand a plain dict to a
service (influencers/services.py), which applies the business rules and model validation — the
same code the /me/ pages call. Engine-derived numbers are never input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from django.db import DatabaseError
from django.db.models import Manager
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_fields import MoneyField, StrictBooleanField, StrictCharField, StrictFloatField, StrictIntegerField

from .definitions import REPUTATION_PERIOD_DAYS
from .importers import COLUMNS as IMPORT_COLUMNS
from .models import Audience, AudienceSource, Influencer, MetricsSource, Niche, Offer, SocialAccount
from .taxonomy import NICHES, AgeBand, Country, Currency, Gender, Language, ModerationStatus, Platform, Tier, WorkKind

# The largest follower count the API accepts (the database column is a 64-bit integer).
MAX_FOLLOWERS = 10_000_000_000


class NullIfBlankChoiceField(serializers.ChoiceField):
    """A read-only choice that is "" in the database when unknown and null in the API."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        return value or None


def niche_choices() -> list[tuple[str, str]]:
    return list(Niche.objects.order_by("slug").values_list("slug", "name"))


def niche_slugs() -> list[str]:
    """The niche slugs for the schema's enum: the database's, or the seeded taxonomy before migrating.

    `manage.py check --deploy` generates the schema; it must not need a migrated database.
    """
    try:
        return [slug for slug, _name in niche_choices()]
    except DatabaseError:
        return sorted(slug for slug, _name in NICHES)


class NicheSlugsField(serializers.ListField):
    """Niches as a list of slugs ("fashion", "tech" …); the choices are the niches in the database.

    They are read when a value is validated or the schema is generated, never at import time.
    """

    def __init__(self, **kwargs: Any) -> None:
        read_only = kwargs.get("read_only", False)
        kwargs.setdefault("child", serializers.CharField() if read_only else serializers.ChoiceField(choices=[]))
        if not read_only:
            kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        child = self.child  # a ChoiceField: only a writable field reads input
        if isinstance(child, serializers.ChoiceField) and not child.choices:
            child.choices = niche_choices()
        return super().to_internal_value(data)

    def to_representation(self, data: Any) -> list[str]:
        return [niche.slug for niche in data.all()] if hasattr(data, "all") else list(data)


class NicheSlugsFieldExtension(OpenApiSerializerFieldExtension):
    """The schema lists the niches that exist when it is generated."""

    target_class = NicheSlugsField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict:
        if self.target.read_only:
            return {"type": "array", "items": {"type": "string"}}
        return {"type": "array", "items": {"type": "string", "enum": niche_slugs()}, "maxItems": self.target.max_length}


def niches_for(slugs: list[str]) -> list[Niche]:
    return list(Niche.objects.filter(slug__in=slugs))


NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def avatar_url(influencer: Influencer) -> str | None:
    return influencer.avatar.url if influencer.avatar else None


# --- metrics -----------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "impact": {"type": "number"},
        },
        "additionalProperties": {},
    }
)
class CredibilityReasonField(serializers.DictField):
    pass


class InfluencerMetricsSerializer(serializers.Serializer):
    """The engine's numbers with their sample size and freshness (definitions: /metrics/)."""

    total_followers = StrictIntegerField(read_only=True)
    engagement_rate = StrictFloatField(
        read_only=True, allow_null=True, help_text=_("Fraction (0.034 = 3.4 %); null when unknown.")
    )
    er_sample_size = StrictIntegerField(read_only=True, help_text=_("Posts the engagement rate is based on."))
    er_benchmark = serializers.SerializerMethodField(help_text=_("Typical ER of this tier on the largest platform."))
    tier = NullIfBlankChoiceField(choices=Tier.choices)
    credibility_score = StrictIntegerField(read_only=True, allow_null=True)
    credibility_reasons = serializers.ListField(child=CredibilityReasonField(), read_only=True)
    follower_growth_30d = StrictFloatField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(
        source="metrics_updated_at", read_only=True, allow_null=True, help_text=_("When the engine computed these.")
    )

    @extend_schema_field({"type": "number", "nullable": True})
    def get_er_benchmark(self, influencer: Influencer) -> float | None:
        return getattr(influencer, "er_benchmark", None)


class DeliveryPunctualitySerializer(serializers.Serializer):
    """The stored delivers-on-time score (docs/metrics.md#delivers-on-time-in-discovery)."""

    percent = StrictIntegerField(
        source="delivery_on_time_percent",
        read_only=True,
        allow_null=True,
        help_text=_("Share of deliverables handed in by their due date (0-100); null: not enough history."),
    )
    on_time = StrictIntegerField(source="delivery_on_time_count", read_only=True)
    sample = StrictIntegerField(
        source="delivery_sample", read_only=True, help_text=_("Deliverables counted; a percent needs 3.")
    )
    period_days = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(
        source="delivery_computed_at", read_only=True, allow_null=True, help_text=_("When it was last recomputed.")
    )

    @extend_schema_field({"type": "integer"})
    def get_period_days(self, influencer: Influencer) -> int:
        return REPUTATION_PERIOD_DAYS


class CheapestOfferSerializer(serializers.Serializer):
    price = serializers.DecimalField(max_digits=12, decimal_places=2, source="cheapest_offer_price")
    currency = serializers.ChoiceField(choices=Currency.choices, source="cheapest_offer_currency")


class InfluencerCardSerializer(serializers.Serializer):
    """One discovery result."""

    handle = StrictCharField(read_only=True)
    display_name = StrictCharField(read_only=True)
    avatar = serializers.SerializerMethodField()
    country = NullIfBlankChoiceField(choices=Country.choices)
    city = StrictCharField(read_only=True)
    languages = serializers.ListField(child=serializers.ChoiceField(choices=Language.choices), read_only=True)
    niches = NicheSlugsField(read_only=True)
    primary_platform = serializers.ChoiceField(choices=Platform.choices, read_only=True, allow_null=True)
    metrics = InfluencerMetricsSerializer(source="*", read_only=True)
    delivers_on_time = DeliveryPunctualitySerializer(source="*", read_only=True)
    cheapest_offer = serializers.SerializerMethodField()

    @extend_schema_field(NULLABLE_URI)
    def get_avatar(self, influencer: Influencer) -> str | None:
        return avatar_url(influencer)

    @extend_schema_field(CheapestOfferSerializer(allow_null=True))
    def get_cheapest_offer(self, influencer: Influencer) -> dict | None:
        if getattr(influencer, "cheapest_offer_price", None) is None:
            return None
        return CheapestOfferSerializer(influencer).data


def _unless_none(convert: Callable[[Any], Any], value: Any) -> Any:
    # DRF never hands None to a field's to_representation: None stays null.
    return None if value is None else convert(value)


def _credibility_reasons(reasons: list) -> list:
    return [None if reason is None else {str(key): value for key, value in reason.items()} for reason in reasons]


class InfluencerCardListSerializer(serializers.ListSerializer):
    """Discovery results written out directly: the JSON of InfluencerCardSerializer, for a fraction of the CPU.

    DRF's generic path copies the card's field tree per request and builds a new serializer for each
    cheapest offer: ~2.7 ms of CPU per page of 24 cards (~6 ms per 100), against ~0.7 ms here, in an
    endpoint that must answer in 25 ms (issue #7). The card's declared fields stay the contract (the
    schema, the profile endpoint that extends them); tests/api/test_list_representation.py checks
    that this writes byte for byte what DRF writes from them.
    """

    @cached_property
    def _cheapest_offer(self) -> CheapestOfferSerializer:
        return CheapestOfferSerializer()

    @cached_property
    def _timestamp(self) -> serializers.DateTimeField:
        # As the declared `updated_at`: DRF's default format, in the current time zone.
        return serializers.DateTimeField()

    def to_representation(self, data: Manager[Influencer] | Iterable[Influencer]) -> list[dict]:
        influencers = data.all() if isinstance(data, Manager) else data  # as ListSerializer does
        return [self._card(influencer) for influencer in influencers]

    def _card(self, influencer: Influencer) -> dict:
        has_offer = getattr(influencer, "cheapest_offer_price", None) is not None
        return {
            "handle": _unless_none(str, influencer.handle),
            "display_name": _unless_none(str, influencer.display_name),
            "avatar": avatar_url(influencer),
            "country": influencer.country or None,
            "city": _unless_none(str, influencer.city),
            "languages": _unless_none(list, influencer.languages),
            "niches": [niche.slug for niche in influencer.niches.all()],
            "primary_platform": getattr(influencer, "primary_platform", None),
            "metrics": self._metrics(influencer),
            "delivers_on_time": self._delivers_on_time(influencer),
            "cheapest_offer": self._cheapest_offer.to_representation(influencer) if has_offer else None,
        }

    def _delivers_on_time(self, influencer: Influencer) -> dict:
        return {
            "percent": _unless_none(int, influencer.delivery_on_time_percent),
            "on_time": _unless_none(int, influencer.delivery_on_time_count),
            "sample": _unless_none(int, influencer.delivery_sample),
            "period_days": REPUTATION_PERIOD_DAYS,
            "updated_at": _unless_none(self._timestamp.to_representation, influencer.delivery_computed_at),
        }

    def _metrics(self, influencer: Influencer) -> dict:
        return {
            "total_followers": _unless_none(int, influencer.total_followers),
            "engagement_rate": _unless_none(float, influencer.engagement_rate),
            "er_sample_size": _unless_none(int, influencer.er_sample_size),
            "er_benchmark": getattr(influencer, "er_benchmark", None),
            "tier": influencer.tier or None,
            "credibility_score": _unless_none(int, influencer.credibility_score),
            "credibility_reasons": _unless_none(_credibility_reasons, influencer.credibility_reasons),
            "follower_growth_30d": _unless_none(float, influencer.follower_growth_30d),
            "updated_at": _unless_none(self._timestamp.to_representation, influencer.metrics_updated_at),
        }


class InfluencerPageSerializer(serializers.Serializer):
    """A page of discovery results: keyset cursor, capped count."""

    next = serializers.URLField(allow_null=True, help_text=_("The next page, or null on the last one."))
    count = StrictIntegerField(help_text=_("Matching creators, counted up to count_cap."))
    count_is_capped = StrictBooleanField(help_text=_("True when there are more than `count` matches."))
    sort = StrictCharField()
    # What InfluencerCardSerializer(many=True) builds, with the fast list. Not Meta.list_serializer_class:
    # InfluencerDetailSerializer extends the card and would inherit it.
    results = InfluencerCardListSerializer(child=InfluencerCardSerializer())


class AccountSerializer(serializers.ModelSerializer):
    """A social account as brands see it; every number except followers comes from the engine."""

    class Meta:
        model = SocialAccount
        fields = (
            "platform",
            "handle",
            "url",
            "followers",
            "engagement_rate",
            "engagement_rate_by_views",
            "er_sample_size",
            "avg_likes",
            "avg_comments",
            "avg_views",
            "last_post_at",
            "metrics_updated_at",
            "metrics_source",
        )
        read_only_fields = fields


class AudienceShareSerializer(serializers.Serializer):
    country = serializers.ChoiceField(choices=Country.choices)
    share = StrictFloatField(min_value=0.0, max_value=1.0)


class LanguageShareSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices)
    share = StrictFloatField(min_value=0.0, max_value=1.0)


def _share_fields(bands: Any) -> dict[str, serializers.FloatField]:
    return {band.value: StrictFloatField(min_value=0.0, max_value=1.0, label=band.label) for band in bands}


AgeSharesSerializer = type(
    "AgeSharesSerializer", (serializers.Serializer,), {**_share_fields(AgeBand), "__doc__": "Shares per age band."}
)
GenderSharesSerializer = type(
    "GenderSharesSerializer", (serializers.Serializer,), {**_share_fields(Gender), "__doc__": "Shares per gender."}
)


class AudienceSerializer(serializers.Serializer):
    """Who follows the creator, as fractions (0.35 = 35 %). Ages and genders each add up to 1."""

    ages = AgeSharesSerializer()
    genders = GenderSharesSerializer()
    # What many=True builds (spelled out: the stubs' Serializer() does not take the list's max_length).
    countries: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=AudienceShareSerializer(), max_length=len(Country.values)
    )
    languages: serializers.ListSerializer[Any] = serializers.ListSerializer(
        child=LanguageShareSerializer(), max_length=len(Language.values)
    )
    # A field named like Field.source; DRF's metaclass takes declared fields off the class, so no clash.
    source = serializers.ChoiceField(choices=AudienceSource.choices, read_only=True)  # type: ignore[assignment]
    as_of = serializers.DateField(read_only=True)

    def to_representation(self, audience: Audience) -> dict:
        return {
            "ages": audience.age_shares(),
            "genders": audience.gender_shares(),
            "countries": [{"country": c.country, "share": c.share} for c in audience.countries.all()],
            "languages": [
                {"language": code, "share": share} for code, share in sorted((audience.language_shares or {}).items())
            ],
            "source": audience.source,
            "as_of": audience.as_of.isoformat(),
        }

    def service_kwargs(self) -> dict[str, dict[str, float]]:
        """The validated shares in the shape `audience_update` takes."""
        data = self.validated_data
        for key, name in (("countries", "country"), ("languages", "language")):
            codes = [row[name] for row in data[key]]
            if len(codes) != len(set(codes)):
                raise serializers.ValidationError({key: [_("Name each %(name)s once.") % {"name": name}]})
        return {
            "ages": dict(data["ages"]),
            "genders": dict(data["genders"]),
            "countries": {row["country"]: row["share"] for row in data["countries"]},
            "languages": {row["language"]: row["share"] for row in data["languages"]},
        }


class PublicOfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = ("id", "kind", "platform", "title", "deliverables", "price", "currency", "turnaround_days")
        read_only_fields = fields


class InfluencerDetailSerializer(InfluencerCardSerializer):
    """A creator's profile: accounts with their metrics, audience and active rate card."""

    bio = StrictCharField(read_only=True)
    accounts = AccountSerializer(many=True, read_only=True)
    audience = serializers.SerializerMethodField()
    offers = PublicOfferSerializer(many=True, read_only=True, source="active_offers")

    @extend_schema_field(AudienceSerializer(allow_null=True))
    def get_audience(self, influencer: Influencer) -> dict | None:
        from .selectors import audience_of

        audience = audience_of(influencer)
        return AudienceSerializer(audience).data if audience is not None else None


# --- charts ------------------------------------------------------------------------------------


class FollowerPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    followers = StrictIntegerField()


class FollowerSpikeSerializer(serializers.Serializer):
    date = serializers.DateField()
    gain = StrictIntegerField(allow_null=True)
    explained = StrictBooleanField()


class FollowerSeriesSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = StrictCharField()
    points = FollowerPointSerializer(many=True)
    spikes = FollowerSpikeSerializer(many=True)


class EngagementPointSerializer(serializers.Serializer):
    posted_at = serializers.DateTimeField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    account = StrictCharField(help_text=_("The account's handle."))
    engagement = StrictIntegerField(
        allow_null=True, help_text=_("By the platform's rule (docs/metrics.md); null when a count is hidden.")
    )
    engagement_rate = StrictFloatField(allow_null=True, help_text=_("Engagement / followers of the account."))
    likes = StrictIntegerField(allow_null=True)
    comments = StrictIntegerField(allow_null=True)
    shares = StrictIntegerField(allow_null=True)
    views = StrictIntegerField(allow_null=True)
    is_sponsored = StrictBooleanField()
    has_ad_disclosure = StrictBooleanField()
    url = StrictCharField(allow_blank=True)


# --- the creator's own records (/api/v1/me/…) ------------------------------------------------


class MyProfileSerializer(serializers.Serializer):
    handle = StrictCharField(read_only=True)
    display_name = StrictCharField(max_length=120)
    bio = StrictCharField(max_length=2000, allow_blank=True, required=False)
    country = serializers.ChoiceField(choices=[("", "—"), *Country.choices], required=False)
    city = StrictCharField(max_length=80, allow_blank=True, required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), max_length=len(Language.values), required=False
    )
    niches = NicheSlugsField(required=False)
    is_active = StrictBooleanField(
        required=False, help_text=_("False pauses the profile: brands no longer see or match it.")
    )
    avatar = serializers.SerializerMethodField(help_text=_("Upload a new picture on the profile page."))
    status = serializers.ChoiceField(choices=ModerationStatus.choices, read_only=True)
    status_reason = StrictCharField(read_only=True)
    metrics = InfluencerMetricsSerializer(source="*", read_only=True)

    @extend_schema_field(NULLABLE_URI)
    def get_avatar(self, influencer: Influencer) -> str | None:
        return avatar_url(influencer)


class MyAccountSerializer(serializers.Serializer):
    """One of my social accounts. Followers are self-reported until imported metrics take over."""

    id = StrictIntegerField(read_only=True)
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = StrictCharField(max_length=100, help_text=_("As the platform shows it, without @."))
    url = StrictCharField(max_length=300, allow_blank=True, required=False, help_text=_("Never fetched by Invloed."))
    followers = StrictIntegerField(min_value=0, max_value=MAX_FOLLOWERS, required=False)
    engagement_rate = StrictFloatField(read_only=True, allow_null=True)
    engagement_rate_by_views = StrictFloatField(read_only=True, allow_null=True)
    er_sample_size = StrictIntegerField(read_only=True)
    avg_likes = StrictFloatField(read_only=True, allow_null=True)
    avg_comments = StrictFloatField(read_only=True, allow_null=True)
    avg_views = StrictFloatField(read_only=True, allow_null=True)
    last_post_at = serializers.DateTimeField(read_only=True, allow_null=True)
    metrics_updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    metrics_source = serializers.ChoiceField(
        choices=MetricsSource.choices,
        read_only=True,
        help_text=_("self_reported until a verified import replaces the numbers (docs/metrics.md#self-reported)."),
    )


class MyOfferSerializer(serializers.Serializer):
    """One line of my rate card."""

    id = StrictIntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=WorkKind.choices)
    platform = serializers.ChoiceField(choices=Platform.choices)
    title = StrictCharField(max_length=120)
    deliverables = StrictCharField(max_length=2000, allow_blank=True, required=False)
    price = MoneyField(whole_digits=7)
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    turnaround_days = StrictIntegerField(min_value=1, max_value=365, required=False)
    is_active = StrictBooleanField(required=False)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


# --- metrics import ---------------------------------------------------------------------------


def _record_schema(columns: tuple[str, ...]) -> dict:
    # Values are validated row by row by the importer (docs/import.md), with row-numbered messages.
    return {"type": "object", "properties": {name: {} for name in columns}, "additionalProperties": False}


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A .csv, .json or .jsonl file (columns: docs/import.md)."))
    kind = serializers.ChoiceField(
        choices=[(kind, kind) for kind in ("posts", "snapshots", "audience", "follower_samples")],
        required=False,
        help_text=_("CSV only; default: recognised from the header."),
    )


def _records_field(kind: str) -> serializers.ListField:
    field_class = extend_schema_field({"type": "array", "items": _record_schema(IMPORT_COLUMNS[kind])})(
        type(f"{kind.title()}RecordsField", (serializers.ListField,), {})
    )
    return field_class(child=serializers.DictField(), required=False)


class ImportDocumentSerializer(serializers.Serializer):
    """The JSON import format: any of the four lists, with the columns of docs/import.md."""

    posts = _records_field("posts")
    snapshots = _records_field("snapshots")
    audience = _records_field("audience")
    follower_samples = _records_field("follower_samples")


class ImportResultSerializer(serializers.Serializer):
    run_id = StrictIntegerField()
    status = StrictCharField()
    url = StrictCharField(help_text=_("The run, with its rows and the recompute it queued."))
    rows = serializers.DictField(child=StrictIntegerField(), help_text=_("Rows read, per kind."))
    written = serializers.DictField(child=StrictIntegerField(), help_text=_("New or changed rows, per kind."))
    unchanged = serializers.DictField(child=StrictIntegerField(), help_text=_("Rows already up to date, per kind."))
    influencers_changed = StrictIntegerField(help_text=_("Creators whose metrics are being recomputed."))


# --- similar creators ------------------------------------------------------------------------------


class SimilarityComponentsSerializer(serializers.Serializer):
    niches = StrictFloatField(help_text=_("Shared niches ÷ niches of either creator (0–1)."))
    audience = StrictFloatField(help_text=_("Mean of the age, gender and country overlaps (0–1)."))
    tier = StrictFloatField(help_text=_("1 same tier, 0.5 the next one, else 0."))
    engagement = StrictFloatField(help_text=_("1 − |ln(ER ratio)| ÷ ln 4, at least 0."))


class AudienceOverlapSerializer(serializers.Serializer):
    age = StrictFloatField()
    gender = StrictFloatField()
    country = StrictFloatField()


class SimilarCreatorSerializer(serializers.Serializer):
    """One lookalike (definition: /metrics/#similar-creators)."""

    handle = StrictCharField()
    display_name = StrictCharField()
    avatar = serializers.URLField(allow_null=True)
    url = serializers.URLField(help_text=_("This creator's profile in the API."))
    tier = NullIfBlankChoiceField(choices=Tier.choices)
    total_followers = StrictIntegerField()
    engagement_rate = StrictFloatField(allow_null=True, help_text=_("Fraction (0.034 = 3.4 %); null when unknown."))
    credibility_score = StrictIntegerField(allow_null=True)
    metrics_updated_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the engine computed this creator's numbers.")
    )
    similarity = StrictFloatField(help_text=_("0–100, higher is more alike."))
    components = SimilarityComponentsSerializer()
    audience_overlap = AudienceOverlapSerializer()
    credibility_factor = StrictFloatField(help_text=_("Credibility ÷ 80, at most 1 (1 while not computed)."))
    shared_niches = serializers.ListField(child=StrictCharField(), help_text=_("Slugs of the niches both share."))
    reason = StrictCharField(help_text=_("The similarity in words, with the date of both creators' numbers."))


class SimilarCreatorsSerializer(serializers.Serializer):
    handle = StrictCharField(help_text=_("The creator the results are similar to."))
    metrics_updated_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the engine computed that creator's numbers.")
    )
    results = SimilarCreatorSerializer(many=True)


# --- audience overlap (docs/metrics.md, "Audience overlap") -------------------------------------


class AudienceOverlapQuerySerializer(serializers.Serializer):
    handle = serializers.ListField(
        child=serializers.RegexField(r"^@?[a-z0-9](?:[a-z0-9._]{0,48}[a-z0-9])?$", max_length=51),
        min_length=2,
        max_length=10,
        help_text=_("2–10 creator handles (repeat the parameter)."),
    )
    platform = serializers.ChoiceField(
        choices=Platform.choices,
        required=False,
        help_text=_(
            "Compare follower samples on this platform; default: the one most of the creators have a sample on."
        ),
    )


class OverlapCreatorSerializer(serializers.Serializer):
    handle = StrictCharField()
    sampled = serializers.BooleanField(help_text=_("False: no follower sample on this platform (“no sample”)."))
    account = StrictCharField(allow_null=True, help_text=_("The sampled account's handle on the platform."))
    followers = StrictIntegerField(allow_null=True, help_text=_("The account's followers when the sample came in."))
    sample_size = StrictIntegerField(allow_null=True, help_text=_("Distinct follower ids in the sample."))
    sample_rate = StrictFloatField(allow_null=True, help_text=_("1 = the full list; 0.125 = one in eight followers."))
    imported_at = serializers.DateTimeField(allow_null=True)


class OverlapPairSerializer(serializers.Serializer):
    a = StrictCharField()
    b = StrictCharField()
    shared_followers = StrictFloatField(help_text=_("Estimated followers of both."))
    shared_followers_bound = StrictFloatField(help_text=_("± this many (three standard errors)."))
    shared_share = StrictFloatField(help_text=_("Shared followers ÷ the smaller audience (0–1)."))
    shared_share_bound = StrictFloatField(help_text=_("± this fraction (three standard errors)."))


class UniqueReachSerializer(serializers.Serializer):
    value = StrictFloatField(help_text=_("Estimated followers of at least one of the sampled creators."))
    bound = StrictFloatField(help_text=_("± this many (three standard errors)."))
    followers_total = StrictIntegerField(help_text=_("Their followers added up (the reach if nobody followed two)."))
    creators = StrictIntegerField(help_text=_("Creators with a sample counted in the estimate."))


class AudienceOverlapReportSerializer(serializers.Serializer):
    platform = StrictCharField(allow_null=True)
    definition = serializers.URLField(help_text=_("Where the numbers are defined."))
    creators = OverlapCreatorSerializer(many=True)
    pairs = OverlapPairSerializer(many=True)
    unique_reach = UniqueReachSerializer(allow_null=True)
