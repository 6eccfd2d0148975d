"""Who is asking: one `Actor` per request, resolved once, used by pages, htmx partials, the API and services.

An actor is anonymous, a creator (their profile), a member of one brand (with a role), staff with the
Django permissions their groups grant, or a superuser; one login may be a creator and a brand member at
once. Each object kind answers "what may this actor see / manage" with QuerySet methods next to its
model (`Campaign.objects.visible_to(actor)`, `Collaboration.objects.managed_by(actor)`, …), so the rule
is spelled once.

This module lives in the lowest app so every app can use it; it reaches the brand only through the
reverse relation `user.brand_membership` (brands -> influencers, never back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from .models import Influencer
from .taxonomy import ModerationStatus

if TYPE_CHECKING:  # type names only: influencers imports nothing from brands at run time
    from brands.models import Brand, BrandMember

# Moderation statuses that stop a party from taking part (see README, "Moderation policy").
STOPPED = frozenset({ModerationStatus.REJECTED, ModerationStatus.SUSPENDED})


@dataclass(frozen=True)
class Actor:
    user: User | AnonymousUser
    influencer: Influencer | None = None
    membership: BrandMember | None = None
    _perms: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def is_superuser(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_superuser)

    @property
    def is_staff(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_staff)

    @property
    def brand(self) -> Brand | None:
        return self.membership.brand if self.membership is not None else None

    @property
    def brand_id(self) -> int | None:
        return self.membership.brand_id if self.membership is not None else None

    @property
    def influencer_id(self) -> int | None:
        return self.influencer.pk if self.influencer is not None else None

    @property
    def is_brand_owner(self) -> bool:
        return self.membership is not None and self.membership.role == "owner"

    def can(self, permission: str) -> bool:
        """A Django permission ("campaigns.view_collaboration"), as the admin checks it; only for active staff.

        Staff read other tenants' objects only through what their permissions grant, the same in pages,
        admin and API; a plain `is_staff` account without permissions sees no more than anyone else.
        """
        if not self.is_staff or not self.user.is_active:
            return False
        if permission not in self._perms:
            self._perms[permission] = self.user.has_perm(permission)
        return self._perms[permission]

    @property
    def brand_stopped(self) -> bool:
        brand = self.brand
        return brand is not None and brand.status in STOPPED


ANONYMOUS = Actor(user=AnonymousUser())


def actor_for(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    """The actor of a user: their creator profile, brand membership and brand in one query (none if anonymous)."""
    if not isinstance(user, User) or not user.is_authenticated:  # None, AnonymousUser
        return ANONYMOUS
    # Both are reverse one-to-one relations of the user: one query with two LEFT JOINs.
    row = (
        get_user_model()
        ._default_manager.select_related("influencer", "brand_membership__brand")
        .only("pk", "influencer", "brand_membership", "brand_membership__brand")
        .filter(pk=user.pk)
        .first()
    )
    influencer = getattr(row, "influencer", None)
    membership = getattr(row, "brand_membership", None)
    if membership is not None:
        membership.user = user  # the request's own user object, not the partial row loaded here
    if influencer is not None:
        influencer.user = user
    return Actor(user=user, influencer=influencer, membership=membership)


def actor_of(request: Any) -> Actor:
    """The request's actor, resolved once per request and per authenticated user.

    Works for Django's HttpRequest and DRF's Request alike: DRF authenticates tokens inside the view,
    so the actor is keyed on the user object the request carries at the time of asking.
    """
    user = getattr(request, "user", None)
    cached: Actor | None = getattr(request, "_invloed_actor", None)
    if cached is not None and cached.user is user:
        return cached
    actor = actor_for(user)
    request._invloed_actor = actor
    return actor
