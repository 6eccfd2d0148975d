"""Cells of every CSV file the product writes, made safe to open in a spreadsheet (CSV/formula injection).

A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (or their full-width forms, which
some East Asian locales accept). Checking only a cell's first character is not enough: the program
opening the file may split on another list separator than ours — `;` is the default in Dutch and
Belgian locales, tab and `|` are common import choices — and then `Name;=1+2;x` is three cells, the
middle one a live formula. It may also trim spaces or drop stray quotes around a value.

The rule: split the text at every `,` `;` tab `|` and line break; in each piece, skip the leading
characters a spreadsheet may drop (white space, control and format characters, `"`); if what is left
starts with a formula character, insert `'` right before it. An apostrophe before a formula character
makes the value text in every spreadsheet, wherever the piece ends up, and nothing else is changed:
remove the inserted apostrophes and the text is the original.

Numbers are passed as numbers (int, Decimal, float), never as text, and written as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

FORMULA_CHARACTERS = frozenset("=+-@＝＋－＠")
LIST_SEPARATORS = (",", ";", "\t", "|")
# Where a spreadsheet may start a new cell (or a new row, for a line break inside a quoted cell).
PIECE_BOUNDARY = re.compile(r"[,;\t|\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_DROPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
NEUTRALISER = "'"


def _dropped(char: str) -> bool:
    """A character a spreadsheet may trim from the start of a value."""
    return char == '"' or char.isspace() or unicodedata.category(char) in _DROPPED_CATEGORIES


def csv_cell(value: object) -> object:
    """The value as written to a CSV cell: text neutralised (see the module), anything else unchanged."""
    if not isinstance(value, str):
        return value
    out: list[str] = []
    at_piece_start = True
    for char in value:
        if PIECE_BOUNDARY.match(char):
            at_piece_start = True
        elif at_piece_start and not _dropped(char):
            if char in FORMULA_CHARACTERS:
                out.append(NEUTRALISER)
            at_piece_start = False
        out.append(char)
    return "".join(out)


def csv_row(values: Iterable[object]) -> list[object]:
    """A row for csv.writer with every cell through csv_cell: what every export writes."""
    return [csv_cell(value) for value in values]
