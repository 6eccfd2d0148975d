"""Reads of giveaway draws: the public verification page's draw and a collaboration's draw."""

from __future__ import annotations

import uuid

from .draws import GiveawayDraw, GiveawayDrawQuerySet
from .models import Collaboration


def _with_parties() -> GiveawayDrawQuerySet:
    return GiveawayDraw.objects.select_related("collaboration__campaign__brand", "collaboration__influencer")


def draw_public_get(*, public_id: uuid.UUID) -> GiveawayDraw | None:
    """A draw whose commitment is published (committed or drawn); None for an upload still private."""
    return _with_parties().published().filter(public_id=public_id).first()


def draw_for_collaboration(*, collaboration: Collaboration) -> GiveawayDraw | None:
    """The collaboration's draw in any state, for its parties (the caller checked they may see it)."""
    draw = _with_parties().filter(collaboration=collaboration).first()
    if draw is not None:
        draw.collaboration = collaboration
    return draw
