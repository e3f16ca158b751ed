"""Obsidian wikilinks and embeds (``flashgen.dialect.wikilinks``)."""

from pathlib import Path
from shutil import copyfile

import pytest

from flashgen.render import RenderedFile
from tests.render_support import VAULT, answer, media_name, sections


def test_wikilinks_render_their_display_text(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Links"].answer_html
    assert html == (
        '<p>See <span class="fg-wikilink">kvm</span>, '
        '<span class="fg-wikilink">the MMU section</span> and '
        '<span class="fg-wikilink">kvm › Boot</span>, but not <code>[[kvm]]</code> in code.</p>'
    )


@pytest.mark.parametrize(
    "body",
    ["| a |\n|---|\n| [[Note\\|alias]] |", "[[Note\\|alias]]"],
    ids=["table", "prose"],
)
def test_wikilink_with_escaped_pipe_shows_its_alias(tmp_path: Path, body: str) -> None:
    assert '<span class="fg-wikilink">alias</span>' in answer(tmp_path, body)


def test_embeds_resolve_by_file_name_anywhere_shortest_path_first(
    obsidian: RenderedFile,
) -> None:
    item = sections(obsidian)["Embeds"]
    nearest = media_name(VAULT / "attachments/diagram.png")
    archived = media_name(VAULT / "archive/2019/diagram.png")
    assert nearest != archived
    paragraphs = item.answer_html.split("\n")
    assert paragraphs[:3] == [
        f'<p><img src="{nearest}" alt=""></p>',
        f'<p><img src="{nearest}" alt="" width="600"></p>',
        f'<p><img src="{archived}" alt="Old diagram" width="320" height="200"></p>',
    ]
    assert sorted(media.name for media in item.media) == sorted([nearest, archived])


def test_missing_embed_is_a_warning_with_its_line(obsidian: RenderedFile) -> None:
    lines = (VAULT / "obsidian.md").read_text("utf-8").split("\n")
    (warning,) = obsidian.diagnostics
    assert warning.severity == "warning"
    assert warning.message == "media not found: missing.png"
    assert lines[warning.line - 1] == "![[missing.png]]"
    assert '<img src="missing.png" alt="">' in sections(obsidian)["Embeds"].answer_html


def test_remote_images_stay_as_they_are(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Embeds"].answer_html
    assert '<img src="https://example.com/remote.png" alt="remote" />' in html


def test_embed_with_escaped_pipe_outside_a_table_keeps_its_size(tmp_path: Path) -> None:
    copyfile(VAULT / "attachments/diagram.png", tmp_path / "diagram.png")
    name = media_name(tmp_path / "diagram.png")
    assert answer(tmp_path, "![[diagram.png\\|300]]") == (
        f'<p><img src="{name}" alt="" width="300"></p>'
    )
