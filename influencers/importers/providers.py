"""Metric providers: where raw records come from. Each yields (kind, row label, raw values) one by one.

A provider only reads; validation and writing are shared (validation.py, writers.py), so a real
platform API client can be added as one more provider and inherit the same rules and guarantees.
Row labels are what a person finds in their file: "row 15" (spreadsheet numbering, header = row 1),
"posts item 3" (JSON), "line 8" (JSON Lines).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Protocol

from django.utils.translation import gettext as _

from .errors import ImportFailed, RowError
from .validation import unknown_columns

KINDS = ("posts", "snapshots", "audience", "follower_samples")
# Singular spellings accepted in JSON Lines' "kind" and in --kind.
KIND_ALIASES = {
    "post": "posts",
    "snapshot": "snapshots",
    "audiences": "audience",
    "follower_sample": "follower_samples",
    **{k: k for k in KINDS},
}
# A CSV file's kind, recognised from a column only that kind has.
KIND_MARKERS = (
    ("external_id", "posts"),
    ("follower_ids", "follower_samples"),
    ("followers", "snapshots"),
    ("as_of", "audience"),
)

RawRecord = tuple[str, str, dict[str, object]]


class MetricsProvider(Protocol):
    def records(self) -> Iterator[RawRecord]: ...


def _text(source: IO[bytes]) -> IO[str]:
    # utf-8-sig drops the byte-order mark spreadsheet programs put in front of CSV exports.
    return io.TextIOWrapper(source, encoding="utf-8-sig", errors="strict", newline="")


def kind_from_name(name: str) -> str:
    kind = KIND_ALIASES.get((name or "").strip().lower())
    if kind is None:
        raise ImportFailed(
            [
                RowError(
                    "",
                    _("Unknown record kind “%(kind)s”: use posts, snapshots, audience or follower_samples.")
                    % {"kind": name},
                )
            ]
        )
    return kind


class CsvProvider:
    """One kind of record per CSV file (given, or recognised from the header)."""

    def __init__(self, source: IO[bytes], *, kind: str | None = None) -> None:
        self.source = source
        self.kind = kind_from_name(kind) if kind else None
        self.header: list[str] = []
        self._reader: Iterator[list[str]] | None = None

    def open(self) -> str:
        """Read and check the header; return the kind of record the file holds."""
        self._reader = reader = csv.reader(_text(self.source))
        try:
            header = [name.strip().lower() for name in next(reader)]
        except StopIteration:
            raise ImportFailed([RowError("", _("The file is empty."))]) from None
        except UnicodeDecodeError:
            raise ImportFailed([RowError("", NOT_UTF8())]) from None
        except csv.Error as exc:
            raise ImportFailed([RowError(_("row 1"), _("Cannot read the header: %s") % exc)]) from None
        kind = self.kind or next((k for marker, k in KIND_MARKERS if marker in header), None)
        if kind is None:
            separator = next((sep for sep in (";", "\t", "|") if len(header) == 1 and sep in header[0]), None)
            if separator is not None:
                shown = {"\t": _("tabs")}.get(separator, f"“{separator}”")
                message = _("The columns are separated by %(sep)s: save the file with commas (CSV).") % {"sep": shown}
                raise ImportFailed([RowError(_("row 1"), message)])
            unknown = _(
                "Cannot tell what the file holds: add an external_id (posts), followers (snapshots) or as_of "
                "(audience) column, or pass the kind."
            )
            raise ImportFailed([RowError(_("row 1"), unknown)])
        if problems := unknown_columns(kind, header):
            raise ImportFailed([RowError(_("row 1"), problem) for problem in problems])
        self.header = header
        return kind

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every non-blank row after the header; unreadable files fail whole."""
        if self._reader is None:
            raise RuntimeError("open() the provider before reading its rows")
        number = 1
        try:
            for number, row in enumerate(self._reader, start=2):
                if "".join(row).strip():  # not a blank row
                    yield number, row
        except UnicodeDecodeError:
            raise ImportFailed([RowError("", NOT_UTF8())]) from None
        except csv.Error as exc:
            message = _("Cannot read this row: %s") % exc
            if "field larger than field limit" in str(exc):
                message = _(
                    "Cannot read this row: a cell holds more than %(limit)s characters (a caption is at most 5,000)."
                ) % {"limit": f"{csv.field_size_limit():,}"}
            raise ImportFailed([RowError(_("row %d") % (number + 1), message)]) from None

    @staticmethod
    def too_long(cells: int, columns: int) -> str:
        return _("has %(n)d cells but the header has %(h)d columns") % {"n": cells, "h": columns}

    def records(self) -> Iterator[RawRecord]:
        kind = self.open()
        header = self.header
        row_label = _("row %d")  # translated once, not per row
        for number, row in self.rows():
            if len(row) > len(header):
                yield kind, row_label % number, {"__error__": self.too_long(len(row), len(header))}
                continue
            yield kind, row_label % number, dict(zip(header, row, strict=False))


def NOT_UTF8() -> str:
    return _(
        "The file is not UTF-8 text: save it as UTF-8 (in a spreadsheet program: “CSV UTF-8”) and import it again."
    )


class JsonProvider:
    """A JSON object {"posts": [...], "snapshots": [...], "audience": [...]} (any of the three)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source

    def records(self) -> Iterator[RawRecord]:
        try:
            document = json.load(_text(self.source), parse_constant=_reject_constant)
        except UnicodeDecodeError:
            raise ImportFailed([RowError("", NOT_UTF8())]) from None
        except RecursionError:
            raise ImportFailed([RowError("", TOO_DEEP())]) from None
        except ValueError as exc:
            raise ImportFailed([RowError("", _("This is not valid JSON: %s") % exc)]) from None
        if not isinstance(document, dict) or not document:
            expected = _('Expected an object like {"posts": [...], "snapshots": [...], "audience": [...]}.')
            raise ImportFailed([RowError("", expected)])
        item_label = _("%(kind)s item %(n)d")
        for key, items in document.items():
            kind = kind_from_name(key)
            if not isinstance(items, list):
                raise ImportFailed([RowError(key, _("must be a list of records"))])
            for index, item in enumerate(items, start=1):
                label = item_label % {"kind": key, "n": index}
                yield kind, label, _checked(kind, item)


class JsonLinesProvider:
    """One JSON object per line, each with a "kind" (post, snapshot or audience): streams any size."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source

    def records(self) -> Iterator[RawRecord]:
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        line_label = _("line %d")
        for number, raw in enumerate(self.source, start=1):
            label = line_label % number
            try:
                line = decoder.decode(raw)
            except UnicodeDecodeError:
                raise ImportFailed([RowError(label, _("is not UTF-8 text"))]) from None
            if not line.strip():
                continue
            try:
                item = json.loads(line, parse_constant=_reject_constant)
            except RecursionError:
                yield "posts", label, {"__error__": TOO_DEEP()}
                continue
            except ValueError as exc:
                yield "posts", label, {"__error__": _("is not valid JSON: %s") % exc}
                continue
            if not isinstance(item, dict):
                yield "posts", label, {"__error__": _("is not an object")}
                continue
            kind = KIND_ALIASES.get(str(item.pop("kind", "")).lower())
            if kind is None:
                yield "posts", label, {"__error__": _('needs a "kind": post, snapshot, audience or follower_sample')}
                continue
            yield kind, label, _checked(kind, item)


def TOO_DEEP() -> str:
    return _("The JSON is nested too deeply: records are flat objects (see docs/import.md).")


def _checked(kind: str, item: object) -> dict[str, object]:
    if not isinstance(item, dict):
        return {"__error__": _("is not an object")}
    if problems := unknown_columns(kind, item):
        return {"__error__": problems[0]}
    return item


def _reject_constant(name: str) -> None:
    raise ValueError(_("%s is not a number") % name)


def provider_for(source: IO[bytes], *, fmt: str, kind: str | None = None) -> MetricsProvider:
    fmt = (fmt or "").lower()
    if fmt == "csv":
        return CsvProvider(source, kind=kind)
    if fmt == "json":
        return JsonProvider(source)
    if fmt in ("jsonl", "ndjson"):
        return JsonLinesProvider(source)
    raise ImportFailed([RowError("", _("Unknown format “%(fmt)s”: use csv, json or jsonl.") % {"fmt": fmt})])


def format_from_name(name: str) -> str | None:
    lowered = (name or "").lower()
    for suffix, fmt in ((".csv", "csv"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json")):
        if lowered.endswith(suffix):
            return fmt
    return None
