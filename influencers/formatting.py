"""Numbers in the visitor's language: "4.1 %" and "1,234" in English, "4,1 %" and "1.234" in Dutch.

Django's formats (number_format) know each language's decimal and thousands separators; everything a page
shows goes through here or through the template filters built on it (templatetags/metric_tags.py), so no
page mixes "5.6 %" with "832.325".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

CENT = Decimal("0.01")
NBSP = "\u00a0"  # between a number and its unit: "4.1 %" never wraps


def decimal(value: float | Decimal, digits: int, *, grouping: bool = False) -> str:
    # Rounded first: number_format cuts the decimals off instead of rounding them.
    rounded: float | Decimal = round(value, digits) if isinstance(value, float) else round(Decimal(value), digits)
    return number_format(rounded, decimal_pos=digits, force_grouping=grouping)


def count(value: float | int) -> str:
    """A whole number with thousands separators."""
    return number_format(round(value), decimal_pos=0, force_grouping=True)


def percent(fraction: float | Decimal, digits: int = 1, *, signed: bool = False, space: str = NBSP) -> str:
    """A fraction as a percentage: 0.0412 -> "4.1 %" (signed: "+4.1 %" / "-4.1 %"). Sentences that are
    also quoted in docs/metrics.md pass a plain space."""
    shown = float(fraction) * 100
    if not signed:
        return f"{decimal(shown, digits)}{space}%"
    sign = "-" if round(shown, digits) < 0 else "+"
    return f"{sign}{decimal(abs(shown), digits)}{space}%"


def amount(value: float | Decimal) -> str:
    """Money without its currency, to the cent: whole amounts without decimals, others with two.

    Rounded half up first (number_format cuts decimals off), from a float's shortest repr: Decimal(0.85) is
    0.8499999…, which showed a cost per engagement of 0.85 as "0.84".
    """
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    cents = exact.quantize(CENT, rounding=ROUND_HALF_UP)
    return number_format(cents, decimal_pos=0 if cents == cents.to_integral_value() else 2, force_grouping=True)
