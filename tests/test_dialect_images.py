"""Markdown images (``flashgen.dialect.images``)."""

from pathlib import Path
from shutil import copyfile

from flashgen.render import RenderedSection
from tests.render_support import VAULT, media_name, render_file


def test_local_image_resolves_relative_to_the_note(kvm: dict[str, RenderedSection]) -> None:
    item = kvm["Introduction"]
    name = media_name(VAULT / "systems/img/ept.png")
    assert f'<img src="{name}" alt="EPT walk" />' in item.answer_html
    assert [(media.name, media.path) for media in item.media] == [
        (name, (VAULT / "systems/img/ept.png").resolve())
    ]


def test_windows_paths_resolve(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "notes").mkdir()
    copyfile(VAULT / "attachments/diagram.png", tmp_path / "images" / "a.png")
    (tmp_path / "notes" / "note.md").write_text(
        '# Q\n\n![a](..\\images\\a.png) and <img src="..\\images\\a.png">\n', "utf-8"
    )
    rendered = render_file(tmp_path, "notes/note.md")
    name = media_name(tmp_path / "images" / "a.png")
    assert not rendered.diagnostics
    assert rendered.sections[0].answer_html == (
        f'<p><img src="{name}" alt="a" /> and <img src="{name}"></p>'
    )
