"""Stage 2: read one note file: decode it, take its frontmatter, remember where the body starts.

Whatever the file holds, reading it never raises: a file that cannot be a note (not a regular
file, too large, binary, broken frontmatter) is skipped with an error diagnostic; a file that
can be read despite a flaw (bad UTF-8 bytes, NUL bytes, UTF-16) is read with a warning.
"""

import codecs
import datetime
import os
import re
import stat
from dataclasses import dataclass
from typing import IO, Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from flashgen.decknames import deck_name_problem, normalize_deck_name
from flashgen.discover import READ_FLAGS, SourceFile
from flashgen.errors import Diagnostic

_FRONTMATTER = YAMLHandler(fm_boundary=re.compile(r"^(?:---|(?<=\n)\.\.\.)[ \t]*$", re.M))
"""Jekyll's frontmatter: a ``---`` first line, closed by ``---`` or YAML's ``...``. The boundary
never spans a line break (python-frontmatter's own ``\\s*`` would eat the blank lines after
it), so the body it leaves is the file's text from the line after the closing one."""
_DATE_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}[-_ ]")
_BINARY_SAMPLE = 8192
MAX_NOTE_BYTES = 64 * 1024 * 1024
"""Larger files are skipped: a note is never that big, a log or a dump named ``.md`` may be."""
MAX_FRONTMATTER_DEPTH = 50
"""PyYAML builds nested values recursively: deeper frontmatter would exhaust the stack."""
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_REPLACED = {"\0": "NUL bytes", "\x1f": "U+001F characters (Anki's field separator)"}
"""Characters that cannot go into an Anki note: U+001F would split a field in two."""
_YAML_KINDS = {"str": "string", "int": "number", "float": "number", "bool": "boolean"}
_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)

_CONTROL_BYTES = bytes(byte for byte in range(256) if byte < 9 or 13 < byte < 32)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (ten times faster), else the pure-Python one."""


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


def read_document(source: SourceFile, raw: bytes | str | None = None) -> ReadResult:
    """Read ``source``, or decode ``raw``: its bytes (or why they could not be read) as
    ``read_source`` returned them earlier."""
    where = source.relpath
    if raw is None:
        raw = read_source(source)
    if isinstance(raw, str):
        return _skipped(Diagnostic(where, 0, "error", f"{raw}: skipped"))
    diagnostics: list[Diagnostic] = []
    text = _decode_unicode(raw, where, diagnostics)
    if text is None:
        if _looks_binary(raw):
            return _skipped(Diagnostic(where, 0, "error", "not a text file: skipped"))
        text = _decode(raw, where, diagnostics)
    for character, what in _REPLACED.items():
        if character in text:
            line = text.count("\n", 0, text.index(character)) + 1
            diagnostics.append(Diagnostic(where, line, "warning", f"{what} replaced by U+FFFD"))
            text = text.replace(character, "\ufffd")

    meta: dict[str, Any] = {}
    body, body_line = text, 1
    split = _split_frontmatter(text)
    if split is not None:
        yaml_text, body = split
        try:
            loaded = _load_yaml(yaml_text)
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
            kind = _YAML_KINDS.get(type(loaded).__name__, type(loaded).__name__)
            diagnostics.append(
                Diagnostic(where, 1, "warning", f"frontmatter is a {kind}, not a mapping: ignored")
            )
        body_line = text.count("\n", 0, len(text) - len(body)) + 1
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
    elif isinstance(deck, str) and (problem := deck_name_problem(deck)):
        message = f"frontmatter deck '{deck}' {problem}; the deck's own name is used"
        diagnostics.append(Diagnostic(where, 1, "warning", message))
        deck = None
    title = meta.get("title")
    if not (isinstance(title, str | int | float) and str(title).strip()):
        title = _title_from_filename(source.relpath)
    document = Document(
        source=source,
        body=body,
        body_line=body_line,
        title=_printable(str(title).strip()),
        categories=categories,
        tags=tuple(dict.fromkeys(categories + tags)),
        deck=normalize_deck_name(deck) if isinstance(deck, str) else None,
    )
    return ReadResult(document, tuple(diagnostics))


def _skipped(*diagnostics: Diagnostic) -> ReadResult:
    return ReadResult(None, diagnostics)


def read_source(source: SourceFile) -> bytes | str:
    """The file's bytes, or why it cannot be a note.

    Opened read-only and non-blocking, and checked to be a regular file before reading: a
    named pipe or a device (``/dev/zero``) named ``x.md`` would otherwise hang the build.
    """
    try:
        problem = _not_a_note(os.stat(source.path))
        if problem:
            return problem
        handle = os.open(source.path, READ_FLAGS)
    except OSError as exc:
        return f"cannot read file: {exc.strerror}"
    try:
        status = os.fstat(handle)  # it may have been replaced since os.stat
        problem = _not_a_note(status)
        if problem:
            return problem
        with os.fdopen(handle, "rb", closefd=False) as reader:
            raw = _read_at_most(reader, status.st_size, MAX_NOTE_BYTES + 1)
    except OSError as exc:
        return f"cannot read file: {exc.strerror}"
    finally:
        os.close(handle)
    if len(raw) > MAX_NOTE_BYTES:
        return f"file is larger than {MAX_NOTE_BYTES // 2**20} MiB"
    return raw


def _read_at_most(reader: IO[bytes], size: int, most: int) -> bytes:
    """The reader's bytes, up to ``most``, in a buffer of the file's size (plus one byte to
    notice growth): a read of ``most`` at once would allocate 64 MiB for every note, each
    its own memory mapping, and 100,000 notes exceed the kernel's limit of 65,530."""
    raw = reader.read(min(size, most - 1) + 1)
    if len(raw) > size and len(raw) < most:  # it grew since fstat: read the rest
        raw += reader.read(most - len(raw))
    return raw


def _not_a_note(status: os.stat_result) -> str | None:
    kind = next((name for test, name in _FILE_KINDS if test(status.st_mode)), None)
    if kind is not None:
        return f"not a regular file but {kind}"
    if status.st_size > MAX_NOTE_BYTES:
        return f"file is larger than {MAX_NOTE_BYTES // 2**20} MiB"
    return None


def _looks_binary(raw: bytes) -> bool:
    """Is this not a note, whatever its name? Judged on the first 8 KiB.

    Binary data (images, archives, executables) is invalid UTF-8 and holds control bytes; a
    note in a legacy encoding is invalid UTF-8 with almost none; a note with stray NUL bytes
    is valid UTF-8. So: invalid UTF-8 with more than 2 % control bytes, or valid UTF-8 with
    more than 30 % (zeroed blocks, UTF-16 without a byte-order mark).
    """
    sample = raw[:_BINARY_SAMPLE]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return controls > len(sample) * 0.02
    return controls > len(sample) * 0.30


def _decode_unicode(raw: bytes, where: str, diagnostics: list[Diagnostic]) -> str | None:
    """A UTF-16 or UTF-32 file with a byte-order mark (Windows Notepad's "Unicode")."""
    encoding = next((name for bom, name in _UNICODE_BOMS if raw.startswith(bom)), None)
    if encoding is None:
        return None
    text = raw.decode(encoding, errors="replace")
    diagnostics.append(
        Diagnostic(where, 0, "warning", f"{encoding.upper()} file read: save it as UTF-8")
    )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_frontmatter(text: str) -> tuple[str, str] | None:
    """The YAML between the two boundary lines, and the body: the exact text after the line
    that closes the frontmatter. None when the file has no (closed) frontmatter."""
    if not _FRONTMATTER.detect(text):
        return None
    try:
        yaml_text, body = _FRONTMATTER.split(text)
    except ValueError:  # no closing line
        return None
    # Each boundary match ends before its line's newline: drop those two newlines.
    return yaml_text[1:-1], body.removeprefix("\n")


def _load_yaml(text: str) -> object:
    """``yaml.safe_load`` with libyaml when it can; a broken text is parsed again by the
    pure-Python loader, whose messages and lines say more (the error is what is reported)."""
    try:
        return _load_yaml_with(text, _YAML_LOADER)
    except yaml.YAMLError:
        if _YAML_LOADER is yaml.SafeLoader:
            raise
    return _load_yaml_with(text, yaml.SafeLoader)


def _load_yaml_with(text: str, loader: Any) -> object:
    """Load after checking the nesting depth with the (iterative) parser."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_FRONTMATTER_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_FRONTMATTER_DEPTH} levels deep",
                    problem_mark=mark if isinstance(mark := event.start_mark, yaml.Mark) else None,
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return _FRONTMATTER.load(text, Loader=loader)


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
    return re.sub(r"\s+", "_", _printable(str(value).strip()))


def _printable(value: str) -> str:
    """Frontmatter values may hold any character YAML can escape: not the ones in _REPLACED."""
    for character in _REPLACED:
        value = value.replace(character, "\ufffd")
    return value


def _title_from_filename(relpath: str) -> str:
    name = relpath.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return _DATE_PREFIX.sub("", stem) or stem
