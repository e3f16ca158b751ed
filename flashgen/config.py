"""Deck definitions (TOML) and command-line options, merged into one frozen DeckConfig."""

import tomllib
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, cast

from flashgen.errors import ConfigError

Subdecks = Literal["none", "folder", "category", "file"]
SUBDECK_MODES: tuple[Subdecks, ...] = ("none", "folder", "category", "file")
DEFAULT_INCLUDE = ("**/*.md", "**/*.markdown")


@dataclass(frozen=True)
class DeckConfig:
    """Everything one deck build needs to know, with every path absolute."""

    name: str
    notes_dir: Path
    output: Path
    """The ``.apkg`` to write; the lockfile sits beside it (``X.apkg`` → ``X.lock.json``)."""
    media_root: Path | None = None
    """Where ``/img/a.png`` resolves and what media may come from; None: git work tree or notes."""
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    levels: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    subdecks: Subdecks = "none"
    term_cards: bool = True
    ignore_headings: tuple[str, ...] = ()
    inline_tags: bool = False
    """Obsidian ``#tags`` in a section's body become Anki tags of that note."""
    preamble: bool = True
    """The text before a file's first heading (a whole file with no heading) is a card."""
    link_sections: bool = False
    """A section whose body is only links (a reference list) is a card too."""
    templates_dir: Path | None = None
    allow_unsafe_html: bool = False
    removed_grace_days: int = 90
    """How long a removed section stays in the package, tagged ``flashgen::removed``."""
    line_breaks: bool | None = None
    """A single newline is a line break, as Obsidian shows it; None: only in an Obsidian vault
    (an ``.obsidian/`` folder in the notes folder or above it)."""
    project: Path | None = None
    """The project of the deck definition (its git work tree, else the folder of ``decks/``):
    the output must stay inside it. None for a notes folder named on the command line."""
    follow_symlinks_outside: bool = False
    """Read notes that are symlinks to files outside the notes folder (command line only)."""
    allow_output_anywhere: bool = False
    """Write inside the notes folder or outside the project (command line only)."""

    @property
    def lockfile(self) -> Path:
        return lockfile_for(self.output)

    @property
    def single_newline_breaks(self) -> bool:
        if self.line_breaks is not None:
            return self.line_breaks
        folders = (self.notes_dir, *self.notes_dir.parents)
        return any((folder / ".obsidian").is_dir() for folder in folders)


def ignored_heading_key(heading: str) -> str:
    """How ``ignore_headings`` compares: any case, trailing punctuation and spaces ignored
    (``Index`` matches ``index:`` and ``INDEX.``; ``参考文献`` matches ``参考文献：``)."""
    end = len(heading)
    while end and (heading[end - 1].isspace() or unicodedata.category(heading[end - 1])[0] == "P"):
        end -= 1
    return heading[:end].strip().casefold()


def lockfile_for(package: Path) -> Path:
    name = package.name
    stem = name[: -len(".apkg")] if name.endswith(".apkg") else name
    return package.with_name(stem + ".lock.json")


_KNOWN_KEYS = {
    "name",
    "notes",
    "output",
    "media_root",
    "include",
    "exclude",
    "levels",
    "subdecks",
    "term_cards",
    "ignore_headings",
    "inline_tags",
    "preamble",
    "link_sections",
    "templates",
    "allow_unsafe_html",
    "removed_grace_days",
    "line_breaks",
}


def load_deck_definition(path: Path) -> DeckConfig:
    """Read ``decks/NAME.toml``; relative paths in it are relative to the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read deck definition {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s): {', '.join(unknown)}")
    base = path.parent.resolve()
    stem = path.name.removesuffix(".toml")
    name = _string(data, "name", path, default=stem)
    notes = _string(data, "notes", path, default=None)
    if notes is None:
        raise ConfigError(f"{path}: 'notes' (the notes folder) is required")
    output = _string(data, "output", path, default=None)
    media_root = _string(data, "media_root", path, default=None)
    templates = _string(data, "templates", path, default=None)
    return DeckConfig(
        project=project_folder(base),
        name=name,
        notes_dir=(base / notes).resolve(),
        output=(base / output).resolve() if output else base / f"{stem}.apkg",
        media_root=(base / media_root).resolve() if media_root else None,
        include=_strings(data, "include", path, DEFAULT_INCLUDE),
        exclude=_strings(data, "exclude", path, ()),
        levels=_levels(data, path),
        subdecks=_subdecks(data.get("subdecks", "none"), path),
        term_cards=_bool(data, "term_cards", path, True),
        ignore_headings=_strings(data, "ignore_headings", path, ()),
        inline_tags=_bool(data, "inline_tags", path, False),
        preamble=_bool(data, "preamble", path, True),
        link_sections=_bool(data, "link_sections", path, False),
        templates_dir=(base / templates).resolve() if templates else None,
        allow_unsafe_html=_bool(data, "allow_unsafe_html", path, False),
        removed_grace_days=_int(data, "removed_grace_days", path, 90),
        line_breaks=_bool(data, "line_breaks", path, False) if "line_breaks" in data else None,
    )


def project_folder(definitions: Path) -> Path:
    """The project a folder of deck definitions belongs to: its git work tree; without git,
    the folder holding ``decks/``, or the folder itself."""
    from flashgen.discover import enclosing_work_tree

    work_tree = enclosing_work_tree(definitions)
    if work_tree is not None:
        return work_tree
    return definitions.parent if definitions.name == "decks" else definitions


def with_overrides(config: DeckConfig, **overrides: Any) -> DeckConfig:
    """Apply command-line options; an option left at None keeps the deck definition's value."""
    given = {key: value for key, value in overrides.items() if value is not None}
    if "output" in given:
        given["project"] = None  # the caller chose this output, not the deck definition
    if "subdecks" in given:
        given["subdecks"] = _subdecks(given["subdecks"], None)
    return replace(config, **given)


def _where(path: Path | None) -> str:
    return f"{path}: " if path else ""


def _string(data: dict[str, Any], key: str, path: Path, default: str | None) -> Any:
    value = data.get(key, default)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: '{key}' must be a string")
    if isinstance(value, str) and not value.strip():
        raise ConfigError(f"{path}: '{key}' must not be empty")
    return value


def _strings(
    data: dict[str, Any], key: str, path: Path, default: tuple[str, ...]
) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return tuple(cast(list[str], value))


def _bool(data: dict[str, Any], key: str, path: Path, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: '{key}' must be true or false")
    return value


def _int(data: dict[str, Any], key: str, path: Path, default: int) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{path}: '{key}' must be a whole number ≥ 0")
    return value


def _levels(data: dict[str, Any], path: Path) -> tuple[int, ...]:
    value = data.get("levels", [1, 2, 3, 4, 5, 6])
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 6 for v in value)
    ):
        raise ConfigError(f"{path}: 'levels' must be a non-empty list of heading levels 1–6")
    return tuple(sorted(set(value)))


def _subdecks(value: object, path: Path | None) -> Subdecks:
    if value not in SUBDECK_MODES:
        choices = " | ".join(SUBDECK_MODES)
        raise ConfigError(f"{_where(path)}'subdecks' must be one of {choices}, not {value!r}")
    return value
