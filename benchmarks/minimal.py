"""The minimal pipeline a user would write instead of flashgen: the floor of a cold build.

Read every note file, split off its YAML frontmatter, parse it with markdown-it-py, make one
card per heading (the heading is the front, what follows it up to the next heading the back),
render the back to HTML, bundle the local images it shows and write one ``.apkg`` with
genanki. No highlighting, no sanitising, no identity across builds, one process: the naive
script. ``bench.py`` runs it as a subprocess on the same vault as ``flashgen build``, so the
ratio between the two is always measured in one run.

The frontmatter is loaded with PyYAML's ``SafeLoader``, the loader python-frontmatter uses.

Usage::

    python -m benchmarks.minimal VAULT OUT.apkg
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import genanki
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

NOTE_SUFFIXES = (".md", ".markdown")
MODEL = genanki.Model(
    1_607_392_319,
    "Minimal",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr>{{Back}}"}],
)


def note_files(vault: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(vault):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(dirpath) / name for name in filenames if name.endswith(NOTE_SUFFIXES)]
    return sorted(found)


def split_frontmatter(text: str) -> tuple[dict[str, object], str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            meta = yaml.load(text[4:end], Loader=yaml.SafeLoader)
            return (meta if isinstance(meta, dict) else {}), text[end + 5 :]
    return {}, text


def images(tokens: Sequence[Token], folder: Path) -> list[str]:
    found = []
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                path = (folder / str(child.attrGet("src") or "")).resolve()
                if path.is_file():
                    found.append(str(path))
    return found


def build(vault: Path, output: Path) -> int:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    deck = genanki.Deck(2_059_400_110, "Minimal")
    media: set[str] = set()
    for path in note_files(vault):
        meta, body = split_frontmatter(path.read_text(encoding="utf-8"))
        tags = meta.get("tags")
        tag_list = [str(tag).replace(" ", "_") for tag in tags] if isinstance(tags, list) else []
        tokens = md.parse(body)
        starts = [i for i, token in enumerate(tokens) if token.type == "heading_open"]
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
            front = tokens[start + 1].content
            back_tokens = tokens[start + 3 : end]
            back = md.renderer.render(back_tokens, md.options, {})
            media.update(images(back_tokens, path.parent))
            deck.add_note(genanki.Note(MODEL, fields=[front, back], tags=tag_list))
    package = genanki.Package(deck)
    package.media_files = sorted(media)
    package.write_to_file(str(output), timestamp=0)
    return len(deck.notes)


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 2:
        print("usage: python -m benchmarks.minimal VAULT OUT.apkg", file=sys.stderr)
        return 2
    notes = build(Path(args[0]), Path(args[1]))
    print(f"{notes} notes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
