"""API v1 for the caller's brand and its shortlists.

Everything is looked up inside the caller's brand (brands.selectors), so another brand's shortlist
is a 404; writes call brands/services.py, which checks membership and ownership again.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_pagination import ApiCursorPagination
from config.api_views import ApiView, api_user
from influencers.access import Actor, actor_of
from influencers.models import Influencer
from influencers.serializers import niches_for

from .models import BrandMember, SavedSearch, Shortlist, ShortlistEntry
from .saved_search_services import saved_search_create, saved_search_delete, saved_search_update, saved_search_url
from .selectors import (
    brand_saved_searches,
    brand_shortlists,
    niche_labels,
    saved_search_for_brand,
    saved_search_summary,
    shortlist_entries,
)
from .serializers import (
    BrandSerializer,
    SavedSearchSerializer,
    SavedSearchUpdateSerializer,
    ShortlistEntryCreateSerializer,
    ShortlistEntryNoteSerializer,
    ShortlistEntrySerializer,
    ShortlistSerializer,
)
from .services import (
    BRAND_PROFILE_FIELDS,
    brand_profile_update,
    shortlist_create,
    shortlist_delete,
    shortlist_entry_add,
    shortlist_entry_note,
    shortlist_entry_remove,
    shortlist_rename,
)


def my_membership(request: Request) -> BrandMember:
    """The caller's brand membership; 404 for accounts without one (as the /brand/ pages)."""
    membership = actor_of(request).membership
    if membership is None:
        raise NotFound(_("This is for brand accounts: this account works for no brand."))
    return membership


def _brand_actor(request: Request) -> Actor:
    """The caller as a brand member (404 for accounts without a brand, as the /brand/ pages)."""
    my_membership(request)
    return actor_of(request)


def _brand_response(membership: BrandMember) -> Response:
    brand = type(membership.brand).objects.prefetch_related("industry_niches").get(pk=membership.brand_id)
    return Response(BrandSerializer(brand, context={"role": membership.role}).data)


class MyBrandApi(ApiView):
    @extend_schema(operation_id="brands_me_retrieve", responses=BrandSerializer)
    def get(self, request: Request) -> Response:
        return _brand_response(my_membership(request))

    @extend_schema(operation_id="brands_me_partial_update", request=BrandSerializer, responses=BrandSerializer)
    def patch(self, request: Request) -> Response:
        membership = my_membership(request)
        brand = membership.brand
        serializer = BrandSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        niches = niches_for(data.pop("industry_niches")) if "industry_niches" in data else brand.industry_niches.all()
        fields = {name: getattr(brand, name) for name in BRAND_PROFILE_FIELDS} | {
            name: value for name, value in data.items() if name in BRAND_PROFILE_FIELDS
        }
        brand_profile_update(brand=brand, by=api_user(request), fields=fields, niches=list(niches))
        return _brand_response(membership)


def _shortlist(request: Request, pk: int) -> Shortlist:
    return get_object_or_404(brand_shortlists(actor=_brand_actor(request)), pk=pk)


class ShortlistListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="shortlists_list", responses=ShortlistSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = ApiCursorPagination()
        shortlists = brand_shortlists(actor=_brand_actor(request))
        page = paginator.paginate_queryset(shortlists, request, view=self)
        return paginator.get_paginated_response(ShortlistSerializer(page, many=True).data)

    @extend_schema(operation_id="shortlists_create", request=ShortlistSerializer, responses={201: ShortlistSerializer})
    def post(self, request: Request) -> Response:
        membership = my_membership(request)
        serializer = ShortlistSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shortlist = shortlist_create(
            brand=membership.brand, name=serializer.validated_data["name"], by=api_user(request)
        )
        return Response(ShortlistSerializer(_shortlist(request, shortlist.pk)).data, status=status.HTTP_201_CREATED)


class ShortlistDetailApi(ApiView):
    @extend_schema(operation_id="shortlists_retrieve", responses=ShortlistSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ShortlistSerializer(_shortlist(request, pk)).data)

    @extend_schema(operation_id="shortlists_partial_update", request=ShortlistSerializer, responses=ShortlistSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        shortlist = _shortlist(request, pk)
        serializer = ShortlistSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "name" in serializer.validated_data:
            shortlist_rename(shortlist=shortlist, name=serializer.validated_data["name"], by=api_user(request))
        return Response(ShortlistSerializer(_shortlist(request, pk)).data)

    @extend_schema(operation_id="shortlists_destroy", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        shortlist_delete(shortlist=_shortlist(request, pk), by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistEntryListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="shortlists_entries_list", responses=ShortlistEntrySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        paginator = ApiCursorPagination()
        page = paginator.paginate_queryset(shortlist_entries(shortlist=_shortlist(request, pk)), request, view=self)
        return paginator.get_paginated_response(ShortlistEntrySerializer(page, many=True).data)

    @extend_schema(
        operation_id="shortlists_entries_create",
        request=ShortlistEntryCreateSerializer,
        responses={201: ShortlistEntrySerializer, 200: ShortlistEntrySerializer},
        description="Add a creator; if they are already on the list the existing entry is answered with 200.",
    )
    def post(self, request: Request, pk: int) -> Response:
        shortlist = _shortlist(request, pk)
        serializer = ShortlistEntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        influencer = Influencer.objects.visible_to_brands().filter(handle=data["influencer"].lower()).first()
        if influencer is None:
            raise ValidationError({"influencer": [_("No creator with this handle is visible to brands.")]})
        entry, created = shortlist_entry_add(
            shortlist=shortlist, influencer=influencer, by=api_user(request), note=data.get("note", "")
        )
        entry = shortlist_entries(shortlist=shortlist).get(pk=entry.pk)
        return Response(ShortlistEntrySerializer(entry).data, status=201 if created else 200)


def _entry(request: Request, pk: int, entry_pk: int) -> ShortlistEntry:
    shortlist = _shortlist(request, pk)
    entry = get_object_or_404(shortlist_entries(shortlist=shortlist), pk=entry_pk)
    entry.shortlist = shortlist
    return entry


class ShortlistEntryDetailApi(ApiView):
    @extend_schema(operation_id="shortlists_entries_retrieve", responses=ShortlistEntrySerializer)
    def get(self, request: Request, pk: int, entry_pk: int) -> Response:
        return Response(ShortlistEntrySerializer(_entry(request, pk, entry_pk)).data)

    @extend_schema(
        operation_id="shortlists_entries_partial_update",
        request=ShortlistEntryNoteSerializer,
        responses=ShortlistEntrySerializer,
    )
    def patch(self, request: Request, pk: int, entry_pk: int) -> Response:
        entry = _entry(request, pk, entry_pk)
        serializer = ShortlistEntryNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shortlist_entry_note(entry=entry, note=serializer.validated_data["note"], by=api_user(request))
        return Response(ShortlistEntrySerializer(_entry(request, pk, entry_pk)).data)

    @extend_schema(operation_id="shortlists_entries_destroy", responses={204: None})
    def delete(self, request: Request, pk: int, entry_pk: int) -> Response:
        shortlist_entry_remove(entry=_entry(request, pk, entry_pk), by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Saved searches -----------------------------------------------------------------------------------


def _saved_search_data(saved_search: SavedSearch, niches: dict[str, str] | None = None) -> dict:
    niches = niches if niches is not None else niche_labels()
    saved_search.summary = saved_search_summary(saved_search.query, niches)  # type: ignore[attr-defined]
    saved_search.url = saved_search_url(saved_search)  # type: ignore[attr-defined]
    return SavedSearchSerializer(saved_search).data


class SavedSearchListApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="saved_searches_list", responses=SavedSearchSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = ApiCursorPagination()
        page = paginator.paginate_queryset(brand_saved_searches(actor=_brand_actor(request)), request, view=self) or []
        niches = niche_labels() if page else {}
        return paginator.get_paginated_response([_saved_search_data(search, niches) for search in page])

    @extend_schema(
        operation_id="saved_searches_create", request=SavedSearchSerializer, responses={201: SavedSearchSerializer}
    )
    def post(self, request: Request) -> Response:
        membership = my_membership(request)
        serializer = SavedSearchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved_search = saved_search_create(
            brand=membership.brand, name=data["name"], query=data["query"], notify=data["notify"], by=api_user(request)
        )
        return Response(_saved_search_data(saved_search), status=status.HTTP_201_CREATED)


class SavedSearchDetailApi(ApiView):
    @extend_schema(operation_id="saved_searches_retrieve", responses=SavedSearchSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_saved_search_data(saved_search_for_brand(actor=_brand_actor(request), pk=pk)))

    @extend_schema(
        operation_id="saved_searches_partial_update",
        request=SavedSearchUpdateSerializer,
        responses=SavedSearchSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        saved_search = saved_search_for_brand(actor=_brand_actor(request), pk=pk)
        serializer = SavedSearchUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved_search_update(
            saved_search=saved_search, by=api_user(request), name=data.get("name"), notify=data.get("notify")
        )
        return Response(_saved_search_data(saved_search))

    @extend_schema(operation_id="saved_searches_destroy", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        saved_search = saved_search_for_brand(actor=_brand_actor(request), pk=pk)
        saved_search_delete(saved_search=saved_search, by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
