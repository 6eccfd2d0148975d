"""Moderation decisions shared by influencers, brands and campaigns: a status, a reason, an audit row.

Each app's service (`influencer_moderate`, `brand_moderate`, `campaign_moderate`) calls
`moderation_decide` and then tells the owner in its own words; the admins (admin_base.ModeratedAdmin)
offer the decisions listed here.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol, TypeVar, cast

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..taxonomy import ModerationStatus
from .audit import audit_record
from .errors import DomainError

# The decisions a moderator can take, and the status each one sets.
MODERATION_DECISIONS: dict[str, str] = {
    "approve": ModerationStatus.APPROVED,
    "reject": ModerationStatus.REJECTED,
    "suspend": ModerationStatus.SUSPENDED,
}

M = TypeVar("M", bound=models.Model)


class Moderated(Protocol):
    """What every moderated model (Influencer, Brand, Campaign) has besides its status fields."""

    moderated_at: dt.datetime | None


def moderation_decide(
    *,
    target: M,
    decision: str,
    reason: str,
    by: AbstractBaseUser,
    status_field: str = "status",
    reason_field: str = "status_reason",
) -> M:
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
        locked = type(target)._default_manager.select_for_update().get(pk=target.pk)
        old_status = getattr(locked, status_field)
        setattr(locked, status_field, new_status)
        setattr(locked, reason_field, reason)
        cast(Moderated, locked).moderated_at = timezone.now()
        locked.save(update_fields=[status_field, reason_field, "moderated_at"])
        audit_record(
            actor=by,
            action=f"moderation.{decision}",
            target=locked,
            reason=reason,
            data={"from": old_status, "to": new_status},
        )
    return locked
