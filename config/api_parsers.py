"""Request parsers that refuse input the database could not store, before any view sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_unencodable_text(value: Any) -> bool:
    """True when a string holds a lone surrogate (valid JSON escape, but not storable UTF-8)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class StrictJSONParser(JSONParser):
    """JSON (NaN and Infinity already refused by DRF's strict mode) without lone UTF-16 surrogates."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        if _has_unencodable_text(data):
            raise ParseError(_("The JSON holds text that is not valid Unicode (a lone surrogate)."))
        return data
