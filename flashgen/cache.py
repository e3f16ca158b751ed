"""The incremental cache: each note file's built result, keyed by everything it depends on.

One SQLite file per deck, beside the lockfile (``.flashgen-cache/NAME.sqlite``). An entry's
key hashes the file's bytes, the deck options that shape its notes and flashgen's own code,
so a stale entry is never found; what a file's notes take from *other* files (the media it
bundles) is checked on every use by ``media_state``. Deleting the folder is always safe.

The cache is data, not code: a result is stored as JSON (``flashgen.records``) and read back
into a ``FileResult`` only if every value has the type the dataclass says. Each row carries
a digest of everything in it: a damaged or edited row is not used (the file is built again),
and nothing the cache holds can make a build fail.
"""

import hashlib
import importlib.util
import json
import os
import sqlite3
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from flashgen import records
from flashgen.config import DeckConfig
from flashgen.errors import WriteError
from flashgen.files import FileResult

CACHE_FOLDER = ".flashgen-cache"
_SCHEMA = """
DROP TABLE IF EXISTS files;
CREATE TABLE IF NOT EXISTS results (
    relpath BLOB PRIMARY KEY, key BLOB, media BLOB, result BLOB, digest BLOB
);
CREATE TABLE IF NOT EXISTS meta (name BLOB PRIMARY KEY, value BLOB, digest BLOB);
"""
"""Every column is read as bytes and decoded by flashgen (SQLite hands back whatever bytes a
damaged page holds). ``files`` held pickles in earlier versions: it is dropped, unread."""


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
        config.preamble,
        config.link_sections,
    ]
    return hashlib.sha256(json.dumps(shaping).encode()).hexdigest()


def entry_key(options: str, relpath: str, content: bytes) -> str:
    digest = hashlib.sha256()
    for part in (code_fingerprint(), options, relpath):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(content)
    return digest.hexdigest()


def _digest(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest().encode()


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class BuildCache:
    """Read during a build; written only by the write stage, in one transaction.

    A damaged or unreadable cache, or a damaged row, is ignored (the files are built again,
    and the next write replaces it).
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        if path is not None and path.is_file():
            try:
                self._connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
                self._connection.text_factory = bytes
                self._connection.execute("SELECT count(*) FROM results").fetchone()
                self._connection.execute("SELECT count(*) FROM meta").fetchone()
            except (sqlite3.Error, OSError, ValueError):
                self.close()

    def get(self, relpath: str, key: str) -> tuple[str, FileResult | None]:
        """The media state and cached result for ``relpath`` if its key matches and the row
        is whole, else ``("", None)``."""
        if self._connection is None or not key:
            return "", None
        name, wanted = _encode(relpath), _encode(key)
        try:
            row = self._connection.execute(
                "SELECT media, result, digest FROM results WHERE relpath = ? AND key = ?",
                (name, wanted),
            ).fetchone()
        except (sqlite3.Error, ValueError):
            return "", None
        if row is None or not all(isinstance(value, bytes) for value in row):
            return "", None
        media, result, digest = row
        if digest != _digest(name, wanted, media, result):
            return "", None
        try:
            found = records.loads(FileResult, result)
            state = media.decode("utf-8")
        except (records.RecordError, UnicodeDecodeError):
            return "", None
        return (state, found) if found.relpath == relpath else ("", None)

    def meta(self, name: str) -> str | None:
        if self._connection is None:
            return None
        try:
            row = self._connection.execute(
                "SELECT value, digest FROM meta WHERE name = ?", (_encode(name),)
            ).fetchone()
        except (sqlite3.Error, ValueError):
            return None
        if row is None or not all(isinstance(value, bytes) for value in row):
            return None
        value, digest = row
        if digest != _digest(_encode(name), value):
            return None
        try:
            return str(value.decode("utf-8"))
        except UnicodeDecodeError:
            return None

    def memo(self) -> dict[str, str]:
        """Every ``meta`` row: what the last commit's sink asked to remember."""
        if self._connection is None:
            return {}
        try:
            rows = self._connection.execute("SELECT name FROM meta").fetchall()
        except (sqlite3.Error, ValueError):
            return {}
        names = [row[0].decode("utf-8", "replace") for row in rows if isinstance(row[0], bytes)]
        values = {name: self.meta(name) for name in names}
        return {name: value for name, value in values.items() if value is not None}

    def store(
        self,
        changed: dict[str, tuple[str, str, FileResult]],
        present: set[str],
        meta: dict[str, str],
    ) -> None:
        """Save ``changed`` entries (relpath → key, media state, result), forget files no
        longer ``present``, and set ``meta``: one transaction, so a killed build leaves the
        cache as it was. A cache that cannot be written is an error (``WriteError``)."""
        if self.path is None:
            return
        self.close()
        rows = []
        for relpath, (key, media, result) in sorted(changed.items()):
            try:
                text = records.dumps(result)
            except TypeError:
                continue  # a value records cannot hold: that file is built again next time
            name, wanted, state, data = map(_encode, (relpath, key, media, text))
            rows.append((name, wanted, state, data, _digest(name, wanted, state, data)))
        settings = [
            (name, value, _digest(name, value))
            for name, value in ((_encode(k), _encode(v)) for k, v in sorted(meta.items()))
        ]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._write(self.path, rows, present, settings)
            except sqlite3.DatabaseError:
                self.path.unlink(missing_ok=True)  # damaged beyond what SQLite can update
                self._write(self.path, rows, present, settings)
        except (sqlite3.Error, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise WriteError(
                f"cannot write the build cache {self.path}: {reason} (the package was "
                "written; build with --no-cache, or make the folder writable)"
            ) from exc

    @staticmethod
    def _write(
        path: Path,
        rows: Sequence[tuple[bytes, ...]],
        present: set[str],
        settings: Sequence[tuple[bytes, ...]],
    ) -> None:
        connection = sqlite3.connect(path)
        connection.text_factory = bytes
        try:
            with connection:
                connection.executescript(_SCHEMA)
                known = {row[0] for row in connection.execute("SELECT relpath FROM results")}
                kept = {_encode(relpath) for relpath in present}
                connection.executemany(
                    "DELETE FROM results WHERE relpath = ?",
                    ((relpath,) for relpath in sorted(known - kept)),
                )
                connection.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?)",
                                       rows)
                connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", settings)
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
