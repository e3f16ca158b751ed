"""Stage 1: find the note files of a vault, and index every file for Obsidian-style lookups."""

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flashgen.errors import Diagnostic

NOTE_SUFFIXES = (".md", ".markdown")
READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
"""How notes and media are opened: read-only, never blocking on a pipe or a device, never
becoming the controlling terminal (the flags a platform lacks are left out)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
    follow_symlinks_outside: bool = False,
) -> Vault:
    """Walk ``notes_dir`` once: hidden entries skipped, symlinked folders followed once.

    A note that is a symlink to a file outside the notes folder (itself, or through a
    symlinked folder) is refused like such media, unless ``follow_symlinks_outside``: a
    cloned vault must not put ``~/.ssh/id_rsa`` on a card.
    """
    root = notes_dir.resolve()
    include_patterns = [glob_to_regex(pattern) for pattern in include]
    exclude_patterns = [glob_to_regex(pattern) for pattern in exclude]
    sources: list[SourceFile] = []
    by_name: dict[str, list[str]] = {}
    diagnostics: list[Diagnostic] = []
    outside: set[str] = set()
    for relpath in sorted(_walk(root, diagnostics, outside)):
        by_name.setdefault(relpath.rsplit("/", 1)[-1].lower(), []).append(relpath)
        if not relpath.lower().endswith(NOTE_SUFFIXES):
            continue
        if not any(p.match(relpath) for p in include_patterns):
            continue
        if any(p.match(relpath) for p in exclude_patterns):
            continue
        if relpath in outside and not follow_symlinks_outside:
            message = (
                "note is a symlink to a file outside the notes folder: skipped "
                "(--follow-symlinks-outside reads it)"
            )
            diagnostics.append(Diagnostic(relpath, 0, "error", message))
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


def _walk(root: Path, diagnostics: list[Diagnostic], outside: set[str]) -> Iterable[str]:
    """Every file's relpath under ``root``; hidden entries skipped; an explicit stack, no
    recursion (a deep tree cannot exhaust the stack).

    Real folders are walked before symlinked ones, and each folder is walked once: a symlink
    loop, or a second link to a folder already walked, is skipped with a warning (and the
    files keep their real paths).
    """
    seen: set[tuple[int, int]] = set()
    outside_folders: set[str] = set()
    linked_folders: set[str] = set()
    folders: list[str] = [""]
    linked: list[str] = []
    while folders or linked:
        base = folders.pop() if folders else linked.pop()
        where = base or "."
        try:
            status = os.stat(root / base)
            with os.scandir(root / base) as scan:
                entries = sorted(scan, key=lambda entry: entry.name, reverse=True)
        except OSError as exc:
            message = f"cannot read folder: {exc.strerror}"
            diagnostics.append(Diagnostic(where, 0, "error", message))
            continue
        identity = (status.st_dev, status.st_ino)
        if identity in seen:
            diagnostics.append(
                Diagnostic(where, 0, "warning", "folder already walked (symlink loop?): skipped")
            )
            continue
        seen.add(identity)
        if base in linked_folders and not _inside(root / base, root):
            outside_folders.add(base)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relpath = f"{base}/{entry.name}" if base else entry.name
            if not _is_utf8(entry.name):
                shown = os.fsencode(relpath).decode("utf-8", "replace")
                diagnostics.append(
                    Diagnostic(shown, 0, "error", "name is not valid UTF-8: skipped, rename it")
                )
                continue
            if _CONTROL.search(entry.name):
                shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", relpath)
                diagnostics.append(
                    Diagnostic(shown, 0, "error", "name holds control characters: skipped")
                )
                continue
            if not _is_folder(entry):
                linked_out = entry.is_symlink() and not _inside(Path(entry.path), root)
                if linked_out or base in outside_folders:
                    outside.add(relpath)
                yield relpath
            elif entry.is_symlink():
                linked.append(relpath)
                linked_folders.add(relpath)
            else:
                if base in outside_folders:
                    outside_folders.add(relpath)
                folders.append(relpath)


def _inside(path: Path, root: Path) -> bool:
    """Does ``path``, with every symlink resolved, lie inside ``root`` (already resolved)?"""
    try:
        return Path(os.path.realpath(path)).is_relative_to(root)
    except (OSError, ValueError):
        return False


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_utf8(name: str) -> bool:
    """On Linux a name is bytes; Python shows undecodable ones with lone surrogates."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
