"""Moving a campaign to another brand: a moderation action, never a field edit.

The admin shows `Campaign.brand` read-only; a moderator transfers the campaign here with a reason
(for instance, a brand that signed up twice). Its collaborations, messages and matches go with it.
The audit row names both brands, and the owners of both are told.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from brands.models import Brand, BrandMember
from influencers.kernel.audit import audit_record
from influencers.kernel.errors import Conflict, DomainError
from influencers.kernel.notifications import notification_send
from influencers.ownership import ownership_reason_clean
from influencers.taxonomy import ModerationStatus

from .models import Campaign


def _notify_owners(*, brand: Brand, verb: str, message: str, url: str = "") -> None:
    for member in BrandMember.objects.filter(brand=brand, role=BrandMember.Role.OWNER).select_related("user"):
        notification_send(user=member.user, verb=verb, message=message, url=url)


def campaign_transfer_ownership(*, campaign: Campaign, brand_slug: str, reason: str, by: User) -> Campaign:
    """Give the campaign to the brand with `brand_slug`; the previous brand loses it."""
    reason = ownership_reason_clean(reason)
    new_brand = Brand.objects.filter(slug=(brand_slug or "").strip().lower()).first()
    if new_brand is None:
        raise DomainError(_("No brand with this slug."), field="brand_slug")
    if new_brand.pk == campaign.brand_id:
        raise DomainError(_("This brand already owns the campaign."), field="brand_slug")
    if new_brand.status != ModerationStatus.APPROVED:
        raise DomainError(
            _("%(brand)s is %(status)s: only an approved brand can receive a campaign.")
            % {"brand": new_brand.name, "status": new_brand.get_status_display().lower()},
            field="brand_slug",
        )
    with transaction.atomic():
        locked = Campaign.objects.select_for_update(of=("self",)).select_related("brand").get(pk=campaign.pk)
        if locked.brand_id != campaign.brand_id:
            raise Conflict(_("The campaign's brand changed meanwhile; look again before transferring."))
        previous = locked.brand
        locked.brand = new_brand
        locked.save(update_fields=["brand", "updated_at"])
        audit_record(
            actor=by,
            action="campaign.ownership_transferred",
            target=locked,
            reason=reason,
            data={"from": previous.slug, "to": new_brand.slug},
        )
        _notify_owners(
            brand=previous,
            verb="ownership.transferred_away",
            message=_("A moderator moved the campaign “%(title)s” to %(brand)s. %(reason)s")
            % {"title": locked.title, "brand": new_brand.name, "reason": reason},
        )
        _notify_owners(
            brand=new_brand,
            verb="ownership.transferred_to_you",
            message=_("A moderator moved the campaign “%(title)s” from %(brand)s to your brand. %(reason)s")
            % {"title": locked.title, "brand": previous.name, "reason": reason},
            url=reverse("campaigns:detail", args=[locked.pk]),
        )
    return locked
