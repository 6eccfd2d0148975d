"""The request types views see, for the type checker (issue 15).

Middleware and the login decorators add attributes to Django's HttpRequest: django-htmx adds `htmx`,
`brand_member_required` (brands/views.py) adds `membership` and `brand`, `influencer_required`
(influencers/me_views.py) adds `influencer`, `brand_or_staff_required` (influencers/views.py) adds `brand`
(None for a moderator). A view annotates its request with the narrowest of these classes, so a typo in
`request.brnad` or a view reading `request.influencer` without the decorator fails `make lint`.

These classes are never instantiated: Django builds the request; the decorators set the attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:  # the layers above influencers, named for the type checker only (never imported at run time)
    from brands.models import Brand, BrandMember

    from ..models import Influencer


class HtmxRequest(HttpRequest):
    """Any request once django-htmx's middleware ran (every request of the site)."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request behind `login_required`: the user is a real account."""

    user: User  # narrower than HttpRequest's User | AnonymousUser


class InfluencerRequest(AuthenticatedRequest):
    """A request behind `influencer_required`: the signed-in creator's own profile."""

    influencer: Influencer


class BrandRequest(AuthenticatedRequest):
    """A request behind `brand_member_required`: the signed-in member's brand and membership."""

    brand: Brand
    membership: BrandMember


class BrandViewerRequest(AuthenticatedRequest):
    """A request behind `brand_or_staff_required` (discovery): the viewing brand, None for a moderator."""

    brand: Brand | None
