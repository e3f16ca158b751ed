"""Stage 7, the only one with side effects: write the package, then the lockfile.

This is the one module that imports genanki: it provides the collection schema, the deck and
notetype JSON. Notes and cards are inserted here directly, so that each note carries its own
``mod`` (the time its content last changed) instead of the build time. Both files are written
to a temporary file beside the target and renamed into place, so a build killed at any moment
leaves the previous package and lockfile whole.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from glob import escape as glob_escape
from itertools import count
from pathlib import Path
from typing import IO, Any

from flashgen.errors import BuildLockedError, WriteError
from flashgen.media import MediaFile
from flashgen.notetype import FIELDS, MODEL_ID, MODEL_NAME, SORT_FIELD_INDEX
from flashgen.plan import DeckPlan, PlannedNote
from flashgen.templates import CardTemplates

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


def write_deck(plan: DeckPlan, templates: CardTemplates, output: Path, lockfile: Path) -> None:
    """Write the package, then the lockfile. Call it holding ``build_lock(output)``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output, lockfile)
    with tempfile.TemporaryDirectory(prefix=f".{output.name}.", dir=output.parent) as scratch:
        database = Path(scratch) / "collection.anki2"
        _write_collection(database, plan, templates)
        _replace_atomically(output, lambda path: _zip_package(path, database, plan))
    _replace_atomically(lockfile, lambda path: path.write_text(plan.lock_text, "utf-8"))


def _remove_leftovers(output: Path, lockfile: Path) -> None:
    """Temporary files of a build that was killed: with the lock held, none is in use."""
    for target in (output, lockfile):
        for leftover in target.parent.glob(f".{glob_escape(target.name)}.*"):
            if leftover.name == _lock_name(output):
                continue
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)


def _lock_name(output: Path) -> str:
    return f".{output.name}.build-lock"


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``output`` for the whole build; a second build fails fast.

    Worker processes forked by the build share the lock, and die with the build (see
    ``files._die_with``), so a killed build does not leave it behind.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    path = output.with_name(_lock_name(output))
    with open(path, "a+b") as handle:
        try:
            _lock(handle)
        except OSError as exc:
            raise BuildLockedError(
                f"another flashgen build is writing {output} right now; try again when it ends"
            ) from exc
        try:
            yield
        finally:
            _unlock(handle)


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)


def notetype_model(templates: CardTemplates) -> Any:
    """genanki's Model of the notetype (imported here: a rebuild that writes nothing never
    loads genanki)."""
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[
            {"name": template.name, "qfmt": template.front, "afmt": template.back}
            for template in templates.templates
        ],
        css=templates.css,
        sort_field_index=SORT_FIELD_INDEX,
    )


def deck_id(name: str) -> int:
    """A stable id per deck name (Anki matches decks by name on import, not by id)."""
    digest = hashlib.sha256(name.encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _write_collection(database: Path, plan: DeckPlan, templates: CardTemplates) -> None:
    import genanki
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    model = notetype_model(templates)
    template_ords = {template.name: ord_ for ord_, template in enumerate(templates.templates)}
    ids = count(plan.notetype_mod * 1000)
    connection = sqlite3.connect(database)
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        names = {note.deck for note in plan.notes} | {plan.deck}
        deck_ids = {name: deck_id(name) for name in names}
        for name in sorted(deck_ids):
            deck = genanki.Deck(deck_ids[name], name)
            deck.add_model(model)
            deck.write_to_db(cursor, plan.notetype_mod, ids)
        card_rows = []

        def note_rows() -> Iterator[tuple[object, ...]]:
            """Streamed into SQLite: the joined fields of every note are never all held."""
            for position, note in enumerate(plan.notes):
                note_id = next(ids)
                yield _note_row(note_id, note)
                for template in note.card_templates:
                    card_rows.append(
                        (next(ids), note_id, deck_ids[note.deck], template_ords[template],
                         note.mod, -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, "")
                    )

        cursor.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", note_rows())
        cursor.executemany(
            "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows
        )
        connection.commit()
    finally:
        connection.close()


def _note_row(note_id: int, note: PlannedNote) -> tuple[object, ...]:
    sort_text, checksum = note.sort_field
    tags = f" {' '.join(note.tags)} " if note.tags else ""
    return (
        note_id, note.guid, MODEL_ID, note.mod, -1, tags,
        "\x1f".join(  # the separator
            field.replace("\x1f", "\ufffd") for field in note.fields.in_anki_order()
        ),
        sort_text, checksum, 0, "",
    )


def _zip_package(path: Path, database: Path, plan: DeckPlan) -> None:
    """Fixed entry times and order: the same plan gives the same bytes. Fast deflate: the
    collection compresses well at any level, and a rebuild should not wait for level 6."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with open(database, "rb") as source, archive.open(_entry("collection.anki2"), "w") as out:
            shutil.copyfileobj(source, out, _CHUNK)
        media_map = {str(index): item.name for index, item in enumerate(plan.media)}
        with archive.open(_entry("media"), "w") as out:
            out.write(json.dumps(media_map, sort_keys=True).encode())
        for index, item in enumerate(plan.media):
            with archive.open(_entry(str(index)), "w") as out:
                _copy_media(item, out)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _copy_media(item: MediaFile, out: IO[bytes]) -> None:
    """Copy a media file in chunks, checking it is still the content its name was made from
    (it was hashed while rendering; an image saved meanwhile would no longer match)."""
    digest = hashlib.sha256()
    try:
        with open(item.path, "rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        raise WriteError(f"cannot read media {item.path}: {exc.strerror}") from exc
    expected = item.name.removeprefix("flashgen-").rsplit(".", 1)[0]
    if digest.hexdigest()[: len(expected)] != expected:
        raise WriteError(f"media changed during the build: {item.path}; build again")


def _replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror}") from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

