"""The ``.apkg`` sink: write the deck as an Anki package, as File → Import reads it.

This is the one module that imports genanki: it provides the collection schema, the deck and
notetype JSON. Notes and cards are inserted here directly, so that each note carries its own
``mod`` (the time its content last changed) instead of the build time. The package is written
to a temporary file beside the target and renamed into place, so a build killed at any moment
leaves the previous package whole.
"""

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashgen.errors import WriteError
from flashgen.notetype import FIELDS, MODEL_ID, MODEL_NAME, SORT_FIELD_INDEX
from flashgen.output import make_folder, remove_leftovers, replace_atomically
from flashgen.package_zip import write_package_zip
from flashgen.plan import DeckPlan, PlannedNote
from flashgen.sinks import Delivery
from flashgen.targets import TEMPORARY_SUFFIX, temporary_prefix
from flashgen.templates import CardTemplates

if TYPE_CHECKING:
    from flashgen.build import BuildPlan

_SEPARATOR = "\x1f"
"""Between the fields of a note in Anki's database."""


@dataclass(frozen=True)
class ApkgSink:
    """Writes ``output``; skips the write when the package there is already this plan's."""

    output: Path

    def deliver(self, build: "BuildPlan") -> Delivery:
        digest = package_digest(build.plan, build.templates)
        ours = build.memo.get("package_stat") == _stat(self.output)
        if build.lock_unchanged and build.memo.get("package") == digest and ours:
            return Delivery(f"{self.output} is up to date", changed=False, memo=build.memo)
        # The package there is the one the last build wrote: its media entries can be copied.
        write_package(build.plan, build.templates, self.output, self.output if ours else None)
        return Delivery(
            f"wrote {self.output}",
            memo={"package": digest, "package_stat": _stat(self.output)},
        )


def write_package(
    plan: DeckPlan, templates: CardTemplates, output: Path, previous: Path | None = None
) -> None:
    """Write the package of ``plan`` to ``output``. Call it holding ``build_lock(output)``
    (or with an ``output`` no other build writes). ``previous``: a package flashgen wrote,
    whose media entries are copied rather than read again (the bytes are the same)."""
    make_folder(output.parent)
    remove_leftovers(output, output)
    try:
        scratch = tempfile.TemporaryDirectory(
            TEMPORARY_SUFFIX, temporary_prefix(output), dir=output.parent
        )
    except OSError as exc:
        raise WriteError(f"cannot write {output}: {exc.strerror}") from exc
    with scratch:
        database = Path(scratch.name) / "collection.anki2"
        try:
            _write_collection(database, plan, templates)
        except (OSError, sqlite3.Error) as exc:
            raise WriteError(f"cannot write {output}: {exc}") from exc
        replace_atomically(
            output, lambda path: write_package_zip(path, database, plan.media, previous)
        )


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
