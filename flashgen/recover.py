"""A lost lockfile recovered from the last package, not minted again.

The package beside the lockfile holds every note flashgen last wrote: its GUID, its ``mod``
(the time its section last changed), its fields (``Source`` is the note file, ``Id`` the
GUID), tags and deck. When the lockfile is missing, each section of the notes is paired with
the note of the package it was: by the GUID its key gives, else by its file and prompt. The
pairs become lockfile entries that keep the note's GUID and, when its content is what the
package holds, its ``mod``, so that Anki neither duplicates nor overwrites a note (edits
made in Anki survive). What the package is is read as input from a stranger: rows that are
not what flashgen writes are left out.
"""

import json
import sqlite3
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from flashgen.errors import Diagnostic
from flashgen.fill import NoteContent, content_hash
from flashgen.identity import guid_for
from flashgen.lockfile import GUID_PATTERN, LATEST_TIME, LOCKFILE_PATH, Lock, LockEntry
from flashgen.notetype import FIELDS, MODEL_ID, NoteFields
from flashgen.plan import REMOVED_TAG

_NO_FINGERPRINT = "0" * 64
"""The notetype's fingerprint is not in a package: the next build updates the notetype."""
MAX_COLLECTION_BYTES = 2 << 30


@dataclass(frozen=True)
class PackageNote:
    guid: str
    mod: int
    fields: NoteFields
    tags: tuple[str, ...]
    deck: str

    @property
    def removed(self) -> bool:
        return REMOVED_TAG in self.tags


@dataclass(frozen=True)
class Recovered:
    lock: Lock
    diagnostics: tuple[Diagnostic, ...]


def read_package(package: Path) -> tuple[tuple[PackageNote, ...], int] | None:
    """The flashgen notes of ``package`` and its notetype's ``mod``; None if it is not a
    package that can be read."""
    try:
        with tempfile.TemporaryDirectory() as scratch:
            database = Path(scratch) / "collection.anki2"
            with zipfile.ZipFile(package) as archive:
                info = archive.getinfo("collection.anki2")
                if info.file_size > MAX_COLLECTION_BYTES:
                    return None
                with archive.open(info) as source, open(database, "wb") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
            return _read_collection(database)
    except (OSError, KeyError, zipfile.BadZipFile, sqlite3.Error, ValueError, TypeError):
        return None


def _read_collection(database: Path) -> tuple[tuple[PackageNote, ...], int]:
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
        deck_names = {int(k): str(v["name"]) for k, v in json.loads(decks_json).items()}
        model = json.loads(models_json).get(str(MODEL_ID), {})
        notetype_mod = model.get("mod", 0) if isinstance(model, dict) else 0
        rows = connection.execute(
            "SELECT n.guid, n.mod, n.flds, n.tags, min(c.did) FROM notes n "
            "JOIN cards c ON c.nid = n.id WHERE n.mid = ? GROUP BY n.id",
            (MODEL_ID,),
        ).fetchall()
    finally:
        connection.close()
    notes = []
    for guid, mod, flds, tags, did in rows:
        note = _note(guid, mod, flds, tags, deck_names.get(did))
        if note is not None:
            notes.append(note)
    if not isinstance(notetype_mod, int) or not 0 <= notetype_mod <= LATEST_TIME:
        notetype_mod = 0
    return tuple(notes), notetype_mod


def _note(
    guid: object, mod: object, flds: object, tags: object, deck: object
) -> PackageNote | None:
    if not (isinstance(guid, str) and GUID_PATTERN.fullmatch(guid)):
        return None
    if isinstance(mod, bool) or not isinstance(mod, int) or not 0 <= mod <= LATEST_TIME:
        return None
    if not (isinstance(flds, str) and isinstance(tags, str) and isinstance(deck, str)):
        return None
    values = flds.split("\x1f")
    if len(values) != len(FIELDS) or values[-1] != guid:
        return None
    return PackageNote(guid, mod, NoteFields(*values), tuple(tags.split()), deck)


def recover_lock(
    package: Path, notes: Iterable[NoteContent], deck: str, now: int
) -> Recovered | None:
    """The lockfile the last build of ``package`` wrote, as far as the package and the
    current ``notes`` tell it; None if there is no package to read."""
    read = read_package(package)
    if read is None:
        return None
    found, notetype_mod = read
    notes = list(notes)
    by_guid = {old.guid: old for old in found}
    namespace = _namespace(deck, found, notes)
    by_place: dict[tuple[str, str], list[PackageNote]] = defaultdict(list)
    for old in found:
        by_place[unescape(old.fields.source), old.fields.prompt].append(old)
    entries: list[LockEntry] = []
    claimed: set[str] = set()
    for note in notes:
        match = by_guid.get(guid_for(namespace, note.key))
        if match is None or match.guid in claimed:
            places = [
                n for n in by_place.get((note.relpath, note.fields.prompt), [])
                if n.guid not in claimed
            ]
            match = places[0] if len(places) == 1 else None
        if match is None:
            continue
        claimed.add(match.guid)
        entries.append(LockEntry(
            key=note.key, guid=match.guid,
            content=content_hash(match.fields, match.tags, match.deck),
            body=note.body_hash, sketch=note.body_sketch, heading=note.heading,
            file=note.relpath, deck=note.deck, changed=match.mod,
        ))
    keys = {entry.key for entry in entries}
    for old in found:
        if old.guid in claimed:
            continue
        key = f"{unescape(old.fields.source)} › (recovered {old.guid})"
        if key in keys:
            continue
        removed = old.mod if old.removed else max(now, old.mod + 1)
        entries.append(LockEntry(
            key=key, guid=old.guid, content="", body="", sketch="",
            heading=unescape(old.fields.prompt), file=unescape(old.fields.source),
            deck=old.deck, changed=old.mod, removed=removed,
        ))
    lock = Lock(
        deck=deck, namespace=namespace, notetype_fingerprint=_NO_FINGERPRINT,
        notetype_mod=notetype_mod, entries=tuple(sorted(entries, key=lambda e: e.key)),
    )
    message = (
        f"lockfile missing: recovered {len(claimed)} note(s)' GUIDs and change times from "
        f"{package.name} ({len(found) - len(claimed)} no longer in the notes); it is written "
        "again"
    )
    return Recovered(lock, (Diagnostic(LOCKFILE_PATH, 0, "warning", message),))


def _namespace(deck: str, found: tuple[PackageNote, ...], notes: list[NoteContent]) -> str:
    """What the lost lockfile derived GUIDs in: the deck name of the first build. Of the
    names it could be (the deck's, and every deck in the package), the one whose GUIDs the
    package holds most of."""
    guids = {old.guid for old in found}
    candidates = sorted({deck, *(old.deck.split("::")[0] for old in found),
                         *(old.deck for old in found)})

    def explained(namespace: str) -> int:
        return sum(guid_for(namespace, note.key) in guids for note in notes)

    return max(candidates, key=lambda name: (explained(name), name == deck))
