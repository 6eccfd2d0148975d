"""The creator's own pages (/me/): dashboard, profile, accounts, audience, rate card, and their work.

The creator's area is a composition layer: it reads campaigns (opportunities, invitations,
collaborations) through campaigns.selectors and writes through campaigns.services, while no domain
module of this app imports campaigns (docs/decisions.md). Every object is looked up inside the
logged-in creator's own rows, so somebody else's id is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import IO, Concatenate, ParamSpec, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from campaigns import selectors as campaign_selectors
from campaigns.domain import SUBMITTABLE_STATUSES
from campaigns.ledger import overdue_for
from campaigns.models import Collaboration, Deliverable
from campaigns.reputation import brand_cards
from campaigns.services import (
    DisclosureMissing,
    collaboration_act,
    collaboration_apply,
    collaboration_message_add,
    deliverable_submit,
)
from config.ratelimit import rate_limited

from .access import actor_of
from .forms import (
    ApplyForm,
    AudienceForm,
    DeliverableSubmitForm,
    OfferForm,
    ProfileForm,
    ReplyForm,
    ReportedPostFormSet,
    SelfReportCsvForm,
    SelfReportFollowersForm,
    SocialAccountForm,
    add_service_error,
)
from .importers.errors import ImportFailed
from .importers.self_reported import (
    ReportedPost,
    account_metrics_self_report,
    has_verified_data,
    self_report_refusal,
)
from .kernel.errors import DomainError
from .kernel.http import InfluencerRequest
from .models import Audience, Influencer, Offer, SocialAccount
from .selectors import creator_accounts
from .services import (
    audience_update,
    influencer_profile_update,
    offer_delete,
    offer_save,
    social_account_delete,
    social_account_save,
)
from .taxonomy import AD_DISCLOSURE_MARKERS, ModerationStatus

P = ParamSpec("P")
Party = Collaboration.Party
PAGE_SIZE = 25


def influencer_required(
    view: Callable[Concatenate[InfluencerRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Log in first; then the user's creator profile is request.influencer (404 without one)."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        influencer = actor_of(request).influencer
        if influencer is None:
            raise Http404(_("This page is for creator accounts."))
        # login_required below let only a signed-in User through, and the htmx middleware ran.
        creator_request = cast(InfluencerRequest, request)
        creator_request.influencer = influencer
        return view(creator_request, *args, **kwargs)

    return login_required(wrapper)


def _next_steps(influencer: Influencer, attention: dict[str, int]) -> list[dict]:
    """The checklist on the dashboard: what would make the profile complete and the work move."""
    has_accounts = influencer.accounts.exists()
    steps = [
        {
            "done": influencer.status == ModerationStatus.APPROVED,
            "text": _("A moderator approves your profile (brands see you only after that)."),
            "url": reverse("account"),
        },
        {
            "done": bool(influencer.bio and influencer.niches.exists()),
            "text": _("Write a bio and choose your niches."),
            "url": reverse("me:profile"),
        },
        {"done": has_accounts, "text": _("Add your social accounts."), "url": reverse("me:accounts")},
        {
            "done": Audience.objects.filter(influencer=influencer).exists(),
            "text": _("Describe your audience."),
            "url": reverse("me:audience"),
        },
        {
            "done": influencer.offers.active().exists(),
            "text": _("Add at least one active offer to your rate card."),
            "url": reverse("me:offers"),
        },
    ]
    if attention["invitations"]:
        steps.append(
            {
                "done": False,
                "text": _("Answer your invitations (%(n)d).") % {"n": attention["invitations"]},
                "url": reverse("me:invitations"),
            }
        )
    if attention["to_submit"]:
        steps.append(
            {
                "done": False,
                "text": _("Submit your content (%(n)d due).") % {"n": attention["to_submit"]},
                "url": reverse("me:collaborations"),
            }
        )
    return steps


@influencer_required
@require_safe
def dashboard(request: InfluencerRequest) -> HttpResponse:
    influencer = request.influencer
    attention = campaign_selectors.influencer_attention(influencer=influencer)
    accounts = list(creator_accounts(influencer=influencer, order=("-followers", "pk")))
    return render(
        request,
        "influencers/me/dashboard.html",
        {
            "influencer": influencer,
            "accounts": accounts,
            "self_reported": any(account.is_self_reported for account in accounts),
            "attention": attention,
            "steps": _next_steps(influencer, attention),
            "notifications": request.user.notifications.filter(read_at__isnull=True)[:5],
            "overdue_payments": overdue_for(influencer_id=influencer.pk),
        },
    )


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: InfluencerRequest) -> HttpResponse:
    influencer = request.influencer
    form = ProfileForm(request.POST or None, request.FILES or None, instance=influencer)
    if request.method == "POST" and form.is_valid():
        try:
            influencer_profile_update(
                influencer=influencer,
                by=request.user,
                fields=form.profile_fields(),
                niches=form.cleaned_data["niches"],
                avatar=form.cleaned_data.get("avatar") or None,
                remove_avatar=form.cleaned_data.get("avatar") is False,
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("me:profile")
    # A failed save must not show the rejected values as if they were stored.
    influencer.refresh_from_db()
    return render(request, "influencers/me/profile.html", {"form": form, "influencer": influencer})


def _account_save(request: InfluencerRequest, form: SocialAccountForm, account: SocialAccount | None) -> bool:
    try:
        social_account_save(
            influencer=request.influencer, by=request.user, fields=form.account_fields(), account=account
        )
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
        return False
    return True


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def accounts(request: InfluencerRequest) -> HttpResponse:
    form = SocialAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _account_save(request, form, None):
        messages.success(request, _("Account added."))
        return redirect("me:accounts")
    return render(
        request,
        "influencers/me/accounts.html",
        {"form": form, "accounts": creator_accounts(influencer=request.influencer)},
    )


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_edit(request: InfluencerRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(request.influencer.accounts, pk=pk)
    form = SocialAccountForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid() and _account_save(request, form, account):
        messages.success(request, _("Account saved."))
        return redirect("me:accounts")
    return render(request, "influencers/me/account_form.html", {"form": form, "account": account})


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: InfluencerRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(request.influencer.accounts.select_related("influencer"), pk=pk)
    if request.method == "POST":
        social_account_delete(account=account, by=request.user)
        messages.success(request, _("Account %(account)s removed.") % {"account": account})
        return redirect("me:accounts")
    return render(
        request,
        "influencers/me/confirm_delete.html",
        {
            "object": account,
            "cancel_url": reverse("me:accounts"),
            "warning": _("Its imported posts and follower history are removed too."),
        },
    )


def _self_report(
    request: InfluencerRequest,
    account: SocialAccount,
    form: forms.Form,
    *,
    csv_file: IO[bytes] | None = None,
    posts: list[ReportedPost] | None = None,
) -> bool:
    try:
        result = account_metrics_self_report(
            account=account, by=request.user, followers=form.cleaned_data["followers"], csv_file=csv_file, posts=posts
        )
    except ImportFailed as failed:
        form.add_error(None, [str(error) for error in failed.errors])
        return False
    except DomainError as error:
        add_service_error(form, error)
        return False
    messages.success(
        request,
        ngettext(
            "%(n)d post of %(account)s saved as self-reported; your numbers are being recomputed.",
            "%(n)d posts of %(account)s saved as self-reported; your numbers are being recomputed.",
            result.posts,
        )
        % {"n": result.posts, "account": result.account},
    )
    return True


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_metrics(request: InfluencerRequest, pk: int) -> HttpResponse:
    """Report this account's numbers: the insights export (CSV) or recent posts typed in by hand."""
    account = get_object_or_404(request.influencer.accounts.select_related("influencer"), pk=pk)
    way = request.POST.get("way") if request.method == "POST" else None
    initial = {"followers": account.followers or None}
    csv_form = SelfReportCsvForm(
        request.POST if way == "csv" else None, request.FILES if way == "csv" else None, prefix="csv", initial=initial
    )
    posts_form = SelfReportFollowersForm(request.POST if way == "posts" else None, prefix="manual", initial=initial)
    formset = ReportedPostFormSet(request.POST if way == "posts" else None, prefix="post")
    refusal = self_report_refusal(account=account, by=request.user)
    if refusal is None and has_verified_data(account):
        refusal = _("%(account)s already has verified numbers from an import; they replace self-reported ones.") % {
            "account": account
        }
    if way == "csv" and refusal is None and csv_form.is_valid():
        upload = csv_form.cleaned_data["export"]
        upload.seek(0)
        if _self_report(request, account, csv_form, csv_file=upload.file):
            return redirect("me:dashboard")
    elif way == "posts" and refusal is None and posts_form.is_valid() and formset.is_valid():
        posts = [
            ReportedPost(row["posted_on"], row.get("likes"), row.get("comments"), row.get("views"), row=number)
            for number, row in enumerate(formset.cleaned_data, start=1)
            if row.get("posted_on")
        ]
        if _self_report(request, account, posts_form, posts=posts):
            return redirect("me:dashboard")
    return render(
        request,
        "influencers/me/account_metrics.html",
        {"account": account, "csv_form": csv_form, "posts_form": posts_form, "formset": formset, "refusal": refusal},
    )


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def audience(request: InfluencerRequest) -> HttpResponse:
    current = Audience.objects.filter(influencer=request.influencer).prefetch_related("countries").first()
    form = AudienceForm(request.POST or None, audience=current)
    if request.method == "POST" and form.is_valid():
        try:
            audience_update(influencer=request.influencer, by=request.user, **form.shares())
        except (DomainError, ValidationError) as error:
            add_service_error(
                form,
                error,
                {"ages": "age_13_17", "genders": "gender_female", "countries": "country_1", "languages": "language_1"},
            )
        else:
            messages.success(request, _("Audience saved."))
            return redirect("me:audience")
    return render(request, "influencers/me/audience.html", {"form": form, "audience": current})


@influencer_required
@require_safe
def offers(request: InfluencerRequest) -> HttpResponse:
    return render(request, "influencers/me/offers.html", {"offers": request.influencer.offers.all()})


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_edit(request: InfluencerRequest, pk: int | None = None) -> HttpResponse:
    offer = get_object_or_404(request.influencer.offers, pk=pk) if pk else None
    form = OfferForm(request.POST or None, instance=offer or Offer(influencer=request.influencer))
    if request.method == "POST" and form.is_valid():
        try:
            offer_save(influencer=request.influencer, by=request.user, fields=form.offer_fields(), offer=offer)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Offer saved."))
            return redirect("me:offers")
    return render(request, "influencers/me/offer_form.html", {"form": form, "offer": offer})


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def offer_remove(request: InfluencerRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(request.influencer.offers.select_related("influencer"), pk=pk)
    if request.method == "POST":
        offer_delete(offer=offer, by=request.user)
        messages.success(request, _("Offer “%(title)s” removed.") % {"title": offer.title})
        return redirect("me:offers")
    return render(
        request,
        "influencers/me/confirm_delete.html",
        {
            "object": offer,
            "cancel_url": reverse("me:offers"),
            "warning": _("Collaborations that used it keep their agreed fee."),
        },
    )


@influencer_required
@require_safe
def opportunities(request: InfluencerRequest) -> HttpResponse:
    recommended, others = campaign_selectors.opportunities_for_influencer(influencer=request.influencer)
    cards = brand_cards(campaign.brand_id for campaign in [*recommended, *others])
    return render(
        request,
        "influencers/me/opportunities.html",
        {"recommended": recommended, "others": others, "influencer": request.influencer, "brand_cards": cards},
    )


@influencer_required
@rate_limited("apply")
@require_http_methods(["GET", "HEAD", "POST"])
def opportunity(request: InfluencerRequest, pk: int) -> HttpResponse:
    influencer = request.influencer
    campaign = campaign_selectors.campaign_for_influencer(influencer=influencer, pk=pk)
    collaboration = Collaboration.objects.filter(campaign=campaign, influencer=influencer).first()
    form = ApplyForm(request.POST or None, influencer=influencer, kind=campaign.kind)
    if request.method == "POST" and collaboration is None and form.is_valid():
        try:
            collaboration = collaboration_apply(
                campaign=campaign,
                influencer=influencer,
                by=request.user,
                message=form.cleaned_data["message"],
                proposed_fee=form.cleaned_data["proposed_fee"],
                offer=form.cleaned_data["offer"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Application sent. You will get a notification when the brand answers."))
            return redirect("me:collaboration", pk=collaboration.pk)
    return render(
        request,
        "influencers/me/opportunity.html",
        {
            "campaign": campaign,
            "collaboration": collaboration,
            "form": form,
            "can_apply": collaboration is None
            and influencer.status == ModerationStatus.APPROVED
            and campaign.is_open
            and campaign.visibility == campaign.Visibility.PUBLIC,
            "influencer": influencer,
            "card": brand_cards([campaign.brand_id])[campaign.brand_id],
        },
    )


@influencer_required
@require_safe
def invitations(request: InfluencerRequest) -> HttpResponse:
    rows = campaign_selectors.invitations_for_influencer(influencer=request.influencer)
    return render(request, "influencers/me/invitations.html", {"invitations": rows, "form": ReplyForm()})


@influencer_required
@require_safe
def collaborations(request: InfluencerRequest) -> HttpResponse:
    rows = campaign_selectors.collaborations_for_influencer(influencer=request.influencer)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for collaboration in page:
        collaboration.next_step = campaign_selectors.collaboration_next_step(collaboration, Party.INFLUENCER)
    return render(request, "influencers/me/collaborations.html", {"page": page})


@influencer_required
@require_safe
def collaboration(request: InfluencerRequest, pk: int) -> HttpResponse:
    item = campaign_selectors.collaboration_for_influencer(influencer=request.influencer, pk=pk)
    return render(
        request,
        "influencers/me/collaboration.html",
        {
            "collaboration": item,
            "campaign": item.campaign,
            "actions": campaign_selectors.collaboration_actions(item, Party.INFLUENCER),
            "can_submit": item.status in SUBMITTABLE_STATUSES,
            "next_step": campaign_selectors.collaboration_next_step(item, Party.INFLUENCER),
            "form": ReplyForm(),
        },
    )


# The creator's buttons: the status each sets (the service checks it is theirs to press).
CREATOR_ACTIONS = {"accept", "decline", "withdraw", "cancel"}


@influencer_required
@require_POST
def collaboration_action(request: InfluencerRequest, pk: int, action: str) -> HttpResponse:
    item = campaign_selectors.collaboration_for_influencer(influencer=request.influencer, pk=pk)
    if action not in CREATOR_ACTIONS:
        raise Http404
    form = ReplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))  # an ErrorList yields its messages
        return redirect("me:collaboration", pk=item.pk)
    try:
        item = collaboration_act(
            collaboration=item, action=action, by=request.user, message=form.cleaned_data["message"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(title)s” is now: %(status)s.")
            % {"title": item.campaign.title, "status": item.get_status_display().lower()},
        )
    if request.POST.get("next") == "invitations":
        return redirect("me:invitations")
    return redirect("me:collaboration", pk=item.pk)


@influencer_required
@rate_limited("message")
@require_POST
def collaboration_message(request: InfluencerRequest, pk: int) -> HttpResponse:
    item = campaign_selectors.collaboration_for_influencer(influencer=request.influencer, pk=pk)
    try:
        collaboration_message_add(collaboration=item, by=request.user, body=request.POST.get("message", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message sent."))
    return redirect("me:collaboration", pk=item.pk)


@influencer_required
@require_http_methods(["GET", "HEAD", "POST"])
def deliverable_submit_view(request: InfluencerRequest, pk: int) -> HttpResponse:
    item = campaign_selectors.collaboration_for_influencer(influencer=request.influencer, pk=pk)
    open_deliverables = [
        d
        for d in item.deliverables.all()
        if d.status in (Deliverable.Status.PENDING, Deliverable.Status.REVISION_REQUESTED)
    ]
    chosen = None
    wanted = request.POST.get("deliverable") or request.GET.get("deliverable")
    if wanted:
        chosen = next((d for d in open_deliverables if str(d.pk) == wanted), None)
        if chosen is None:
            raise Http404
    form = DeliverableSubmitForm(request.POST or None)
    warned = False
    disclosure_missing = ""  # the service's explanation, shown once in the warning box (not also on the field)
    if request.method == "POST" and form.is_valid():
        try:
            deliverable = deliverable_submit(
                collaboration=item,
                by=request.user,
                url=form.cleaned_data["submitted_url"],
                draft_text=form.cleaned_data["draft_text"],
                deliverable=chosen,
                confirm_without_disclosure=form.cleaned_data["confirm_without_disclosure"],
            )
        except DisclosureMissing as error:
            warned = True
            disclosure_missing = error.message
            form.add_error(None, error.message)  # the form is refused; the page shows it once, in the warning box
        except DomainError as error:
            add_service_error(form, error)
        else:
            if deliverable.has_ad_disclosure:
                messages.success(
                    request,
                    _("Submitted for review (ad disclosure found: %(marker)s).")
                    % {"marker": deliverable.disclosure_found},
                )
            else:
                messages.warning(
                    request, _("Submitted for review without an ad disclosure in the text, as you confirmed.")
                )
            return redirect("me:collaboration", pk=item.pk)
    return render(
        request,
        "influencers/me/submit.html",
        {
            "collaboration": item,
            "campaign": item.campaign,
            "form": form,
            "warned": warned or bool(form.data.get("confirm_without_disclosure")),
            "disclosure_missing": disclosure_missing,
            "deliverable": chosen,
            "open_deliverables": open_deliverables,
            "markers": list(AD_DISCLOSURE_MARKERS),
            "can_submit": item.status in SUBMITTABLE_STATUSES,
        },
    )
