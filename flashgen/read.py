"""Stage 2: read one note file: decode it, take its frontmatter, remember where the body starts."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

import yaml

from flashgen.discover import SourceFile
from flashgen.errors import Diagnostic

_FRONTMATTER = re.compile(r"---[ \t]*\n(?:(.*?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[-_ ]")
_BINARY_SAMPLE = 8192


@dataclass(frozen=True)
class Document:
    source: SourceFile
    body: str
    """The text after the frontmatter, newlines normalised to ``\\n``."""
    body_line: int
    """The 1-based line of the file on which ``body`` starts."""
    title: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    """Anki-safe tags from ``categories`` and ``tags``."""
    deck: str | None
    """Frontmatter ``deck``: overrides the deck of every note in the file."""


@dataclass(frozen=True)
class ReadResult:
    document: Document | None
    """None when the file is skipped: unreadable, binary, broken YAML or ``flashcards: false``."""
    diagnostics: tuple[Diagnostic, ...]
    opted_out: bool = False


def read_document(source: SourceFile) -> ReadResult:
    where = source.relpath
    try:
        with open(source.path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return _skipped(Diagnostic(where, 0, "error", f"cannot read file: {exc.strerror}"))
    if _looks_binary(raw):
        return _skipped(Diagnostic(where, 0, "error", "not a text file: skipped"))
    diagnostics: list[Diagnostic] = []
    text = _decode(raw, where, diagnostics)
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        diagnostics.append(Diagnostic(where, line, "warning", "NUL bytes replaced by U+FFFD"))
        text = text.replace("\0", "\ufffd")

    meta: dict[str, Any] = {}
    body, body_line = text, 1
    match = _FRONTMATTER.match(text)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1) or "")
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(exc, "problem", None) or "invalid YAML"
            return _skipped(
                *diagnostics,
                Diagnostic(where, line, "error", f"broken frontmatter ({problem}): file skipped"),
            )
        if isinstance(loaded, dict):
            meta = loaded
        elif loaded is not None:
            kind = type(loaded).__name__
            diagnostics.append(
                Diagnostic(where, 1, "warning", f"frontmatter is a {kind}, not a mapping: ignored")
            )
        body = text[match.end() :]
        body_line = text.count("\n", 0, match.end()) + 1
    elif text.startswith("---\n") and text.count("\n---", 4) == 0 and "\n..." not in text:
        diagnostics.append(
            Diagnostic(where, 1, "warning", "frontmatter is never closed: read as Markdown")
        )

    if meta.get("flashcards") is False:
        return ReadResult(None, tuple(diagnostics), opted_out=True)
    categories = _tag_list(meta.get("categories", meta.get("category")))
    tags = _tag_list(meta.get("tags"))
    deck = meta.get("deck")
    if deck is not None and not (isinstance(deck, str) and deck.strip()):
        diagnostics.append(Diagnostic(where, 1, "warning", "frontmatter 'deck' is not a name"))
        deck = None
    title = meta.get("title")
    if not (isinstance(title, str | int | float) and str(title).strip()):
        title = _title_from_filename(source.relpath)
    document = Document(
        source=source,
        body=body,
        body_line=body_line,
        title=str(title).strip(),
        categories=categories,
        tags=tuple(dict.fromkeys(categories + tags)),
        deck=deck.strip() if isinstance(deck, str) else None,
    )
    return ReadResult(document, tuple(diagnostics))


def _skipped(*diagnostics: Diagnostic) -> ReadResult:
    return ReadResult(None, diagnostics)


def _looks_binary(raw: bytes) -> bool:
    """A file whose first 8 KiB is mostly control bytes is not a note, whatever its name."""
    sample = raw[:_BINARY_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return controls > len(sample) * 0.10


def _decode(raw: bytes, where: str, diagnostics: list[Diagnostic]) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        diagnostics.append(
            Diagnostic(
                where, line, "warning", "not valid UTF-8: undecodable bytes shown as U+FFFD"
            )
        )
        text = raw.decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _tag_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[object] = list(value.split(",") if "," in value else value.split())
    elif isinstance(value, list | tuple | set):
        items = list(value)
    else:
        items = [value]
    tags = (anki_tag(item) for item in items if isinstance(item, str | int | float | datetime.date))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def anki_tag(value: object) -> str:
    """Anki tags cannot hold spaces; ``::`` is kept (it makes a tag hierarchy), CJK is kept."""
    return re.sub(r"\s+", "_", str(value).strip())


def _title_from_filename(relpath: str) -> str:
    name = relpath.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return _DATE_PREFIX.sub("", stem) or stem
