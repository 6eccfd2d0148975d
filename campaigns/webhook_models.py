"""Signed webhooks: the tables (imported at the bottom of campaigns/models.py).

- `WebhookEndpoint`: an HTTPS address a brand (any member in good standing manages it) or a creator
  registers for chosen event types, with the secret its deliveries are signed with.
- `WebhookEvent`: one thing that happened (an invitation, an approval …), with the data sent: written in
  the same transaction as the action, so a rolled-back action leaves no event (the outbox).
- `WebhookDelivery`: one event for one endpoint, retried on a schedule until it succeeds or gives up.
- `WebhookAttempt`: every HTTP attempt of a delivery (status code, duration, truncated answer, error):
  the delivery log the owner reads on the endpoint's page, in the API and moderators in the admin.

Services: campaigns/webhooks.py; signing, address checks and the HTTP call: campaigns/webhook_delivery.py.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from influencers.access import Actor


class EventType(models.TextChoices):
    """The events an endpoint can subscribe to (docs/api.md, "Webhooks")."""

    COLLABORATION_INVITED = "collaboration.invited", _("A brand invited a creator")
    COLLABORATION_APPLIED = "collaboration.applied", _("A creator applied to a campaign")
    COLLABORATION_ACCEPTED = "collaboration.accepted", _("An invitation or application was accepted")
    DELIVERABLE_SUBMITTED = "deliverable.submitted", _("A creator submitted content")
    DELIVERABLE_APPROVED = "deliverable.approved", _("A brand approved content")
    PAYMENT_MARKED_SENT = "payment.marked_sent", _("A brand marked a payment sent")
    DRAW_COMPLETED = "draw.completed", _("A giveaway draw picked its winners")


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def managed_by(self, actor: Actor) -> WebhookEndpointQuerySet:
        """The actor's brand's endpoints and the actor's own creator endpoints; nobody else's (staff: admin)."""
        scope = Q(pk__in=[])
        if actor.brand_id is not None:
            scope |= Q(brand_id=actor.brand_id)
        if actor.influencer_id is not None:
            scope |= Q(influencer_id=actor.influencer_id)
        return self.filter(scope)


class WebhookEndpoint(models.Model):
    MAX_PER_OWNER = 10

    brand = models.ForeignKey(
        "brands.Brand", null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    influencer = models.ForeignKey(
        "influencers.Influencer", null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text=_("The event types this endpoint receives."))
    # Kept as is (the HMAC needs the secret itself); shown once, never again in a page, the API or the admin.
    secret = models.CharField(max_length=80, editable=False)
    is_active = models.BooleanField(default=True)
    # Since when every attempt to this endpoint failed (None: the last attempt succeeded, or none yet).
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(brand__isnull=False, influencer__isnull=True)
                | Q(brand__isnull=True, influencer__isnull=False),
                name="webhook_endpoint_one_owner",
            ),
        ]

    brand_id: int | None
    influencer_id: int | None

    def __str__(self) -> str:
        return self.url

    @property
    def owner_kind(self) -> str:
        return "brand" if self.brand_id is not None else "creator"


class WebhookEvent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    @property
    def event_id(self) -> str:
        """The id receivers deduplicate on: the same for every attempt and every redelivery."""
        return f"evt_{self.public_id.hex}"


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self, now: object) -> WebhookDeliveryQuerySet:
        return self.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)

    def log_of(self, endpoint: WebhookEndpoint) -> WebhookDeliveryQuerySet:
        """The endpoint's delivery log, newest first, with each event and its attempts (two queries a page)."""
        attempts = models.Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("-started_at", "-pk"))
        return self.filter(endpoint=endpoint).select_related("event").prefetch_related(attempts)


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")
        SKIPPED = "skipped", _("Not sent")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; a worker that claims it moves it forward by a lease (no second runner).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once_per_endpoint"),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(next_attempt_at__isnull=False), name="webhook_delivery_pending_due"
            ),
        ]

    endpoint_id: int
    event_id: int

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    RESPONSE_BODY_LIMIT = 2000

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    manual = models.BooleanField(default=False, help_text=_("A redelivery asked for by the owner."))
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField()
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"
