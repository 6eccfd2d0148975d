"""The audit trail: one AuditEvent row per moderation decision, state change or security-relevant action.

Written by the services of all three apps inside their transaction, so a rolled-back action leaves no row.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from ..models import AuditEvent


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """One audit row; an anonymous actor (signup, token login, a command) is recorded as no actor."""
    return AuditEvent.objects.create(
        actor=actor if isinstance(actor, User) and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        reason=reason,
        data=data or {},
    )
