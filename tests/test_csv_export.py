"""CSV cells are safe under any list separator (config/csv_export.py), shown on the shortlist export.

The property is checked on what a spreadsheet actually receives: a written CSV line. Whichever of
`,` `;` tab `|` the program splits it on, no piece — after the white space, control characters and
quotes a spreadsheet may drop — starts with a formula character; and the text is the original with
only apostrophes inserted, each right before a formula character.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config.csv_export import csv_cell, csv_row
from tests.discovery_data import brand_member, creator
from tests.factories import ShortlistEntryFactory, ShortlistFactory

TRIGGERS = set("=+-@＝＋－＠")
SEPARATORS = (",", ";", "\t", "|")
# A hostile alphabet: separators, triggers, quotes, every kind of space and line break, letters, digits.
HOSTILE = "=+-@＝＋－＠,;\t|\r\n\"' \u00a0\u200b\u2028\x0b\x0c\x00\x1baZ09().!:/%"


def spreadsheet_would_evaluate(piece: str) -> bool:
    """What a spreadsheet opening the piece as a cell might do: trim, drop quotes, then look at the start."""
    for char in piece:
        if char == '"' or char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf"):
            continue
        return char in TRIGGERS
    return False


def written_line(cells: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(cells))
    return buffer.getvalue()


def only_apostrophes_inserted(original: str, written: str) -> bool:
    """`written` is `original` with some `'` inserted, each right before a formula character."""
    i = 0
    for j, char in enumerate(written):
        if i < len(original) and char == original[i]:
            i += 1
        elif char != "'" or j + 1 >= len(written) or written[j + 1] not in TRIGGERS:
            return False
    return i == len(original)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=HOSTILE, max_size=24), min_size=1, max_size=4))
@example(["Name;=1+2;x"])
@example(["a", 'b;"=1', "c"])
@example(["x\n=cmd|' /C calc'!A0"])
@example(["\u00a0\u200b＝1"])
def test_no_piece_of_a_written_line_is_a_formula_under_any_separator(cells: list[str]) -> None:
    line = written_line(cells)
    for separator in SEPARATORS:
        for physical_line in re.split(r"\r\n|\r|\n|\x0b|\x0c|\u2028", line):
            for piece in physical_line.split(separator):
                assert not spreadsheet_would_evaluate(piece), (separator, piece, line)
    # The file still holds the same text: read back, each cell is the original plus the apostrophes.
    [read_back] = csv.reader(io.StringIO(line, newline=""))
    assert len(read_back) == len(cells)
    for original, cell in zip(cells, read_back, strict=True):
        assert only_apostrophes_inserted(original, cell), (original, cell)


@given(st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False), st.none()))
def test_numbers_are_written_as_numbers(value: object) -> None:
    assert csv_cell(value) == value


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("Name;=1+2;x", "Name;'=1+2;x"),
        ("Name,=1+2", "Name,'=1+2"),
        ("a|@SUM(A1)", "a|'@SUM(A1)"),
        ("a\t-2+3", "a\t'-2+3"),
        ('a; "=1', "a; \"'=1"),
        ("line\r\n+1", "line\r\n'+1"),
        ("x ＝1", "x ＝1"),
        ("x;＝1", "x;'＝1"),
        ("e-mail: a@b.c; tel. 06-123", "e-mail: a@b.c; tel. 06-123"),
    ],
)
def test_examples_of_the_rule(raw: str, written: str) -> None:
    assert csv_cell(raw) == written


@pytest.mark.django_db
def test_the_shortlist_export_neutralises_a_formula_behind_a_semicolon(client) -> None:
    member = brand_member()
    shortlist = ShortlistFactory(brand=member.brand)
    influencer = creator("evil", display_name="Name;=1+2;x", city="Gent|@SUM(A1)", growth=-0.05)
    ShortlistEntryFactory(shortlist=shortlist, influencer=influencer, note="ok, -2+3 maybe")
    client.force_login(member.user)

    response = client.get(f"/brand/shortlists/{shortlist.pk}/export.csv")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == "Name;'=1+2;x"
    assert cells["City"] == "Gent|'@SUM(A1)"
    assert cells["Note"] == "ok, '-2+3 maybe"
    assert cells["30-day growth (%)"] == "-5.00"  # a number stays a number
    for separator in SEPARATORS:
        for piece in text.split(separator):
            # A piece that is exactly a number is the growth column under `,`: a value, not a formula.
            if not re.fullmatch(r"-\d+\.\d+", piece):
                assert not spreadsheet_would_evaluate(piece), (separator, piece)
