"""API v1 for signed webhooks: endpoints, their secrets, the delivery log and redelivery.

An endpoint is found only by its owner (any member of the owning brand, or the owning creator):
anyone else, staff included, gets a 404 (moderators read webhooks in the admin). Writes call
campaigns/webhooks.py, which refuses a suspended or rejected owner (403) and a bad address (400).
The secret is in the answer of the create and rotate calls only; nothing else ever shows it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_fields import StrictBooleanField, StrictCharField
from config.api_pagination import ApiCursorPagination
from config.api_views import ApiView, api_user
from influencers.access import actor_of

from .webhook_models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .webhooks import (
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_redeliver,
    webhook_secret_rotate,
)

ATTEMPTS_SHOWN = 10  # per delivery in the log; the admin has every one

# --- serializers ---------------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    owner = serializers.ChoiceField(choices=["brand", "creator"], source="owner_kind")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))

    class Meta:
        model = WebhookEndpoint
        fields: tuple[str, ...] = (
            "id",
            "owner",
            "url",
            "description",
            "events",
            "is_active",
            "disabled_at",
            "disabled_reason",
            "failing_since",
            "created_at",
            "secret_rotated_at",
        )
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(help_text=_("The signing secret. Shown in this answer only: store it now."))

    class Meta(WebhookEndpointSerializer.Meta):
        fields: tuple[str, ...] = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields: tuple[str, ...] = fields


def _events_field(*, required: bool = True) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        max_length=len(EventType.values),
        help_text=_("The event types to receive."),
        required=required,
    )


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = StrictCharField(max_length=500, help_text=_("https:// address that receives the events (POST)."))
    events = _events_field()
    description = StrictCharField(max_length=200, allow_blank=True, required=False)
    owner = serializers.ChoiceField(
        choices=["brand", "creator"],
        required=False,
        help_text=_("Whose events: your brand's or your creator profile's (default: your brand, if you have one)."),
    )


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = StrictCharField(max_length=500, required=False)
    events = _events_field(required=False)
    description = StrictCharField(max_length=200, allow_blank=True, required=False)
    is_active = StrictBooleanField(required=False, help_text=_("Turn the endpoint off, or back on."))


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text=_("The new signing secret. Shown in this answer only."))


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ("number", "manual", "started_at", "duration_ms", "status_code", "succeeded", "response_body", "error")
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="event.event_id")
    event_type = serializers.ChoiceField(choices=EventType.choices, source="event.type")
    attempt_log = serializers.SerializerMethodField(help_text=_("The latest attempts (at most 10), newest first."))

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "note",
            "created_at",
            "finished_at",
            "attempt_log",
        )
        read_only_fields = fields

    @extend_schema(responses=WebhookAttemptSerializer(many=True))
    def get_attempt_log(self, delivery: WebhookDelivery) -> list[dict]:
        return list(WebhookAttemptSerializer(delivery.attempt_log.all()[:ATTEMPTS_SHOWN], many=True).data)


# --- views ---------------------------------------------------------------------------------------


def _endpoints(request: Request) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.managed_by(actor_of(request))


def _endpoint(request: Request, pk: int) -> WebhookEndpoint:
    return get_object_or_404(_endpoints(request), pk=pk)


class WebhookEndpointListApi(ApiView):
    """Your webhook endpoints (your brand's and your creator profile's), and registering a new one."""

    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="webhooks_list", responses=WebhookEndpointSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = ApiCursorPagination()
        page = paginator.paginate_queryset(_endpoints(request), request, view=self)
        return paginator.get_paginated_response(WebhookEndpointSerializer(page, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint, secret = webhook_endpoint_create(
            by=api_user(request),
            url=data["url"],
            events=data["events"],
            description=data.get("description", ""),
            owner=data.get("owner"),
        )
        endpoint.secret = secret
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(ApiView):
    @extend_schema(operation_id="webhooks_retrieve", responses=WebhookEndpointSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(WebhookEndpointSerializer(_endpoint(request, pk)).data)

    @extend_schema(
        operation_id="webhooks_partial_update",
        request=WebhookEndpointUpdateSerializer,
        responses=WebhookEndpointSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        endpoint = _endpoint(request, pk)
        serializer = WebhookEndpointUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, by=api_user(request), **serializer.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        webhook_endpoint_delete(endpoint=_endpoint(request, pk), by=api_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateApi(ApiView):
    """A new signing secret, used from the next attempt on; the old one stops working at once."""

    @extend_schema(operation_id="webhooks_rotate_secret", request=None, responses={201: SecretSerializer})
    def post(self, request: Request, pk: int) -> Response:
        secret = webhook_secret_rotate(endpoint=_endpoint(request, pk), by=api_user(request))
        return Response({"secret": secret}, status=status.HTTP_201_CREATED)


class WebhookDeliveryListApi(ApiView):
    """The endpoint's delivery log, newest first: each event's status and its latest attempts."""

    pagination_class = ApiCursorPagination

    @extend_schema(operation_id="webhooks_deliveries_list", responses=WebhookDeliverySerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        paginator = ApiCursorPagination()
        page = paginator.paginate_queryset(WebhookDelivery.objects.log_of(_endpoint(request, pk)), request, view=self)
        return paginator.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


class WebhookRedeliverApi(ApiView):
    """Send a delivery again now (same event id and body, freshly signed); the attempt shows in the log."""

    @extend_schema(operation_id="webhooks_redeliver", request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request: Request, pk: int, delivery_pk: int) -> Response:
        endpoint = _endpoint(request, pk)
        delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_pk)
        delivery.endpoint = endpoint
        webhook_redeliver(delivery=delivery, by=api_user(request))
        return Response(
            WebhookDeliverySerializer(WebhookDelivery.objects.log_of(endpoint).get(pk=delivery_pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )
