"""API shapes for the caller's brand and its shortlists.

Status, verification and moderation notes are output only: moderators set them in the admin.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_fields import StrictBooleanField, StrictCharField, StrictFloatField, StrictIntegerField
from influencers.serializers import NicheSlugsField, NullIfBlankChoiceField
from influencers.taxonomy import Country, ModerationStatus, Platform, Tier

from .models import BrandMember


class BrandSerializer(serializers.Serializer):
    """The caller's brand. Owners may change name, website, country, description and niches."""

    id = StrictIntegerField(read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = StrictCharField(max_length=120)
    website = serializers.URLField(max_length=300, allow_blank=True, required=False)
    country = serializers.ChoiceField(choices=[("", "—"), *Country.choices], required=False)
    description = StrictCharField(max_length=4000, allow_blank=True, required=False)
    industry_niches = NicheSlugsField(required=False)
    status = serializers.ChoiceField(choices=ModerationStatus.choices, read_only=True)
    status_reason = StrictCharField(read_only=True)
    verified = StrictBooleanField(read_only=True, help_text=_("Set by a moderator after checking the company."))
    role = serializers.SerializerMethodField(help_text=_("Your role in this brand."))

    @extend_schema_field({"type": "string", "enum": list(BrandMember.Role.values)})
    def get_role(self, brand: object) -> str:
        return self.context["role"]


class ShortlistSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    name = StrictCharField(max_length=120)
    entry_count = StrictIntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ShortlistInfluencerSerializer(serializers.Serializer):
    handle = StrictCharField(read_only=True)
    display_name = StrictCharField(read_only=True)
    tier = NullIfBlankChoiceField(choices=Tier.choices)
    total_followers = StrictIntegerField(read_only=True)
    engagement_rate = StrictFloatField(read_only=True, allow_null=True)
    credibility_score = StrictIntegerField(read_only=True, allow_null=True)
    niches = NicheSlugsField(read_only=True)


class ShortlistEntrySerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    available = StrictBooleanField(
        read_only=True,
        help_text=_(
            "False when the creator is no longer shown to brands (suspended or paused); "
            "`influencer`, `primary_platform` and `cheapest_offer_price` are then null."
        ),
    )
    influencer = ShortlistInfluencerSerializer(read_only=True, allow_null=True)
    note = StrictCharField(max_length=2000, allow_blank=True, required=False)
    primary_platform = serializers.ChoiceField(choices=Platform.choices, read_only=True, allow_null=True)
    cheapest_offer_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True, help_text=_("Cheapest active offer in EUR.")
    )
    added_by = serializers.SerializerMethodField()
    added_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_added_by(self, entry: object) -> str | None:
        user = getattr(entry, "added_by", None)
        return user.get_username() if user is not None else None

    def to_representation(self, entry: object) -> dict:
        data = super().to_representation(entry)
        if not data["available"]:
            # None of a hidden creator's data leaves through a shortlist (brands/selectors.shortlist_entries).
            data.update(influencer=None, primary_platform=None, cheapest_offer_price=None)
        return data


class ShortlistEntryCreateSerializer(serializers.Serializer):
    influencer = StrictCharField(max_length=50, help_text=_("The creator's handle."))
    note = StrictCharField(max_length=2000, allow_blank=True, required=False)


class ShortlistEntryNoteSerializer(serializers.Serializer):
    note = StrictCharField(max_length=2000, allow_blank=True)


class SavedSearchSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    name = StrictCharField(max_length=80)
    query = StrictCharField(
        max_length=2000,
        help_text=_(
            "The discovery query string, as for GET /api/v1/influencers/ "
            "(e.g. `platform=instagram&followers_min=10000`). "
            "Stored normalized: only discovery filters, sorted, without the cursor; at least one filter."
        ),
    )
    notify = StrictBooleanField(
        required=False, default=True, help_text=_("Send the daily digest of new matching creators.")
    )
    summary = StrictCharField(read_only=True, help_text=_("The filters in words."))
    url = StrictCharField(read_only=True, help_text=_("The discovery page running this search."))
    checked_until = serializers.DateTimeField(
        read_only=True, help_text=_("Creators approved after this moment are new; the daily digest moves it on.")
    )
    last_new_count = StrictIntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("New creators the last daily digest found (null before the first digest)."),
    )
    created_at = serializers.DateTimeField(read_only=True)


class SavedSearchUpdateSerializer(serializers.Serializer):
    name = StrictCharField(max_length=80, required=False)
    notify = StrictBooleanField(required=False)
