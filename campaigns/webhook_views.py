"""Webhook pages at /account/webhooks/: a brand's team and creators register endpoints, see the secret once,
read the delivery log and redeliver.

Only the owner finds an endpoint (WebhookEndpoint.objects.managed_by): anyone else gets a 404. Writes go
through campaigns/webhooks.py; a DomainError becomes a message on the page and nothing is written. The
pages that show a secret are never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from influencers.access import actor_of
from influencers.kernel.errors import DomainError
from influencers.kernel.http import AuthenticatedRequest

from .webhook_forms import WebhookEndpointForm
from .webhook_models import WebhookDelivery, WebhookEndpoint
from .webhooks import (
    retry_schedule_total,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_owner_choices,
    webhook_redeliver,
    webhook_secret_rotate,
)

DELIVERIES_SHOWN = 50


def _owner_choices(request: AuthenticatedRequest) -> list[str]:
    choices = webhook_owner_choices(actor_of(request))
    if not choices:
        raise Http404(_("Webhooks are for brand teams and creators."))
    return choices


def _endpoint(request: AuthenticatedRequest, pk: int) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint.objects.managed_by(actor_of(request)).select_related("brand"), pk=pk)


def _secret_page(
    request: AuthenticatedRequest, endpoint: WebhookEndpoint, secret: str, *, rotated: bool
) -> HttpResponse:
    return render(
        request, "campaigns/webhook_secret.html", {"endpoint": endpoint, "secret": secret, "rotated": rotated}
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_list(request: AuthenticatedRequest) -> HttpResponse:
    choices = _owner_choices(request)
    form = WebhookEndpointForm(request.POST or None, owners=choices)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhook_endpoint_create(
                by=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                owner=form.cleaned_data.get("owner") or None,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _secret_page(request, endpoint, secret, rotated=False)
    endpoints = WebhookEndpoint.objects.managed_by(actor_of(request)).select_related("brand", "influencer")
    status = 400 if request.method == "POST" else 200
    return render(request, "campaigns/webhook_list.html", {"endpoints": endpoints, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }
    form = WebhookEndpointForm(request.POST or None, initial=initial, owners=[], editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_update(
                endpoint=endpoint,
                by=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                is_active=form.cleaned_data["is_active"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Webhook endpoint saved."))
            return redirect("webhooks:detail", pk=endpoint.pk)
    deliveries = list(WebhookDelivery.objects.log_of(endpoint)[:DELIVERIES_SHOWN])
    return render(
        request,
        "campaigns/webhook_detail.html",
        {
            "endpoint": endpoint,
            "form": form,
            "deliveries": deliveries,
            "shown": DELIVERIES_SHOWN,
            "retry_hours": round(retry_schedule_total().total_seconds() / 3600),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@login_required
@require_POST
def webhook_rotate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    try:
        secret = webhook_secret_rotate(endpoint=endpoint, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("webhooks:detail", pk=endpoint.pk)
    return _secret_page(request, endpoint, secret, rotated=True)


@login_required
@require_POST
def webhook_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    try:
        webhook_endpoint_delete(endpoint=endpoint, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("webhooks:detail", pk=endpoint.pk)
    messages.success(request, _("Webhook endpoint removed."))
    return redirect("webhooks:list")


@login_required
@require_POST
def webhook_redeliver_view(request: AuthenticatedRequest, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery.objects.filter(endpoint=endpoint), pk=delivery_pk)
    delivery.endpoint = endpoint
    try:
        webhook_redeliver(delivery=delivery, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Redelivery queued; its attempt shows in the log below."))
    return redirect("webhooks:detail", pk=endpoint.pk)
