"""Writes for signed webhooks: endpoints, events, delivery attempts, retries, redelivery, disabling.

Who: a brand's endpoints are managed by any member of the brand while it is in good standing (not
suspended or rejected); a creator manages their own. Staff read them in the admin, never here.

Events are emitted by the services where the action happens (campaigns/services/), inside the action's
transaction: the event and one delivery row per subscribed endpoint are written with the action, and
the first attempt is queued once it commits. A rolled-back action therefore leaves nothing and sends
nothing; a lost queue message is picked up by the sweep, because the delivery row is due.

Attempts: `webhook_attempt` claims a due delivery with a conditional UPDATE (a lease of ATTEMPT_LEASE),
so two workers never send the same attempt; it signs and POSTs (campaigns/webhook_delivery.py), logs
the attempt, and schedules the next one after RETRY_SCHEDULE (about a day in all). The beat task
`webhook-retry-sweep` (every minute) queues every delivery whose next attempt is due. When a delivery
gives up and every attempt to its endpoint has failed since that delivery's first attempt (`failing_since`,
reset by any success), the endpoint is disabled and its owner notified (in the app and by email).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import BrandMember
from influencers.access import STOPPED, Actor, actor_for
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import DomainError, NotAllowed
from influencers.kernel.notifications import notification_send
from influencers.kernel.queueing import enqueue

from .webhook_delivery import SIGNATURE_HEADER, AddressRefused, payload_body, post, sign, target_check
from .webhook_models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

DELIVER_TASK = "campaigns.tasks.webhook_deliver_task"
# Seconds to wait after attempt 1, 2, … before the next one: 1 min, 5 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h.
# Nine attempts over 23 h 36 min; after the ninth failure the delivery gives up.
RETRY_SCHEDULE = (60, 300, 1800, 3600, 7200, 14400, 28800, 28800)
ATTEMPT_LEASE = dt.timedelta(minutes=5)  # longer than one attempt can take (timeout 5 s)
SECRET_PREFIX = "whsec_"  # noqa: S105 - a recognisable prefix (secret scanners), not a secret
LOG_RETENTION_DAYS = 30

Status = WebhookDelivery.Status


def retry_delay(attempt_number: int) -> int | None:
    """Seconds before the attempt after attempt `attempt_number` (1-based); None: that was the last one."""
    if attempt_number < 1:
        raise ValueError("attempts are numbered from 1")
    return RETRY_SCHEDULE[attempt_number - 1] if attempt_number <= len(RETRY_SCHEDULE) else None


def retry_schedule_total() -> dt.timedelta:
    return dt.timedelta(seconds=sum(RETRY_SCHEDULE))


def _secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


# --- who may manage ----------------------------------------------------------------------------


def webhook_owner_choices(actor: Actor) -> list[str]:
    """The owners this actor can register endpoints for: "brand" (its brand), "creator" (its profile)."""
    choices = []
    if actor.brand_id is not None:
        choices.append("brand")
    if actor.influencer_id is not None:
        choices.append("creator")
    return choices


def _owner_stopped(endpoint: WebhookEndpoint) -> str | None:
    """Why this endpoint's owner may not use webhooks now (suspended or rejected), or None."""
    owner = endpoint.brand if endpoint.brand_id is not None else endpoint.influencer
    if owner is not None and owner.status in STOPPED:
        return _("The owner is %(status)s by moderation.") % {"status": owner.get_status_display().lower()}
    return None


def _require_manager(*, endpoint: WebhookEndpoint, by: User) -> Actor:
    actor = actor_for(by)
    if endpoint.brand_id is not None:
        if actor.brand_id != endpoint.brand_id:
            raise NotAllowed(_("Only the brand's team manages its webhooks."))
        if actor.brand_stopped and actor.brand is not None:
            raise NotAllowed(
                _("Your brand is %(status)s by moderation, so it cannot manage webhooks.")
                % {"status": actor.brand.get_status_display().lower()}
            )
    else:
        if actor.influencer_id != endpoint.influencer_id:
            raise NotAllowed(_("Only the creator manages their own webhooks."))
        if actor.influencer is not None and actor.influencer.status in STOPPED:
            raise NotAllowed(
                _("Your profile is %(status)s by moderation, so you cannot manage webhooks.")
                % {"status": actor.influencer.get_status_display().lower()}
            )
    return actor


# --- validation ----------------------------------------------------------------------------------


def _url_clean(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise DomainError(_("Enter the address that should receive the events."), field="url")
    if len(url) > 500 or "\x00" in url:
        raise DomainError(_("The address can be at most 500 characters long."), field="url")
    try:
        URLValidator(schemes=["https", "http"])(url)
    except ValidationError as exc:
        raise DomainError(_("Enter a full address, such as https://example.com/invloed-hooks."), field="url") from exc
    try:
        target_check(url)
    except AddressRefused as refused:
        raise DomainError(str(refused), field="url") from refused
    return url


def _events_clean(events: Iterable[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(events or ()))
    if not chosen:
        raise DomainError(_("Choose at least one event."), field="events")
    unknown = [str(event)[:40] for event in chosen if event not in EventType.values]
    if unknown:
        raise DomainError(_("Unknown event type: %(types)s.") % {"types": ", ".join(unknown)}, field="events")
    return [event for event in EventType.values if event in chosen]  # the documented order


def _description_clean(description: str) -> str:
    description = (description or "").strip()
    if "\x00" in description:
        raise DomainError(_("The text contains a character that cannot be stored."), field="description")
    if len(description) > 200:
        raise DomainError(_("At most %(limit)d characters.") % {"limit": 200}, field="description")
    return description


# --- endpoints ---------------------------------------------------------------------------------


def webhook_endpoint_create(
    *, by: User, url: str, events: Iterable[str], description: str = "", owner: str | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for the caller's brand or creator profile; returns it with its secret (shown once)."""
    actor = actor_for(by)
    choices = webhook_owner_choices(actor)
    if not choices:
        raise NotAllowed(_("Webhooks are for brand teams and creators."))
    owner = owner or choices[0]
    if owner not in choices:
        raise DomainError(_("You can register webhooks only for your own brand or creator profile."), field="owner")
    owner_fields: dict[str, Any] = {"brand": actor.brand} if owner == "brand" else {"influencer": actor.influencer}
    endpoint = WebhookEndpoint(**owner_fields, created_by=by)
    _require_manager(endpoint=endpoint, by=by)
    description = _description_clean(description)
    chosen = _events_clean(events)
    url = _url_clean(url)
    secret = _secret_new()
    with transaction.atomic():
        existing = WebhookEndpoint.objects.select_for_update().filter(
            **{f"{k}_id": v.pk for k, v in owner_fields.items()}
        )
        if len(existing) >= WebhookEndpoint.MAX_PER_OWNER:
            raise DomainError(
                _("At most %(count)d webhook endpoints; remove one first.") % {"count": WebhookEndpoint.MAX_PER_OWNER}
            )
        endpoint.url, endpoint.events, endpoint.description, endpoint.secret = url, chosen, description, secret
        endpoint.save()
        audit_record(actor=by, action="webhook.created", target=endpoint, data={"url": url, "events": chosen})
    return endpoint, secret


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by: User,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint's address, events, description, or turn it off or back on."""
    _require_manager(endpoint=endpoint, by=by)
    changes: dict[str, Any] = {}
    if url is not None and url.strip() != endpoint.url:
        changes["url"] = _url_clean(url)
    if events is not None:
        changes["events"] = _events_clean(events)
    if description is not None:
        changes["description"] = _description_clean(description)
    if is_active is not None and is_active != endpoint.is_active:
        changes["is_active"] = is_active
        if is_active:  # turned back on: a fresh start
            changes.update(disabled_at=None, disabled_reason="", failing_since=None)
        else:
            changes.update(disabled_at=timezone.now(), disabled_reason=_("Turned off by %(user)s.") % {"user": by})
    if not changes:
        return endpoint
    with transaction.atomic():
        for field, value in changes.items():
            setattr(endpoint, field, value)
        endpoint.save(update_fields=list(changes))
        audit_record(
            actor=by,
            action="webhook.updated",
            target=endpoint,
            data={key: value for key, value in changes.items() if key in ("url", "events", "is_active")},
        )
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by: User) -> None:
    """Remove an endpoint with its delivery log (the audit trail keeps that it existed)."""
    _require_manager(endpoint=endpoint, by=by)
    with transaction.atomic():
        audit_record(actor=by, action="webhook.deleted", target=endpoint, data={"url": endpoint.url})
        endpoint.delete()


def webhook_secret_rotate(*, endpoint: WebhookEndpoint, by: User) -> str:
    """A new signing secret, effective at once for every later attempt; returned once, never shown again."""
    _require_manager(endpoint=endpoint, by=by)
    secret = _secret_new()
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret=secret, secret_rotated_at=timezone.now())
        endpoint.refresh_from_db()
        audit_record(actor=by, action="webhook.secret_rotated", target=endpoint)
    return secret


def webhook_redeliver(*, delivery: WebhookDelivery, by: User) -> WebhookDelivery:
    """Send a delivery again now (the same event id and body, freshly signed), as one more attempt."""
    endpoint = delivery.endpoint
    _require_manager(endpoint=endpoint, by=by)
    if not endpoint.is_active:
        raise DomainError(_("This endpoint is turned off; turn it on before redelivering."))
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.PENDING, next_attempt_at=timezone.now(), finished_at=None, note=""
        )
        audit_record(actor=by, action="webhook.redelivered", target=endpoint, data={"delivery": delivery.pk})
        delivery_id = delivery.pk
        transaction.on_commit(lambda: enqueue(DELIVER_TASK, delivery_id=delivery_id, manual=True), robust=True)
    delivery.refresh_from_db()
    return delivery


# --- events ----------------------------------------------------------------------------------


def webhook_event_emit(
    *, event_type: str, brand_id: int, influencer_id: int, data: dict[str, Any]
) -> WebhookEvent | None:
    """Record an event for the endpoints of the brand and the creator involved; queue it once committed.

    Called by the services inside the action's transaction. Writes nothing when nobody subscribed.
    An endpoint whose owner is suspended or rejected by moderation receives nothing.
    """
    candidates = (
        WebhookEndpoint.objects.filter(is_active=True)
        .filter(Q(brand_id=brand_id) | Q(influencer_id=influencer_id))
        .select_related("brand", "influencer")
    )
    endpoints = [e for e in candidates if event_type in e.events and _owner_stopped(e) is None]
    if not endpoints:
        return None
    event = WebhookEvent.objects.create(type=event_type, data=data)
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now) for endpoint in endpoints]
    )
    ids = list(WebhookDelivery.objects.filter(event=event).values_list("pk", flat=True))

    def queue() -> None:
        for delivery_id in ids:
            enqueue(DELIVER_TASK, delivery_id=delivery_id)

    transaction.on_commit(queue, robust=True)
    return event


# --- attempts --------------------------------------------------------------------------------


def _finish(delivery: WebhookDelivery, **fields: Any) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def webhook_attempt(*, delivery_id: int, manual: bool = False) -> WebhookAttempt | None:
    """One attempt of a due delivery (None when it was not due, or another worker has it)."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id).due(now).update(next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("event", "endpoint__brand", "endpoint__influencer").get(
        pk=delivery_id
    )
    endpoint, event = delivery.endpoint, delivery.event
    refusal = _owner_stopped(endpoint) or (None if endpoint.is_active else _("The endpoint is turned off."))
    if refusal:
        _finish(delivery, status=Status.SKIPPED, note=refusal[:300], next_attempt_at=None, finished_at=now)
        return None
    body = payload_body(
        event_id=event.event_id, event_type=event.type, created=int(event.created_at.timestamp()), data=event.data
    )
    number = delivery.attempts + 1
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret=endpoint.secret, timestamp=int(time.time()), body=body),
        "Invloed-Event-Id": event.event_id,
        "Invloed-Event-Type": event.type,
        "Invloed-Delivery-Id": str(delivery.pk),
        "Invloed-Attempt": str(number),
    }
    result = post(url=endpoint.url, body=body, headers=headers)
    finished = timezone.now()
    with transaction.atomic():
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            manual=manual,
            started_at=now,
            duration_ms=result.duration_ms,
            status_code=result.status_code,
            succeeded=result.succeeded,
            response_body=result.body[: WebhookAttempt.RESPONSE_BODY_LIMIT],
            error=result.error[:300],
        )
        if result.succeeded:
            _finish(
                delivery,
                status=Status.SUCCEEDED,
                attempts=number,
                last_status_code=result.status_code,
                next_attempt_at=None,
                finished_at=finished,
                note="",
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
            return attempt
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        delay = retry_delay(number)
        if delay is not None:
            _finish(
                delivery,
                attempts=number,
                last_status_code=result.status_code,
                next_attempt_at=finished + dt.timedelta(seconds=delay),
            )
            return attempt
        _finish(
            delivery,
            status=Status.FAILED,
            attempts=number,
            last_status_code=result.status_code,
            next_attempt_at=None,
            finished_at=finished,
            note=_("Gave up after %(count)d attempts.") % {"count": number},
        )
        if not manual:
            first = delivery.attempt_log.order_by("number").values_list("started_at", flat=True).first() or now
            _endpoint_disable_if_failing(
                endpoint=endpoint, failing_before=first, last=result.error or f"HTTP {result.status_code}"
            )
    return attempt


def _endpoint_disable_if_failing(*, endpoint: WebhookEndpoint, failing_before: dt.datetime, last: str) -> None:
    """A delivery gave up, and every attempt to its endpoint failed since this delivery's first one (no other
    delivery got through meanwhile): turn the endpoint off (once, a conditional UPDATE) and tell its owner."""
    reason = _("Every delivery failed for about a day (last: %(last)s).") % {"last": last[:200]}
    failing = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True, failing_since__lte=failing_before)
    disabled = failing.update(is_active=False, disabled_at=timezone.now(), disabled_reason=reason[:300])
    if not disabled:
        return
    endpoint.refresh_from_db()
    audit_record(actor=None, action="webhook.disabled", target=endpoint, reason=reason)
    text = _("Your webhook endpoint %(url)s was turned off: %(reason)s Fix it, then turn it back on.") % {
        "url": endpoint.url,
        "reason": reason,
    }
    page = reverse("webhooks:detail", args=[endpoint.pk])
    if endpoint.brand_id is not None:
        for member in BrandMember.objects.filter(brand_id=endpoint.brand_id).select_related("user"):
            notification_send(user=member.user, verb="webhook.disabled", message=text, url=page)
    elif endpoint.influencer is not None:
        notification_send(user=endpoint.influencer.user, verb="webhook.disabled", message=text, url=page)


def webhook_retry_sweep(*, limit: int = 500) -> int:
    """Queue every delivery whose next attempt is due (retries, and first attempts whose message was lost)."""
    due = list(
        WebhookDelivery.objects.due(timezone.now()).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(bool(enqueue(DELIVER_TASK, delivery_id=delivery_id)) for delivery_id in due)


def webhook_log_prune(*, days: int = LOG_RETENTION_DAYS) -> int:
    """Delete events (with their deliveries and attempts) older than `days` whose deliveries are finished."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    old = WebhookEvent.objects.filter(created_at__lt=cutoff).exclude(deliveries__status=Status.PENDING)
    deleted, _per_model = old.delete()
    return deleted


# --- what each event says (both parties see all of it in their pages and the API) ----------------


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def collaboration_data(collaboration: Any) -> dict[str, Any]:
    campaign = collaboration.campaign
    return {
        "id": collaboration.pk,
        "status": collaboration.status,
        "initiated_by": collaboration.initiated_by,
        "proposed_fee": _money(collaboration.proposed_fee),
        "agreed_fee": _money(collaboration.agreed_fee),
        "currency": collaboration.currency,
        "campaign": {"id": campaign.pk, "title": campaign.title, "kind": campaign.kind},
        "brand": {"slug": campaign.brand.slug, "name": campaign.brand.name},
        "creator": {"handle": collaboration.influencer.handle},
    }


def webhook_collaboration_event(
    *, event_type: str, collaboration: Any, extra: dict[str, Any] | None = None
) -> WebhookEvent | None:
    """Emit an event about a collaboration to both parties' endpoints (inside the action's transaction)."""
    return webhook_event_emit(
        event_type=event_type,
        brand_id=collaboration.campaign.brand_id,
        influencer_id=collaboration.influencer_id,
        data={"collaboration": collaboration_data(collaboration), **(extra or {})},
    )


def deliverable_data(deliverable: Any) -> dict[str, Any]:
    return {
        "id": deliverable.pk,
        "title": deliverable.title,
        "kind": deliverable.kind,
        "status": deliverable.status,
        "due_date": deliverable.due_date.isoformat() if deliverable.due_date else None,
        "submitted_url": deliverable.submitted_url,
        "has_ad_disclosure": deliverable.has_ad_disclosure,
        "submitted_at": deliverable.submitted_at.isoformat() if deliverable.submitted_at else None,
        "reviewed_at": deliverable.reviewed_at.isoformat() if deliverable.reviewed_at else None,
    }


def payment_data(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "payable": entry.payable_id,
        "amount_cents": entry.amount_cents,
        "currency": entry.currency,
        "sent_on": entry.sent_on.isoformat() if entry.sent_on else None,
        "reference": entry.reference,
    }


def draw_data(draw: Any) -> dict[str, Any]:
    return {
        "public_id": str(draw.public_id),
        "winners": list(draw.winners),
        "winners_count": draw.winners_count,
        "eligible_count": draw.eligible_count,
        "entries_sha256": draw.entries_sha256,
        "seed_sha256": draw.seed_sha256,
        "seed": draw.seed_hex,
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
        "verification_url": settings.SITE_URL + reverse("giveaways:draw", args=[draw.public_id]),
    }
