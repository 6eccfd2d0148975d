"""API v1 for creators: discovery and profiles (brands, staff) and the creator's own records (/me/).

Thin views: they check the role, scope the queryset to the caller (someone else's object is a 404),
validate types with a serializer and call the same filters, selectors and services as the pages.
"""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from config.api_filters import FilterSetSchema, filterset_parameters, query_strictness_check
from config.api_pagination import ApiCursorPagination, page_size_from, page_size_parameter
from config.api_parsers import StrictJSONParser
from config.api_views import ApiView, api_user
from config.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from .access import actor_of
from .filters import InfluencerFilter
from .import_admin import IMPORT_PERMISSION
from .importers import ImportFailed, format_from_name, metrics_import
from .models import Audience, EngineRun, Influencer, Offer, SocialAccount
from .overlap_selectors import MIN_CREATORS, OverlapReport, audience_overlap
from .selectors import (
    PAGE_SIZE,
    Cursor,
    account_label,
    attach_benchmarks,
    follower_history,
    influencer_discovery,
    influencer_profile_queryset,
    influencer_recent_posts,
    influencer_similar,
    post_engagement,
    with_primary_platform,
)
from .serializers import (
    AudienceOverlapQuerySerializer,
    AudienceOverlapReportSerializer,
    AudienceSerializer,
    EngagementPointSerializer,
    FollowerSeriesSerializer,
    ImportDocumentSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    InfluencerDetailSerializer,
    InfluencerPageSerializer,
    MyAccountSerializer,
    MyOfferSerializer,
    MyProfileSerializer,
    SimilarCreatorsSerializer,
    avatar_url,
    niche_slugs,
    niches_for,
)
from .services import (
    OFFER_FIELDS,
    PROFILE_FIELDS,
    SOCIAL_ACCOUNT_FIELDS,
    audience_update,
    influencer_profile_update,
    offer_delete,
    offer_save,
    social_account_delete,
    social_account_save,
)
from .views import BLOCKED_BRAND_STATUSES, VIEW_CREATORS, viewer_brand

# Path converters the API uses: a handle as the profile page spells it, an id that fits a bigint.
HANDLE_PATTERN = r"[a-z0-9](?:[a-z0-9._]{0,48}[a-z0-9])?"


class BrandOrStaff(BasePermission):
    """Discovery is for members of a brand in good standing and for staff (as the /influencers/ pages)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        if actor_of(request).can(VIEW_CREATORS):
            return True
        brand = viewer_brand(request)
        if brand is None:
            self.message = _("Creator discovery is for brand accounts. Ask your brand's owner for an invitation.")
            return False
        if brand.status in BLOCKED_BRAND_STATUSES:
            self.message = _("Your brand is %(status)s by moderation, so creator discovery is closed for it.") % {
                "status": brand.get_status_display().lower()
            }
            return False
        return True


def my_influencer(request: Request) -> Influencer:
    """The caller's creator profile; 404 for accounts without one (as the /me/ pages)."""
    influencer = actor_of(request).influencer
    if influencer is None:
        raise NotFound(_("This is for creator accounts: this account has no creator profile."))
    return influencer


def _full_fields(instance: Any, names: tuple[str, ...], changes: dict) -> dict:
    """A PATCH as the full set of fields the service expects: current values, then the changes."""
    return {name: getattr(instance, name) for name in names} | {k: v for k, v in changes.items() if k in names}


# --- discovery and profiles ------------------------------------------------------------------

_PAGE_SIZE_HELP = f"Results per page (1–100, default {PAGE_SIZE})."


class InfluencerListApi(ApiView):
    """Creators brands may see, filtered and sorted exactly like the discovery page."""

    permission_classes = [IsAuthenticated, BrandOrStaff]
    schema = FilterSetSchema()
    filter_parameters = staticmethod(filterset_parameters(InfluencerFilter, dynamic_choices={"niches": niche_slugs}))

    @extend_schema(
        operation_id="influencers_list",
        parameters=[
            OpenApiParameter(
                "cursor",
                {"type": "string", "minLength": 1},
                description="The `next` link's cursor; an unknown cursor answers 404.",
            ),
            OpenApiParameter("page_size", page_size_parameter()["schema"], description=_PAGE_SIZE_HELP),
        ],
        responses=InfluencerPageSerializer,
    )
    def get(self, request: Request) -> Response:
        query_strictness_check(request, InfluencerFilter)
        filterset = InfluencerFilter(request.query_params, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page_size = page_size_from(request, default=PAGE_SIZE)
        cursor = request.query_params.get("cursor") or None
        if cursor is not None and Cursor.decode(cursor, filterset.sort) is None:
            raise NotFound(_("Invalid cursor: it is damaged or belongs to another sort order."))
        page = influencer_discovery(filterset=filterset, cursor=cursor, page_size=page_size)
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
        body = {
            "next": next_url,
            "count": page.count,
            "count_is_capped": page.count_is_capped,
            "sort": page.sort.name,
            "results": page.results,
        }
        return Response(InfluencerPageSerializer(body, context={"request": request}).data)


def _visible_profile(handle: str) -> Influencer:
    queryset = with_primary_platform(influencer_profile_queryset())
    influencer = get_object_or_404(queryset, handle=handle)
    attach_benchmarks([influencer])
    return influencer


class InfluencerDetailApi(ApiView):
    permission_classes = [IsAuthenticated, BrandOrStaff]

    @extend_schema(operation_id="influencers_retrieve", responses=InfluencerDetailSerializer)
    def get(self, request: Request, handle: str) -> Response:
        return Response(InfluencerDetailSerializer(_visible_profile(handle), context={"request": request}).data)


class InfluencerSimilarApi(ApiView):
    """The 12 creators most like this one, best first, each with its reason (/metrics/#similar-creators)."""

    permission_classes = [IsAuthenticated, BrandOrStaff]

    @extend_schema(operation_id="influencers_similar", responses=SimilarCreatorsSerializer)
    def get(self, request: Request, handle: str) -> Response:
        # The same profiles as the detail endpoint answers for: hidden ones are a 404 for everyone.
        influencer = get_object_or_404(Influencer.objects.visible_to_brands(), handle=handle)
        results = []
        for item in influencer_similar(influencer=influencer):
            creator, similarity = item.influencer, item.similarity
            results.append(
                {
                    "handle": creator.handle,
                    "display_name": creator.display_name,
                    "avatar": avatar_url(creator),
                    "url": request.build_absolute_uri(reverse("api:influencer-detail", args=[creator.handle])),
                    "tier": creator.tier,
                    "total_followers": creator.total_followers,
                    "engagement_rate": creator.engagement_rate,
                    "credibility_score": creator.credibility_score,
                    "metrics_updated_at": creator.metrics_updated_at,
                    "similarity": similarity.score,
                    "components": similarity.components,
                    "audience_overlap": similarity.audience,
                    "credibility_factor": similarity.credibility_factor,
                    "shared_niches": [slug for slug, _name in item.shared_niches],
                    "reason": item.reason,
                }
            )
        body = {"handle": influencer.handle, "metrics_updated_at": influencer.metrics_updated_at, "results": results}
        return Response(SimilarCreatorsSerializer(body).data)


class AudienceOverlapApi(ApiView):
    """Shared audience of 2–10 creators, pair by pair, and their unique reach (/metrics/#audience-overlap)."""

    permission_classes = [IsAuthenticated, BrandOrStaff]

    @extend_schema(
        operation_id="audience_overlap",
        parameters=[AudienceOverlapQuerySerializer],
        responses=AudienceOverlapReportSerializer,
    )
    def get(self, request: Request) -> Response:
        query = AudienceOverlapQuerySerializer(
            data={"handle": request.query_params.getlist("handle"), **_single(request, "platform")}
        )
        query.is_valid(raise_exception=True)
        handles = list(dict.fromkeys(h.removeprefix("@") for h in query.validated_data["handle"]))
        found = {i.handle: i for i in Influencer.objects.visible_to_brands().filter(handle__in=handles).only("handle")}
        if missing := [handle for handle in handles if handle not in found]:
            raise ValidationError(
                {"handle": [_("Not found: %(handles)s.") % {"handles": ", ".join(f"@{h}" for h in missing)}]}
            )
        if len(found) < MIN_CREATORS:
            raise ValidationError({"handle": [_("Give at least two different creators.")]})
        report = audience_overlap(
            influencers=[found[h] for h in handles], platform=query.validated_data.get("platform")
        )
        return Response(AudienceOverlapReportSerializer(overlap_body(request, report)).data)


def _single(request: Request, name: str) -> dict:
    value = request.query_params.get(name)
    return {} if value in (None, "") else {name: value}


def overlap_body(request: Request, report: OverlapReport) -> dict:
    sampled = {sample.handle: sample for sample in report.sampled}
    creators = []
    for handle in [s.handle for s in report.sampled] + report.no_sample:
        sample = sampled.get(handle)
        creators.append(
            {
                "handle": handle,
                "sampled": sample is not None,
                "account": sample.account_handle if sample else None,
                "followers": sample.followers if sample else None,
                "sample_size": sample.sample_size if sample else None,
                "sample_rate": sample.rate if sample else None,
                "imported_at": sample.imported_at if sample else None,
            }
        )
    reach = None
    if report.reach is not None:
        reach = {
            "value": report.reach.value,
            "bound": report.reach.bound,
            "followers_total": report.followers_total,
            "creators": len(report.sampled),
        }
    return {
        "platform": report.platform,
        "definition": request.build_absolute_uri(reverse("metrics") + "#audience-overlap"),
        "creators": creators,
        "pairs": [
            {
                "a": pair.a.handle,
                "b": pair.b.handle,
                "shared_followers": pair.shared.value,
                "shared_followers_bound": pair.shared.bound,
                "shared_share": pair.share.value,
                "shared_share_bound": pair.share.bound,
            }
            for pair in report.pairs
        ],
        "unique_reach": reach,
    }


class InfluencerFollowerHistoryApi(ApiView):
    """Daily followers per account over the last year, with detected spikes (the profile's chart)."""

    permission_classes = [IsAuthenticated, BrandOrStaff]

    @extend_schema(operation_id="influencers_follower_history", responses=FollowerSeriesSerializer(many=True))
    def get(self, request: Request, handle: str) -> Response:
        influencer = get_object_or_404(
            Influencer.objects.visible_to_brands().prefetch_related("accounts"), handle=handle
        )
        history = follower_history(influencer=influencer)
        spikes: dict[str, list[dict]] = {}
        for reason in influencer.credibility_reasons or []:
            if (
                isinstance(reason, dict)
                and str(reason.get("code", "")).startswith("follower_spike")
                and reason.get("date")
            ):
                spikes.setdefault(str(reason.get("account", "")), []).append(
                    {
                        "date": reason["date"],
                        "gain": reason.get("gain"),
                        "explained": reason.get("code") == "follower_spike_explained",
                    }
                )
        series = [
            {
                "platform": account.platform,
                "handle": account.handle,
                "points": [{"date": date, "followers": value} for date, value in history.get(account.pk, [])],
                "spikes": spikes.get(account_label(account), []),
            }
            for account in sorted(influencer.accounts.all(), key=lambda a: (-a.followers, a.pk))
        ]
        return Response(FollowerSeriesSerializer(series, many=True).data)


class InfluencerEngagementApi(ApiView):
    """Engagement of each post of the last 180 days (newest first, at most 120), for the chart."""

    permission_classes = [IsAuthenticated, BrandOrStaff]

    @extend_schema(operation_id="influencers_engagement", responses=EngagementPointSerializer(many=True))
    def get(self, request: Request, handle: str) -> Response:
        influencer = get_object_or_404(Influencer.objects.visible_to_brands(), handle=handle)
        points = []
        for post in influencer_recent_posts(influencer=influencer):
            engagement = post_engagement(post)
            followers = post.account.followers
            points.append(
                {
                    "posted_at": post.posted_at,
                    "platform": post.account.platform,
                    "account": post.account.handle,
                    "engagement": engagement,
                    "engagement_rate": engagement / followers if engagement is not None and followers else None,
                    "likes": post.likes,
                    "comments": post.comments,
                    "shares": post.shares,
                    "views": post.views,
                    "is_sponsored": post.is_sponsored,
                    "has_ad_disclosure": post.has_ad_disclosure,
                    "url": post.url,
                }
            )
        return Response(EngagementPointSerializer(points, many=True).data)


# --- the creator's own profile, accounts, audience and offers --------------------------------


class MyProfileApi(ApiView):
    @extend_schema(operation_id="me_profile_retrieve", responses=MyProfileSerializer)
    def get(self, request: Request) -> Response:
        influencer = my_influencer(request)
        return Response(MyProfileSerializer(_with_niches(influencer)).data)

    @extend_schema(operation_id="me_profile_partial_update", request=MyProfileSerializer, responses=MyProfileSerializer)
    def patch(self, request: Request) -> Response:
        influencer = my_influencer(request)
        serializer = MyProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        niches = niches_for(data.pop("niches")) if "niches" in data else None
        influencer = influencer_profile_update(
            influencer=influencer,
            by=api_user(request),
            fields={name: value for name, value in data.items() if name in PROFILE_FIELDS},
            niches=niches,
        )
        return Response(MyProfileSerializer(_with_niches(influencer)).data)


def _with_niches(influencer: Influencer) -> Influencer:
    return Influencer.objects.prefetch_related("niches").get(pk=influencer.pk)


class MyAccountListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="me_accounts_list", responses=MyAccountSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(my_influencer(request).accounts.all(), request, view=self)
        return paginator.get_paginated_response(MyAccountSerializer(page, many=True).data)

    @extend_schema(operation_id="me_accounts_create", request=MyAccountSerializer, responses={201: MyAccountSerializer})
    def post(self, request: Request) -> Response:
        influencer = my_influencer(request)
        serializer = MyAccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = social_account_save(
            influencer=influencer,
            by=api_user(request),
            fields={k: v for k, v in serializer.validated_data.items() if k in SOCIAL_ACCOUNT_FIELDS},
        )
        return Response(MyAccountSerializer(account).data, status=status.HTTP_201_CREATED)


class MyAccountDetailApi(ApiView):
    def _account(self, request: Request, pk: int) -> SocialAccount:
        return get_object_or_404(my_influencer(request).accounts.select_related("influencer"), pk=pk)

    @extend_schema(operation_id="me_accounts_retrieve", responses=MyAccountSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(MyAccountSerializer(self._account(request, pk)).data)

    @extend_schema(
        operation_id="me_accounts_partial_update", request=MyAccountSerializer, responses=MyAccountSerializer
    )
    def patch(self, request: Request, pk: int) -> Response:
        account = self._account(request, pk)
        serializer = MyAccountSerializer(account, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        account = social_account_save(
            influencer=account.influencer,
            by=api_user(request),
            fields=_full_fields(account, SOCIAL_ACCOUNT_FIELDS, serializer.validated_data),
            account=account,
        )
        return Response(MyAccountSerializer(account).data)

    @extend_schema(operation_id="me_accounts_destroy", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        social_account_delete(account=self._account(request, pk), by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyAudienceApi(ApiView):
    """My audience breakdown; PUT replaces it (the engine recomputes my matches afterwards)."""

    @extend_schema(operation_id="me_audience_retrieve", responses=AudienceSerializer)
    def get(self, request: Request) -> Response:
        audience = Audience.objects.filter(influencer=my_influencer(request)).prefetch_related("countries").first()
        if audience is None:
            raise NotFound(_("No audience breakdown yet: PUT one."))
        return Response(AudienceSerializer(audience).data)

    @extend_schema(operation_id="me_audience_update", request=AudienceSerializer, responses=AudienceSerializer)
    def put(self, request: Request) -> Response:
        influencer = my_influencer(request)
        serializer = AudienceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        audience = audience_update(influencer=influencer, by=api_user(request), **serializer.service_kwargs())
        audience = Audience.objects.prefetch_related("countries").get(pk=audience.pk)
        return Response(AudienceSerializer(audience).data)


def _my_offers(request: Request) -> QuerySet[Offer]:
    return my_influencer(request).offers.select_related("influencer")


class MyOfferListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="me_offers_list", responses=MyOfferSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_my_offers(request), request, view=self)
        return paginator.get_paginated_response(MyOfferSerializer(page, many=True).data)

    @extend_schema(operation_id="me_offers_create", request=MyOfferSerializer, responses={201: MyOfferSerializer})
    def post(self, request: Request) -> Response:
        influencer = my_influencer(request)
        serializer = MyOfferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = offer_save(
            influencer=influencer,
            by=api_user(request),
            fields={k: v for k, v in serializer.validated_data.items() if k in OFFER_FIELDS},
        )
        return Response(MyOfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class MyOfferDetailApi(ApiView):
    @extend_schema(operation_id="me_offers_retrieve", responses=MyOfferSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(MyOfferSerializer(get_object_or_404(_my_offers(request), pk=pk)).data)

    @extend_schema(operation_id="me_offers_partial_update", request=MyOfferSerializer, responses=MyOfferSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        offer = get_object_or_404(_my_offers(request), pk=pk)
        serializer = MyOfferSerializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer = offer_save(
            influencer=offer.influencer,
            by=api_user(request),
            fields=_full_fields(offer, OFFER_FIELDS, serializer.validated_data),
            offer=offer,
        )
        return Response(MyOfferSerializer(offer).data)

    @extend_schema(operation_id="me_offers_destroy", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        offer_delete(offer=get_object_or_404(_my_offers(request), pk=pk), by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- metrics import (staff and provider accounts) -------------------------------------------------


class CanImportMetrics(BasePermission):
    """The admin upload's gate: the permission to add posts (staff, or a provider account given it)."""

    message = _("Importing metrics needs a provider account (the “Can add post” permission) or a moderator.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.has_perm(IMPORT_PERMISSION))


class MetricsImportApi(ApiView):
    """Import posts, follower snapshots or audiences: all or nothing, like `manage.py import_metrics`.

    Send a file (multipart, field `file`: .csv, .json or .jsonl) or a JSON document
    {"posts": [...], "snapshots": [...], "audience": [...]}. Re-sending the same rows changes nothing.
    """

    permission_classes = [IsAuthenticated, CanImportMetrics]
    parser_classes = [StrictJSONParser, MultiPartParser]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]
    throttle_scope = "metrics_import"

    @extend_schema(
        operation_id="metrics_import",
        request={"application/json": ImportDocumentSerializer, "multipart/form-data": ImportUploadSerializer},
        responses={201: ImportResultSerializer},
    )
    def post(self, request: Request) -> Response:
        if request.content_type.startswith("multipart/"):
            upload_serializer = ImportUploadSerializer(data=request.data)
            upload_serializer.is_valid(raise_exception=True)
            upload = upload_serializer.validated_data["file"]
            fmt = format_from_name(upload.name)
            if fmt is None:
                raise ValidationError({"file": [_("Upload a .csv, .json or .jsonl file.")]})
            source, kind, filename = upload.file, upload_serializer.validated_data.get("kind"), upload.name
        else:
            document_serializer = ImportDocumentSerializer(data=request.data)
            document_serializer.is_valid(raise_exception=True)
            if not isinstance(request.data, dict) or not request.data:
                raise ValidationError({"non_field_errors": [_("Send at least one of posts, snapshots, audience.")]})
            # The importer reads JSON itself (with its row labels): hand it the document as sent.
            source, fmt, kind, filename = BytesIO(json.dumps(request.data).encode()), "json", None, "api.json"
        try:
            result = metrics_import(source=source, fmt=fmt, kind=kind, by=api_user(request), filename=filename)
        except ImportFailed as failed:
            run = f" (run #{failed.run.pk})" if failed.run is not None else ""
            raise ValidationError(
                {
                    "non_field_errors": [_("The import was rejected and nothing was written%(run)s.") % {"run": run}],
                    "file": [str(error) for error in failed.errors],
                }
            ) from failed
        body = {
            **run_reference(result.run, request),
            "rows": result.rows,
            "written": result.written,
            "unchanged": result.unchanged,
            "influencers_changed": result.influencers_changed,
        }
        return Response(ImportResultSerializer(body).data, status=status.HTTP_201_CREATED)


def run_reference(run: EngineRun, request: Request) -> dict:
    """Where to watch an engine run: its id, status and API address."""
    url = request.build_absolute_uri(reverse("api:run-detail", args=[run.pk]))
    return {"run_id": run.pk, "status": run.status, "url": url}
