"""Anki desktop, while it runs, through the AnkiConnect add-on (API version 6).

Actions used: ``version``, ``findNotes``, ``notesInfo``, ``notesModTime`` (newer AnkiConnect;
else ``exportPackage`` of the synced decks gives each note's ``mod``), ``importPackage``,
``deleteNotes``, ``addTags``. Needs nothing beyond the standard library.
"""

import json
import sqlite3
import urllib.error
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flashgen.errors import AnkiError
from flashgen.notetype import FIELDS, MODEL_ID, SORT_FIELD_INDEX
from flashgen.sinks.anki import HeldNote

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

    def answers(self) -> bool:
        """Whether AnkiConnect answers at the URL (quickly: Anki may simply be closed)."""
        try:
            self._call("version", {}, PROBE_SECONDS)
        except AnkiError:
            return False
        return True

    def flashgen_notes(self, decks: Sequence[str], scratch: Path) -> list[HeldNote]:
        ids = self._call("findNotes", {"query": f"mid:{MODEL_ID}"})
        if not ids:
            return []
        infos = self._call("notesInfo", {"notes": ids})
        mods = self._mods(ids, decks, scratch)
        held = []
        for info in infos:
            fields = info.get("fields") or {}
            if _GUID_FIELD not in fields:
                continue
            note_id = int(info["noteId"])
            held.append(
                HeldNote(
                    id=note_id,
                    guid=str(fields[_GUID_FIELD]["value"]),
                    mod=mods.get(note_id),
                    prompt=str(fields.get(_PROMPT_FIELD, {}).get("value", "")),
                    tags=tuple(info.get("tags") or ()),
                )
            )
        return held

    def note_ids(self, query: str) -> set[int]:
        return {int(note_id) for note_id in self._call("findNotes", {"query": query})}

    def import_package(self, package: Path) -> None:
        if self._call("importPackage", {"path": str(package.resolve())}) is not True:
            raise AnkiError(f"{self.description} did not import {package}")

    def delete_notes(self, ids: Sequence[int]) -> None:
        self._call("deleteNotes", {"notes": list(ids)})

    def tag_notes(self, ids: Sequence[int], tag: str) -> None:
        self._call("addTags", {"notes": list(ids), "tags": tag})

    def _mods(self, ids: list[int], decks: Sequence[str], scratch: Path) -> dict[int, int]:
        """Each note's ``mod``: ``notesModTime`` where AnkiConnect has it, else read from an
        export of the synced decks' top-level decks."""
        try:
            rows = self._call("notesModTime", {"notes": ids})
        except AnkiError as exc:
            if _UNSUPPORTED not in str(exc):
                raise
        else:
            return {int(row["noteId"]): int(row["mod"]) for row in rows}
        mods: dict[int, int] = {}
        for index, root in enumerate(sorted({deck.split("::")[0] for deck in decks})):
            export = scratch / f"export-{index}.apkg"
            request = {"deck": root, "path": str(export.resolve()), "includeSched": False}
            exported = self._call("exportPackage", request)
            if exported is True:
                mods.update(_exported_mods(export))
        return mods

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


def _exported_mods(package: Path) -> dict[int, int]:
    """Note id → mod in an exported package (a legacy one: its collection is plain SQLite)."""
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
        rows = connection.execute("SELECT id, mod FROM notes WHERE mid = ?", (MODEL_ID,))
        return {int(note_id): int(mod) for note_id, mod in rows}
    except sqlite3.Error as exc:
        raise AnkiError(f"cannot read Anki's export {package}: {exc}") from exc
    finally:
        connection.close()
