"""Writes shared by every app: audit rows, notifications, and moderation decisions."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import AuditEvent, Influencer, Notification
from .taxonomy import ModerationStatus

logger = logging.getLogger(__name__)

# The decisions a moderator can take, and the status each one sets.
MODERATION_DECISIONS: dict[str, str] = {
    "approve": ModerationStatus.APPROVED,
    "reject": ModerationStatus.REJECTED,
    "suspend": ModerationStatus.SUSPENDED,
}


def audit_record(
    *, actor: AbstractBaseUser | None, action: str, target: models.Model, reason: str = "", data: dict | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        reason=reason,
        data=data or {},
    )


def notification_send(*, user: AbstractBaseUser | None, verb: str, message: str, url: str = "") -> Notification | None:
    """An in-app notice, and an email through the configured backend once the transaction commits."""
    if user is None:
        return None
    notification = Notification.objects.create(user=user, verb=verb, message=message[:300], url=url)
    if user.email:
        transaction.on_commit(lambda: _email_notification(user.email, message, url))
    return notification


def _email_notification(address: str, message: str, url: str) -> None:
    body = message if not url else f"{message}\n\n{settings.SITE_URL}{url}"
    try:
        send_mail(subject=f"Invloed: {message[:70]}", message=body, from_email=None, recipient_list=[address])
    except OSError:
        # The in-app notification is already saved; a mail server outage must not fail the request.
        logger.exception("Could not email notification to %s", address)


def moderation_decide(
    *,
    target: models.Model,
    decision: str,
    reason: str,
    by: AbstractBaseUser,
    status_field: str = "status",
    reason_field: str = "status_reason",
) -> models.Model:
    """Approve, reject or suspend a moderated object, with a reason, an audit row and a notice.

    Shared by influencers, brands and campaigns; each passes the names of its status fields.
    """
    if decision not in MODERATION_DECISIONS:
        raise DomainError(_("Unknown moderation decision: %s") % decision)
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise DomainError(_("Give a reason: the owner sees it and needs to know what to fix."), field="reason")
    new_status = MODERATION_DECISIONS[decision]
    with transaction.atomic():
        locked = type(target).objects.select_for_update().get(pk=target.pk)
        old_status = getattr(locked, status_field)
        setattr(locked, status_field, new_status)
        setattr(locked, reason_field, reason)
        locked.moderated_at = timezone.now()
        locked.save(update_fields=[status_field, reason_field, "moderated_at"])
        audit_record(
            actor=by,
            action=f"moderation.{decision}",
            target=locked,
            reason=reason,
            data={"from": old_status, "to": new_status},
        )
    return locked


def influencer_moderate(*, influencer: Influencer, decision: str, reason: str, by: AbstractBaseUser) -> Influencer:
    influencer = moderation_decide(target=influencer, decision=decision, reason=reason, by=by)
    status_label = influencer.get_status_display().lower()
    message = _("Your profile @%(handle)s is now %(status)s.") % {"handle": influencer.handle, "status": status_label}
    if reason:
        message = f"{message} {reason}"
    notification_send(user=influencer.user, verb=f"moderation.{decision}", message=message)
    return influencer


# --- Metrics engine triggers (engine area) -------------------------------------------------------
# Imported here, not at the top, so this section stays an append-only block of the shared module.
from .metrics import features_changed  # noqa: E402
from .models import EngineRun  # noqa: E402
from .queueing import enqueue_on_commit  # noqa: E402
from .runs import run_create  # noqa: E402

METRICS_TASK = "influencers.tasks.recompute_metrics_task"


def influencer_metrics_request(
    *,
    influencer_ids: list[int] | set[int] | tuple[int, ...],
    by: AbstractBaseUser | None = None,
    refresh_matches: bool = True,
) -> EngineRun | None:
    """Mark these influencers' metrics stale and queue their recompute (then their matches) on commit.

    The stale flag is written in the caller's transaction; if the broker is down at commit time the
    publish is logged and skipped, and the periodic sweep re-enqueues the flagged influencers.
    """
    ids = sorted({int(pk) for pk in influencer_ids})
    if not ids:
        return None
    with transaction.atomic():
        Influencer.objects.filter(pk__in=ids, metrics_stale_since__isnull=True).update(
            metrics_stale_since=timezone.now()
        )
        scope = f"influencer:{ids[0]}" if len(ids) == 1 else "influencers"
        run = run_create(kind=EngineRun.Kind.METRICS_INCREMENTAL, scope=scope, by=by, detail={"influencers": len(ids)})
        # Profile fields feed the matching feature cache directly, not only through the metrics.
        transaction.on_commit(features_changed)
        enqueue_on_commit(METRICS_TASK, run_id=run.pk, influencer_ids=ids, refresh_matches=refresh_matches)
    return run


def influencer_changed(*, influencer: Influencer, by: AbstractBaseUser | None = None) -> EngineRun | None:
    """Something the engine reads changed (profile, accounts, audience, offers, imported metrics):
    recompute this influencer's metrics, then its matches against the open campaigns."""
    return influencer_metrics_request(influencer_ids=[influencer.pk], by=by)
