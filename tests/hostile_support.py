"""Helpers for the hostile-input, security, CLI and fuzz tests: write a vault byte for byte,
build it, import the package into a real Anki collection, and look for active HTML."""

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from flashgen.sanitize import DROPPED_ELEMENTS, is_unsafe_url
from tests.anki_support import AnkiNote, collection, import_package, media_files, notes

VAULTS = Path(__file__).parent / "vaults"
REPO = Path(__file__).parent.parent
T1 = 1_800_000_000
T2 = T1 + 3600
PNG = (VAULTS / "basic" / "attachments" / "diagram.png").read_bytes()


def write_vault(notes: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write each file exactly: ``str`` as UTF-8 (newlines untouched), ``bytes`` as given."""
    for relpath, content in files.items():
        path = notes / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
    return notes


def copy_vault(name: str, target: Path) -> Path:
    shutil.copytree(VAULTS / name, target)
    return target


def deck_config(notes: Path, output: Path, **changes: object) -> DeckConfig:
    config = DeckConfig(name="Hostile", notes_dir=notes, output=output)
    return replace(config, **changes)  # type: ignore[arg-type]


def build(notes: Path, output: Path, now: int = T1, **changes: object) -> BuildResult:
    return build_deck(deck_config(notes, output, **changes), BuildOptions(now=now))


def messages(result: BuildResult) -> list[str]:
    return [str(diagnostic) for diagnostic in result.diagnostics]


def headings(result: BuildResult) -> list[str]:
    return [note.heading for note in result.plan.notes if note.status != "removed"]


def imported(package: Path, scratch: Path) -> tuple[list[AnkiNote], set[str], Path]:
    """Import ``package`` into a new collection: its notes, media names and media folder."""
    scratch.mkdir(parents=True, exist_ok=True)
    with collection(scratch / "collection.anki2") as col:
        import_package(col, package)
        found = list(notes(col).values())
        media = media_files(col)
        folder = Path(col.media.dir())
    return found, media, folder


def by_prompt(found: list[AnkiNote]) -> dict[str, AnkiNote]:
    return {note.fields["Prompt"]: note for note in found}


class _ActiveContent(HTMLParser):
    """Collects whatever could run inside Anki's webview: script-like elements, event
    handlers, script URLs in any attribute, ``srcdoc``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_ELEMENTS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                self.found.append(f"{tag} {name}=")
            elif value and _script_url(value):
                self.found.append(f"{tag} {name}={value!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _script_url(value: str) -> bool:
    return any(is_unsafe_url(part) for part in value.replace(",", ";").split(";"))


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def flashgen_command(*args: str) -> list[str]:
    """``python -m flashgen …`` with this interpreter."""
    return [sys.executable, "-m", "flashgen", *args]


def subprocess_env() -> dict[str, str]:
    """The environment for a flashgen subprocess: this checkout first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env
