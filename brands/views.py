"""The brand's own pages (/brand/): dashboard, team and brand profile.

Every view runs behind `brand_member_required`, which finds the user's one brand: someone without
a brand gets 404 (the pages do not exist for them), never 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.ratelimit import rate_limited
from influencers.access import actor_of
from influencers.forms import add_service_error
from influencers.kernel.errors import DomainError
from influencers.kernel.http import BrandRequest

from .forms import BrandProfileForm, TeamInviteForm
from .models import Brand, BrandInvitation, BrandMember, SavedSearch
from .saved_search_services import (
    saved_search_create,
    saved_search_delete,
    saved_search_update,
    saved_search_url,
)
from .selectors import (
    brand_saved_searches,
    niche_labels,
    saved_search_for_brand,
    saved_search_query_normalize,
    saved_search_summary,
)
from .services import (
    BRAND_PROFILE_FIELDS,
    INVITATION_VALID_DAYS,
    brand_invitation_create,
    brand_invitation_revoke,
    brand_member_remove,
    brand_profile_update,
)

_P = ParamSpec("_P")
_R = TypeVar("_R", bound=HttpResponseBase)

# What other apps add to the brand dashboard: a function of the brand returning template context.
# The dashboard shows campaign work, but brands/ never imports campaigns/ (campaigns -> brands ->
# influencers), so campaigns registers its panel here from CampaignsConfig.ready().
DashboardPanel = Callable[[Brand], dict[str, object]]
dashboard_panels: list[DashboardPanel] = []


def brand_member_required(
    view: Callable[Concatenate[BrandRequest, _P], _R],
) -> Callable[Concatenate[HttpRequest, _P], _R]:
    """Log in first; then the user's brand membership is request.membership (404 without one).

    The view takes a `BrandRequest` (or any wider request type): login_required made the user a real
    account, and the two attributes are set here before the view runs.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        membership = actor_of(request).membership
        if membership is None:
            raise Http404(_("This page is for brand accounts."))
        brand_request = cast(BrandRequest, request)  # the same object: signed in, and given brand/membership below
        brand_request.membership = membership
        brand_request.brand = membership.brand
        return view(brand_request, *args, **kwargs)

    return login_required(wrapper)


def _saved_searches(request: BrandRequest) -> list[tuple[SavedSearch, str, str]]:
    """The brand's saved searches with their filters in words and their link (two queries, however many)."""
    searches = list(brand_saved_searches(actor=actor_of(request)))
    niches = niche_labels() if searches else {}
    return [(search, saved_search_summary(search.query, niches), saved_search_url(search)) for search in searches]


@brand_member_required
@require_safe
def dashboard(request: BrandRequest) -> HttpResponse:
    context: dict[str, object] = {
        "brand": request.brand,
        "membership": request.membership,
        "notifications": request.user.notifications.filter(read_at__isnull=True)[:5],
        "saved_searches": _saved_searches(request),
    }
    for panel in dashboard_panels:
        context.update(panel(request.brand))
    return render(request, "brands/dashboard.html", context)


def _team_context(request: BrandRequest, form: TeamInviteForm) -> dict[str, object]:
    brand = request.brand
    return {
        "brand": brand,
        "membership": request.membership,
        "is_owner": request.membership.role == BrandMember.Role.OWNER,
        "members": brand.members.select_related("user").order_by("role", "user__username"),
        "invitations": brand.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related(
            "invited_by"
        ),
        "valid_days": INVITATION_VALID_DAYS,
        "form": form,
    }


@brand_member_required
@rate_limited("team_invite")  # each invitation is an email to an address the sender chooses
@require_http_methods(["GET", "HEAD", "POST"])
def team(request: BrandRequest) -> HttpResponse:
    form = TeamInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = brand_invitation_create(brand=request.brand, email=form.cleaned_data["email"], by=request.user)
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("brand:team")
    return render(request, "brands/team.html", _team_context(request, form))


@brand_member_required
@require_POST
def invitation_revoke(request: BrandRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(BrandInvitation.objects.filter(brand=request.brand), pk=pk)
    try:
        brand_invitation_revoke(invitation=invitation, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("brand:team")


@brand_member_required
@require_POST
def member_remove(request: BrandRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(request.brand.members.select_related("user", "brand"), pk=pk)
    try:
        brand_member_remove(member=member, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(user)s was removed from the team.") % {"user": member.user.get_username()})
    return redirect("brand:team")


@brand_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: BrandRequest) -> HttpResponse:
    is_owner = request.membership.role == BrandMember.Role.OWNER
    form = BrandProfileForm(request.POST or None, instance=request.brand)
    if not is_owner:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and is_owner and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in BRAND_PROFILE_FIELDS}
        try:
            brand_profile_update(
                brand=request.brand, by=request.user, fields=fields, niches=form.cleaned_data["industry_niches"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Brand details saved."))
            return redirect("brand:profile")
    return render(request, "brands/profile.html", {"form": form, "brand": request.brand, "is_owner": is_owner})


# --- Saved searches: saved from the discovery page, listed and managed on the dashboard -------------


@brand_member_required
@require_POST
def saved_search_create_view(request: BrandRequest) -> HttpResponse:
    """ "Save this search" on the discovery page: back to the same search, with a message either way."""
    query = request.POST.get("query", "")
    back = f"{reverse('influencers:discover')}?{saved_search_query_normalize(query)}"
    try:
        saved_search = saved_search_create(
            brand=request.brand, name=request.POST.get("name", ""), query=query, by=request.user
        )
    except DomainError as error:
        messages.error(request, _("The search was not saved: %(reason)s") % {"reason": error.message})
    else:
        messages.success(
            request,
            _("Search “%(name)s” saved. It is on your dashboard; new matching creators arrive in a daily digest.")
            % {"name": saved_search.name},
        )
    return redirect(back)


@brand_member_required
@require_POST
def saved_search_notify(request: BrandRequest, pk: int) -> HttpResponse:
    saved_search = saved_search_for_brand(actor=actor_of(request), pk=pk)
    notify = request.POST.get("notify") == "on"
    try:
        saved_search_update(saved_search=saved_search, by=request.user, notify=notify)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if notify:
            messages.success(request, _("Daily digest on for “%(name)s”.") % {"name": saved_search.name})
        else:
            messages.success(request, _("Daily digest off for “%(name)s”.") % {"name": saved_search.name})
    return redirect("brand:dashboard")


@brand_member_required
@require_POST
def saved_search_delete_view(request: BrandRequest, pk: int) -> HttpResponse:
    saved_search = saved_search_for_brand(actor=actor_of(request), pk=pk)
    try:
        saved_search_delete(saved_search=saved_search, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved search “%(name)s” deleted.") % {"name": saved_search.name})
    return redirect("brand:dashboard")
