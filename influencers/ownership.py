"""Moving a creator profile to another login: a moderation action, never a field edit.

The admin shows `Influencer.user` read-only; a moderator transfers the profile here with a reason.
The audit row names both logins, and both people are told (the previous owner loses the profile
and everything it holds: offers, collaborations, messages).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .kernel.audit import audit_record
from .kernel.errors import Conflict, DomainError
from .kernel.notifications import notification_send
from .models import Influencer

REASON_MAX_LENGTH = 2000


def ownership_reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason: both owners see it, and the audit trail keeps it."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(_("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}, field="reason")
    return reason


def _user_has_role(user: AbstractBaseUser) -> bool:
    """A login already a creator or a brand member (the reverse accessors name both roles)."""
    for accessor in ("influencer", "brand_membership"):
        try:
            getattr(user, accessor)
        except ObjectDoesNotExist:
            continue
        return True
    return False


def influencer_transfer_ownership(
    *, influencer: Influencer, username: str, reason: str, by: AbstractBaseUser
) -> Influencer:
    """Give the profile to the login `username`; the previous owner (if any) loses it."""
    reason = ownership_reason_clean(reason)
    new_owner = get_user_model().objects.filter(username__iexact=(username or "").strip()).first()
    if new_owner is None:
        raise DomainError(_("No login with this username."), field="username")
    if not new_owner.is_active:
        raise DomainError(_("This login is deactivated; reactivate it first."), field="username")
    if new_owner.pk == influencer.user_id:
        raise DomainError(_("This login already owns the profile."), field="username")
    if _user_has_role(new_owner):
        raise DomainError(
            _("This login is already a creator or works for a brand; one login has one role."), field="username"
        )
    with transaction.atomic():
        # Lock the profile row only: the owner is a nullable (outer) join PostgreSQL cannot lock.
        locked = Influencer.objects.select_for_update(of=("self",)).select_related("user").get(pk=influencer.pk)
        if locked.user_id != influencer.user_id:
            raise Conflict(_("The profile's owner changed meanwhile; look again before transferring."))
        previous = locked.user
        locked.user = new_owner
        locked.save(update_fields=["user", "updated_at"])
        audit_record(
            actor=by,
            action="influencer.ownership_transferred",
            target=locked,
            reason=reason,
            data={"from": previous.get_username() if previous else None, "to": new_owner.get_username()},
        )
        message = _("A moderator moved the creator profile @%(handle)s to another login. %(reason)s") % {
            "handle": locked.handle,
            "reason": reason,
        }
        notification_send(user=previous, verb="ownership.transferred_away", message=message)
        notification_send(
            user=new_owner,
            verb="ownership.transferred_to_you",
            message=_("A moderator gave you the creator profile @%(handle)s. %(reason)s")
            % {"handle": locked.handle, "reason": reason},
            url=reverse("me:dashboard"),
        )
    return locked
