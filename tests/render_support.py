"""Render whole notes (``tests/notes/render``, a small vault with images) or one-line cases
(a scratch note with a single section), as the build's render stage does."""

import hashlib
from pathlib import Path

from flashgen.config import DEFAULT_INCLUDE
from flashgen.dialect import make_markdown
from flashgen.discover import discover
from flashgen.media import MediaStore
from flashgen.read import read_document
from flashgen.render import RenderedFile, RenderedSection, render_document
from flashgen.split import split_document

VAULT = Path(__file__).parent / "notes" / "render"
ALL_LEVELS = (1, 2, 3, 4, 5, 6)


def render_file(root: Path, relpath: str) -> RenderedFile:
    vault = discover(root, DEFAULT_INCLUDE, (), media_root=root)
    (source,) = (source for source in vault.sources if source.relpath == relpath)
    read = read_document(source)
    assert read.document is not None, read.diagnostics
    md = make_markdown()
    parsed = split_document(read.document, md, ALL_LEVELS, link_sections=True)  # any body
    return render_document(parsed, md, MediaStore(vault), allow_unsafe_html=False)


def sections(rendered: RenderedFile) -> dict[str, RenderedSection]:
    return {item.section.heading: item for item in rendered.sections}


def answer(tmp_path: Path, body: str) -> str:
    """The answer HTML of a note whose one section has ``body``."""
    (tmp_path / "note.md").write_text(f"# Question\n\n{body}\n", "utf-8")
    (item,) = render_file(tmp_path, "note.md").sections
    return item.answer_html


def media_name(path: Path) -> str:
    return f"flashgen-{hashlib.sha256(path.read_bytes()).hexdigest()[:20]}.png"
