"""A campaign's recommended creators, the recompute progress, and inviting a creator to a campaign.

Mounted at /brand/campaigns/ under the namespace "recommendations" (campaigns/recommendation_urls.py).
The invite form is shared by the profile, a shortlist, the comparison and the recommendations;
it calls campaigns.services.collaboration_invite and shows its errors next to the right field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from brands.views import brand_member_required
from config.ratelimit import rate_limited
from influencers.access import actor_of
from influencers.forms import add_service_error
from influencers.kernel.errors import Conflict, DomainError, NotAllowed
from influencers.kernel.http import BrandRequest, BrandViewerRequest
from influencers.models import Influencer, Offer
from influencers.overlap_selectors import audience_overlap
from influencers.selectors import influencers_for_compare
from influencers.taxonomy import Platform
from influencers.views import BLOCKED_BRAND_STATUSES, brand_or_staff_required

from . import recommendation_selectors as selectors
from . import services
from .models import Campaign, Collaboration, Match
from .selectors import campaign_managed
from .views import _tabs as campaign_tabs

# 20 rows keep the page under its weight budget (issue 17: ≤ 80 KB); "Show more" fetches the next 20 by htmx.
PAGE_SIZE = 20
# Every number on a row links to its definition; their hover texts are said once, in the legend above the list.
LEGEND_KEYS = (
    "followers",
    "engagement_rate",
    "reach_in_target",
    "price",
    "cpe",
    "cpm",
    "match_score",
    *Match.COMPONENTS,
)


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return campaign_managed(actor=actor_of(request), pk=pk)


@brand_member_required
@require_safe
def recommendation_list(request: BrandRequest, pk: int) -> HttpResponse:
    """The ranked matches, 20 at a time; an htmx "Show more" gets only the next rows and the next button."""
    campaign = _campaign(request, pk)
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    avoid_overlap = request.GET.get("avoid_overlap") == "1"
    avoided = selectors.overlapping_candidates(campaign=campaign) if avoid_overlap else []
    left_out = [item.influencer_id for item in avoided]
    page = selectors.campaign_match_page(campaign=campaign, after_rank=after, size=PAGE_SIZE, left_out=left_out)
    statuses = selectors.collaboration_statuses(
        campaign=campaign, influencer_ids=[m.influencer_id for m in page.matches]
    )
    status_labels = dict(Collaboration.Status.choices)
    items = [
        {
            "match": match,
            "collaboration_status": status_labels.get(statuses.get(match.influencer_id, ""), ""),
            "components": [{"key": key, "value": getattr(match, key)} for key in Match.COMPONENTS],
        }
        for match in page.matches
    ]
    list_url = reverse("recommendations:list", args=[campaign.pk]) + ("?avoid_overlap=1" if avoid_overlap else "")
    next_url = None
    if page.next_after is not None:
        next_url = f"{list_url}{'&' if avoid_overlap else '?'}after={page.next_after}"
    fetching_more = bool(request.htmx) and not request.htmx.boosted and after > 0
    context = {
        "campaign": campaign,
        "items": items,
        "next_url": next_url,
        "list_url": list_url,
        # Where an invitation without JavaScript returns to: this page of the list.
        "return_to": list_url if fetching_more else request.get_full_path(),
        "can_invite": campaign.takes_creators,
    }
    if fetching_more:
        return render(request, "campaigns/recommendations.html#more", context)
    run = selectors.latest_run(campaign)
    context |= {
        "tabs": campaign_tabs(campaign, "recommendations"),
        "avoid_overlap": avoid_overlap,
        "total": selectors.campaign_matches(campaign=campaign).exclude(influencer_id__in=left_out).count(),
        "avoided": avoided,
        "avoid_above": selectors.OVERLAP_AVOID_ABOVE,
        "is_first_page": after == 0,
        "run": run,
        "run_active": run is not None and run.status in selectors.RUNNING_STATUSES,
        "legend_keys": LEGEND_KEYS,
    }
    return render(request, "campaigns/recommendations.html", context)


@brand_member_required
@require_safe
def recommendation_progress(request: BrandRequest, pk: int) -> HttpResponse:
    """The progress partial, polled every 2 s while a run is queued or running; the poll stops when it ends."""
    campaign = _campaign(request, pk)
    run = selectors.latest_run(campaign)
    active = run is not None and run.status in selectors.RUNNING_STATUSES
    response = render(
        request,
        "campaigns/recommendations.html#progress",
        {"campaign": campaign, "run": run, "run_active": active, "polling": True},
    )
    if request.htmx and not active and request.GET.get("was") == "active":
        # The run just ended: reload the page so the new ranking shows.
        response["HX-Refresh"] = "true"
    return response


@brand_member_required
@require_POST
def recommendation_recompute(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        services.campaign_matches_request(campaign=campaign, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recomputing the recommendations; this page updates when it is done."))
    return redirect("recommendations:list", pk=campaign.pk)


# --- inviting -----------------------------------------------------------------------------------


class InviteForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), empty_label=None
    )
    offer = forms.ModelChoiceField(
        label=gettext_lazy("Offer from their rate card (optional)"),
        queryset=Offer.objects.none(),
        required=False,
        empty_label=gettext_lazy("No specific offer"),
    )
    proposed_fee = forms.DecimalField(
        label=gettext_lazy("Proposed fee (optional)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, campaigns: QuerySet[Campaign], influencer: Influencer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # self.fields holds copies of the declared model choice fields.
        cast(forms.ModelChoiceField, self.fields["campaign"]).queryset = campaigns
        cast(forms.ModelChoiceField, self.fields["offer"]).queryset = (
            Offer.objects.active().filter(influencer=influencer).order_by("kind", "price")
        )


def _next_url(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None


def _error_status(error: DomainError) -> int:
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, NotAllowed):
        return 403
    return 400


@brand_member_required
@rate_limited("invite")
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: BrandRequest, handle: str) -> HttpResponse:
    """Invite a creator to one of the brand's open campaigns (+ message and proposed fee)."""
    if request.brand.status in BLOCKED_BRAND_STATUSES:
        # As discovery: a suspended or rejected brand may not look creators up (this page shows the rate card).
        reason = _("Your brand is %(status)s by moderation, so creator discovery is closed for it.") % {
            "status": request.brand.get_status_display().lower()
        }
        return render(request, "influencers/forbidden.html", {"reason": reason}, status=403)
    influencer = get_object_or_404(Influencer.objects.visible_to_brands(), handle=handle)
    # Only campaigns that may take creators now: moderation stopped neither them nor the brand.
    campaigns = (
        Campaign.objects.managed_by(actor_of(request))
        .taking_creators()
        .exclude(collaborations__influencer=influencer)
        .order_by("-created_at")
    )
    initial = {"campaign": request.GET.get("campaign")}
    form = InviteForm(request.POST or None, campaigns=campaigns, influencer=influencer, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            campaign = form.cleaned_data["campaign"]
            try:
                services.collaboration_invite(
                    campaign=campaign,
                    influencer=influencer,
                    by=request.user,
                    message=form.cleaned_data["message"],
                    proposed_fee=form.cleaned_data["proposed_fee"],
                    offer=form.cleaned_data["offer"],
                )
            except DomainError as error:
                add_service_error(form, error)
                status = _error_status(error)
            else:
                text = _("Invitation sent to @%(handle)s for “%(title)s”.") % {
                    "handle": influencer.handle,
                    "title": campaign.title,
                }
                if request.htmx:
                    return render(request, "campaigns/recommendations.html#invited", {"text": text})
                messages.success(request, text)
                return redirect(_next_url(request) or reverse("influencers:profile", args=[influencer.handle]))
        else:
            status = 400
        if request.htmx:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            return render(request, "campaigns/recommendations.html#invite_error", {"errors": errors}, status=status)
    context = {
        "influencer": influencer,
        "form": form,
        "next": _next_url(request) or "",
        "has_campaigns": campaigns.exists(),
    }
    return render(request, "campaigns/recommendations_invite.html", context, status=status)


# --- compare ------------------------------------------------------------------------------------


@require_safe
@brand_or_staff_required
def compare(request: BrandViewerRequest) -> HttpResponse:
    """2–4 creators side by side; with one of the brand's campaigns, the engine's numbers for it."""
    handles = selectors.compare_handles(request.GET.getlist("h"))
    problems = []
    if len(handles) > selectors.COMPARE_MAX:
        problems.append(
            _("Compare at most %(max)d creators; showing the first %(max)d.") % {"max": selectors.COMPARE_MAX}
        )
        handles = handles[: selectors.COMPARE_MAX]
    influencers = influencers_for_compare(handles=handles)
    found = {influencer.handle for influencer in influencers}
    missing = [handle for handle in handles if handle not in found]
    if missing:
        problems.append(_("Not found: %(handles)s.") % {"handles": ", ".join(f"@{h}" for h in missing)})
    if len(influencers) < selectors.COMPARE_MIN:
        problems.append(_("Choose at least %(min)d creators to compare.") % {"min": selectors.COMPARE_MIN})
    brand = request.brand
    campaigns: list[Campaign] = []
    campaign = None
    if brand is not None:
        campaigns = list(
            Campaign.objects.managed_by(actor_of(request))
            .exclude(status__in=[Campaign.Status.CANCELLED, Campaign.Status.COMPLETED])
            .prefetch_related("niches")
            .order_by("-created_at")
        )
        campaign = next((c for c in campaigns if str(c.pk) == request.GET.get("campaign", "")), None)
    columns = selectors.compare_columns(influencers=influencers, campaign=campaign)
    platform = request.GET.get("platform", "")
    overlap = None
    if len(influencers) >= selectors.COMPARE_MIN:
        chosen = platform if platform in Platform.values else None
        overlap = audience_overlap(influencers=influencers, platform=chosen)
    best_cpe = min((c.cost_per_engagement for c in columns if c.cost_per_engagement is not None), default=None)
    best_reach = max((c.reach for c in columns if c.reach), default=None)
    context = {
        "columns": columns,
        "handles": [influencer.handle for influencer in influencers],
        "problems": problems,
        "campaigns": campaigns,
        "campaign": campaign,
        "best_cpe": best_cpe,
        "best_reach": best_reach,
        "can_add": len(influencers) < selectors.COMPARE_MAX,
        "brand": brand,
        "overlap": overlap,
        "platforms": Platform.choices,
    }
    return render(request, "influencers/compare.html", context)
