"""Brand-facing creator pages: discovery (/influencers/), a profile, and the metric definitions (/metrics/).

Views check access and hand over to selectors; they know the brand only through the reverse
relation `user.brand_membership`, so influencers/ imports nothing from brands/ or campaigns/.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, cast

import markdown
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .access import actor_of
from .definitions import DEFINITIONS
from .discovery_details import attach_card_details, audience_columns, filter_chips
from .filters import SORT_CHOICES, InfluencerFilter
from .kernel.http import BrandViewerRequest, HtmxRequest
from .models import Audience
from .selectors import (
    COUNT_CAP,
    PROFILE_RECENT_POSTS,
    account_rows,
    attach_benchmarks,
    audience_of,
    follower_history,
    influencer_discovery,
    influencer_profile_queryset,
    influencer_recent_posts,
    influencer_similar,
    influencers_viewable,
    post_engagement,
    profile_chart_data,
    with_primary_platform,
)
from .taxonomy import AgeBand, Gender, Language, ModerationStatus

if TYPE_CHECKING:  # the type only: influencers imports nothing from brands at run time
    from django_stubs_ext import StrOrPromise
    from rest_framework.request import Request

    from brands.models import Brand

    from .models import Influencer

P = ParamSpec("P")
METRICS_DOC = Path(settings.BASE_DIR) / "docs" / "metrics.md"
BLOCKED_BRAND_STATUSES = (ModerationStatus.REJECTED, ModerationStatus.SUSPENDED)
# Discovery shows cards or a compact table; the choice is remembered in a cookie.
DISCOVERY_VIEWS = ("cards", "table")
DISCOVERY_VIEW_COOKIE = "discovery_view"
# Staff use discovery (and see hidden profiles) with the admin's permission to view creators, not for is_staff.
VIEW_CREATORS = "influencers.view_influencer"
# What other apps add to a creator's profile: a function of the influencer returning template context
# (campaigns adds delivery punctuality and ratings from its ledger and reviews; influencers never imports
# campaigns, so campaigns registers its panel here from CampaignsConfig.ready(), like the brand dashboard).
ProfilePanel = Callable[["Influencer"], dict[str, object]]
profile_panels: list[ProfilePanel] = []


def viewer_brand(request: HttpRequest | Request) -> Brand | None:
    """The brand the logged-in user works for: the request's actor (influencers/access.py)."""
    return actor_of(request).brand


def brand_or_staff_required(
    view: Callable[Concatenate[BrandViewerRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Discovery is for members of a brand in good standing, and for staff who may view creators.

    Everyone else logged in gets a 403 page that says why; anonymous visitors go to the login page.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        brand = viewer_brand(request)
        moderator = actor_of(request).can(VIEW_CREATORS)
        if brand is not None and brand.status in BLOCKED_BRAND_STATUSES and not moderator:
            reason = _("Your brand is %(status)s by moderation, so creator discovery is closed for it.") % {
                "status": brand.get_status_display().lower()
            }
            return render(request, "influencers/forbidden.html", {"reason": reason}, status=403)
        if brand is None and not moderator:
            reason = _("Creator discovery is for brand accounts. Ask your brand's owner for an invitation.")
            return render(request, "influencers/forbidden.html", {"reason": reason}, status=403)
        # login_required below let only a signed-in User through, and the htmx middleware ran.
        viewer_request = cast(BrandViewerRequest, request)
        viewer_request.brand = brand
        return view(viewer_request, *args, **kwargs)

    return login_required(wrapper)


def _is_partial(request: HtmxRequest) -> bool:
    """An htmx swap gets the fragment; a history restore (back button) gets the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_safe
@brand_or_staff_required
def discover(request: BrandViewerRequest) -> HttpResponse:
    filterset = InfluencerFilter(request.GET, request=request)
    page = influencer_discovery(filterset=filterset, cursor=request.GET.get("cursor"))
    columns = audience_columns(getattr(filterset.form, "cleaned_data", {}))
    attach_card_details(page.results, columns=columns)
    chosen_view = request.GET.get("view")
    view = chosen_view if chosen_view in DISCOVERY_VIEWS else request.COOKIES.get(DISCOVERY_VIEW_COOKIE, "cards")
    if view not in DISCOVERY_VIEWS:
        view = "cards"
    query = request.GET.copy()
    query.pop("cursor", None)
    view_query = query.copy()
    view_query.pop("view", None)
    next_query = query.copy()
    if page.next_cursor:
        next_query["cursor"] = page.next_cursor
    brand = request.brand
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "count_cap": COUNT_CAP,
        "first_page_query": query.urlencode(),
        "next_page_query": next_query.urlencode() if page.next_cursor else "",
        "active_filters": filterset.active_filter_count(),
        "chips": filter_chips(filterset.form, request.GET),
        "shortlists": list(brand.shortlists.order_by("name")) if brand is not None else [],
        "brand": brand,
        "currency": filterset.selected_currency(),
        "sort_label": dict(SORT_CHOICES)[page.sort.name],
        "view": view,
        "view_query": view_query.urlencode(),
        "audience_columns": columns,
    }
    partial = _is_partial(request)
    # An in-place update also refreshes the filter count in the panel's heading (out of band).
    context["swap_oob"] = partial
    template = "influencers/discover.html#results" if partial else "influencers/discover.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if chosen_view in DISCOVERY_VIEWS:
        # Remembered for the next visit: a brand that works in the table keeps the table.
        response.set_cookie(
            DISCOVERY_VIEW_COOKIE,
            chosen_view,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


@require_safe
@brand_or_staff_required
def profile(request: BrandViewerRequest, handle: str) -> HttpResponse:
    # Staff see any profile (with a banner) so moderators can check what brands would see.
    influencer = get_object_or_404(
        with_primary_platform(influencer_profile_queryset(include_hidden=actor_of(request).can(VIEW_CREATORS))),
        handle=handle,
    )
    attach_benchmarks([influencer])
    accounts = list(influencer.accounts.all())
    posts = influencer_recent_posts(influencer=influencer)
    history = follower_history(influencer=influencer)
    brand = request.brand
    campaigns, collaborations, shortlists = [], [], []
    if brand is not None:
        collaborations = list(influencer.collaborations.filter(campaign__brand=brand).select_related("campaign"))
        busy = {collaboration.campaign_id for collaboration in collaborations}
        campaign_model = brand.campaigns.model
        campaigns = [
            campaign
            for campaign in brand.campaigns.filter(
                status__in=[campaign_model.Status.OPEN, campaign_model.Status.IN_PROGRESS]
            ).order_by("-created_at")
            if campaign.pk not in busy
        ]
        shortlists = list(brand.shortlists.order_by("name"))
    recent = [{"post": post, "engagement": post_engagement(post)} for post in posts[:PROFILE_RECENT_POSTS]]
    audience = audience_of(influencer)
    context = {
        "influencer": influencer,
        "audience": audience,
        "audience_rows": audience_rows(audience),
        "languages": [Language(code).label for code in influencer.languages or [] if code in Language.values],
        "account_rows": account_rows(accounts),
        "recent_posts": recent,
        "offers": influencer.active_offers,
        "chart_data": profile_chart_data(influencer=influencer, accounts=accounts, posts=posts, history=history),
        "brand": brand,
        "campaigns": campaigns,
        "collaborations": collaborations,
        "shortlists": shortlists,
        "credibility_reasons": influencer.credibility_reasons or [],
        "is_hidden": not influencer.is_visible_to_brands,
    }
    for panel in profile_panels:
        context.update(panel(influencer))
    return render(request, "influencers/profile.html", context)


@require_safe
@brand_or_staff_required
def similar(request: BrandViewerRequest, handle: str) -> HttpResponse:
    """The creators most like this one; the profile loads it lazily (htmx) into its "Similar creators" card."""
    influencer = get_object_or_404(influencers_viewable(include_hidden=request.user.is_staff), handle=handle)
    context = {"influencer": influencer, "similar": influencer_similar(influencer=influencer)}
    template = "influencers/similar.html#similar" if _is_partial(request) else "influencers/similar.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def audience_rows(audience: Audience | None) -> dict[str, list[tuple[StrOrPromise, float]]] | None:
    """Age and gender shares with their labels, for the table next to the charts."""
    if audience is None:
        return None
    return {
        "age": [(AgeBand(band).label, share) for band, share in audience.age_shares().items()],
        "gender": [(Gender(gender).label, share) for gender, share in audience.gender_shares().items()],
    }


@functools.lru_cache(maxsize=4)
def _render_metrics_doc(path: Path, mtime: float) -> SafeString:
    """docs/metrics.md as HTML; headings get ids (`{#anchor}` or their slug) for /metrics/#anchor links.

    Cached per modification time. The file is part of the repository, not user input, so its HTML is trusted.
    """
    html = markdown.markdown(
        path.read_text(encoding="utf-8"),
        extensions=["toc", "attr_list", "tables", "fenced_code", "sane_lists"],
        extension_configs={"toc": {"permalink": False}},
        output_format="html",
    )
    return mark_safe(html)  # noqa: S308 - repository file, see docstring


def metrics_document() -> SafeString | None:
    if not METRICS_DOC.exists():
        return None
    return _render_metrics_doc(METRICS_DOC, METRICS_DOC.stat().st_mtime)


@require_safe
def metric_definitions(request: HttpRequest) -> HttpResponse:
    """Public: every number Invloed shows, defined (docs/metrics.md), plus the short glossary the pages use."""
    document = metrics_document()
    glossary, seen = [], set()
    for definition in DEFINITIONS.values():
        in_document = document is not None and f'id="{definition.anchor}"' in document
        # An anchor the document lacks lands on its first glossary entry (ids must stay unique).
        glossary.append({"definition": definition, "anchor_here": not in_document and definition.anchor not in seen})
        seen.add(definition.anchor)
    return render(request, "metrics.html", {"document": document, "glossary": glossary})
