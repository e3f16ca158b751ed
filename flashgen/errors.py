"""flashgen's one exception family, and the diagnostics a build reports and goes on after.

The library raises only FlashgenError subclasses; the CLI turns them into ``Error: …`` and
exit status 1. Problems that concern one file or one section are not exceptions: they are
Diagnostic values collected by each stage and reported as ``path:line: severity: message``.
"""

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


class FlashgenError(Exception):
    """Base class of every error flashgen raises on purpose."""


class ConfigError(FlashgenError):
    """A deck definition or a command-line option is invalid or names something missing."""


class TemplateError(FlashgenError):
    """A card template is missing, does not parse, or uses an undefined variable."""


class BuildLockedError(FlashgenError):
    """Another flashgen build of the same deck is writing the same output right now."""


class WriteError(FlashgenError):
    """The package or the lockfile could not be written."""


class AnkiError(FlashgenError):
    """Anki could not be reached or opened (AnkiConnect not answering or refusing a request,
    a collection Anki holds open, the ``anki`` library missing): nothing was changed there."""


class SyncRefusedError(FlashgenError):
    """A sync would delete more notes from Anki than the safety limit allows without
    ``--yes``: nothing was changed in Anki."""


class StrictModeError(FlashgenError):
    """``--strict`` is on and the build reported warnings: nothing was written."""

    def __init__(self, message: str, diagnostics: tuple["Diagnostic", ...] = ()) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics
        """What the build reported, so that the caller can still show it."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in the notes, located as precisely as the input allows."""

    path: str
    """The file's path as the user knows it (relative to the notes folder when inside it)."""
    line: int
    """1-based line in the file; 0 when the problem concerns the whole file."""
    severity: Severity
    message: str

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        return f"{location}: {self.severity}: {self.message}"
