"""The public verification page of a giveaway draw and its canonical entry list (no login needed), and
the parties' page that uploads the entries, publishes the commitment and draws.

Only what the entrants made public is shown (their handles), with the commitment, the rule, the
counts, the winners and, once drawn, the seed, so anyone can re-run the draw with
docs/giveaways/verify_draw.py.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from influencers.access import actor_of
from influencers.forms import add_service_error
from influencers.kernel.errors import DomainError
from influencers.taxonomy import WorkKind

from . import draw_selectors
from .draws import GiveawayDraw
from .forms import DrawUploadForm
from .models import Collaboration
from .services import draw_commit, draw_entries_upload, draw_run


def _published(public_id: uuid.UUID) -> GiveawayDraw:
    draw = draw_selectors.draw_public_get(public_id=public_id)
    if draw is None:
        raise Http404(_("No published draw with this id."))
    return draw


@require_safe
def draw_public(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    draw = _published(public_id)
    return render(request, "campaigns/draw_public.html", {"draw": draw, "campaign": draw.collaboration.campaign})


@require_safe
def draw_entries(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The canonical entry list, byte for byte what the entry-list commitment hashes."""
    draw = _published(public_id)
    response = HttpResponse(draw.entries_text.encode(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draw-{draw.public_id}-entries.txt"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def draw_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The collaboration's draw for its two parties: upload the entries, publish the commitment, draw."""
    actor = actor_of(request)
    collaboration = get_object_or_404(
        Collaboration.objects.managed_by(actor).select_related("campaign__brand", "influencer"), pk=pk
    )
    if collaboration.campaign.kind != WorkKind.GIVEAWAY:
        raise Http404(_("Only a giveaway has a draw."))
    draw = draw_selectors.draw_for_collaboration(collaboration=collaboration)
    form = DrawUploadForm()
    if request.method == "POST":
        user = actor.user
        if not isinstance(user, User):  # login_required let only a signed-in User through
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "upload":
                form = DrawUploadForm(request.POST, request.FILES)
                if form.is_valid():
                    data = form.cleaned_data
                    draw_entries_upload(
                        collaboration=collaboration,
                        by=user,
                        entries_csv=data["entries"],
                        excluded_handles=data["excluded_handles"],
                        winners_count=data["winners_count"],
                    )
                    messages.success(request, _("Entries uploaded. Check the counts, then publish the commitment."))
                    return redirect(request.path)
            elif action in ("commit", "run") and draw is not None:
                (draw_commit if action == "commit" else draw_run)(draw=draw, by=user)
                messages.success(request, _("Commitment published.") if action == "commit" else _("Winners drawn."))
                return redirect(request.path)
            else:
                messages.error(request, _("Upload the entries first."))
        except DomainError as error:
            if action == "upload":
                add_service_error(form, error)
            else:
                messages.error(request, error.message)
    context = {"collaboration": collaboration, "campaign": collaboration.campaign, "draw": draw, "form": form}
    return render(request, "campaigns/draw_manage.html", context)
