"""API shapes for campaigns, matches, engine runs, collaborations and deliverables.

Input serializers check types and ranges only; the services in campaigns/services/ apply every
business rule (kind-specific terms, budgets, dates, the status machine and who may move it).
Status, moderation and engine-derived fields are output only: a PATCH that sends them changes nothing.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_fields import MoneyField, StrictBooleanField, StrictCharField, StrictFloatField, StrictIntegerField
from influencers.models import EngineRun
from influencers.serializers import MAX_FOLLOWERS, NicheSlugsField, NullIfBlankChoiceField
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

from .domain import COLLABORATION_ACTIONS
from .models import TERMS_BY_KIND, Campaign, Collaboration, CollaborationMessage, Deliverable, Match


def _choices(choices: Any, *, max_length: int, **kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), max_length=max_length, required=False, **kwargs
    )


def _terms_per_kind() -> str:
    """Which fields are the terms of each kind, read from the one table the model validates with."""
    kinds = (
        f"{kind}: " + ", ".join(f"{name} (required)" if name in terms.required else name for name in terms.fields)
        for kind, terms in TERMS_BY_KIND.items()
    )
    return "Terms per kind (the other kinds' terms are reset on save): " + "; ".join(kinds) + "."


class BrandRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = StrictCharField(read_only=True)


class CampaignSerializer(serializers.Serializer):
    """A campaign with the terms of its kind. Only the chosen kind's terms are kept on save.

    The fields typed `| None` are the brand's only: CreatorCampaignSerializer sets them to None to leave them out.
    """

    id = StrictIntegerField(read_only=True)
    brand = BrandRefSerializer(read_only=True)
    title = StrictCharField(max_length=160)
    brief = StrictCharField(max_length=10_000)
    kind = serializers.ChoiceField(
        choices=WorkKind.choices,
        help_text=format_lazy("{} {}", _("Fixed once the campaign is published."), _terms_per_kind()),
    )
    # The terms of each kind (campaigns.models.TERMS_BY_KIND); API-specific types and bounds.
    # Sponsored post
    posts_count = StrictIntegerField(min_value=1, max_value=100, allow_null=True, required=False)
    formats = _choices(PostFormat.choices, max_length=len(PostFormat.values))
    # Review
    product_name = StrictCharField(max_length=160, allow_blank=True, required=False)
    product_value = MoneyField(allow_null=True, required=False)
    honest_review_clause = StrictBooleanField(required=False)
    # Giveaway
    prize = StrictCharField(max_length=200, allow_blank=True, required=False)
    prize_value = MoneyField(allow_null=True, required=False)
    winners_count = StrictIntegerField(min_value=1, max_value=1000, allow_null=True, required=False)
    entry_end_date = serializers.DateField(allow_null=True, required=False)
    winner_announcement_date = serializers.DateField(allow_null=True, required=False)
    # Ambassadorship
    duration_months = StrictIntegerField(min_value=1, max_value=36, allow_null=True, required=False)
    posts_per_month = StrictIntegerField(min_value=1, max_value=60, allow_null=True, required=False)
    monthly_fee = MoneyField(allow_null=True, required=False)
    exclusivity = StrictBooleanField(required=False)
    # Who it is for
    niches = NicheSlugsField(required=False)
    platforms = _choices(Platform.choices, max_length=len(Platform.values))
    target_age_bands: serializers.ListField | None = _choices(AgeBand.choices, max_length=len(AgeBand.values))
    target_genders: serializers.ListField | None = _choices(Gender.choices, max_length=len(Gender.values))
    target_countries: serializers.ListField | None = _choices(Country.choices, max_length=len(Country.values))
    target_languages: serializers.ListField | None = _choices(Language.choices, max_length=len(Language.values))
    min_followers: StrictIntegerField | None = StrictIntegerField(
        min_value=0, max_value=MAX_FOLLOWERS, allow_null=True, required=False
    )
    max_followers: StrictIntegerField | None = StrictIntegerField(
        min_value=0, max_value=MAX_FOLLOWERS, allow_null=True, required=False
    )
    tiers: serializers.ListField | None = _choices(Tier.choices, max_length=len(Tier.values))
    # Money and time
    currency = serializers.ChoiceField(choices=Currency.choices, required=False)
    budget_total: serializers.Field | None = MoneyField()
    budget_per_creator = MoneyField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    visibility: serializers.ChoiceField | None = serializers.ChoiceField(
        choices=Campaign.Visibility.choices, required=False
    )
    # Set by actions, moderation and the matching engine
    status = serializers.ChoiceField(choices=Campaign.Status.choices, read_only=True)
    moderation_status: serializers.ChoiceField | None = serializers.ChoiceField(
        choices=ModerationStatus.choices, read_only=True
    )
    moderation_reason: StrictCharField | None = StrictCharField(read_only=True)
    published_at: serializers.DateTimeField | None = serializers.DateTimeField(read_only=True, allow_null=True)
    winners_announced_at: serializers.DateTimeField | None = serializers.DateTimeField(read_only=True, allow_null=True)
    matches_computed_at: serializers.DateTimeField | None = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at: serializers.DateTimeField | None = serializers.DateTimeField(read_only=True)
    updated_at: serializers.DateTimeField | None = serializers.DateTimeField(read_only=True)


class CreatorCampaignSerializer(CampaignSerializer):
    """A campaign as a creator sees it: what the opportunity and collaboration pages show, nothing more.

    Left out (DRF drops a parent's field set to None): the moderator's note, the total budget, whom the
    campaign targets (audience, follower range, tiers, languages) and the brand's bookkeeping.
    """

    moderation_status = None
    moderation_reason = None
    budget_total = None
    target_age_bands = None
    target_genders = None
    target_countries = None
    target_languages = None
    min_followers = None
    max_followers = None
    tiers = None
    visibility = None
    published_at = None
    winners_announced_at = None
    matches_computed_at = None
    created_at = None
    updated_at = None


BRAND_ONLY_FIELDS = tuple(
    name for name in CampaignSerializer._declared_fields if name not in CreatorCampaignSerializer._declared_fields
)


def _optional(field: serializers.Field) -> serializers.Field:
    # Schema only: a field not every caller receives must not be listed as required in the response.
    # (DRF copies a declared field by calling it again with its arguments, so build it from those.)
    # Output-only text may be empty (no moderation note yet), which an input field would refuse.
    # DRF's Field.__new__ records the constructor arguments as _args/_kwargs; the stubs do not declare them.
    kwargs = {name: copy.deepcopy(value) for name, value in field._kwargs.items()}  # type: ignore[attr-defined]
    if isinstance(field, serializers.CharField):
        kwargs["allow_blank"] = True
    return type(field)(*field._args, **{**kwargs, "read_only": False, "required": False})  # type: ignore[attr-defined]


CampaignForCallerSerializer = type(
    "CampaignForCallerSerializer",
    (CreatorCampaignSerializer,),
    {
        "__doc__": "A campaign for whoever asks: the brand and staff who may view campaigns also get the "
        "moderation, total budget, targeting and bookkeeping fields; a creator does not.",
        **{name: _optional(CampaignSerializer._declared_fields[name]) for name in BRAND_ONLY_FIELDS},
    },
)


class OpportunitySerializer(CreatorCampaignSerializer):
    """An open campaign for the creator; recommended ones carry the engine's score and reason."""

    match_score = StrictFloatField(read_only=True, allow_null=True, default=None)
    match_explanation = StrictCharField(read_only=True, allow_null=True, default=None)
    match_reach = StrictIntegerField(read_only=True, allow_null=True, default=None)


class OpportunitiesSerializer(serializers.Serializer):
    recommended = OpportunitySerializer(many=True, help_text=_("Best first, by the matching engine."))
    others = OpportunitySerializer(many=True, help_text=_("Other open campaigns in your niches or platforms."))


class CampaignCancelSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=2000, allow_blank=True, required=False)


class InfluencerRefSerializer(serializers.Serializer):
    handle = StrictCharField(read_only=True)
    display_name = StrictCharField(read_only=True)
    tier = NullIfBlankChoiceField(choices=Tier.choices)
    total_followers = StrictIntegerField(read_only=True)


@extend_schema_field(
    {
        "type": "object",
        "properties": {name: {"type": "number", "minimum": 0, "maximum": 1} for name in Match.COMPONENTS},
        "required": list(Match.COMPONENTS),
    }
)
class MatchComponentsField(serializers.Field):
    def to_representation(self, match: Match) -> dict[str, float]:
        return match.components()


class MatchSerializer(serializers.ModelSerializer):
    """One ranked recommendation with its component scores (each 0–1) and the plain-language reason."""

    influencer = InfluencerRefSerializer(read_only=True)
    components = MatchComponentsField(source="*", read_only=True)
    # In the request's language (Accept-Language), as the recommendations page shows it.
    explanation = serializers.CharField(source="explanation_shown", read_only=True)

    class Meta:
        model = Match
        fields = (
            "rank",
            "influencer",
            "score",
            "components",
            "estimated_reach",
            "price",
            "cost_per_engagement",
            "cpm",
            "explanation",
            "computed_at",
            "engine_version",
        )
        read_only_fields = fields


class EngineRunSerializer(serializers.ModelSerializer):
    """Progress of one engine run (matching, metrics, import)."""

    progress = StrictFloatField(read_only=True, help_text=_("Share of the work done, 0–1."))
    duration_seconds = StrictFloatField(read_only=True, allow_null=True)

    class Meta:
        model = EngineRun
        fields = (
            "id",
            "kind",
            "scope",
            "status",
            "progress",
            "total_chunks",
            "done_chunks",
            "rows_touched",
            "error",
            "detail",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        )
        read_only_fields = fields


class RunRefSerializer(serializers.Serializer):
    run_id = StrictIntegerField()
    status = serializers.ChoiceField(choices=EngineRun.Status.choices)
    url = StrictCharField(help_text=_("Poll this address for progress."))


# --- collaborations --------------------------------------------------------------------------


class CampaignRefSerializer(serializers.Serializer):
    id = StrictIntegerField(read_only=True)
    title = StrictCharField(read_only=True)
    kind = serializers.ChoiceField(choices=WorkKind.choices, read_only=True)
    brand = BrandRefSerializer(read_only=True)


class CollaborationSerializer(serializers.ModelSerializer):
    campaign = CampaignRefSerializer(read_only=True)
    influencer = InfluencerRefSerializer(read_only=True)
    actions = serializers.SerializerMethodField(
        help_text=_("What the caller may do next: accept, decline, withdraw, cancel, complete.")
    )

    class Meta:
        model = Collaboration
        fields: tuple[str, ...] = (
            "id",
            "campaign",
            "influencer",
            "initiated_by",
            "status",
            "offer",
            "proposed_fee",
            "agreed_fee",
            "currency",
            "status_changed_at",
            "created_at",
            "updated_at",
            "actions",
        )
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(COLLABORATION_ACTIONS)}})
    def get_actions(self, collaboration: Collaboration) -> list[str]:
        party = self.context.get("party_of", lambda c: None)(collaboration)
        if party is None:
            return []
        targets = set(collaboration.next_statuses(party))
        return [action for action, status in COLLABORATION_ACTIONS.items() if status in targets]


class DeliverableSerializer(serializers.ModelSerializer):
    submitted_url = StrictCharField(read_only=True, help_text=_("Empty until the creator submits."))

    class Meta:
        model = Deliverable
        fields = (
            "id",
            "kind",
            "title",
            "due_date",
            "period",
            "status",
            "submitted_url",
            "draft_text",
            "has_ad_disclosure",
            "disclosure_found",
            "review_comment",
            "submitted_at",
            "reviewed_at",
        )
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CollaborationMessage
        fields = ("id", "author", "body", "created_at")
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_author(self, message: CollaborationMessage) -> str | None:
        return message.author.get_username() if message.author is not None else None


class CollaborationDetailSerializer(CollaborationSerializer):
    deliverables = DeliverableSerializer(many=True, read_only=True)
    messages = MessageSerializer(many=True, read_only=True)

    class Meta(CollaborationSerializer.Meta):
        fields = (*CollaborationSerializer.Meta.fields, "deliverables", "messages")
        read_only_fields = fields


class InviteSerializer(serializers.Serializer):
    influencer = StrictCharField(max_length=50, help_text=_("The creator's handle."))
    message = StrictCharField(max_length=4000, allow_blank=True, required=False)
    proposed_fee = MoneyField(allow_null=True, required=False)
    offer = StrictIntegerField(
        min_value=1, max_value=2**63 - 1, allow_null=True, required=False, help_text=_("One of the creator's offers.")
    )


class ApplySerializer(serializers.Serializer):
    message = StrictCharField(max_length=4000, allow_blank=True, required=False)
    proposed_fee = MoneyField(allow_null=True, required=False)
    offer = StrictIntegerField(
        min_value=1, max_value=2**63 - 1, allow_null=True, required=False, help_text=_("One of your offers.")
    )


class CollaborationActionSerializer(serializers.Serializer):
    message = StrictCharField(max_length=4000, allow_blank=True, required=False)
    agreed_fee = MoneyField(
        allow_null=True, required=False, help_text=_("Accepting an application: the fee agreed (brand only).")
    )


class MessageCreateSerializer(serializers.Serializer):
    body = StrictCharField(max_length=4000)


class SubmitSerializer(serializers.Serializer):
    url = StrictCharField(max_length=500, help_text=_("Link to the post or draft (https://…)."))
    draft_text = StrictCharField(max_length=5000, allow_blank=True, required=False)
    deliverable = StrictIntegerField(
        min_value=1, max_value=2**63 - 1, allow_null=True, required=False, help_text=_("Default: the next one due.")
    )
    confirm_without_disclosure = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Submit although no ad disclosure (#ad …) was found, e.g. with a paid-partnership label."),
    )


class ReviewSerializer(serializers.Serializer):
    comment = StrictCharField(max_length=4000, allow_blank=True, required=False)


class RevisionSerializer(serializers.Serializer):
    comment = StrictCharField(max_length=4000, help_text=_("What needs to change."))
