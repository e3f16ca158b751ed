"""The incremental cache: each note file's built result, keyed by everything it depends on.

One SQLite file per deck, beside the lockfile (``.flashgen-cache/NAME.sqlite``). An entry's
key hashes the file's bytes, the deck options that shape its notes and flashgen's own code,
so a stale entry is never found; what a file's notes take from *other* files (the media it
bundles) is checked on every use by ``media_state``. Deleting the folder is always safe.
"""

import hashlib
import importlib.util
import json
import os
import pickle
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

from flashgen.config import DeckConfig

CACHE_FOLDER = ".flashgen-cache"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (relpath TEXT PRIMARY KEY, key TEXT, media TEXT, result BLOB);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
"""


def cache_path(output: Path) -> Path:
    stem = output.name.removesuffix(".apkg")
    return output.parent / CACHE_FOLDER / f"{stem}.sqlite"


@cache
def code_fingerprint() -> str:
    """flashgen's own source and the versions of the libraries that shape its output."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for library in ("markdown_it", "mdit_py_plugins", "pygments", "yaml"):
        digest.update(f"{library}={_installed(library)}".encode())
    return digest.hexdigest()


def _installed(module: str) -> str:
    """Which copy of a library is installed, without importing it: its ``__init__``'s path,
    size and modification time change when it is upgraded."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "?"
    try:
        status = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin}|{status.st_size}|{status.st_mtime_ns}"


def options_fingerprint(config: DeckConfig) -> str:
    """The deck options a file's notes depend on (not the output, not the card templates)."""
    shaping = [
        config.name,
        str(config.notes_dir),
        str(config.media_root),
        config.levels,
        config.subdecks,
        config.term_cards,
        config.ignore_headings,
        config.inline_tags,
        config.allow_unsafe_html,
        config.single_newline_breaks,
    ]
    return hashlib.sha256(json.dumps(shaping).encode()).hexdigest()


def entry_key(options: str, relpath: str, content: bytes) -> str:
    digest = hashlib.sha256()
    for part in (code_fingerprint(), options, relpath):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(content)
    return digest.hexdigest()


class BuildCache:
    """Read during a build; written only by the write stage, in one transaction.

    A damaged or unreadable cache is ignored (and replaced by the next write).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        if path is not None and path.exists():
            try:
                self._connection = sqlite3.connect(path)
                self._connection.executescript(_SCHEMA)
            except sqlite3.DatabaseError:
                self._connection = None

    def get(self, relpath: str, key: str) -> tuple[str, Any]:
        """The media state and cached result for ``relpath`` if its key matches, else
        ``("", None)``."""
        if self._connection is None or not key:
            return "", None
        try:
            row = self._connection.execute(
                "SELECT media, result FROM files WHERE relpath = ? AND key = ?", (relpath, key)
            ).fetchone()
            return (str(row[0]), pickle.loads(row[1])) if row else ("", None)
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError):
            return "", None

    def meta(self, name: str) -> str | None:
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT value FROM meta WHERE name = ?", (name,)
            ).fetchone()
        except sqlite3.DatabaseError:
            return None
        return str(row[0]) if row else None

    def memo(self) -> dict[str, str]:
        """Every ``meta`` row: what the last commit's sink asked to remember."""
        if self._connection is None:
            return {}
        try:
            rows = self._connection.execute("SELECT name, value FROM meta").fetchall()
        except sqlite3.DatabaseError:
            return {}
        return {str(name): str(value) for name, value in rows}

    def store(
        self,
        changed: dict[str, tuple[str, str, Any]],
        present: set[str],
        meta: dict[str, str],
    ) -> None:
        """Save ``changed`` entries (relpath → key, media state, result), forget files no
        longer ``present``, and set ``meta``: one transaction, so a killed build leaves the
        cache as it was."""
        if self.path is None:
            return
        self.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._write(self.path, changed, present, meta)
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self._write(self.path, changed, present, meta)

    @staticmethod
    def _write(
        path: Path,
        changed: dict[str, tuple[str, str, Any]],
        present: set[str],
        meta: dict[str, str],
    ) -> None:
        connection = sqlite3.connect(path)
        try:
            with connection:
                connection.executescript(_SCHEMA)
                known = {row[0] for row in connection.execute("SELECT relpath FROM files")}
                connection.executemany(
                    "DELETE FROM files WHERE relpath = ?",
                    ((relpath,) for relpath in sorted(known - present)),
                )
                connection.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                    (
                        (relpath, key, media, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
                        for relpath, (key, media, result) in sorted(changed.items())
                    ),
                )
                connection.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items())
                )
        finally:
            connection.close()

    def __enter__(self) -> "BuildCache":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
