"""Template helpers for reputation cards on list pages."""

from __future__ import annotations

from django import template

from campaigns.reputation import BrandCard

register = template.Library()


@register.filter
def card_for(cards: dict[int, BrandCard], brand_id: int) -> BrandCard | None:
    """The brand card of one brand from a page's cards (campaigns.reputation.brand_cards)."""
    return cards.get(brand_id)
