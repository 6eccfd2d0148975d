"""API v1 for giveaway draws: the parties upload, commit and draw; anyone reads a published draw.

The collaboration is looked up inside what the caller may see (someone else's is a 404); the services
decide whether the caller may act (staff and paused parties: 403; a wrong step: 400; a draw that moved
on meanwhile: 409). The public read needs no login and shows only what the verification page shows.
"""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_fields import StrictCharField, StrictIntegerField
from config.api_views import ApiView, api_user
from influencers.access import actor_of

from . import draw_selectors
from .draws import MAX_ENTRIES_CSV_BYTES, MAX_EXCLUDED, GiveawayDraw
from .models import Collaboration
from .services import draw_commit, draw_entries_upload, draw_run


class DrawSerializer(serializers.Serializer):
    """A draw as its verification page shows it; the seed is empty until the winners are drawn."""

    public_id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=GiveawayDraw.Status.choices, read_only=True)
    campaign = serializers.CharField(source="collaboration.campaign.title", read_only=True)
    brand = serializers.CharField(source="collaboration.campaign.brand.name", read_only=True)
    creator = serializers.CharField(source="collaboration.influencer.handle", read_only=True)
    rule = serializers.SerializerMethodField()
    winners_count = serializers.IntegerField(read_only=True)
    raw_count = serializers.IntegerField(read_only=True)
    duplicates_removed = serializers.IntegerField(read_only=True)
    excluded_removed = serializers.IntegerField(read_only=True)
    eligible_count = serializers.IntegerField(read_only=True)
    entries_sha256 = serializers.CharField(read_only=True)
    seed_sha256 = serializers.CharField(read_only=True)
    seed = serializers.CharField(source="revealed_seed", read_only=True)
    winners = serializers.ListField(child=serializers.CharField(), read_only=True)
    committed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    drawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    page_url = serializers.SerializerMethodField()
    entries_url = serializers.SerializerMethodField()

    def get_rule(self, draw: GiveawayDraw) -> str:
        return _("One entry per account; %(count)d excluded account(s) (the brand's own) may not win.") % {
            "count": len(draw.excluded_handles)
        }

    def get_page_url(self, draw: GiveawayDraw) -> str:
        return reverse("giveaways:draw", args=[draw.public_id])

    def get_entries_url(self, draw: GiveawayDraw) -> str:
        return reverse("giveaways:draw_entries", args=[draw.public_id])


class DrawUploadSerializer(serializers.Serializer):
    entries_csv = StrictCharField(
        max_length=MAX_ENTRIES_CSV_BYTES,
        allow_blank=True,  # an empty file gets the service's message
        error_messages={"max_length": gettext_lazy("The file is larger than 2 MB.")},
        help_text=_("CSV text with a `handle` column: one row per entry (comment) after entry close."),
    )
    excluded_handles = serializers.ListField(
        child=StrictCharField(max_length=100),
        max_length=MAX_EXCLUDED,
        required=False,
        default=list,
        help_text=_("Accounts that may not win, e.g. the brand's staff."),
    )
    winners_count = StrictIntegerField(
        min_value=1, max_value=1000, required=False, help_text=_("Default: the campaign's number of winners.")
    )


def _collaboration(request: Request, pk: int) -> Collaboration:
    queryset = Collaboration.objects.visible_to(actor_of(request)).select_related("campaign__brand", "influencer")
    return get_object_or_404(queryset, pk=pk)


def _draw(collaboration: Collaboration) -> GiveawayDraw:
    draw = draw_selectors.draw_for_collaboration(collaboration=collaboration)
    if draw is None:
        raise NotFound(_("This collaboration has no draw yet: upload the entries first."))
    return draw


class CollaborationDrawApi(ApiView):
    """The collaboration's giveaway draw, in any state (its parties; staff with the view permission)."""

    @extend_schema(operation_id="collaborations_draw_retrieve", responses=DrawSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(DrawSerializer(_draw(_collaboration(request, pk))).data)


class CollaborationDrawEntriesApi(ApiView):
    """Upload the entries after entry close, with the rule: one entry per account, excluded accounts.

    Replaces an upload whose commitment is not published yet. Bad input (empty, too large, no `handle`
    column, more winners than eligible entries) answers 400 and writes nothing.
    """

    @extend_schema(
        operation_id="collaborations_draw_entries", request=DrawUploadSerializer, responses={201: DrawSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        serializer = DrawUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        draw = draw_entries_upload(
            collaboration=collaboration,
            by=api_user(request),
            entries_csv=data["entries_csv"],
            excluded_handles=data["excluded_handles"],
            winners_count=data.get("winners_count"),
        )
        return Response(DrawSerializer(draw).data, status=status.HTTP_201_CREATED)


class CollaborationDrawCommitApi(ApiView):
    """Publish the commitment: SHA-256 of the canonical entry list and of a fresh secret seed."""

    @extend_schema(operation_id="collaborations_draw_commit", request=None, responses=DrawSerializer)
    def post(self, request: Request, pk: int) -> Response:
        draw = _draw(_collaboration(request, pk))
        return Response(DrawSerializer(draw_commit(draw=draw, by=api_user(request))).data)


class CollaborationDrawRunApi(ApiView):
    """Draw the winners from the committed seed and entry list, and reveal the seed."""

    @extend_schema(operation_id="collaborations_draw_run", request=None, responses=DrawSerializer)
    def post(self, request: Request, pk: int) -> Response:
        draw = _draw(_collaboration(request, pk))
        return Response(DrawSerializer(draw_run(draw=draw, by=api_user(request))).data)


class DrawPublicApi(ApiView):
    """A published draw, for anyone (no login): commitment, rule, counts, winners and the revealed seed."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="draws_retrieve", responses=DrawSerializer)
    def get(self, request: Request, public_id: uuid.UUID) -> Response:
        draw = draw_selectors.draw_public_get(public_id=public_id)
        if draw is None:
            raise NotFound(_("No published draw with this id."))
        return Response(DrawSerializer(draw).data)
