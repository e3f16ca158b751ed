"""Where a build may write: the rules every writer checks before it touches the disk.

flashgen writes a package, its lockfile, its build lock, its cache and temporary files, all
beside the package the user chose. That choice may be a typo (``-o notes/x.md``) or come
from someone else (a deck definition in a pull request), so:

- the package ends in ``.apkg``, and a file already there is one flashgen wrote;
- nothing is written inside the notes folder, nor outside the deck definition's project,
  unless the command line says so (``--allow-output-anywhere``: a deck definition cannot);
- what a killed build left behind is removed by its exact name, never by a pattern that a
  user's own file could match.
"""

import re
import zipfile
from pathlib import Path

from flashgen.config import DeckConfig
from flashgen.errors import ConfigError

PACKAGE_SUFFIX = ".apkg"
TEMPORARY_SUFFIX = ".flashgen-tmp"
"""Ends the name of every temporary file and folder flashgen makes beside its output."""
_RANDOM = "[a-z0-9_]{8}"
"""What ``tempfile`` puts between a prefix and a suffix."""
_PACKAGE_MEMBER = re.compile(r"collection\.anki2|media|\d+")


class DestinationError(ConfigError):
    """The chosen output would overwrite or write where flashgen must not."""


def check_destination(config: DeckConfig) -> None:
    """Refuse (``DestinationError``) an output the rules above do not allow."""
    output = config.output
    if output.suffix != PACKAGE_SUFFIX:
        raise DestinationError(
            f"output {output} does not end in {PACKAGE_SUFFIX}: flashgen writes Anki packages "
            "only (name it NAME.apkg)"
        )
    if not config.allow_output_anywhere:
        if _inside(output, config.notes_dir):
            raise DestinationError(
                f"output {output} is inside the notes folder {config.notes_dir}, which "
                "flashgen only reads: choose an output elsewhere (or --allow-output-anywhere)"
            )
        if config.project is not None and not _inside(output, config.project):
            raise DestinationError(
                f"output {output} is outside the deck definition's project {config.project}: "
                "a deck definition writes only inside its project (--allow-output-anywhere "
                "on the command line allows it)"
            )
    if output.is_symlink() or (output.exists() and not is_flashgen_package(output)):
        raise DestinationError(
            f"{output} exists and is not a package flashgen wrote: not overwritten (move it "
            "away, or choose another output)"
        )


def is_flashgen_package(path: Path) -> bool:
    """Is ``path`` a regular file holding what flashgen puts in a package, and nothing else?
    (A package Anki exported holds ``collection.anki21``; a note is no zip at all.)"""
    if not path.is_file():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    return "collection.anki2" in names and all(_PACKAGE_MEMBER.fullmatch(n) for n in names)


def temporary_prefix(target: Path, kind: str = "") -> str:
    """The prefix of a temporary file or folder for ``target`` (pass it, and
    ``TEMPORARY_SUFFIX``, to ``tempfile``)."""
    return f".{target.name}.{kind}"


def is_leftover(name: str, target: Path) -> bool:
    """Is ``name`` exactly what ``temporary_prefix(target, …)`` and ``tempfile`` make?"""
    pattern = rf"{re.escape(temporary_prefix(target))}(?:[a-z]+-)?{_RANDOM}"
    return re.fullmatch(pattern + re.escape(TEMPORARY_SUFFIX), name) is not None


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())
