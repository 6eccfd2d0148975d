"""Import errors: each names the row (as the person sees it in their file) and says what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ..kernel.errors import DomainError

if TYPE_CHECKING:
    from ..models import EngineRun

# Stop collecting after this many: the first screenful is what a person fixes first.
MAX_ERRORS = 100


@dataclass(frozen=True)
class RowError:
    row: str
    message: str

    def __str__(self) -> str:
        text = f"{self.row[:1].upper()}{self.row[1:]}: {self.message}" if self.row else self.message
        return printable(text)


def printable(text: str) -> str:
    """What a message may quote from a hostile file: NUL shown as ␀, lone surrogates as �.

    Messages are stored (the engine run's JSON detail) and sent (API, admin); PostgreSQL text and JSON
    hold neither character, so quoting them as they are would turn a clear rejection into a crash.
    """
    if text.isascii() and "\x00" not in text:
        return text
    return text.replace("\x00", "␀").encode("utf-8", "replace").decode("utf-8")


class ImportFailed(DomainError):
    """The file was rejected; nothing was written. `errors` lists what to fix, row by row."""

    def __init__(self, errors: list[RowError], *, truncated: bool = False) -> None:
        self.errors = errors
        self.truncated = truncated
        self.run: EngineRun | None = None  # the failed EngineRun, set by metrics_import
        lines = [str(error) for error in errors]
        if truncated:
            lines.append(_("… and more: fix these first, then import again."))
        summary = _("The import was rejected and nothing was written:")
        super().__init__("\n".join([summary, *lines]))
