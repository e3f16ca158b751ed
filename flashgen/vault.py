"""What flashgen can tell about a notes folder before building it: a good deck name, the
media root, and the deck definition and ignore lines ``flashgen init`` writes for it."""

import os
from dataclasses import dataclass
from pathlib import Path

from flashgen.discover import enclosing_work_tree
from flashgen.errors import ConfigError

GENERIC_FOLDER_NAMES = frozenset(
    {"markdown", "md", "posts", "content", "contents", "docs", "src", "source", "pages"}
)
"""Folder names that say where notes live, not what they are about (``_posts`` and other
names starting with ``_`` or ``.`` too)."""
IGNORED_BUILD_FILES = (
    "*.apkg",
    "*.apkg.tmp*",
    ".*.build-lock",
    ".flashgen-cache/",
    "*.preview/",
)
"""What a build leaves beside the lockfile that is not worth committing (``decks/.gitignore``);
the lockfile itself is meant to be committed."""


@dataclass(frozen=True)
class DeckName:
    name: str
    origin: str
    """Where the name came from, said to the user: ``the folder``, ``the git work tree``, …"""


def default_deck_name(folder: Path) -> DeckName:
    """The folder's own name, unless it is a generic one (``_posts``, ``markdown``): then the
    Obsidian vault's or git work tree's name, else the parent folder's."""
    folder = folder.resolve()
    if not _generic(folder.name):
        return DeckName(folder.name, "the notes folder")
    for candidate in folder.parents:
        if (candidate / ".obsidian").is_dir():
            return DeckName(candidate.name, "the Obsidian vault")
    work_tree = enclosing_work_tree(folder)
    if work_tree is not None and work_tree != folder and work_tree.name:
        return DeckName(work_tree.name, "the git work tree")
    if folder.parent.name and not _generic(folder.parent.name):
        return DeckName(folder.parent.name, "the parent folder")
    return DeckName(folder.name, "the notes folder")


def _generic(name: str) -> bool:
    return name.startswith(("_", ".")) or name.casefold() in GENERIC_FOLDER_NAMES


def file_stem(deck: str) -> str:
    """A deck name as a file name: ``Notes::Systems`` → ``Notes-Systems``."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in deck.replace("::", "-"))


@dataclass(frozen=True)
class InitResult:
    definition: Path
    deck: str
    origin: str
    notes_dir: Path
    media_root: Path
    ignore_file: Path
    ignore_lines_added: tuple[str, ...]


def init_deck(notes_dir: Path, decks_dir: Path, name: str | None = None) -> InitResult:
    """Write ``decks_dir/NAME.toml`` for ``notes_dir`` and the ignore lines for what builds
    leave beside it; an existing deck definition is never overwritten."""
    notes_dir = notes_dir.resolve()
    if not notes_dir.is_dir():
        raise ConfigError(f"notes folder not found: {notes_dir}")
    deck = DeckName(name, "--deck") if name else default_deck_name(notes_dir)
    decks_dir = decks_dir.resolve()
    definition = decks_dir / f"{file_stem(deck.name)}.toml"
    if definition.exists():
        raise ConfigError(f"{definition} already exists: not overwritten")
    media_root = enclosing_work_tree(notes_dir) or notes_dir
    try:
        decks_dir.mkdir(parents=True, exist_ok=True)
        definition.write_text(_definition_text(deck.name, notes_dir, media_root, decks_dir))
        ignore_file = decks_dir / ".gitignore"
        added = _add_ignore_lines(ignore_file)
    except OSError as exc:
        raise ConfigError(f"cannot write {exc.filename}: {exc.strerror}") from exc
    return InitResult(definition, deck.name, deck.origin, notes_dir, media_root, ignore_file, added)


def _definition_text(name: str, notes_dir: Path, media_root: Path, decks_dir: Path) -> str:
    def relative(path: Path) -> str:
        return Path(os.path.relpath(path, decks_dir)).as_posix()

    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return (
        "# Written by `flashgen init`; see docs/deck-definition.md. Paths are relative to this"
        " file.\n"
        f'name = "{quoted}"\n'
        f'notes = "{relative(notes_dir)}"\n'
        "# Where /img/a.png resolves; media outside it is refused.\n"
        f'media_root = "{relative(media_root)}"\n'
        'include = ["**/*.md", "**/*.markdown"]\n'
        "exclude = []\n"
        "levels = [1, 2, 3, 4, 5, 6]\n"
        'subdecks = "none"              # none | folder | category | file\n'
        "term_cards = true\n"
        'ignore_headings = ["References"]  # any case, trailing punctuation ignored\n'
    )


def _add_ignore_lines(ignore_file: Path) -> tuple[str, ...]:
    existing = ignore_file.read_text(encoding="utf-8") if ignore_file.exists() else ""
    present = {line.strip() for line in existing.splitlines()}
    added = tuple(line for line in IGNORED_BUILD_FILES if line not in present)
    if added:
        head = "" if not existing or existing.endswith("\n") else "\n"
        comment = "" if existing else "# flashgen build output; commit the *.lock.json files\n"
        ignore_file.write_text(existing + head + comment + "\n".join(added) + "\n")
    return added
