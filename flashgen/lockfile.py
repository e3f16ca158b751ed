"""The lockfile beside a package: each note's key, GUID, content hash and change time.

It is what lets a rebuild keep every GUID (and so every card's review history) through
renames and moves, set each note's ``mod`` to the time its content last changed, and keep
removed sections findable. It is meant to be committed with the notes, so it is plain JSON
with a stable order, one note per line (a small edit is a small diff): two builds of the
same notes write the same bytes.

What is read back is input from a stranger (a hand edit, a merge, a pull request): it is
parsed into frozen values by ``parse_lock``, which checks every value's type and form and
refuses anything else with the line it is on. What git merges leave behind is repaired
rather than refused: conflict markers (both sides are read and merged), "accept both" and
``merge=union`` results (a key or a GUID claimed twice), commas out of place between lines.
A merge is decided entry by entry, the same way whichever side is "ours" (``merge_entries``).
"""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from flashgen.decknames import deck_name_problem
from flashgen.errors import ConfigError, Diagnostic
from flashgen.identity import guid_for

LOCK_VERSION = 1
LOCKFILE_PATH = "(lockfile)"
"""The path of diagnostics about the lockfile; the CLI shows the lockfile's real path."""
GUID_PATTERN = re.compile(r"fg[A-Za-z0-9_-]{16}")
"""What ``identity.guid_for`` makes: ``fg`` and 16 characters of URL-safe base64."""
LATEST_TIME = 253402300799
"""9999-12-31T23:59:59Z: a later time is no change time but a damaged (or crafted) value."""
MAX_TEXT = 100_000
"""Characters in one text value: more is no heading, path or key a note file can give."""
_HEX = re.compile(r"[0-9a-f]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARKERS = ("<<<<<<<", "|||||||", "=======", ">>>>>>>")
_MARKER_LINE = re.compile("^(?:" + "|".join(map(re.escape, _MARKERS)) + ")", re.M)


@dataclass(frozen=True)
class LockEntry:
    key: str
    guid: str
    content: str
    """Hash of the note's fields, tags and deck: a change means Anki must update it."""
    body: str
    """Hash of the section's Markdown body, for rename and move matching."""
    sketch: str
    """MinHash of the body, for small-edit matching."""
    heading: str
    file: str
    deck: str
    changed: int
    """Unix time the note's content last changed: the note's ``mod`` in the package."""
    removed: int | None = None
    """Unix time the section disappeared from the notes; None while it is active."""

    @property
    def active(self) -> bool:
        return self.removed is None

    @property
    def last_time(self) -> int:
        """When the entry last changed: its content, or its removal."""
        return max(self.changed, self.removed or 0)


@dataclass(frozen=True)
class Lock:
    deck: str
    namespace: str
    """What GUIDs are derived in: the deck name of the first build, kept across renames."""
    notetype_fingerprint: str
    notetype_mod: int
    entries: tuple[LockEntry, ...]


@dataclass(frozen=True)
class LockRead:
    """A lockfile as read: its content, what was repaired on the way, and whether the file on
    disk must be written again even if the build changes nothing (it held a repair)."""

    lock: Lock
    diagnostics: tuple[Diagnostic, ...] = ()
    repaired: bool = False


class LockfileError(ConfigError):
    """The lockfile cannot be used as it is, and repairing it could lose a note's identity."""


_ADVICE = "restore it from git (`git checkout -- {name}`) or fix that line"


def load_lock(path: Path) -> Lock | None:
    """The lockfile at ``path``, or None if there is none yet."""
    read = read_lock(path)
    return read.lock if read else None


def lock_digest(path: Path) -> str:
    """The SHA-256 of the lockfile's bytes ("missing" when there is none): whether it
    changed, without parsing it again."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise LockfileError(f"cannot read lockfile {path}: {exc.strerror}") from exc


def read_lock(path: Path) -> LockRead | None:
    """Read and check the lockfile at ``path`` (None if there is none); merge leftovers
    are repaired and said so, anything else wrong raises ``LockfileError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise LockfileError(_refusal(path, line, "not UTF-8 text")) from exc
    except OSError as exc:
        raise LockfileError(f"cannot read lockfile {path}: {exc.strerror}") from exc
    return parse_lock(text, path)


def parse_lock(text: str, path: Path) -> LockRead:
    """The one way a lockfile's text becomes a Lock (see the module docstring)."""
    if _has_conflict_markers(text):
        sides = _conflict_sides(text, path)
        reads = [_parse_side(side, path, f"{label} side of the conflict") for label, side in sides]
        base = next((read for (label, _), read in zip(sides, reads, strict=True)
                     if label == "base"), None)
        ours, theirs = (read for (label, _), read in zip(sides, reads, strict=True)
                        if label != "base")
        merged, notes = merge_locks(base.lock if base else None, ours.lock, theirs.lock)
        diagnostics = [
            _note(0, "lockfile held git conflict markers: both sides merged entry by entry "
                  "(the newest change of each note wins)"),
            *notes,
        ]
        return LockRead(merged, tuple(diagnostics), repaired=True)
    return _parse_side(text, path, None)


def _parse_side(text: str, path: Path, side: str | None) -> LockRead:
    """Read one whole lockfile: at C speed when it is whole and valid (the usual case), and
    again, locating every value, to say where the problem is when it is not."""
    quick = _quick_scan(text)
    if quick is not None:
        diagnostics: list[Diagnostic] = []
        try:
            lock = _lock_from(*quick, diagnostics)
        except _Refused:
            pass
        else:
            if not diagnostics:
                return LockRead(lock)
    return _located_parse(text, path, side)


def _located_parse(text: str, path: Path, side: str | None) -> LockRead:
    where = f" ({side})" if side else ""
    try:
        header, items, commas_fixed = _scan(text)
    except _Refused as refused:
        raise LockfileError(_refusal(path, refused.line, refused.message + where)) from None
    diagnostics: list[Diagnostic] = []
    if commas_fixed:
        diagnostics.append(_note(0, "lockfile had commas out of place (a merge?): repaired"))
    try:
        lock = _lock_from(header, items, diagnostics)
    except _Refused as refused:
        raise LockfileError(_refusal(path, refused.line, refused.message + where)) from None
    return LockRead(lock, tuple(diagnostics), repaired=bool(diagnostics))


def _refusal(path: Path, line: int, message: str) -> str:
    location = f"{path}:{line}" if line else str(path)
    advice = _ADVICE.format(name=path.name)
    package = path.with_name(path.name.removesuffix(".lock.json") + ".apkg")
    if path.name.endswith(".lock.json") and package.is_file():
        advice += f"; or move it away: the next build recovers it from {package.name}"
    return f"{location}: lockfile {message}; {advice}"


def _note(line: int, message: str) -> Diagnostic:
    return Diagnostic(LOCKFILE_PATH, line, "warning", message)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


# --- JSON with locations ----------------------------------------------------------------------

_Located = tuple[int, Any]
"""A value and the 1-based line it starts on."""
_LIST = object()
"""Stands for the ``notes`` list, whose entries are located one by one."""
_STRAY_COMMA = re.compile(r",(\s*\n\s*[\]}])")
_MISSING_COMMA = re.compile(r"([}\]])(\s*\n\s*[{\"])")


def _quick_scan(text: str) -> tuple[dict[str, list[_Located]], list[_Located]] | None:
    """``_scan`` without locations, or None when the text needs ``_scan`` to be read."""
    try:
        data = json.loads(text, object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        return None
    header = {name: [(0, _LIST if name == "notes" else value)] for name, value in data.items()}
    return header, [(0, item) for item in data["notes"]]


def _scan(text: str) -> tuple[dict[str, list[_Located]], list[_Located], bool]:
    """The top-level members (each key with every value it was given: a union merge
    repeats header lines) and the entries of ``notes``, each with its line.

    A text that is not JSON only because of commas at line ends (what merging one-entry
    lines leaves) is read with the commas fixed; no other repair is made: every entry line
    must be JSON as it is.
    """
    try:
        return (*_scan_json(text), False)
    except _Refused as refused:
        fixed = _MISSING_COMMA.sub(r"\1,\2", _STRAY_COMMA.sub(r"\1", text))
        if fixed == text:
            raise
        try:
            return (*_scan_json(fixed), True)
        except _Refused:
            raise refused from None


def _scan_json(text: str) -> tuple[dict[str, list[_Located]], list[_Located]]:
    decoder = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_no_constant)
    lines = _LineIndex(text)
    position = _skip(text, 0)
    if not text.startswith("{", position):
        raise _Refused(lines.at(position), "is not a JSON object")
    header: dict[str, list[_Located]] = defaultdict(list)
    items: list[_Located] = []
    position = _skip(text, position + 1)
    while not text.startswith("}", position):
        key, position = _decode(decoder, text, position, lines)
        if not isinstance(key, str):
            raise _Refused(lines.at(position), "member name is not a string")
        position = _expect(text, position, ":", lines)
        start = position
        if key == "notes" and text.startswith("[", position):
            position = _skip(text, position + 1)
            while not text.startswith("]", position):
                item_line = lines.at(position)
                item, position = _decode(decoder, text, position, lines)
                items.append((item_line, item))
                position = _after_item(text, position, "]", lines)
            header[key].append((lines.at(start), _LIST))
            position = _skip(text, position + 1)
        else:
            value, position = _decode(decoder, text, position, lines)
            header[key].append((lines.at(start), value))
        position = _after_item(text, position, "}", lines)
    if _skip(text, position + 1) != len(text):
        raise _Refused(lines.at(_skip(text, position + 1)), "has text after its end")
    return dict(header), items


def _decode(
    decoder: json.JSONDecoder, text: str, position: int, lines: "_LineIndex"
) -> tuple[Any, int]:
    try:
        value, end = decoder.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise _Refused(lines.at(exc.pos), f"is not valid JSON ({exc.msg})") from None
    except _DuplicateMember as exc:
        raise _Refused(lines.at(position), f"names '{exc.name}' twice in one entry") from None
    except _Constant as exc:
        raise _Refused(lines.at(position), f"holds {exc.name}, which is no JSON number") from None
    except RecursionError:
        raise _Refused(lines.at(position), "is nested too deeply") from None
    return value, _skip(text, end)


def _after_item(text: str, position: int, close: str, lines: "_LineIndex") -> int:
    if text.startswith(",", position):
        position = _skip(text, position + 1)
        if text.startswith(close, position):
            raise _Refused(lines.at(position), f"has a comma before '{close}'")
        return position
    if not text.startswith(close, position):
        raise _Refused(lines.at(position), f"is not valid JSON (expected ',' or '{close}')")
    return position


def _expect(text: str, position: int, token: str, lines: "_LineIndex") -> int:
    if not text.startswith(token, position):
        raise _Refused(lines.at(position), f"is not valid JSON (expected '{token}')")
    return _skip(text, position + 1)


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def at(self, position: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.starts, position)


class _DuplicateMember(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Constant(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise _DuplicateMember(name)
        result[name] = value
    return result


def _no_constant(name: str) -> Any:
    raise _Constant(name)


# --- the schema ---------------------------------------------------------------------------------

_Check = Callable[[object], str | None]
"""What is wrong with a value, or None."""


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return "the text " + json.dumps(shown, ensure_ascii=False)
    if isinstance(value, int | float):
        return "the number " + (repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…")
    return "a list" if isinstance(value, list) else "an object"


def _text(*, empty: bool = False) -> _Check:
    def check(value: object) -> str | None:
        if not isinstance(value, str):
            return f"must be a text, not {_describe(value)}"
        if not empty and not value.strip():
            return "must not be empty"
        if len(value) > MAX_TEXT:
            return f"is longer than {MAX_TEXT:,} characters"
        if _CONTROL.search(value):
            return "holds a control character"
        return None

    return check


def _hex(most: int) -> _Check:
    def check(value: object) -> str | None:
        if not isinstance(value, str) or not _HEX.fullmatch(value) or len(value) > most:
            return f"must be a hexadecimal hash, not {_describe(value)}"
        return None

    return check


def _guid(value: object) -> str | None:
    if not isinstance(value, str) or not GUID_PATTERN.fullmatch(value):
        return f"must be a flashgen GUID ('fg' and 16 letters, digits, '-' or '_'), not " \
            f"{_describe(value)}"
    return None


def _deck(value: object) -> str | None:
    if problem := _text()(value):
        return problem
    assert isinstance(value, str)
    if problem := deck_name_problem(value):
        return f"'{value}' {problem}"
    return None


def _time(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LATEST_TIME:
        return f"must be a time in whole seconds since 1970, not {_describe(value)}"
    return None


def _optional_time(value: object) -> str | None:
    return None if value is None else _time(value)


_ENTRY_CHECKS: dict[str, _Check] = {
    "key": _text(),
    "guid": _guid,
    "content": _hex(64),
    "body": _hex(64),
    "sketch": _hex(4096),
    "heading": _text(empty=True),
    "file": _text(),
    "deck": _deck,
    "changed": _time,
    "removed": _optional_time,
}
_ENTRY_FIELDS = tuple(field.name for field in fields(LockEntry))
_OPTIONAL = frozenset(field.name for field in fields(LockEntry) if field.default is not MISSING)
assert set(_ENTRY_CHECKS) == set(_ENTRY_FIELDS), "every lockfile field needs a check"


def _entry(line: int, item: object) -> LockEntry:
    if not isinstance(item, dict):
        raise _Refused(line, f"note must be an object, not {_describe(item)}")
    unknown = sorted(set(item) - set(_ENTRY_FIELDS))
    if unknown:
        raise _Refused(line, f"note has unknown field '{unknown[0]}'")
    values: dict[str, Any] = {}
    for name in _ENTRY_FIELDS:
        if name not in item:
            if name in _OPTIONAL:
                continue
            raise _Refused(line, f"note lacks '{name}'")
        problem = _ENTRY_CHECKS[name](item[name])
        if problem:
            raise _Refused(line, f"note's '{name}' {problem}")
        values[name] = item[name]
    entry = LockEntry(**values)
    if entry.removed is not None and entry.removed < entry.changed:
        raise _Refused(line, "note was removed before it last changed ('removed' < 'changed')")
    return entry


_COLUMN_CHECKS: dict[str, Callable[[list[Any]], bool]] = {}


def _texts_valid(empty: bool) -> Callable[[list[Any]], bool]:
    def valid(values: list[Any]) -> bool:
        return (
            all(type(value) is str for value in values)
            and (empty or all(value.strip() for value in values))
            and max(map(len, values), default=0) <= MAX_TEXT
            and not _CONTROL.search("".join(values))
        )

    return valid


def _hexes_valid(most: int) -> Callable[[list[Any]], bool]:
    def valid(values: list[Any]) -> bool:
        return (
            all(type(value) is str for value in values)
            and max(map(len, values), default=0) <= most
            and bool(_HEX.fullmatch("".join(values)))
        )

    return valid


def _guids_valid(values: list[Any]) -> bool:
    return all(type(value) is str for value in values) and bool(
        _GUID_LINES.fullmatch("".join(value + "\n" for value in values))
    )


def _decks_valid(values: list[Any]) -> bool:
    return _texts_valid(False)(values) and not any(map(deck_name_problem, set(values)))


def _times_valid(values: list[Any]) -> bool:
    values = [value for value in values if value is not None]
    return all(type(value) is int for value in values) and (
        not values or (min(values) >= 0 and max(values) <= LATEST_TIME)
    )


_GUID_LINES = re.compile(f"(?:{GUID_PATTERN.pattern}\n)*")
_COLUMN_CHECKS.update({
    "key": _texts_valid(False), "guid": _guids_valid, "content": _hexes_valid(64),
    "body": _hexes_valid(64), "sketch": _hexes_valid(4096), "heading": _texts_valid(True),
    "file": _texts_valid(False), "deck": _decks_valid, "changed": _times_valid,
    "removed": _times_valid,
})
assert set(_COLUMN_CHECKS) == set(_ENTRY_CHECKS), "column checks mirror the entry checks"
_REQUIRED = frozenset(_ENTRY_FIELDS) - _OPTIONAL


def _all_valid(items: list[_Located]) -> list[tuple[int, LockEntry]] | None:
    """The entries, if every one is valid, checked a field at a time across all entries
    (several times faster than one at a time); None if any is not: ``_entry`` then says
    which and why."""
    known = frozenset(_ENTRY_FIELDS)
    if not all(type(item) is dict and _REQUIRED <= item.keys() <= known for _, item in items):
        return None
    for name, valid in _COLUMN_CHECKS.items():
        if not valid([item.get(name) for _, item in items]):
            return None
    entries = [(line, LockEntry(**item)) for line, item in items]
    if any(e.removed is not None and e.removed < e.changed for _, e in entries):
        return None
    return entries


def _lock_from(
    header: dict[str, list[_Located]], items: list[_Located], diagnostics: list[Diagnostic]
) -> Lock:
    known = {"deck", "flashgen_lock", "namespace", "notetype", "notes"}
    for name, values in header.items():
        if name not in known:
            raise _Refused(values[0][0], f"has unknown member '{name}'")
    for name in sorted(known):
        if name not in header:
            raise _Refused(0, f"lacks '{name}'")
    for line, version in header["flashgen_lock"]:
        if version != LOCK_VERSION or isinstance(version, bool):
            raise _Refused(line, f"version {_describe(version)} is not {LOCK_VERSION}; "
                           "a newer flashgen wrote it (update flashgen)")
    if len(header["notes"]) > 1:
        raise _Refused(header["notes"][1][0], "has two 'notes' lists")
    if header["notes"][0][1] is not _LIST:
        raise _Refused(header["notes"][0][0], "'notes' must be a list")
    deck = _one_text(header["deck"], "deck", diagnostics)
    namespace = _one_text(header["namespace"], "namespace", diagnostics)
    notetypes = [(line, _notetype(line, value)) for line, value in header["notetype"]]
    if len({value for _, value in notetypes}) > 1:
        diagnostics.append(_note(notetypes[1][0], "lockfile names the notetype twice (a merge?): "
                                 "the newer is kept"))
    fingerprint, notetype_mod = max(value for _, value in notetypes)[::-1]
    located = _all_valid(items)
    if located is None:
        located = [(line, _entry(line, item)) for line, item in items]
    entries = resolve_entries(located, namespace, diagnostics)
    return Lock(deck, namespace, fingerprint, notetype_mod, entries)


def _one_text(values: list[_Located], name: str, diagnostics: list[Diagnostic]) -> str:
    check = _text()
    for line, value in values:
        if problem := check(value):
            raise _Refused(line, f"'{name}' {problem}")
    texts = sorted({value for _, value in values})
    if len(texts) > 1:
        diagnostics.append(
            _note(values[1][0], f"lockfile names its {name} twice (a merge?): '{texts[0]}' is kept")
        )
    return str(texts[0])


def _notetype(line: int, value: object) -> tuple[int, str]:
    if not isinstance(value, dict) or set(value) != {"fingerprint", "mod"}:
        raise _Refused(line, "'notetype' must be an object of 'fingerprint' and 'mod'")
    if problem := _hex(64)(value["fingerprint"]):
        raise _Refused(line, f"notetype's 'fingerprint' {problem}")
    if problem := _time(value["mod"]):
        raise _Refused(line, f"notetype's 'mod' {problem}")
    return value["mod"], value["fingerprint"]


# --- merging ------------------------------------------------------------------------------------


def _newest_first(entry: LockEntry) -> tuple[int, bool, str]:
    """The order in which rival entries win: the latest change, then an active entry over a
    removed one, then (for a tie) the larger serialised entry: the same on every machine."""
    return (entry.last_time, entry.active, json.dumps(_entry_item(entry), sort_keys=True))


def _winner(
    claims: list[tuple[int, LockEntry]], rank: Callable[[tuple[int, LockEntry]], Any]
) -> tuple[int, LockEntry]:
    """The claim that ranks highest; a lone claim (nearly every one) without ranking it, which
    serialises the entry."""
    return claims[0] if len(claims) == 1 else max(claims, key=rank)


def resolve_entries(
    located: Iterable[tuple[int, LockEntry]], namespace: str, diagnostics: list[Diagnostic]
) -> tuple[LockEntry, ...]:
    """One entry per key and one per GUID, from entries that may claim either twice (what an
    "accept both" or union merge leaves, or a hand edit).

    Per key the newest entry wins. A GUID claimed by two keys goes to, in turn: an active
    entry over a removed one (a live note is never marked removed because of a rival); the
    key the GUID was derived from (a copied GUID does not take a note's reviews); the newest.
    The loser is dropped, not removed: if its section still exists it becomes a new note.
    """
    by_key: dict[str, list[tuple[int, LockEntry]]] = defaultdict(list)
    for line, entry in located:
        by_key[entry.key].append((line, entry))
    twice: list[int] = []
    by_guid: dict[str, list[tuple[int, LockEntry]]] = defaultdict(list)
    for claims in by_key.values():
        line, entry = _winner(claims, lambda claim: _newest_first(claim[1]))
        if len({claim[1] for claim in claims}) > 1:
            twice.append(line)
        by_guid[entry.guid].append((line, entry))
    if twice:
        diagnostics.append(_note(min(twice), f"{len(twice)} note(s) are in the lockfile twice "
                                 "(an \"accept both\" merge?): the newer entry of each is kept"))

    def rank(claim: tuple[int, LockEntry]) -> tuple[bool, bool, tuple[int, bool, str]]:
        entry = claim[1]
        return entry.active, guid_for(namespace, entry.key) == entry.guid, _newest_first(entry)

    kept: list[LockEntry] = []
    for guid, claims in by_guid.items():
        line, entry = _winner(claims, rank)
        for other_line, other in claims:
            if other is not entry:
                diagnostics.append(_note(
                    other_line,
                    f"GUID {guid} is claimed by '{other.key}' and by '{entry.key}': it stays "
                    f"with '{entry.key}'; '{other.key}' loses its entry (if it still exists, "
                    "it becomes a new note)",
                ))
        kept.append(entry)
    return tuple(sorted(kept, key=lambda entry: entry.key))


def merge_locks(base: Lock | None, ours: Lock, theirs: Lock) -> tuple[Lock, list[Diagnostic]]:
    """Merge two lockfiles entry by entry; ``base`` (their common ancestor, if known) tells
    an entry one side left alone and the other dropped (a rename) from a new one."""
    diagnostics: list[Diagnostic] = []
    base_entries = {entry.key: entry for entry in base.entries} if base else {}
    our_entries = {entry.key: entry for entry in ours.entries}
    their_entries = {entry.key: entry for entry in theirs.entries}
    located: list[tuple[int, LockEntry]] = []
    for key in sorted(our_entries.keys() | their_entries.keys()):
        mine, other, old = our_entries.get(key), their_entries.get(key), base_entries.get(key)
        if old is not None and old in (mine, other) and None in (mine, other):
            continue  # one side left it as it was, the other dropped it (renamed it)
        rivals = [entry for entry in (mine, other) if entry is not None]
        located.append((0, max(rivals, key=_newest_first)))
    namespace = min(ours.namespace, theirs.namespace)
    fingerprint, notetype_mod = max(
        (ours.notetype_mod, ours.notetype_fingerprint),
        (theirs.notetype_mod, theirs.notetype_fingerprint),
    )[::-1]
    entries = resolve_entries(located, namespace, diagnostics)
    merged = Lock(
        deck=max(ours.deck, theirs.deck) if ours.deck != theirs.deck else ours.deck,
        namespace=namespace,
        notetype_fingerprint=fingerprint,
        notetype_mod=notetype_mod,
        entries=entries,
    )
    return merged, diagnostics


# --- conflict markers ---------------------------------------------------------------------------


def _has_conflict_markers(text: str) -> bool:
    return _MARKER_LINE.search(text) is not None


def _conflict_sides(text: str, path: Path) -> list[tuple[str, str]]:
    """The texts on each side of git's conflict markers: ours, theirs, and the base when git
    wrote it (``merge.conflictStyle = diff3``). No JSON line can start like a marker."""
    sides: dict[str, list[str]] = {"ours": [], "base": [], "theirs": []}
    moves = {
        (None, "<<<<<<<"): "ours",
        ("ours", "|||||||"): "base",
        ("ours", "======="): "theirs",
        ("base", "======="): "theirs",
        ("theirs", ">>>>>>>"): None,
    }
    state: str | None = None
    has_base = False
    for number, line in enumerate(text.split("\n"), 1):
        marker = next((m for m in _MARKERS if line.startswith(m)), None)
        if marker is not None:
            if (state, marker) not in moves:
                raise LockfileError(_refusal(path, number, f"has a stray '{marker}' line"))
            state = moves[state, marker]
            has_base = has_base or state == "base"
            continue
        for side in ("ours", "base", "theirs") if state is None else (state,):
            sides[side].append(line)
    if state is not None:
        raise LockfileError(_refusal(path, 0, "has a conflict that is never closed (>>>>>>>)"))
    labels = ("base", "ours", "theirs") if has_base else ("ours", "theirs")
    return [(label, "\n".join(sides[label])) for label in labels]


# --- writing ------------------------------------------------------------------------------------


def _entry_item(entry: LockEntry) -> dict[str, object]:
    item: dict[str, object] = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    if entry.removed is None:
        del item["removed"]
    return item


def lock_to_json(lock: Lock) -> str:
    notes = [_entry_item(entry) for entry in sorted(lock.entries, key=lambda e: e.key)]
    header = {
        "deck": lock.deck,
        "flashgen_lock": LOCK_VERSION,
        "namespace": lock.namespace,
        "notetype": {"fingerprint": lock.notetype_fingerprint, "mod": lock.notetype_mod},
    }
    lines = [
        f" {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)},"
        for key, value in header.items()
    ]
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    entries = ",\n".join("  " + encode(item) for item in notes)
    return "{\n" + "\n".join(lines) + '\n "notes": [\n' + entries + "\n ]\n}\n"


def merge_lock_files(base: Path, ours: Path, theirs: Path) -> tuple[Diagnostic, ...]:
    """git's merge driver (``flashgen lock merge %O %A %B``): merge ``theirs`` into ``ours``
    in place. ``base`` is empty when the two sides have no common ancestor."""
    reads = {}
    for label, path in (("base", base), ("ours", ours), ("theirs", theirs)):
        try:
            empty = label == "base" and not path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            empty = label == "base"
        except (OSError, UnicodeDecodeError):
            empty = False
        reads[label] = None if empty else read_lock(path)
    mine, other = reads["ours"], reads["theirs"]
    if mine is None or other is None:
        raise LockfileError(f"cannot merge: {ours if mine is None else theirs} does not exist")
    old = reads["base"]
    merged, diagnostics = merge_locks(old.lock if old else None, mine.lock, other.lock)
    temporary = ours.with_name(f".{ours.name}.merge")
    try:
        temporary.write_text(lock_to_json(merged), encoding="utf-8")
        temporary.replace(ours)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise LockfileError(f"cannot write {ours}: {exc.strerror}") from exc
    return (*mine.diagnostics, *other.diagnostics, *diagnostics)
