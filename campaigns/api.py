"""API v1 for campaigns, their matches, engine runs and collaborations.

Every object is looked up inside what the caller may see (their brand's campaigns, their own
collaborations), so someone else's object is a 404. Writes call campaigns/services/, which checks
who may do what (NotAllowed: 403) and along which edge of the status machine (DomainError: 400;
a concurrent change: 409).
"""

from __future__ import annotations

from django.db.models import CharField, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_pagination import ApiCursorPagination
from config.api_views import ApiView, api_user
from influencers.access import Actor, actor_of
from influencers.api import run_reference
from influencers.models import EngineRun, Influencer, Offer
from influencers.serializers import niches_for

from . import selectors, services
from .domain import CAMPAIGN_FIELDS, COLLABORATION_ACTIONS
from .models import Campaign, CampaignQuerySet, Collaboration, CollaborationMessage, Deliverable, Match
from .serializers import (
    ApplySerializer,
    CampaignCancelSerializer,
    CampaignForCallerSerializer,
    CampaignSerializer,
    CollaborationActionSerializer,
    CollaborationDetailSerializer,
    CollaborationSerializer,
    CreatorCampaignSerializer,
    DeliverableSerializer,
    EngineRunSerializer,
    InviteSerializer,
    MatchSerializer,
    MessageCreateSerializer,
    OpportunitiesSerializer,
    ReviewSerializer,
    RevisionSerializer,
    RunRefSerializer,
    SubmitSerializer,
)
from .services import (
    CAMPAIGN_ACTION_SERVICES,
    campaign_cancel,
    campaign_create,
    campaign_delete,
    campaign_update,
    collaboration_act,
    collaboration_apply,
    collaboration_invite,
    collaboration_message_add,
    deliverable_review,
    deliverable_submit,
)

Party = Collaboration.Party
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}


def party_of(actor: Actor):  # -> Callable[[Collaboration], str | None]
    """Which side of a collaboration the actor is on (None for staff reading it)."""

    def party(collaboration: Collaboration) -> str | None:
        if actor.influencer_id is not None and collaboration.influencer_id == actor.influencer_id:
            return Party.INFLUENCER
        if actor.brand_id is not None and collaboration.campaign.brand_id == actor.brand_id:
            return Party.BRAND
        return None

    return party


def _paginated(view: ApiView, request: Request, queryset: QuerySet, serializer_class: type, **context) -> Response:
    paginator = ApiCursorPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context={"request": request, **context}).data
    return paginator.get_paginated_response(data)


# --- campaigns -------------------------------------------------------------------------------


def _campaign_queryset() -> CampaignQuerySet:
    return Campaign.objects.select_related("brand").prefetch_related("niches")


def _visible_campaigns(request: Request) -> CampaignQuerySet:
    """Campaigns the caller may read (Campaign.visible_to); writes are refused by the services."""
    return _campaign_queryset().visible_to(actor_of(request))


def _actable_campaigns(actor: Actor) -> CampaignQuerySet:
    """Campaigns a write may be attempted on: the brand's own; staff who may view campaigns reach every one
    and get the services' 403 (they never act for a brand); for anyone else another brand's campaign is a 404."""
    if actor.can("campaigns.view_campaign"):
        return Campaign.objects.all()
    return Campaign.objects.managed_by(actor)


def _managed_campaign(request: Request, pk: int) -> Campaign:
    """One campaign to act on, without what only its serializer needs."""
    return get_object_or_404(_actable_campaigns(actor_of(request)).select_related("brand"), pk=pk)


def _campaign_serializer(actor: Actor, campaign: Campaign) -> type[CampaignSerializer]:
    """The brand's (and permitted staff's) full view, or what a creator's own pages show of a campaign."""
    if campaign.brand_id == actor.brand_id or actor.can("campaigns.view_campaign"):
        return CampaignSerializer
    return CreatorCampaignSerializer


def _brand_campaigns(actor: Actor) -> CampaignQuerySet:
    return _campaign_queryset().managed_by(actor)


def _campaign_fields(data: dict) -> dict:
    return {name: value for name, value in data.items() if name in CAMPAIGN_FIELDS}


class CampaignListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="campaigns_list",
        parameters=[OpenApiParameter("status", str, enum=Campaign.Status.values, description="Only this status.")],
        responses=CampaignSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        actor = actor_of(request)
        if actor.brand_id is None and not actor.can("campaigns.view_campaign"):
            raise PermissionDenied(_("Campaign lists are for brand accounts; creators see /api/v1/me/opportunities/."))
        campaigns = _campaign_queryset().visible_to(actor) if actor.brand_id is None else _brand_campaigns(actor)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Campaign.Status.values:
                raise ValidationError({"status": [_("Choose one of: %s.") % ", ".join(Campaign.Status.values)]})
            campaigns = campaigns.filter(status=wanted)
        return _paginated(self, request, campaigns, CampaignSerializer)

    @extend_schema(operation_id="campaigns_create", request=CampaignSerializer, responses={201: CampaignSerializer})
    def post(self, request: Request) -> Response:
        serializer = CampaignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        campaign = campaign_create(
            by=api_user(request), fields=_campaign_fields(data), niches=niches_for(data.get("niches", []))
        )
        return Response(CampaignSerializer(_campaign_queryset().get(pk=campaign.pk)).data, status=201)


class CampaignDetailApi(ApiView):
    @extend_schema(
        operation_id="campaigns_retrieve",
        responses=CampaignForCallerSerializer,
        description="The brand (and staff who may view campaigns) read the whole campaign; "
        "a creator reads what the creator's pages show.",
    )
    def get(self, request: Request, pk: int) -> Response:
        campaign = get_object_or_404(_visible_campaigns(request), pk=pk)
        return Response(_campaign_serializer(actor_of(request), campaign)(campaign).data)

    @extend_schema(operation_id="campaigns_partial_update", request=CampaignSerializer, responses=CampaignSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        campaign = get_object_or_404(
            _actable_campaigns(actor_of(request)).select_related("brand").prefetch_related("niches"), pk=pk
        )
        serializer = CampaignSerializer(campaign, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        fields = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS} | _campaign_fields(data)
        niches = niches_for(data["niches"]) if "niches" in data else list(campaign.niches.all())
        campaign_update(campaign=campaign, by=api_user(request), fields=fields, niches=niches)
        return Response(CampaignSerializer(_campaign_queryset().get(pk=campaign.pk)).data)

    @extend_schema(operation_id="campaigns_destroy", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Delete a draft (published campaigns are closed or cancelled instead)."""
        campaign_delete(campaign=_managed_campaign(request, pk), by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _campaign_action_view(action: str) -> type[ApiView]:
    """POST /campaigns/{id}/<action>/ for publish, pause, resume and close (cancel takes a reason)."""
    service = CAMPAIGN_ACTION_SERVICES[action]

    class CampaignActionApi(ApiView):
        @extend_schema(operation_id=f"campaigns_{action}", request=None, responses=CampaignSerializer)
        def post(self, request: Request, pk: int) -> Response:
            campaign = _managed_campaign(request, pk)
            service(campaign=campaign, by=api_user(request))
            return Response(CampaignSerializer(_campaign_queryset().get(pk=campaign.pk)).data)

    CampaignActionApi.__name__ = CampaignActionApi.__qualname__ = f"Campaign{action.title()}Api"
    CampaignActionApi.__doc__ = service.__doc__
    return CampaignActionApi


CAMPAIGN_ACTION_VIEWS = {
    action: _campaign_action_view(action) for action in CAMPAIGN_ACTION_SERVICES if action != "cancel"
}


class CampaignCancelApi(ApiView):
    """Call the campaign off: open invitations, applications and unsubmitted work are cancelled."""

    @extend_schema(operation_id="campaigns_cancel", request=CampaignCancelSerializer, responses=CampaignSerializer)
    def post(self, request: Request, pk: int) -> Response:
        campaign = _managed_campaign(request, pk)
        serializer = CampaignCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign_cancel(campaign=campaign, by=api_user(request), reason=serializer.validated_data.get("reason", ""))
        return Response(CampaignSerializer(_campaign_queryset().get(pk=campaign.pk)).data)


class CampaignMatchListApi(ApiView):
    """The stored recommendations, best first; each with its components and explanation."""

    pagination_class = ApiCursorPagination

    cursor_ordering = ("rank",)

    @extend_schema(operation_id="campaigns_matches_list", responses=MatchSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        actor = actor_of(request)
        # A campaign's recommendations are for the brand running it (and staff allowed to view matches).
        campaigns = Campaign.objects.all() if actor.can("campaigns.view_match") else Campaign.objects.managed_by(actor)
        campaign = get_object_or_404(campaigns, pk=pk)
        matches = (
            Match.objects.visible_to(actor)
            .filter(campaign=campaign, influencer__in=Influencer.objects.visible_to_brands())
            .select_related("influencer")
        )
        return _paginated(self, request, matches, MatchSerializer)


class CampaignMatchRecomputeApi(ApiView):
    """Queue a recompute of this campaign's matches; poll the run for progress."""

    @extend_schema(operation_id="campaigns_matches_recompute", request=None, responses={202: RunRefSerializer})
    def post(self, request: Request, pk: int) -> Response:
        campaign = _managed_campaign(request, pk)
        if actor_of(request).brand_id != campaign.brand_id:
            raise PermissionDenied(_("Only the brand's team can recompute its campaign's matches."))
        run = services.campaign_matches_request(campaign=campaign, by=api_user(request))
        return Response(RunRefSerializer(run_reference(run, request)).data, status=status.HTTP_202_ACCEPTED)


# --- engine runs ---------------------------------------------------------------------------------


def _visible_runs(request: Request) -> QuerySet[EngineRun]:
    """Staff with the view permission see every run; others the runs they started and their campaigns'."""
    actor = actor_of(request)
    if actor.can("influencers.view_enginerun"):
        return EngineRun.objects.all()
    visible = Q(triggered_by_id=request.user.pk)
    if actor.brand_id is not None:
        scopes = (
            Campaign.objects.managed_by(actor)
            .annotate(scope=Concat(Value("campaign:"), Cast("pk", CharField())))
            .values("scope")
        )
        visible |= Q(scope__in=scopes)
    if actor.influencer_id is not None:
        visible |= Q(scope=f"influencer:{actor.influencer_id}")
    return EngineRun.objects.filter(visible)


class RunDetailApi(ApiView):
    @extend_schema(operation_id="runs_retrieve", responses=EngineRunSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EngineRunSerializer(get_object_or_404(_visible_runs(request), pk=pk)).data)


# --- collaborations ------------------------------------------------------------------------------


def _collaborations(request: Request) -> QuerySet[Collaboration]:
    """The collaborations the caller may read: their own as creator or brand; staff with the view permission."""
    return Collaboration.objects.visible_to(actor_of(request)).select_related("campaign__brand", "influencer")


def _collaboration(request: Request, pk: int, *, detail: bool = False) -> Collaboration:
    queryset = _collaborations(request)
    if detail:
        # Deliverables and messages each need their own permission, as their admin inlines do.
        actor = actor_of(request)
        queryset = queryset.prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.visible_to(actor)),
            Prefetch("messages", queryset=CollaborationMessage.objects.visible_to(actor).select_related("author")),
        )
    return get_object_or_404(queryset, pk=pk)


def _detail_response(request: Request, pk: int, status_code: int = 200) -> Response:
    collaboration = _collaboration(request, pk, detail=True)
    context = {"request": request, "party_of": party_of(actor_of(request))}
    return Response(CollaborationDetailSerializer(collaboration, context=context).data, status=status_code)


class CollaborationListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="collaborations_list",
        parameters=[
            OpenApiParameter("status", str, enum=Collaboration.Status.values, description="Only this status."),
            OpenApiParameter("campaign", ID_SCHEMA, description="Only this campaign's collaborations."),
        ],
        responses=CollaborationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        collaborations = _collaborations(request)
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in Collaboration.Status.values:
                raise ValidationError({"status": [_("Choose one of: %s.") % ", ".join(Collaboration.Status.values)]})
            collaborations = collaborations.filter(status=wanted)
        campaign = request.query_params.get("campaign")
        if campaign is not None:
            if not (campaign.isascii() and campaign.isdigit() and len(campaign) <= 18 and int(campaign) >= 1):
                raise ValidationError({"campaign": [_("Give a campaign id (a whole number).")]})
            collaborations = collaborations.filter(campaign_id=int(campaign))
        return _paginated(self, request, collaborations, CollaborationSerializer, party_of=party_of(actor_of(request)))


class CollaborationDetailApi(ApiView):
    @extend_schema(operation_id="collaborations_retrieve", responses=CollaborationDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, pk)


def _offer(pk: int | None, influencer: Influencer) -> Offer | None:
    if pk is None:
        return None
    offer = Offer.objects.filter(pk=pk, influencer=influencer).first()
    if offer is None:
        raise ValidationError({"offer": [_("This creator has no offer with this id.")]})
    return offer


class CampaignInviteApi(ApiView):
    """Invite a creator (by handle) to one of your brand's published campaigns."""

    rate_limit_scope = "invite"

    @extend_schema(
        operation_id="campaigns_invite", request=InviteSerializer, responses={201: CollaborationDetailSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        campaign = _managed_campaign(request, pk)
        serializer = InviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        influencer = Influencer.objects.visible_to_brands().filter(handle=data["influencer"].lower()).first()
        if influencer is None:
            raise ValidationError({"influencer": [_("No creator with this handle is open to invitations.")]})
        collaboration = collaboration_invite(
            campaign=campaign,
            influencer=influencer,
            by=api_user(request),
            message=data.get("message", ""),
            proposed_fee=data.get("proposed_fee"),
            offer=_offer(data.get("offer"), influencer),
        )
        return _detail_response(request, collaboration.pk, status.HTTP_201_CREATED)


class CampaignApplyApi(ApiView):
    """Apply with your creator profile to an open, public campaign."""

    rate_limit_scope = "apply"

    @extend_schema(
        operation_id="campaigns_apply", request=ApplySerializer, responses={201: CollaborationDetailSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        influencer = actor_of(request).influencer
        if influencer is None:
            raise NotFound(_("This is for creator accounts: this account has no creator profile."))
        campaign = selectors.campaign_for_influencer(influencer=influencer, pk=pk)
        serializer = ApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        collaboration = collaboration_apply(
            campaign=campaign,
            influencer=influencer,
            by=api_user(request),
            message=data.get("message", ""),
            proposed_fee=data.get("proposed_fee"),
            offer=_offer(data.get("offer"), influencer),
        )
        return _detail_response(request, collaboration.pk, status.HTTP_201_CREATED)


def _collaboration_action_view(action: str) -> type[ApiView]:
    """POST /collaborations/{id}/<action>/: the status machine decides whether the caller may."""

    class CollaborationActionApi(ApiView):
        @extend_schema(
            operation_id=f"collaborations_{action}",
            request=CollaborationActionSerializer,
            responses=CollaborationDetailSerializer,
        )
        def post(self, request: Request, pk: int) -> Response:
            collaboration = _collaboration(request, pk)
            serializer = CollaborationActionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            collaboration_act(
                collaboration=collaboration,
                action=action,
                by=api_user(request),
                message=data.get("message", ""),
                agreed_fee=data.get("agreed_fee"),
            )
            return _detail_response(request, pk)

    CollaborationActionApi.__name__ = CollaborationActionApi.__qualname__ = f"Collaboration{action.title()}Api"
    CollaborationActionApi.__doc__ = {
        "accept": "Accept an invitation (creator) or an application (brand, optionally with the agreed fee).",
        "decline": "Decline an invitation (creator) or an application (brand).",
        "withdraw": "Withdraw your own invitation (brand) or application (creator).",
        "cancel": "Cancel accepted work that has no submitted content (either side).",
        "complete": "Complete the collaboration once every deliverable is approved (brand).",
    }[action]
    return CollaborationActionApi


COLLABORATION_ACTION_VIEWS = {action: _collaboration_action_view(action) for action in COLLABORATION_ACTIONS}


class CollaborationMessageApi(ApiView):
    """Send a message to the other side of the collaboration."""

    rate_limit_scope = "message"

    @extend_schema(
        operation_id="collaborations_message",
        request=MessageCreateSerializer,
        responses={201: CollaborationDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        collaboration_message_add(
            collaboration=collaboration, by=api_user(request), body=serializer.validated_data["body"]
        )
        return _detail_response(request, pk, status.HTTP_201_CREATED)


class CollaborationSubmitApi(ApiView):
    """Hand in content (creator): a link and optional draft text, checked for an ad disclosure."""

    @extend_schema(
        operation_id="collaborations_submit", request=SubmitSerializer, responses={201: DeliverableSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        collaboration = _collaboration(request, pk)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        deliverable = None
        if data.get("deliverable") is not None:
            deliverable = collaboration.deliverables.filter(pk=data["deliverable"]).first()
            if deliverable is None:
                raise ValidationError({"deliverable": [_("This collaboration has no deliverable with this id.")]})
        submitted = deliverable_submit(
            collaboration=collaboration,
            by=api_user(request),
            url=data["url"],
            draft_text=data.get("draft_text", ""),
            deliverable=deliverable,
            confirm_without_disclosure=data["confirm_without_disclosure"],
        )
        return Response(DeliverableSerializer(submitted).data, status=status.HTTP_201_CREATED)


def _deliverable(request: Request, pk: int, deliverable_pk: int) -> Deliverable:
    collaboration = _collaboration(request, pk)
    deliverable = get_object_or_404(collaboration.deliverables.all(), pk=deliverable_pk)
    deliverable.collaboration = collaboration
    return deliverable


class DeliverableApproveApi(ApiView):
    """Approve submitted content (brand)."""

    @extend_schema(operation_id="deliverables_approve", request=ReviewSerializer, responses=DeliverableSerializer)
    def post(self, request: Request, pk: int, deliverable_pk: int) -> Response:
        deliverable = _deliverable(request, pk, deliverable_pk)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewed = deliverable_review(
            deliverable=deliverable,
            by=api_user(request),
            approve=True,
            comment=serializer.validated_data.get("comment", ""),
        )
        return Response(DeliverableSerializer(reviewed).data)


class DeliverableRevisionApi(ApiView):
    """Ask for a revision of submitted content (brand), saying what needs to change."""

    @extend_schema(
        operation_id="deliverables_request_revision", request=RevisionSerializer, responses=DeliverableSerializer
    )
    def post(self, request: Request, pk: int, deliverable_pk: int) -> Response:
        deliverable = _deliverable(request, pk, deliverable_pk)
        serializer = RevisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewed = deliverable_review(
            deliverable=deliverable, by=api_user(request), approve=False, comment=serializer.validated_data["comment"]
        )
        return Response(DeliverableSerializer(reviewed).data)


class MyOpportunitiesApi(ApiView):
    """Open public campaigns for my creator profile: the engine's recommendations, then others."""

    @extend_schema(operation_id="me_opportunities_retrieve", responses=OpportunitiesSerializer)
    def get(self, request: Request) -> Response:
        influencer = actor_of(request).influencer
        if influencer is None:
            raise NotFound(_("This is for creator accounts: this account has no creator profile."))
        recommended, others = selectors.opportunities_for_influencer(influencer=influencer)
        return Response(OpportunitiesSerializer({"recommended": recommended, "others": others}).data)
