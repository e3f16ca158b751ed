"""Anki desktop, while it runs, through the AnkiConnect add-on (API version 6).

Actions used: ``version``, ``findNotes``, ``notesModTime`` and ``notesInfo`` (or, on an
AnkiConnect without ``notesModTime``, such as the add-on's code of 2023, ``exportPackage``
of the synced decks), ``modelNamesAndIds``, ``modelStyling``, ``modelTemplates``,
``importPackage``, ``deleteNotes``, ``addTags``. Needs nothing beyond
the standard library.
"""

import json
import sqlite3
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flashgen.errors import AnkiError
from flashgen.notetype import FIELDS, MODEL_ID, SORT_FIELD_INDEX
from flashgen.sinks.anki import HeldNote, NotetypeText

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
PROBE_SECONDS = 1.0
REQUEST_SECONDS = 120.0
_GUID_FIELD = FIELDS[-1]
_PROMPT_FIELD = FIELDS[SORT_FIELD_INDEX]
_UNSUPPORTED = "unsupported action"


class AnkiConnect:
    def __init__(self, url: str = DEFAULT_URL) -> None:
        self.url = url
        self.description = f"Anki through AnkiConnect at {url}"
        self.remembers = True

    def answers(self) -> bool:
        """Whether AnkiConnect answers at the URL (quickly: Anki may simply be closed)."""
        try:
            self._call("version", {}, PROBE_SECONDS)
        except AnkiError:
            return False
        return True

    def flashgen_notes(
        self, decks: Sequence[str], scratch: Path, seen: Mapping[int, HeldNote]
    ) -> list[HeldNote]:
        """``findNotes`` and ``notesModTime``, then ``notesInfo`` only for the notes not
        ``seen`` with that id and ``mod`` before (each note's GUID is its ``Id`` field).
        Without ``notesModTime``: an export of the synced decks says it all."""
        ids = self._call("findNotes", {"query": f"mid:{MODEL_ID}"})
        if not ids:
            return []
        try:
            rows = self._call("notesModTime", {"notes": ids})
        except AnkiError as exc:
            if _UNSUPPORTED not in str(exc):
                raise
            return self._exported_notes(decks, scratch)
        mods = {int(row["noteId"]): int(row["mod"]) for row in rows}
        known = [seen[i] for i in ids if i in seen and seen[i].mod == mods.get(i)]
        asked = [i for i in ids if not (i in seen and seen[i].mod == mods.get(i))]
        infos = self._call("notesInfo", {"notes": asked}) if asked else []
        return known + [
            HeldNote(
                id=int(info["noteId"]),
                guid=str(info["fields"][_GUID_FIELD]["value"]),
                mod=mods.get(int(info["noteId"])),
                prompt=str(info["fields"].get(_PROMPT_FIELD, {}).get("value", "")),
                tags=tuple(info.get("tags") or ()),
            )
            for info in infos
            if _GUID_FIELD in (info.get("fields") or {})
        ]

    def notetype(self) -> NotetypeText | None:
        """``modelNamesAndIds``, then ``modelStyling`` and ``modelTemplates`` by name (the
        ids of templates are not in the API; their order is)."""
        names = {int(i): str(name) for name, i in self._call("modelNamesAndIds", {}).items()}
        if MODEL_ID not in names:
            return None
        name = names[MODEL_ID]
        css = self._call("modelStyling", {"modelName": name})["css"]
        templates = self._call("modelTemplates", {"modelName": name})
        return NotetypeText(
            str(css),
            tuple((str(t), str(side["Front"]), str(side["Back"])) for t, side in templates.items()),
        )

    def note_ids(self, query: str) -> set[int]:
        return {int(note_id) for note_id in self._call("findNotes", {"query": query})}

    def import_package(self, package: Path) -> None:
        if self._call("importPackage", {"path": str(package.resolve())}) is not True:
            raise AnkiError(f"{self.description} did not import {package}")

    def delete_notes(self, ids: Sequence[int]) -> None:
        self._call("deleteNotes", {"notes": list(ids)})

    def tag_notes(self, ids: Sequence[int], tag: str) -> None:
        self._call("addTags", {"notes": list(ids), "tags": tag})

    def _exported_notes(self, decks: Sequence[str], scratch: Path) -> list[HeldNote]:
        """The flashgen notes of an export of each synced top-level deck (notes the user
        moved elsewhere are not in it: they are sent again, and Anki's importer, matching
        by GUID, leaves them as they are unless the plan's copy is newer)."""
        held: dict[int, HeldNote] = {}
        for index, root in enumerate(sorted({deck.split("::")[0] for deck in decks})):
            export = scratch / f"export-{index}.apkg"
            request = {"deck": root, "path": str(export.resolve()), "includeSched": False}
            if self._call("exportPackage", request) is True:
                held.update((note.id, note) for note in _notes_in_export(export))
        return list(held.values())

    def _call(self, action: str, params: dict[str, Any], timeout: float = REQUEST_SECONDS) -> Any:
        body = json.dumps({"action": action, "version": API_VERSION, "params": params}).encode()
        request = urllib.request.Request(
            self.url, body, {"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.loads(response.read())
        except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
            raise AnkiError(f"AnkiConnect does not answer at {self.url}: {exc}") from exc
        if not isinstance(answer, dict) or "error" not in answer or "result" not in answer:
            raise AnkiError(f"{self.url} does not answer like AnkiConnect (API version 6)")
        if answer["error"] is not None:
            raise AnkiError(f"AnkiConnect {action}: {answer['error']}")
        return answer["result"]


def _notes_in_export(package: Path) -> list[HeldNote]:
    """The flashgen notes in an exported package (a legacy one: its collection is plain
    SQLite, and keeps the collection's note ids)."""
    try:
        with zipfile.ZipFile(package) as archive:
            name = next(
                (n for n in ("collection.anki21", "collection.anki2") if n in archive.namelist()),
                None,
            )
            if name is None:
                raise AnkiError(f"cannot read Anki's export {package}: no legacy collection")
            database = package.with_suffix(".anki21")
            database.write_bytes(archive.read(name))
    except (OSError, zipfile.BadZipFile) as exc:
        raise AnkiError(f"cannot read Anki's export {package}: {exc}") from exc
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(
            "SELECT id, guid, mod, sfld, tags FROM notes WHERE mid = ?", (MODEL_ID,)
        ).fetchall()
    except sqlite3.Error as exc:
        raise AnkiError(f"cannot read Anki's export {package}: {exc}") from exc
    finally:
        connection.close()
    return [
        HeldNote(int(id_), str(guid), int(mod), str(sort_field), tuple(str(tags).split()))
        for id_, guid, mod, sort_field, tags in rows
    ]
