"""Stage 7, the only one with side effects: write the package, then the lockfile.

This is the one module that imports genanki: it provides the collection schema, the deck and
notetype JSON. Notes and cards are inserted here directly, so that each note carries its own
``mod`` (the time its content last changed) instead of the build time. Both files are written
to a temporary file beside the target and renamed into place, so a build killed at any moment
leaves the previous package and lockfile whole.
"""

import fcntl
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

from flashgen.errors import BuildLockedError, WriteError
from flashgen.notetype import FIELDS, MODEL_ID, MODEL_NAME, SORT_FIELD_INDEX
from flashgen.plan import DeckPlan, PlannedNote
from flashgen.templates import CardTemplates

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_TAGS = re.compile(r"<[^>]*>")


def write_deck(plan: DeckPlan, templates: CardTemplates, output: Path, lockfile: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="flashgen-") as scratch:
        database = Path(scratch) / "collection.anki2"
        _write_collection(database, plan, templates)
        _replace_atomically(output, lambda path: _zip_package(path, database, plan))
    _replace_atomically(lockfile, lambda path: path.write_text(plan.lock_text, "utf-8"))


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``output`` for the whole build; a second build fails fast.

    Worker processes forked by the build share the lock, and die with the build (see
    ``files._die_with``), so a killed build does not leave it behind.
    """
    output.parent.mkdir(parents=True, exist_ok=True)
    path = output.with_name(f".{output.name}.build-lock")
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLockedError(
                f"another flashgen build is writing {output} right now; try again when it ends"
            ) from exc
        try:
            yield
        finally:
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
        cursor.executescript(APKG_SCHEMA)
        cursor.executescript(APKG_COL)
        decks = sorted({note.deck for note in plan.notes} | {plan.deck})
        for name in decks:
            deck = genanki.Deck(deck_id(name), name)
            deck.add_model(model)
            deck.write_to_db(cursor, plan.notetype_mod, ids)
        note_rows = []
        card_rows = []
        for position, note in enumerate(plan.notes):
            note_id = next(ids)
            note_rows.append(_note_row(note_id, note))
            for template in note.card_templates:
                card_rows.append(
                    (next(ids), note_id, deck_id(note.deck), template_ords[template], note.mod,
                     -1, 0, 0, position, 0, 0, 0, 0, 0, 0, 0, 0, "")
                )
        cursor.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", note_rows)
        cursor.executemany(
            "INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows
        )
        connection.commit()
    finally:
        connection.close()


def _note_row(note_id: int, note: PlannedNote) -> tuple[object, ...]:
    sort_text = _TAGS.sub("", note.fields[SORT_FIELD_INDEX])
    checksum = int(hashlib.sha1(sort_text.encode()).hexdigest()[:8], 16)
    tags = f" {' '.join(note.tags)} " if note.tags else ""
    return (
        note_id, note.guid, MODEL_ID, note.mod, -1, tags,
        "\x1f".join(field.replace("\x1f", "\ufffd") for field in note.fields),  # the separator
        sort_text, checksum, 0, "",
    )


def _zip_package(path: Path, database: Path, plan: DeckPlan) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        _add(archive, "collection.anki2", database.read_bytes())
        media_map = {str(index): item.name for index, item in enumerate(plan.media)}
        _add(archive, "media", json.dumps(media_map, sort_keys=True).encode())
        for index, item in enumerate(plan.media):
            try:
                content = item.path.read_bytes()
            except OSError as exc:
                raise WriteError(f"cannot read media {item.path}: {exc.strerror}") from exc
            _add(archive, str(index), content)


def _add(archive: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, content)


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

