"""A small AnkiConnect (API version 6) over a real ``anki`` Collection, for tests.

It implements only the documented actions flashgen uses, with the add-on's request and
answer shapes (``{"action", "version", "params"}`` → ``{"result", "error"}``, an unknown
action answers ``"unsupported action"``). Imports and exports go through Anki's own backend
with the options the add-on's legacy importer and exporter pass, so the import semantics
are Anki's. ``with_mod_time=False`` is the AnkiConnect of 2023 (no ``notesModTime``, no
``mod`` in ``notesInfo``): flashgen must then fall back to ``exportPackage``.
"""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from anki.collection import (
    Collection,
    DeckIdLimit,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.notes import NoteId

API_VERSION = 6


class FakeAnkiConnect:
    def __init__(self, col: Collection, with_mod_time: bool = True) -> None:
        self.col = col
        self.with_mod_time = with_mod_time
        self.calls: list[str] = []
        self.asked: list[int] = []
        """How many notes each ``notesInfo`` asked about."""
        self._lock = threading.Lock()
        self._actions: dict[str, Callable[..., Any]] = {
            "version": self.version,
            "findNotes": self.find_notes,
            "notesInfo": self.notes_info,
            "deleteNotes": self.delete_notes,
            "addTags": self.add_tags,
            "importPackage": self.import_package,
            "exportPackage": self.export_package,
            "modelNamesAndIds": self.model_names_and_ids,
            "modelStyling": self.model_styling,
            "modelTemplates": self.model_templates,
        }
        if with_mod_time:
            self._actions["notesModTime"] = self.notes_mod_time

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        action = request.get("action")
        self.calls.append(str(action))
        if request.get("version") != API_VERSION:
            return {"result": None, "error": "this test server speaks API version 6 only"}
        handler = self._actions.get(str(action))
        if handler is None:
            return {"result": None, "error": "unsupported action"}
        try:
            with self._lock:
                return {"result": handler(**(request.get("params") or {})), "error": None}
        except Exception as exc:  # the add-on answers every failure as an error string
            return {"result": None, "error": str(exc)}

    def version(self) -> int:
        return API_VERSION

    def find_notes(self, query: str) -> list[int]:
        return [int(note_id) for note_id in self.col.find_notes(query)]

    def notes_info(self, notes: list[int]) -> list[dict[str, Any]]:
        self.asked.append(len(notes))
        infos = []
        for note_id in notes:
            note = self.col.get_note(NoteId(note_id))
            notetype = note.note_type()
            assert notetype is not None
            info: dict[str, Any] = {
                "noteId": note.id,
                "modelName": notetype["name"],
                "tags": list(note.tags),
                "fields": {
                    name: {"value": value, "order": order}
                    for order, (name, value) in enumerate(note.items())
                },
                "cards": [int(card_id) for card_id in note.card_ids()],
            }
            if self.with_mod_time:
                info["mod"] = note.mod
            infos.append(info)
        return infos

    def notes_mod_time(self, notes: list[int]) -> list[dict[str, int]]:
        return [
            {"noteId": note_id, "mod": self.col.get_note(NoteId(note_id)).mod} for note_id in notes
        ]

    def model_names_and_ids(self) -> dict[str, int]:
        return {model.name: int(model.id) for model in self.col.models.all_names_and_ids()}

    def model_styling(self, modelName: str) -> dict[str, str]:
        return {"css": self._model(modelName)["css"]}

    def model_templates(self, modelName: str) -> dict[str, dict[str, str]]:
        return {
            t["name"]: {"Front": t["qfmt"], "Back": t["afmt"]}
            for t in self._model(modelName)["tmpls"]
        }

    def _model(self, name: str) -> dict[str, Any]:
        model = self.col.models.by_name(name)
        if model is None:
            raise ValueError(f"model was not found: {name}")
        return dict(model)

    def delete_notes(self, notes: list[int]) -> None:
        self.col.remove_notes([NoteId(note_id) for note_id in notes])

    def add_tags(self, notes: list[int], tags: str) -> None:
        self.col.tags.bulk_add([NoteId(note_id) for note_id in notes], tags)

    def import_package(self, path: str) -> bool:
        """As the add-on's importer: Anki's legacy ``AnkiPackageImporter`` options."""
        self.col.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=path,
                options=ImportAnkiPackageOptions(
                    merge_notetypes=True, with_scheduling=True, with_deck_configs=True
                ),
            )
        )
        return True

    def export_package(self, deck: str, path: str, includeSched: bool = False) -> bool:
        found = self.col.decks.by_name(deck)
        if found is None:
            return False
        self.col.export_anki_package(
            out_path=path,
            options=ExportAnkiPackageOptions(
                with_scheduling=includeSched,
                with_deck_configs=includeSched,
                with_media=True,
                legacy=True,
            ),
            limit=DeckIdLimit(deck_id=found["id"]),
        )
        return True


@contextmanager
def serving(col: Collection, with_mod_time: bool = True) -> Iterator[tuple[str, FakeAnkiConnect]]:
    """Serve ``col`` on a free local port; yields the URL and the server's state."""
    anki = FakeAnkiConnect(col, with_mod_time)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            answer = anki.handle(json.loads(self.rfile.read(length)))
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", anki
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def unused_url() -> str:
    """A local URL where nothing answers."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"

