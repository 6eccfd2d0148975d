"""The public verification page of a giveaway draw and its canonical entry list: no login needed.

Only what the entrants made public is shown (their handles), with the commitment, the rule, the
counts, the winners and, once drawn, the seed, so anyone can re-run the draw with
docs/giveaways/verify_draw.py.
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import draw_selectors
from .draws import GiveawayDraw


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
