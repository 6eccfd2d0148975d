"""The brand's campaign pages (/brand/campaigns/): list, create/edit, detail tabs and actions.

Every object is looked up inside the user's brand (campaigns.selectors), so another brand's
campaign, collaboration or deliverable is a 404. Writes go through campaigns/services/; a
DomainError becomes a message on the page or next to the field it names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from brands.views import brand_member_required
from config.csv_export import csv_row
from config.ratelimit import rate_limited
from influencers.access import actor_of
from influencers.forms import add_service_error
from influencers.kernel.errors import DomainError
from influencers.kernel.http import BrandRequest
from influencers.taxonomy import WorkKind

from . import selectors
from .domain import CAMPAIGN_ACTIONS, EDITABLE_CAMPAIGN_STATUSES
from .forms import AnswerForm, CampaignForm, CancelForm, ReviewForm, WinnersForm
from .models import Campaign, Collaboration, Deliverable
from .services import (
    CAMPAIGN_ACTION_SERVICES,
    campaign_cancel,
    campaign_create,
    campaign_delete,
    campaign_update,
    collaboration_act,
    collaboration_message_add,
    deliverable_review,
    giveaway_winners_record,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Status = Collaboration.Status
PAGE_SIZE = 25

# The people tab: which collaboration statuses each list shows.
PEOPLE_GROUPS: tuple[tuple[str, StrOrPromise, tuple[str, ...]], ...] = (
    ("invited", gettext_lazy("Invited"), (Status.INVITED,)),
    (
        "working",
        gettext_lazy("Accepted"),
        (Status.ACCEPTED, Status.CONTENT_SUBMITTED, Status.REVISION_REQUESTED, Status.APPROVED),
    ),
    ("completed", gettext_lazy("Completed"), (Status.COMPLETED,)),
    (
        "closed",
        gettext_lazy("Declined, withdrawn or cancelled"),
        (Status.DECLINED, Status.WITHDRAWN, Status.CANCELLED),
    ),
)


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return selectors.campaign_managed(actor=actor_of(request), pk=pk)


def _recommendations_url(campaign: Campaign) -> str | None:
    """The recommendations tab (discovery area) once its page exists."""
    for name in ("recommendations:list", "campaigns:recommendations"):
        try:
            return reverse(name, kwargs={"pk": campaign.pk})
        except NoReverseMatch:
            continue
    return None


def _tabs(campaign: Campaign, active: str) -> list[dict]:
    tabs = [
        ("overview", _("Overview"), reverse("campaigns:detail", args=[campaign.pk])),
        ("applications", _("Applications"), reverse("campaigns:applications", args=[campaign.pk])),
        ("people", _("Creators"), reverse("campaigns:people", args=[campaign.pk])),
        ("deliverables", _("Deliverables"), reverse("campaigns:deliverables", args=[campaign.pk])),
        ("report", _("Report"), reverse("campaigns:report", args=[campaign.pk])),
    ]
    if url := _recommendations_url(campaign):
        tabs.insert(1, ("recommendations", _("Recommendations"), url))
    return [{"key": key, "label": label, "url": url, "active": key == active} for key, label, url in tabs]


def _page(request: HttpRequest, campaign: Campaign, template: str, active: str, context: dict) -> HttpResponse:
    return render(request, template, {"campaign": campaign, "tabs": _tabs(campaign, active), **context})


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Return to the page the form was on (a local path only), else to `default`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


@brand_member_required
@require_safe
def campaign_list(request: BrandRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Campaign.Status.values:
        status = ""
    campaigns = selectors.campaigns_for_brand(brand_id=request.brand.pk, status=status)
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/list.html",
        {"page": page, "status": status, "statuses": Campaign.Status.choices, "brand": request.brand},
    )


@brand_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create_view(request: BrandRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, instance=Campaign(brand=request.brand))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(
                by=request.user, fields=form.campaign_fields(), niches=form.cleaned_data["niches"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Draft saved. Publish it when you are ready."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "kinds": WorkKind.choices})


@brand_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if campaign.status not in EDITABLE_CAMPAIGN_STATUSES:
        messages.error(
            request,
            _("A campaign that is %(status)s can no longer be edited.")
            % {"status": campaign.get_status_display().lower()},
        )
        return redirect("campaigns:detail", pk=campaign.pk)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_update(
                campaign=campaign, by=request.user, fields=form.campaign_fields(), niches=form.cleaned_data["niches"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign, "kinds": WorkKind.choices})


@brand_member_required
@require_safe
def campaign_detail(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    counts = dict(campaign.collaborations.values_list("status").annotate(n=Count("pk")))
    actions = [name for name, (sources, _target) in CAMPAIGN_ACTIONS.items() if campaign.status in sources]
    return _page(
        request,
        campaign,
        "campaigns/detail.html",
        "overview",
        {
            "counts": [(label, counts.get(value, 0)) for value, label in Status.choices if counts.get(value)],
            "actions": actions,
            "editable": campaign.status in EDITABLE_CAMPAIGN_STATUSES,
            "niches": campaign.niches.all(),
            "cancel_form": CancelForm(),
            "recommendations_url": _recommendations_url(campaign),
        },
    )


@brand_member_required
@require_POST
def campaign_action(request: BrandRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    if action == "delete":
        return _draft_delete(request, campaign)
    if action not in CAMPAIGN_ACTION_SERVICES:
        raise Http404
    done = {
        "publish": _("Campaign published. Matching creators are being computed."),
        "pause": _("Campaign paused: no new applications or invitations until you resume it."),
        "resume": _("Campaign resumed."),
        "close": _("Campaign closed."),
        "cancel": _("Campaign cancelled."),
    }
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                raise DomainError(" ".join(str(message) for message in form.errors.get("reason", [])))
            campaign_cancel(campaign=campaign, by=request.user, reason=form.cleaned_data["reason"])
        else:
            CAMPAIGN_ACTION_SERVICES[action](campaign=campaign, by=request.user)
    except (DomainError, ValidationError) as error:
        text = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        messages.error(request, text)
    else:
        messages.success(request, done[action])
    return redirect("campaigns:detail", pk=campaign.pk)


def _draft_delete(request: BrandRequest, campaign: Campaign) -> HttpResponse:
    """Delete a draft (the detail page asks for confirmation first); anything else stays, with the reason."""
    title = campaign.title
    try:
        campaign_delete(campaign=campaign, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("campaigns:detail", pk=campaign.pk)
    messages.success(request, _("Draft “%(title)s” deleted.") % {"title": title})
    return redirect("campaigns:list")


@brand_member_required
@require_safe
def applications(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    inbox = selectors.applications_inbox(campaign=campaign)
    page = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(request, campaign, "campaigns/applications.html", "applications", {"page": page})


@brand_member_required
@require_safe
def people(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    collaborations = list(selectors.collaborations_of_campaign(campaign=campaign))
    groups = [
        {"key": key, "label": label, "rows": [c for c in collaborations if c.status in statuses]}
        for key, label, statuses in PEOPLE_GROUPS
    ]
    return _page(request, campaign, "campaigns/people.html", "people", {"groups": groups})


@brand_member_required
@require_safe
def deliverables(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    rows = list(selectors.deliverables_of_campaign(campaign=campaign))
    periods: dict = {}
    if campaign.kind == WorkKind.AMBASSADORSHIP:
        for deliverable in rows:
            periods.setdefault(deliverable.period, []).append(deliverable)
    context = {
        "deliverables": rows,
        "periods": sorted(periods.items(), key=lambda item: (item[0] is None, item[0])),
        "review_form": ReviewForm(),
        "winners_form": WinnersForm(campaign=campaign) if campaign.kind == WorkKind.GIVEAWAY else None,
    }
    return _page(request, campaign, "campaigns/deliverables.html", "deliverables", context)


@brand_member_required
@require_safe
def report(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return _page(
        request, campaign, "campaigns/report.html", "report", {"report": selectors.campaign_report(campaign=campaign)}
    )


def _report_csv_rows(campaign: Campaign, report: selectors.CampaignReport) -> Iterator[list[object]]:
    yield [
        _("Handle"),
        _("Status"),
        _("Agreed fee"),
        _("Currency"),
        _("Deliverables"),
        _("Deliverables approved"),
        _("Engagements"),
        _("Cost per engagement"),
        _("Estimated reach in target"),
    ]
    for row in report.rows:
        collaboration = row.collaboration
        yield [
            collaboration.influencer.handle,
            collaboration.get_status_display(),
            "" if collaboration.agreed_fee is None else collaboration.agreed_fee,
            collaboration.currency or campaign.currency,
            len(row.deliverables),
            sum(1 for deliverable in row.deliverables if deliverable.status == Deliverable.Status.APPROVED),
            "" if row.engagements is None else row.engagements,
            "" if row.cost_per_engagement is None else row.cost_per_engagement,
            "" if row.estimated_reach is None else row.estimated_reach,
        ]


@brand_member_required
@require_safe
def report_csv(request: BrandRequest, pk: int) -> HttpResponse:
    """The report's table as CSV (numbers as numbers, empty where not measured; definitions: the report page)."""
    campaign = _campaign(request, pk)
    report = selectors.campaign_report(campaign=campaign)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(buffer)
    for row in _report_csv_rows(campaign, report):
        writer.writerow(csv_row(row))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"campaign-report-{slugify(campaign.title) or campaign.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@brand_member_required
@require_safe
def collaboration_detail(request: BrandRequest, pk: int, collaboration_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    collaboration = selectors.collaboration_for_brand(campaign=campaign, pk=collaboration_pk)
    return _page(
        request,
        campaign,
        "campaigns/collaboration.html",
        "people",
        {
            "collaboration": collaboration,
            "actions": selectors.collaboration_actions(collaboration, Collaboration.Party.BRAND),
            "next_step": selectors.collaboration_next_step(collaboration, Collaboration.Party.BRAND),
            "answer_form": AnswerForm(),
            "review_form": ReviewForm(),
        },
    )


def _answer_row(
    request: HttpRequest, campaign: Campaign, collaboration: Collaboration, form: AnswerForm
) -> HttpResponse:
    """The applications inbox row after an htmx answer (the row shows the outcome or the error)."""
    return render(
        request,
        "campaigns/applications.html#application",
        {"campaign": campaign, "collaboration": collaboration, "form": form},
    )


@brand_member_required
@require_POST
def collaboration_action(request: BrandRequest, pk: int, collaboration_pk: int, action: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    collaboration = selectors.collaboration_for_brand(campaign=campaign, pk=collaboration_pk)
    form = AnswerForm(request.POST)
    done = {
        "accept": _("Accepted: @%(handle)s can start."),
        "decline": _("Declined @%(handle)s."),
        "withdraw": _("Invitation to @%(handle)s withdrawn."),
        "cancel": _("Collaboration with @%(handle)s cancelled."),
        "complete": _("Collaboration with @%(handle)s completed."),
    }
    if action not in done:
        raise Http404
    if form.is_valid():
        try:
            collaboration = collaboration_act(
                collaboration=collaboration,
                action=action,
                by=request.user,
                message=form.cleaned_data["message"],
                agreed_fee=form.cleaned_data["agreed_fee"],
            )
        except DomainError as error:
            add_service_error(form, error)
    if request.htmx:
        return _answer_row(request, campaign, collaboration, form)
    if form.errors:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))  # ErrorList yields the messages as str
    else:
        messages.success(request, done[action] % {"handle": collaboration.influencer.handle})
    return _back(request, reverse("campaigns:collaboration", args=[campaign.pk, collaboration.pk]))


@brand_member_required
@rate_limited("message")
@require_POST
def collaboration_message(request: BrandRequest, pk: int, collaboration_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    collaboration = selectors.collaboration_for_brand(campaign=campaign, pk=collaboration_pk)
    try:
        collaboration_message_add(collaboration=collaboration, by=request.user, body=request.POST.get("message", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Message sent."))
    return redirect("campaigns:collaboration", pk=campaign.pk, collaboration_pk=collaboration.pk)


@brand_member_required
@require_POST
def deliverable_review_view(request: BrandRequest, pk: int, deliverable_pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    deliverable = selectors.deliverable_for_brand(campaign=campaign, pk=deliverable_pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            deliverable_review(
                deliverable=deliverable, by=request.user, approve=approve, comment=form.cleaned_data["comment"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Approved.") if approve else _("Revision requested; the creator is notified."))
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))  # ErrorList yields the messages as str
    return _back(request, reverse("campaigns:deliverables", args=[campaign.pk]))


@brand_member_required
@require_POST
def giveaway_winners(request: BrandRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = WinnersForm(request.POST, campaign=campaign)
    if form.is_valid():
        try:
            giveaway_winners_record(campaign=campaign, by=request.user, announced_in=form.cleaned_data["announced_in"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Winners recorded as announced."))
    else:
        messages.error(request, _("Choose creators from the list."))
    return redirect("campaigns:deliverables", pk=campaign.pk)
