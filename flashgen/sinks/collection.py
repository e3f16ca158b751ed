"""Anki's collection file as a sync destination, opened with the ``anki`` library (Anki must
be closed), and where Anki keeps its profiles' collections."""

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from flashgen.errors import AnkiError
from flashgen.notetype import MODEL_ID
from flashgen.sinks.anki import HeldNote, NotetypeText

COLLECTION_FILE = "collection.anki2"
INSTALL_HINT = "pip install 'flashgen[anki]'"
_IMPORT_PRESETS = (
    "mergeNotetypes", "updateNotes", "updateNotetypes", "withScheduling", "withDeckConfigs"
)
"""Where Anki keeps the options of the last File → Import (the dialog's next presets)."""


def anki_base() -> Path:
    """Anki's data folder: ``ANKI_BASE``, else the platform's standard place."""
    if base := os.environ.get("ANKI_BASE"):
        return Path(base)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "Anki2"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Anki2"
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "Anki2"


def profiles(base: Path) -> list[str]:
    """The profiles in Anki's data folder: its folders holding a collection."""
    try:
        return sorted(
            entry.name for entry in base.iterdir() if (entry / COLLECTION_FILE).is_file()
        )
    except OSError:
        return []


def profile_collection(name: str, base: Path | None = None) -> Path:
    base = base or anki_base()
    path = base / name / COLLECTION_FILE
    if not path.is_file():
        known = ", ".join(profiles(base)) or "none"
        raise AnkiError(f"no Anki profile '{name}' in {base} (profiles there: {known})")
    return path


class CollectionFile:
    """A collection opened directly. Anki's own backup is made before the first write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"the Anki collection {path}"
        self.remembers = False
        self._backed_up = False
        collection_class = _collection_class()
        if not path.is_file():
            raise AnkiError(f"no Anki collection at {path}")
        try:
            self._col: Any = collection_class(str(path))
        except Exception as exc:  # anki raises its own DBError, not a FlashgenError
            raise AnkiError(
                f"cannot open {path}: {exc}. Is Anki running with this profile? Close it, "
                "or sync through AnkiConnect while Anki is open"
            ) from exc

    def __enter__(self) -> "CollectionFile":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._col is None:
            return
        try:
            if self._backed_up:
                self._col.await_backup_completion()
        except Exception as exc:
            raise AnkiError(f"Anki's backup of {self.path} failed: {exc}") from exc
        finally:
            self._col.close()
            self._col = None

    def flashgen_notes(
        self, decks: Sequence[str], scratch: Path, seen: Mapping[int, HeldNote]
    ) -> list[HeldNote]:
        rows = self._col.db.all("SELECT id, guid, mod, tags FROM notes WHERE mid = ?", MODEL_ID)
        return [
            HeldNote(id=int(id_), guid=str(guid), mod=int(mod), prompt="",
                     tags=tuple(str(tags).split()) if tags else ())
            for id_, guid, mod, tags in rows
        ]

    def notetype(self) -> NotetypeText | None:
        model = self._col.models.get(MODEL_ID)
        if model is None:
            return None
        return NotetypeText(
            str(model["css"]),
            tuple((str(t["name"]), str(t["qfmt"]), str(t["afmt"])) for t in model["tmpls"]),
        )

    def note_ids(self, query: str) -> set[int]:
        return {int(note_id) for note_id in self._col.find_notes(query)}

    def import_package(self, package: Path) -> None:
        from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

        self._backup()
        presets = {key: self._col.get_config(key, None) for key in _IMPORT_PRESETS}
        request = ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions()
        )
        try:
            self._col.import_anki_package(request)
        except Exception as exc:
            raise AnkiError(f"Anki could not import the notes into {self.path}: {exc}") from exc
        finally:
            self._restore(presets)

    def delete_notes(self, ids: Sequence[int]) -> None:
        self._backup()
        self._col.remove_notes(list(ids))

    def tag_notes(self, ids: Sequence[int], tag: str) -> None:
        self._backup()
        self._col.tags.bulk_add(list(ids), tag)

    def _backup(self) -> None:
        """Anki's own backup, in the profile's ``backups`` folder, by Anki's own rule (as
        Anki desktop makes one: unless its last one is recent — "minutes between backups",
        30 by default — and its own rotation of old ones). Anki copies the collection at
        once and compresses it in the background; ``close`` waits for it."""
        if self._backed_up:
            return
        folder = self.path.parent / "backups"
        try:
            folder.mkdir(exist_ok=True)
            self._col.create_backup(
                backup_folder=str(folder),
                force=False,
                wait_for_completion=False,
            )
        except Exception as exc:
            raise AnkiError(f"Anki could not back up {self.path}: {exc}; nothing changed") from exc
        self._backed_up = True

    def _restore(self, presets: dict[str, object]) -> None:
        """An import saves its options as the import dialog's presets: keep the user's."""
        for key, value in presets.items():
            if value is None:
                self._col.remove_config(key)
            else:
                self._col.set_config(key, value)


def _collection_class() -> Any:
    try:
        from anki.collection import Collection
    except ImportError as exc:
        raise AnkiError(
            f"syncing into a collection file needs the anki library: {INSTALL_HINT} "
            "(or keep Anki open with the AnkiConnect add-on and sync through it)"
        ) from exc
    return Collection
