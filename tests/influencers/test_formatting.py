"""Money as pages show it: rounded to the cent, never cut off, in the visitor's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from influencers.formatting import amount


@pytest.mark.parametrize(
    ("value", "english", "dutch"),
    [
        (0.85, "0.85", "0,85"),  # Decimal(0.85) is 0.8499…: it read "0.84" before
        (12.5, "12.50", "12,50"),
        (0.005, "0.01", "0,01"),  # half up
        (11.999, "12", "12"),  # whole once rounded to the cent
        (Decimal("1234.5"), "1,234.50", "1.234,50"),
        (Decimal("300"), "300", "300"),
    ],
)
def test_amounts_round_to_the_cent_in_each_language(value, english, dutch) -> None:
    with translation.override("en"):
        assert amount(value) == english
    with translation.override("nl"):
        assert amount(value) == dutch
