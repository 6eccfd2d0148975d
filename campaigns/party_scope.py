"""The one spelling of "rows of collaborations this actor is a party to", for every model that hangs off one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from influencers.access import Actor


def party_scope(actor: Actor, prefix: str = "") -> Q:
    """Rows of collaborations this actor is a party to: as the creator, or as the campaign's brand."""
    scope = Q(pk__in=[])
    if actor.influencer_id is not None:
        scope |= Q(**{f"{prefix}influencer_id": actor.influencer_id})
    if actor.brand_id is not None:
        scope |= Q(**{f"{prefix}campaign__brand_id": actor.brand_id})
    return scope
