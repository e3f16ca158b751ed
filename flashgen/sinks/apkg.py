"""The ``.apkg`` sink: write the deck as an Anki package, as File → Import reads it.

This is the one module that imports genanki: it provides the collection schema, the deck and
notetype JSON. Notes and cards are inserted here directly, so that each note carries its own
``mod`` (the time its content last changed) instead of the build time. The package is written
to a temporary file beside the target and renamed into place, so a build killed at any moment
leaves the previous package whole.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from flashgen.errors import WriteError
from flashgen.media import MediaFile
from flashgen.notetype import FIELDS, MODEL_ID, MODEL_NAME, SORT_FIELD_INDEX
from flashgen.output import make_folder, remove_leftovers, replace_atomically
from flashgen.plan import DeckPlan, PlannedNote
from flashgen.sinks import Delivery
from flashgen.templates import CardTemplates

if TYPE_CHECKING:
    from flashgen.build import BuildPlan

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20
_SEPARATOR = "\x1f"
"""Between the fields of a note in Anki's database."""


@dataclass(frozen=True)
class ApkgSink:
    """Writes ``output``; skips the write when the package there is already this plan's."""

    output: Path

    def deliver(self, build: "BuildPlan") -> Delivery:
        digest = package_digest(build.plan, build.templates)
        if build.lock_unchanged and build.memo.get("package") == digest and (
            build.memo.get("package_stat") == _stat(self.output)
        ):
            return Delivery(f"{self.output} is up to date", changed=False, memo=build.memo)
        write_package(build.plan, build.templates, self.output)
        return Delivery(
            f"wrote {self.output}",
            memo={"package": digest, "package_stat": _stat(self.output)},
        )


def write_package(plan: DeckPlan, templates: CardTemplates, output: Path) -> None:
    """Write the package of ``plan`` to ``output``. Call it holding ``build_lock(output)``
    (or with an ``output`` no other build writes)."""
    make_folder(output.parent)
    remove_leftovers(output, output)
    try:
        scratch = tempfile.TemporaryDirectory(prefix=f".{output.name}.", dir=output.parent)
    except OSError as exc:
        raise WriteError(f"cannot write {output}: {exc.strerror}") from exc
    with scratch:
        database = Path(scratch.name) / "collection.anki2"
        try:
            _write_collection(database, plan, templates)
        except (OSError, sqlite3.Error) as exc:
            raise WriteError(f"cannot write {output}: {exc}") from exc
        replace_atomically(output, lambda path: _zip_package(path, database, plan))


def package_digest(plan: DeckPlan, templates: CardTemplates) -> str:
    """With the lockfile, everything the package's bytes depend on: which notes it holds
    (removed ones leave after their grace period) and the notetype."""
    digest = hashlib.sha256(templates.fingerprint().encode())
    digest.update(
        "\0".join(f"{note.guid}|{note.mod}|{note.status == 'removed'}" for note in plan.notes)
        .encode()
    )
    return digest.hexdigest()


def _stat(path: Path) -> str:
    try:
        status = os.stat(path)
    except OSError:
        return "missing"
    return f"{status.st_size}|{status.st_mtime_ns}|{status.st_ino}"


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
        _SEPARATOR.join(
            field.replace(_SEPARATOR, "\ufffd") for field in note.fields.in_anki_order()
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
