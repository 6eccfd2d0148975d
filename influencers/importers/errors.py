"""Import errors: each names the row (as the person sees it in their file) and says what to fix."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..errors import DomainError

# Stop collecting after this many: the first screenful is what a person fixes first.
MAX_ERRORS = 100


@dataclass(frozen=True)
class RowError:
    row: str
    message: str

    def __str__(self) -> str:
        return f"{self.row[:1].upper()}{self.row[1:]}: {self.message}" if self.row else self.message


class ImportFailed(DomainError):
    """The file was rejected; nothing was written. `errors` lists what to fix, row by row."""

    def __init__(self, errors: list[RowError], *, truncated: bool = False) -> None:
        self.errors = errors
        self.truncated = truncated
        self.run = None  # the failed EngineRun, set by metrics_import
        lines = [str(error) for error in errors]
        if truncated:
            lines.append(_("… and more: fix these first, then import again."))
        summary = _("The import was rejected and nothing was written:")
        super().__init__("\n".join([summary, *lines]))
