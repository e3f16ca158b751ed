"""Stage 1: find the note files of a vault, and index every file for Obsidian-style lookups."""

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flashgen.errors import Diagnostic

NOTE_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class SourceFile:
    path: Path
    """Absolute path of the note file."""
    relpath: str
    """POSIX path relative to the notes folder: the file's part of every section key."""


@dataclass(frozen=True)
class Vault:
    root: Path
    media_root: Path
    sources: tuple[SourceFile, ...]
    """The note files to build, sorted by relpath."""
    files_by_name: dict[str, tuple[str, ...]]
    """Every file's relpath under its lower-cased name, shortest path first (Obsidian embeds)."""
    diagnostics: tuple[Diagnostic, ...]


def discover(
    notes_dir: Path,
    include: Iterable[str],
    exclude: Iterable[str],
    media_root: Path | None,
) -> Vault:
    """Walk ``notes_dir`` once: hidden folders skipped, symlinked folders followed once."""
    root = notes_dir.resolve()
    include_patterns = [glob_to_regex(pattern) for pattern in include]
    exclude_patterns = [glob_to_regex(pattern) for pattern in exclude]
    sources: list[SourceFile] = []
    by_name: dict[str, list[str]] = {}
    diagnostics: list[Diagnostic] = []
    for relpath in sorted(_walk(root, diagnostics)):
        by_name.setdefault(relpath.rsplit("/", 1)[-1].lower(), []).append(relpath)
        if not relpath.lower().endswith(NOTE_SUFFIXES):
            continue
        if not any(p.match(relpath) for p in include_patterns):
            continue
        if any(p.match(relpath) for p in exclude_patterns):
            continue
        sources.append(SourceFile(path=root / relpath, relpath=relpath))
    files_by_name = {
        name: tuple(sorted(paths, key=lambda p: (p.count("/"), p)))
        for name, paths in by_name.items()
    }
    return Vault(
        root=root,
        media_root=(media_root or enclosing_work_tree(root) or root).resolve(),
        sources=tuple(sources),
        files_by_name=files_by_name,
        diagnostics=tuple(diagnostics),
    )


def _walk(root: Path, diagnostics: list[Diagnostic]) -> Iterable[str]:
    seen_dirs: set[tuple[int, int]] = set()

    def onerror(error: OSError) -> None:
        where = Path(error.filename).relative_to(root).as_posix() if error.filename else "."
        diagnostics.append(Diagnostic(where, 0, "error", f"cannot read folder: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=onerror):
        try:
            stat = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        identity = (stat.st_dev, stat.st_ino)
        if identity in seen_dirs:
            rel = Path(dirpath).relative_to(root).as_posix()
            diagnostics.append(
                Diagnostic(rel, 0, "warning", "folder seen before (symlink loop?): skipped")
            )
            dirnames[:] = []
            continue
        seen_dirs.add(identity)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        for filename in filenames:
            if not filename.startswith("."):
                yield prefix + filename


def enclosing_work_tree(folder: Path) -> Path | None:
    """The git work tree that contains ``folder``, found by looking for ``.git`` upwards."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


@lru_cache(maxsize=256)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate an include/exclude glob: ``**`` spans folders, ``*`` and ``?`` do not."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[" and (end := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : end].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return re.compile("".join(out) + r"\Z")
