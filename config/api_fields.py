"""Serializer fields that accept exactly the JSON types the OpenAPI schema promises.

DRF's stock fields are lenient: a CharField takes 5, an IntegerField "5", a BooleanField 1 or
"yes". The schema says string, integer and boolean, and clients generated from it rely on that, so
API input fields accept only those JSON types (a string where a number belongs is a 400, not a guess).
Amounts of money are strings ("350.00") so no client rounds them through a float.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Text without NUL (no database stores it); required text also needs one non-space character. The
# same patterns go into the schema (RegexValidator -> "pattern"), so both say the same thing.
ANY_TEXT = r"^[^\x00]*$"
NON_BLANK_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"


class StrictCharField(serializers.CharField):
    """A JSON string, taken as sent (not trimmed), so its length means what the schema says."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        if not self.read_only:
            pattern = ANY_TEXT if self.allow_blank else NON_BLANK_TEXT
            message = (
                _("Use text without control character NUL.") if self.allow_blank else _("This field may not be blank.")
            )
            self.validators.append(RegexValidator(pattern, message))

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


def money_pattern(whole_digits: int) -> str:
    return rf"^[0-9]{{1,{whole_digits}}}(\.[0-9]{{1,2}})?$"


def MoneyField(*, whole_digits: int = 8, **kwargs: Any) -> serializers.Field:
    """A non-negative amount as a string with at most two decimals, below 10^whole_digits."""
    pattern = money_pattern(whole_digits)
    maximum = "9" * whole_digits + ".99"

    @extend_schema_field({"type": "string", "format": "decimal", "pattern": pattern, "example": "350.00"})
    class _Money(serializers.DecimalField):
        default_error_messages = {
            "invalid_amount": _("Give an amount like “350.00”: digits, at most two decimals, from 0 to %(max)s.")
        }

        def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
            # DRF's DecimalField reads "" as null; here "" is just not an amount.
            return serializers.Field.validate_empty_values(self, data)

        def to_internal_value(self, data: Any) -> Decimal:
            # re.search with ^…$ accepts exactly what the schema's pattern accepts (jsonschema does the same).
            if not isinstance(data, str) or not re.search(pattern, data):
                self.fail("invalid_amount", max=maximum)
            try:
                return Decimal(data.strip())
            except InvalidOperation:
                self.fail("invalid_amount", max=maximum)

    return _Money(max_digits=whole_digits + 2, decimal_places=2, **kwargs)
