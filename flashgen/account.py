"""The account of what made no card: every section (or file) that became no note, and why.

Design §2: nothing is dropped silently. The split stage (and the read stage, for a file that
cannot be read) records a ``SkippedSection`` for each section that makes no note; the build
summary counts them by reason, ``flashgen check`` lists each as ``path:line: info: …``, and
``flashgen list --json`` carries them. They are plain data, for any later view of the deck.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from flashgen.errors import Diagnostic

Reason = Literal[
    "no-body",
    "links-only",
    "rule-only",
    "toc",
    "empty-code",
    "scaffolding",
    "skip-marker",
    "ignored-heading",
    "level",
    "preamble-off",
    "inside-container",
    "opted-out",
    "unreadable",
]
JUNK: frozenset[Reason] = frozenset(
    {"links-only", "rule-only", "toc", "empty-code", "scaffolding"}
)
"""Bodies that hold nothing to recall (design §2, "what is not a card")."""
BY_CHOICE: frozenset[Reason] = frozenset(
    {"skip-marker", "ignored-heading", "level", "preamble-off", "opted-out"}
)
"""Skipped because the author or the deck definition asked for it."""
TEXT_LOST: frozenset[Reason] = frozenset({"preamble-off", "level", "inside-container"})
"""Reasons under which real text makes no card: a file with no card but such text is warned
about. Junk, empty headings, the author's own skip marks and unreadable files (an error
already) are not."""

_LABELS: dict[Reason, str] = {
    "no-body": "no body",
    "links-only": "links only",
    "rule-only": "only a rule",
    "toc": "[TOC]",
    "empty-code": "empty code block",
    "scaffolding": "scaffolding",
    "skip-marker": "skipped by option",
    "ignored-heading": "skipped by option",
    "level": "skipped by option",
    "preamble-off": "skipped by option",
    "opted-out": "skipped by option",
    "inside-container": "inside a container",
    "unreadable": "unreadable file",
}
"""How the build summary groups the reasons."""

_WHY: dict[Reason, str] = {
    "no-body": "no text of its own",
    "links-only": "only links (link_sections = true makes such sections cards)",
    "rule-only": "only a horizontal rule",
    "toc": "only a table of contents",
    "empty-code": "only an empty code block",
    "scaffolding": "only scaffolding",
    "skip-marker": "<!-- flashgen: skip -->",
    "ignored-heading": "its heading is in ignore_headings",
    "level": "its heading level is not in levels",
    "preamble-off": "preamble = false",
    "inside-container": "its heading is inside a container",
    "opted-out": "flashcards: false in the frontmatter",
    "unreadable": "the file could not be read",
}


@dataclass(frozen=True)
class SkippedSection:
    """One section, or one whole file, that made no note."""

    path: str
    """The file, relative to the notes folder."""
    line: int
    """File line where it starts (its heading; 0 for a whole file)."""
    end_line: int
    """File line just after its text: ``[line, end_line)`` holds what made no note."""
    heading: str
    """The heading's Markdown source; empty for the text before a file's first heading (the
    preamble) and for a whole file."""
    reason: Reason
    detail: str = ""
    """What exactly: the callout or code kind, the section whose answer holds the text…"""

    @property
    def label(self) -> str:
        return _LABELS[self.reason]

    def message(self) -> str:
        if self.reason in ("opted-out", "unreadable"):
            what = "this file"
        elif self.heading:
            what = f"'{_short(self.heading)}'"
        else:
            what = "the text before the first heading"
        why = _WHY[self.reason]
        return f"no card for {what}: {why}" + (f" ({self.detail})" if self.detail else "")

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, self.line, "info", self.message())


def account_summary(notes: int, skipped: Iterable[SkippedSection]) -> str:
    """``12 notes made; 5 sections made none: 3 no body, 2 links only``."""
    counts = Counter(entry.label for entry in skipped)
    made = f"{notes} note{'' if notes == 1 else 's'} made"
    if not counts:
        return f"{made}; every section made one"
    total = counts.total()
    groups = ", ".join(f"{count} {label}" for label, count in counts.most_common())
    return f"{made}; {total} section{'' if total == 1 else 's'} made none: {groups}"


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"
