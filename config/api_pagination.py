"""Cursor pagination for API lists: stable order, no OFFSET, page_size between 1 and 100.

Lists order by an integer column that never changes (the id, or a match's rank), so a cursor stays
valid while rows are added, and a forged cursor cannot smuggle a non-number into the query.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
_INTEGER = re.compile(r"^-?[0-9]{1,18}$")


def page_size_from(request: Request, *, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page_size the client asked for; a clear 400 when it is not a whole number from 1 to 100."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return default
    # At most 3 digits before int(): Python refuses to convert a string of over 4,300 digits (a 500).
    if not raw.isascii() or not raw.isdigit() or len(raw) > 3 or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [_("Use a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]})
    return int(raw)


def page_size_parameter() -> dict:
    return {
        "name": "page_size",
        "required": False,
        "in": "query",
        "description": _("Results per page (1–%(max)d, default %(default)d).")
        % {"max": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    }


class ApiCursorPagination(CursorPagination):
    """Newest first by id unless the view names another integer column in `cursor_ordering`."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-pk",)

    def get_page_size(self, request: Request) -> int:
        return page_size_from(request, default=self.page_size)

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return tuple(getattr(view, "cursor_ordering", self.ordering))

    def decode_cursor(self, request: Request) -> Cursor | None:
        if request.query_params.get(self.cursor_query_param) == "":
            raise ValidationError({self.cursor_query_param: [_("Give a cursor, or leave the parameter out.")]})
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None and not _INTEGER.match(str(cursor.position)):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": _("The `next` or `previous` cursor of the page before; an unknown cursor answers 404."),
            "schema": {"type": "string", "minLength": 1},
        }
        return [cursor, page_size_parameter()]
