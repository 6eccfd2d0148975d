"""Writes for brands: moderation (sign-up, members and shortlists arrive with their pages)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from influencers.services import moderation_decide, notification_send

from .models import Brand, BrandMember


def brand_moderate(*, brand: Brand, decision: str, reason: str, by: AbstractBaseUser) -> Brand:
    brand = moderation_decide(target=brand, decision=decision, reason=reason, by=by)
    message = _("Your brand %(name)s is now %(status)s.") % {
        "name": brand.name,
        "status": brand.get_status_display().lower(),
    }
    if reason:
        message = f"{message} {reason}"
    for member in BrandMember.objects.filter(brand=brand, role=BrandMember.Role.OWNER).select_related("user"):
        notification_send(user=member.user, verb=f"moderation.{decision}", message=message)
    return brand
