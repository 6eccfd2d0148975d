"""In-app notifications (the bell and /notifications/), each mirrored by an email when the user has an address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from ..models import Notification
from .emails import email_send


def notification_send(*, user: User | None, verb: str, message: str, url: str = "") -> Notification | None:
    """An in-app notice, and an email after commit (influencers/kernel/emails.py: never fails the request)."""
    if user is None:
        return None
    notification = Notification.objects.create(user=user, verb=verb, message=message[:300], url=url)
    if user.email:
        body = message if not url else f"{message}\n\n{settings.SITE_URL}{url}"
        email_send(to=user.email, subject=f"Invloed: {message}", body=body)
    return notification


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of this user as read; returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
